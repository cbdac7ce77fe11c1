"""What the field benchmarks share: how values are compared, and a right/total tally."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Fields compared ignoring letter case and punctuation: agency names and job titles, whose
#: capitalisation cannot be recovered from an all-capitals header.
CASELESS = {"co_quan_ban_hanh", "chuc_vu"}


def comparable(name: str, value: object) -> object:
    if isinstance(value, str):
        text = " ".join(unicodedata.normalize("NFC", value).split())
        if name in CASELESS:
            return "".join(ch for ch in text.casefold() if ch.isalnum() or ch == " ")
        return text
    return value


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    def rate(self) -> str:
        return f"{self.right / self.total:.1%} ({self.right}/{self.total})" if self.total else "—"

    def value(self) -> float:
        return self.right / self.total if self.total else 1.0
