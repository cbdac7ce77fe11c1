"""Text matching that survives OCR: case- and spacing-insensitive, optionally accent-blind."""

from __future__ import annotations

import re
import unicodedata
from functools import cache


def fold(text: str) -> str:
    """Lower case without diacritics (đ -> d), whitespace collapsed: for recognising words
    OCR may have mis-accented, never for values."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())


def _label_body(label: str) -> str:
    parts = [re.escape(part) for part in label.split()]
    return r"\s*".join(parts)


@cache
def label_pattern(label: str) -> re.Pattern[str]:
    """A printed label, whole words, any spacing, then its colon ("Họ và tên:" but not the
    "Họ và tên" inside "Họ và tên cha:")."""
    return re.compile(rf"(?<![\w]){_label_body(label)}\s*[:：]\s*", re.IGNORECASE)


@cache
def heading_pattern(label: str) -> re.Pattern[str]:
    """A label ending its line with no colon: its value is on the line below
    ("2. Địa chỉ trụ sở chính")."""
    return re.compile(rf"(?<![\w]){_label_body(label)}\s*$", re.IGNORECASE)


def starts_with(line: str, phrase: str) -> bool:
    return fold(line).startswith(fold(phrase))


def contains(text: str, phrase: str) -> bool:
    return fold(phrase) in fold(text)
