"""Text as the journal can keep it. A NUL character is no text: no person types one and no
app writes one, a damaged or hand-made file may, and PostgreSQL can store one neither as text
nor inside JSON. Every way in (a plan file, crisis resources, an import) refuses it by where."""

from typing import Any

from kratomlog.core.errors import InputError

NUL_PROBLEM = "holds a NUL character (\\x00), which no text can"


def nul_at(document: Any) -> str | None:
    """Where the first NUL character is (`changes[1].after.note`, `rule[0].id`), if any."""
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return where or "text"
        elif isinstance(value, dict):
            for key, inner in value.items():
                if "\x00" in str(key):
                    return f"{where}.{key!r}".lstrip(".")
                pending.append((f"{where}.{key}".lstrip("."), inner))
        elif isinstance(value, list | tuple):
            pending.extend((f"{where}[{index}]", inner) for index, inner in enumerate(value))
    return None


def refuse_nul(document: Any, field: str) -> None:
    """InputError naming where in `field` a NUL character is, if one is."""
    where = nul_at(document)
    if where is not None:
        raise InputError(field if where == "text" else f"{field}: {where}", NUL_PROBLEM)
