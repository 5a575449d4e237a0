"""A JSON file as the apps write it, read once for every JSON format.

An app that keeps text as UTF-16 (Swift, Kotlin and JavaScript do) and cuts a note or a title
in the middle of an emoji writes half of it: an escape such as \\ud83d alone, which JSON reads but
no text can hold (the journal could not store it). Each such half becomes U+FFFD, the mark for a
character that could not be read, and the summary says how many; the rest of the text is kept.
"""

import json
import re
from typing import Any

from kratomlog.core.formats import ImportRejected, RowError
from kratomlog.core.words import count

_HALF = re.compile("[\ud800-\udfff]")  # a pair is one character once read: these are alone


def read_json(text: str) -> tuple[Any, int]:
    """The document, and how many halves of a character it held (now U+FFFD)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRejected([RowError(0, "file", f"not JSON ({error})")]) from None
    except RecursionError:
        raise ImportRejected(
            [RowError(0, "file", "nested deeper than any app's export; not a file to import")]
        ) from None
    return _mended(document)


def broken_characters(halves: int) -> str:
    """What the summary says of them."""
    return (
        f"{count(halves, 'broken character')} (half of an emoji, cut by the app that wrote the "
        "file) kept as \ufffd"
    )


def _mended(document: Any) -> tuple[Any, int]:
    """Walked without recursion: a document may be nested as deep as json.loads allows."""
    halves = 0

    def mend(text: str) -> str:
        nonlocal halves
        if text.isascii():
            return text
        mended, found = _HALF.subn("\ufffd", text)
        halves += found
        return mended

    if isinstance(document, str):
        return mend(document), halves
    pending = [document] if isinstance(document, dict | list) else []
    while pending:
        container = pending.pop()
        if isinstance(container, dict):
            for key in list(container):
                value = container.pop(key) if not key.isascii() else container[key]
                if isinstance(value, str):
                    value = mend(value)
                elif isinstance(value, dict | list):
                    pending.append(value)
                container[mend(key)] = value
        else:
            for index, value in enumerate(container):
                if isinstance(value, str):
                    container[index] = mend(value)
                elif isinstance(value, dict | list):
                    pending.append(value)
    return document, halves

