"""Words and text of a born-digital page, from its text layer with pdfplumber (never OCR)."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Generator, Iterable, Sequence
from operator import itemgetter
from typing import Any

from pdfplumber._typing import T_dir
from pdfplumber.utils.clustering import cluster_objects
from pdfplumber.utils.text import WordExtractor

from pipeline.models import PageText, TextSource, Word
from pipeline.ocr.layout import arrange, nfc, words_to_text

#: Words whose baselines differ by less than this many points sit on one line...
LINE_TOLERANCE = 3.0
#: ... or by less than this share of the smaller one's size: the small print of an ID card
#: has its lines less than 3 points apart.
LINE_TOLERANCE_RATIO = 0.25
#: Letters closer than this share of their font size belong to one word. A space is about a
#: quarter of an em in text fonts: relative to the size, the small print of an ID card
#: (4-6 pt, spaces of about 1 pt) is split into words as body text is.
WORD_GAP_RATIO = 0.12


def baseline(char: dict[str, Any]) -> float:
    """Where an upright character sits, from the top of the page: its box bottom raised by
    the font's descent. Boxes come from each font's own metrics, so two fonts on one line
    (a number stamped into a slot by another program) differ in top, not in baseline."""
    matrix = char.get("matrix")
    if not matrix or "y0" not in char:
        return float(char["bottom"])
    return float(char["bottom"]) - (float(matrix[5]) - float(char["y0"]))


def apart(base: float, size: float, other_base: float, other_size: float) -> bool:
    """Two baselines (of text of these sizes, points) belong to different lines."""
    limit = min(LINE_TOLERANCE, LINE_TOLERANCE_RATIO * min(size, other_size))
    return abs(base - other_base) > limit


def _size(char: dict[str, Any]) -> float:
    return float(char.get("size") or char["bottom"] - char["top"])


class _LineByBaseline(WordExtractor):
    """pdfplumber's word extractor, grouping upright characters into lines by baseline."""

    def iter_chars_to_lines(self, chars: Iterable[dict[str, Any]]
                            ) -> Generator[tuple[list[dict[str, Any]], T_dir], None, None]:
        chars = sorted(chars, key=baseline)
        if not chars[0]["upright"]:
            yield from super().iter_chars_to_lines(chars)
            return
        line = [chars[0]]
        for prev, char in itertools.pairwise(chars):
            if apart(baseline(prev), _size(prev), baseline(char), _size(char)):
                yield sorted(line, key=itemgetter("x0")), self.get_char_dir(1)
                line = []
            line.append(char)
        yield sorted(line, key=itemgetter("x0")), self.get_char_dir(1)

    def merge_chars(self, ordered_chars: list[dict[str, Any]]) -> dict[str, Any]:
        word: dict[str, Any] = super().merge_chars(ordered_chars)
        word["baseline"] = baseline(ordered_chars[0]) if word["upright"] else word["bottom"]
        return word


_SAME_GLYPH = itemgetter("upright", "text", "fontname", "size")


def dedupe(chars: Sequence[dict[str, Any]], tolerance: float = 1.0) -> list[dict[str, Any]]:
    """The characters without those drawn again within ``tolerance`` of themselves (word
    processors fake bold by drawing each glyph twice, slightly offset), in drawing order.
    pdfplumber's ``dedupe_chars`` does the same but restores the order with ``list.index``,
    quadratic in the characters: a fifth of a second per page."""
    kept: list[int] = []
    order = sorted(range(len(chars)), key=lambda i: _SAME_GLYPH(chars[i]))
    for _, same in itertools.groupby(order, key=lambda i: _SAME_GLYPH(chars[i])):
        for row in cluster_objects([(i,) for i in same], lambda t: chars[t[0]]["doctop"],
                                   tolerance):
            for spot in cluster_objects(row, lambda t: chars[t[0]]["x0"], tolerance):
                kept.append(min(spot, key=lambda t: (chars[t[0]]["doctop"],
                                                     chars[t[0]]["x0"]))[0])
    return [chars[i] for i in sorted(kept)]


def chars_to_words(chars: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Words of pdfplumber characters in reading order (lines top to bottom, left to right),
    whatever order the characters were drawn in."""
    extractor = _LineByBaseline(keep_blank_chars=False, use_text_flow=False,
                                x_tolerance_ratio=WORD_GAP_RATIO, y_tolerance=LINE_TOLERANCE)
    words: list[dict[str, Any]] = extractor.extract_words(dedupe(chars))
    return words


def page_words(plumber_page: Any, extra_chars: Sequence[dict[str, Any]] = ()
               ) -> list[dict[str, Any]]:
    """The page's words, with ``extra_chars`` (text its annotations show, ``doctop`` counted
    from the page's top) placed in their lines."""
    offset = float(plumber_page.initial_doctop)
    extra = [{**c, "doctop": float(c["top"]) + offset} for c in extra_chars]
    return chars_to_words([*plumber_page.chars, *extra])


def text_lines(chars: Sequence[dict[str, Any]]) -> list[str]:
    """The lines of text some characters make (an e-signature stamp's), top to bottom."""
    lines: list[list[str]] = []
    last: tuple[float, float] | None = None
    for word in chars_to_words(chars):
        size = float(word["bottom"]) - float(word["top"])
        if last is None or apart(float(word["baseline"]), size, *last):
            lines.append([])
        lines[-1].append(nfc(str(word["text"])))
        last = float(word["baseline"]), size
    return [" ".join(line) for line in lines]


def read_text_layer(number: int, page_box: tuple[float, float, float, float],
                    raw_words: Sequence[dict[str, Any]]) -> PageText:
    """Build the page from pdfplumber word dicts; boxes in points, origin top-left of the page."""
    x_origin, y_origin, x_end, y_end = page_box
    words: list[Word] = []
    line = -1
    last_base: float | None = None
    last_size = last_x1 = 0.0
    line_tops: list[float] = []
    heights: list[float] = []
    for raw in raw_words:
        text = nfc(str(raw["text"])).strip()
        if not text:
            continue
        top, bottom = float(raw["top"]) - y_origin, float(raw["bottom"]) - y_origin
        x0, x1 = float(raw["x0"]) - x_origin, float(raw["x1"]) - x_origin
        base = float(raw.get("baseline", raw["bottom"]))
        if last_base is None or apart(base, bottom - top, last_base, last_size) \
                or x0 < last_x1 - 1.0:
            line += 1
            line_tops.append(top)
            heights.append(bottom - top)
        last_base, last_size, last_x1 = base, bottom - top, x1
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
