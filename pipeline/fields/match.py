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


def _fold_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", ch.lower())
                   if not unicodedata.combining(c))
    return base if len(base) == 1 else ch


def fold_in_place(text: str) -> str:
    """Like :func:`fold` but one character for one, spacing kept: positions in the result
    are positions in ``text``, so a label found accent-blind cuts the printed line."""
    return "".join(_fold_char("d" if ch in "đĐ" else ch) for ch in text)


def _label_body(label: str) -> str:
    # Any spacing between words, and the stray quotes OCR reads next to a slash.
    parts = [re.escape(part) for part in fold_in_place(label).split()]
    return r"[\s'‘’`]*".join(parts)


@cache
def label_pattern(label: str) -> re.Pattern[str]:
    """A printed label, whole words, any spacing, then its colon ("Họ và tên:" but not the
    "Họ và tên" inside "Họ và tên cha:"). Search it in :func:`fold_in_place` text: OCR
    drops and swaps tone marks ("Ngay, tháng, năm")."""
    # A bilingual card label may go on in English, however misread: "Họ và tên / Eull name:".
    english = "" if "/" in label else r"(?:\s*/[^:：/]{1,30})?"
    return re.compile(rf"(?<![\w]){_label_body(label)}{english}\s*[:：]\s*")


@cache
def heading_pattern(label: str) -> re.Pattern[str]:
    """A label ending its line with no colon: its value is on the line below
    ("2. Địa chỉ trụ sở chính"); searched in :func:`fold_in_place` text."""
    return re.compile(rf"(?<![\w]){_label_body(label)}\s*$")


def starts_with(line: str, phrase: str) -> bool:
    return fold(line).startswith(fold(phrase))


def contains(text: str, phrase: str) -> bool:
    return fold(phrase) in fold(text)
