"""Words and text of a born-digital page, from its text layer with pdfplumber (never OCR)."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from typing import Any

from pipeline.models import PageText, TextSource, Word
from pipeline.ocr.layout import arrange, nfc, words_to_text

#: Words whose tops differ by less than this many points sit on one line.
LINE_TOLERANCE = 3.0
#: Letters closer than this share of their font size belong to one word. A space is about a
#: quarter of an em in text fonts: relative to the size, the small print of an ID card
#: (4-6 pt, spaces of about 1 pt) is split into words as body text is.
WORD_GAP_RATIO = 0.12


def page_words(plumber_page: Any) -> list[dict[str, Any]]:
    """pdfplumber words in reading order (lines top to bottom, left to right)."""
    # Word processors fake bold by drawing each glyph twice, slightly offset: keep one.
    words: list[dict[str, Any]] = plumber_page.dedupe_chars().extract_words(
        keep_blank_chars=False, use_text_flow=False, x_tolerance_ratio=WORD_GAP_RATIO,
        y_tolerance=LINE_TOLERANCE,
    )
    return words


def read_text_layer(number: int, page_box: tuple[float, float, float, float],
                    raw_words: Sequence[dict[str, Any]]) -> PageText:
    """Build the page from pdfplumber word dicts; boxes in points, origin top-left of the page."""
    x_origin, y_origin, x_end, y_end = page_box
    words: list[Word] = []
    line = -1
    last_top: float | None = None
    last_x1 = 0.0
    line_tops: list[float] = []
    heights: list[float] = []
    for raw in raw_words:
        text = nfc(str(raw["text"])).strip()
        if not text:
            continue
        top, bottom = float(raw["top"]) - y_origin, float(raw["bottom"]) - y_origin
        x0, x1 = float(raw["x0"]) - x_origin, float(raw["x1"]) - x_origin
        if last_top is None or abs(top - last_top) > LINE_TOLERANCE or x0 < last_x1 - 1.0:
            line += 1
            line_tops.append(top)
            heights.append(bottom - top)
        last_top, last_x1 = top, x1
        words.append(Word(text, (round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2)),
                          1.0, line))
    words, breaks = arrange(words, _paragraph_breaks(line_tops, heights))
    return PageText(
        number=number,
        width=round(x_end - x_origin),
        height=round(y_end - y_origin),
        dpi=72,
        text_source=TextSource.TEXT_LAYER,
        words=tuple(words),
        text=words_to_text(words, breaks),
        mean_confidence=1.0 if words else None,
    )


def _paragraph_breaks(line_tops: list[float], heights: list[float]) -> frozenset[int]:
    """Lines preceded by a gap well above the usual line spacing start a paragraph."""
    if len(line_tops) < 3:
        return frozenset()
    gaps = [b - a for a, b in itertools.pairwise(line_tops)]
    usual = statistics.median(gaps)
    tall = statistics.median(heights)
    limit = max(usual * 1.6, tall * 2.0)
    return frozenset(i + 1 for i, gap in enumerate(gaps) if gap > limit)
