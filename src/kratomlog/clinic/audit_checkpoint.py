"""Checkpoints of the audit log, written where the database cannot reach them.

A checkpoint is a small JSON file in KRATOMLOG_AUDIT_CHECKPOINTS (a directory; the worker writes
one every few minutes, `clinic audit checkpoint` one now), optionally mailed to
KRATOMLOG_AUDIT_CHECKPOINT_MAIL: the rows the log held, the last id, every chain's head, and an
HMAC under the audit key. Rows deleted from a chain's end, or the whole table truncated, leave
every remaining chain intact; only a checkpoint says they were there.
"""

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.db.models import Count, Max

from kratomlog.clinic import audit
from kratomlog.clinic.models import AuditEntry
from kratomlog.core.errors import InputError

DIRECTORY_VARIABLE = "KRATOMLOG_AUDIT_CHECKPOINTS"
MAIL_VARIABLE = "KRATOMLOG_AUDIT_CHECKPOINT_MAIL"
PREFIX = "audit-checkpoint-"


@dataclass(frozen=True)
class Checkpoint:
    at: datetime
    rows: int
    last_id: int
    heads: dict[str, tuple[int, int, str]]  # chain: (seq, id, hash)
    path: Path

    @property
    def when(self) -> str:
        return self.at.strftime("%Y-%m-%d %H:%M UTC")


def directory() -> Path | None:
    given = os.environ.get(DIRECTORY_VARIABLE, "").strip()
    return Path(given).expanduser() if given else None


def _body(at: datetime, rows: int, last_id: int, heads: dict[str, list[object]]) -> str:
    document = {"at": at.isoformat(), "rows": rows, "last_id": last_id, "heads": heads}
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def write(now: datetime) -> Path:
    """Write a checkpoint of the log as it is now; its path. Needs KRATOMLOG_AUDIT_CHECKPOINTS."""
    place = directory()
    if place is None:
        raise InputError(DIRECTORY_VARIABLE, "not set: name a directory the database cannot reach")
    place.mkdir(parents=True, exist_ok=True)
    secret = audit.key()
    per_chain = AuditEntry.objects.values("chain").annotate(n=Count("id"), top=Max("seq"))
    heads: dict[str, list[object]] = {}
    rows = last_id = 0
    for chain in per_chain:
        head = AuditEntry.objects.get(chain=chain["chain"], seq=chain["top"])
        heads[head.chain] = [head.seq, head.id, head.hash]
        rows += chain["n"]
        last_id = max(last_id, head.id)
    at = now.astimezone(UTC).replace(microsecond=0)
    body = _body(at, rows, last_id, heads)
    text = json.dumps({"checkpoint": json.loads(body), "mac": audit.mac(secret, body)}, indent=1)
    path = place / f"{PREFIX}{at.strftime('%Y%m%dT%H%M%SZ')}.json"
    draft = path.with_suffix(f".{os.getpid()}.part")
    draft.write_text(text + "\n")
    draft.chmod(0o600)
    draft.replace(path)
    _mail(path, text, at, rows)
    return path


def _mail(path: Path, text: str, at: datetime, rows: int) -> None:
    to = os.environ.get(MAIL_VARIABLE, "").strip()
    if not to:
        return
    from django.core.mail import send_mail

    subject = f"kratomlog audit checkpoint {at.strftime('%Y-%m-%d %H:%M UTC')}: {rows:,} rows"
    send_mail(subject, f"{path.name}\n\n{text}\n", None, [to])


def latest() -> Checkpoint | None:
    """The newest checkpoint in the directory, its HMAC checked; None when there is none."""
    place = directory()
    if place is None or not place.is_dir():
        return None
    files = sorted(place.glob(f"{PREFIX}*.json"))
    if not files:
        return None
    path = files[-1]
    try:
        document = json.loads(path.read_text())
        body = _body(
            datetime.fromisoformat(document["checkpoint"]["at"]),
            document["checkpoint"]["rows"], document["checkpoint"]["last_id"],
            document["checkpoint"]["heads"],
        )  # fmt: skip
        signed = audit.mac(audit.key(create=False), body) == document["mac"]
    except (ValueError, KeyError, TypeError):
        signed = False
    if not signed:
        raise InputError(
            DIRECTORY_VARIABLE,
            f"{path.name} is not a checkpoint signed with this clinic's audit key",
        )
    fields = document["checkpoint"]
    return Checkpoint(
        at=datetime.fromisoformat(fields["at"]), rows=fields["rows"], last_id=fields["last_id"],
        heads={c: (h[0], h[1], h[2]) for c, h in fields["heads"].items()}, path=path,
    )  # fmt: skip


def _ids(first: int, last: int) -> str:
    return f"row {first:,}" if first == last else f"rows {first:,}-{last:,}"


def compare(seen: audit.Chains, checkpoint: Checkpoint) -> str | None:
    """What the log lacks that `checkpoint` holds, in words; None when it holds all of it."""
    of = f"the checkpoint of {checkpoint.when}"
    if seen.rows == 0 and checkpoint.rows:
        return f"all rows are missing (the log is empty); {of} holds {checkpoint.rows:,} rows"
    if checkpoint.last_id and seen.last_id < checkpoint.last_id:
        first, last = seen.last_id + 1, checkpoint.last_id
        verb = "is" if first == last else "are"
        return f"{_ids(first, last)} {verb} missing; {of} holds {last:,}"
    for chain, (seq, row_id, head_hash) in sorted(checkpoint.heads.items()):
        now_seq, _, _ = seen.heads.get(chain, (0, 0, ""))
        if now_seq < seq:
            return (
                f"the end of chain {chain} is missing: {of} has it at row {row_id:,} "
                f"(its row {seq:,}), the log only to its row {now_seq:,}"
            )
        held = AuditEntry.objects.filter(chain=chain, seq=seq).values_list("hash", flat=True)
        if list(held) != [head_hash]:
            return f"row {row_id:,} is not the row {of} holds"
    if seen.rows < checkpoint.rows:
        return f"{checkpoint.rows - seen.rows:,} rows are missing; {of} holds {checkpoint.rows:,}"
    return None
