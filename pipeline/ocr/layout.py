"""Rebuild page text from positioned words, the same way for OCR and for text layers."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from pipeline.models import Word


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def words_to_text(words: Sequence[Word], paragraph_breaks: frozenset[int] = frozenset()) -> str:
    """Join words line by line; a blank line goes before each line index in ``paragraph_breaks``.

    Words must already be in reading order and carry their line index.
    """
    lines: list[str] = []
    current: list[str] = []
    current_line: int | None = None
    for word in words:
        if current_line is not None and word.line != current_line:
            lines.append(" ".join(current))
            current = []
            if word.line in paragraph_breaks:
                lines.append("")
        current.append(word.text)
        current_line = word.line
    if current:
        lines.append(" ".join(current))
    return "\n".join(lines)


def mean_confidence(words: Sequence[Word]) -> float | None:
    """Character-weighted mean, so a confident long word outweighs a doubtful dot."""
    total = sum(len(w.text) for w in words)
    if total == 0:
        return None
    return round(sum(w.confidence * len(w.text) for w in words) / total, 4)
