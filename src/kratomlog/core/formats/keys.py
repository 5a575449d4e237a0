"""Stable keys for imported rows, so that importing the same file twice adds nothing."""

import hashlib
from collections import Counter
from collections.abc import Iterable


class KeyMaker:
    """Identical rows in one file get distinct keys (#1, #2...) that are the same on every read:
    two identical doses at the same minute are still two doses."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.seen: Counter[str] = Counter()

    def key(self, parts: Iterable[object]) -> str:
        digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
        self.seen[digest] += 1
        return f"{self.prefix}:{digest[:40]}#{self.seen[digest]}"
