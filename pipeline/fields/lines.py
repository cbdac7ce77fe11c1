"""Page text as lines whose characters map back to words: a regex match on a line gives the
value's page, box and OCR confidence (its provenance)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

from pipeline.models import PageText, Word


@dataclass(frozen=True)
class TextLine:
    page: int  # 1-based
    index: int  # line number within the whole document, in reading order
    text: str
    words: tuple[Word, ...]
    spans: tuple[tuple[int, int], ...]  # character span of each word in ``text``

    def words_in(self, start: int, end: int) -> list[Word]:
        pairs = zip(self.words, self.spans, strict=True)
        return [w for w, (a, b) in pairs if a < end and b > start]


@dataclass(frozen=True)
class Evidence:
    """Where a value was read: its page, box, the words' mean confidence and the raw text."""

    page: int
    bbox: tuple[float, float, float, float] | None
    confidence: float
    raw: str
    lowest: float = 1.0  # the least confident word's confidence


def document_lines(pages: Sequence[PageText]) -> list[TextLine]:
    lines: list[TextLine] = []
    for page in pages:
        for _, group in groupby(page.words, key=lambda w: w.line):
            words = tuple(group)
            spans = []
            position = 0
            for word in words:
                spans.append((position, position + len(word.text)))
                position += len(word.text) + 1
            lines.append(TextLine(page.number, len(lines), " ".join(w.text for w in words),
                                  words, tuple(spans)))
    return lines


def evidence(parts: Sequence[tuple[TextLine, int, int]]) -> Evidence:
    """Provenance of a value spanning ``(line, start, end)`` pieces (several for wrapped
    values). The box covers the words on the first page the value is on."""
    words = [w for line, a, b in parts for w in line.words_in(a, b)]
    raw = " ".join(line.text[a:b] for line, a, b in parts if b > a).strip().replace(" ,", ",")
    page = parts[0][0].page
    on_page = [w for line, a, b in parts if line.page == page for w in line.words_in(a, b)]
    bbox = None
    if on_page:
        bbox = (min(w.box[0] for w in on_page), min(w.box[1] for w in on_page),
                max(w.box[2] for w in on_page), max(w.box[3] for w in on_page))
    total = sum(len(w.text) for w in words)
    confidence = (sum(w.confidence * len(w.text) for w in words) / total) if total else 0.0
    return Evidence(page, bbox, confidence, raw, min((w.confidence for w in words), default=0.0))


def window(lines: Sequence[TextLine], first_page_only: bool, first: int | None,
           last: int | None) -> Iterator[TextLine]:
    """The lines a template searches: optionally page 1 only, optionally a line range."""
    pool = [ln for ln in lines if ln.page == 1] if first_page_only else list(lines)
    yield from pool[first:last]
