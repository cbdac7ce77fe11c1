"""Pair printed labels with their values, wherever a form puts them.

Forms print a value after its label on the same line ("Họ và tên: NGUYỄN VĂN AN"), in the
cell to the right of the label's cell (a label | value table: no colon, a column gap), or
under the label (a label ending its line, a bordered grid cell, a table's header row).
First every known label on every line is found (:func:`scan`); a value then runs from its
label to the next label on the line, even one OCR glued to it ("001155941585Cấpngày:..."),
or is the cells standing under the label on the lines below it.

Each value comes with how much its pairing is to be believed: a colon says "a value
follows" outright, a column gap or a line of labels over a line of values less so.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from pipeline.fields.lexicon import key, label_regex
from pipeline.fields.lines import TextLine
from pipeline.fields.match import fold, fold_in_place
from pipeline.fields.methods import Candidate

#: A horizontal gap of this many text heights separates two cells or columns of a line.
COLUMN_GAP = 1.0
#: ... and this much after a label opening a line, since a label filling its cell leaves only
#: the cell's padding (words are about a third of a height apart).
LABEL_GAP = 0.55
#: How far below a line the next line of the same block may start, in text heights.
LINE_GAP = 1.25
#: Belief in a pairing: colon, value beside; colon, value below; column gap, value beside;
#: label alone over its value (table header, heading, grid cell).
COLON_BESIDE, COLON_BELOW, GAP_BESIDE, LABEL_OVER = 1.0, 0.97, 0.95, 0.92
#: How many lines before and after a label its row's other cells may be found at.
ROW_MATE_LINES = 6
#: A line with this many labels and no colon is a table's header row: values sit below.
HEADER_LABELS = 3
#: What may open a line before its label: a bullet, a number, a roman numeral.
_LEAD = re.compile(r"^\s*(?:[-*•+]\s*|(?:\d{1,2}|[ivxIVX]{1,4})\s*[.)]\s*)?")
#: The numbering of the next item, left at the end of a value ("Nam   3.").
_NUMBERING = re.compile(r"\s+\(?\d{1,2}[.)]\s*$")
#: What OCR leaves right after a label besides its colon (specks, a stray full stop).
_AFTER_LABEL = " .,;'’"
#: How alike a misread label must be to a known one (difflib ratio, letters only).
FUZZY_LABEL = 0.86
#: A line that starts a new "Label: value" (it does not continue the value above it).
_LABEL_LIKE = re.compile(r"^[^:：\d]{2,60}[:：]")
_ITEM = re.compile(r"\s*\d{1,2}\.\s")


@dataclass(frozen=True)
class Hit:
    """A label printed on a line: characters ``start``-``end`` (colon included)."""

    line: TextLine
    start: int
    end: int
    label: str  # the lexicon's wording, folded (see :func:`pipeline.fields.lexicon.key`)
    colon: bool


@dataclass(frozen=True)
class Paired:
    """A value found for a label, and how much the way it was paired is believed."""

    parts: Candidate
    belief: float
    tier: int  # 0 colon, 1 column gap beside, 2 label over value


def _height(line: TextLine) -> float:
    return statistics.median(w.box[3] - w.box[1] for w in line.words) if line.words else 0.0


def _word_at(line: TextLine, char: int) -> int | None:
    """Index of the word holding character ``char``, or of the first word after it."""
    return next((i for i, (_, end) in enumerate(line.spans) if char < end), None)


def _gap_before(line: TextLine, char: int) -> float:
    """Horizontal gap in text heights between the word at ``char`` and the one before
    (infinite at the start of the line, zero without word boxes)."""
    i = _word_at(line, char)
    if i is None or not line.words:
        return 0.0
    if i == 0:
        return float("inf")
    height = _height(line) or 1.0
    return (line.words[i].box[0] - line.words[i - 1].box[2]) / height


def _gap_after(line: TextLine, char: int) -> float:
    """Gap in text heights after the word ending at or before ``char`` (infinite at the
    end of the line)."""
    text = line.text[char:]
    if not text.strip():
        return float("inf")
    return _gap_before(line, char + len(text) - len(text.lstrip()))


def _caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) > 3 and all(ch.isupper() for ch in letters)


def _line_hits(line: TextLine, labels: Sequence[str]) -> list[Hit]:
    """Every label on ``line``, longest first where they overlap. A label without a colon
    counts only where a cell would hold it: at the start of the line or after a column gap,
    and followed by a gap, the line's end or another label; and not on an all-capitals line
    (titles and signature blocks: "NGƯỜI NỘP HỒ SƠ")."""
    folded = fold_in_place(line.text)
    lead = _LEAD.match(line.text)
    first = lead.end() if lead else 0
    found: list[Hit] = []
    for label in labels:
        for match in label_regex(label).finditer(folded):
            start = match.start("label")
            colon = match.group("colon") is not None
            end = match.end()
            while end < len(line.text) and line.text[end] in _AFTER_LABEL:
                end += 1
            found.append(Hit(line, start, end, key(label), colon))
    found.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in found:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    caps = _caps(line.text)
    out: list[Hit] = []
    for i, hit in enumerate(kept):
        if hit.colon:
            out.append(hit)
            continue
        if caps or not (hit.start <= first or _gap_before(line, hit.start) >= COLUMN_GAP):
            continue
        following = kept[i + 1].start if i + 1 < len(kept) else None
        gap = LABEL_GAP if hit.start <= first else COLUMN_GAP
        if following == hit.end or _gap_after(line, hit.end) >= gap:
            out.append(hit)
    out += _misread_labels(line, folded, out, labels)
    return sorted(out, key=lambda h: h.start)


def _letters(text: str) -> str:
    return "".join(ch for ch in re.sub(r"\(\s*\d{1,2}\s*\)", "", text) if ch.isalpha())


@cache
def _label_letters(label: str) -> str:
    return _letters(key(label))


def _closest(letters: str, labels: Sequence[str]) -> tuple[str, float]:
    best, score = "", 0.0
    for label in labels:
        target = _label_letters(label)
        if abs(len(target) - len(letters)) > 0.25 * len(target) or len(target) < 8:
            continue
        matcher = SequenceMatcher(None, letters, target)
        if matcher.real_quick_ratio() < FUZZY_LABEL or matcher.quick_ratio() < FUZZY_LABEL:
            continue
        ratio = matcher.ratio()
        if ratio > score:
            best, score = label, ratio
    return best, score


def _misread_labels(line: TextLine, folded: str, found: Sequence[Hit],
                    labels: Sequence[str]) -> list[Hit]:
    """Labels OCR misread (a word dropped, a colon inside: "Giấy:tờ tùy thân(3):"): text
    ending in a colon - from the line's start, the previous label or colon - with no known
    label inside, whose letters are nearly those of a long label."""
    out: list[Hit] = []
    lead = _LEAD.match(line.text)
    bounds = [lead.end() if lead else 0]  # where a label may start: the line, after a colon
    for colon in (m.start() for m in re.finditer(r"[:：]", folded)):
        known = (*found, *out)
        if any(h.start <= colon < h.end for h in known):
            bounds.append(colon + 1)
            continue
        floor = max((h.end for h in known if h.end <= colon), default=0)
        for start in sorted((b for b in bounds if floor <= b < colon), reverse=True):
            letters = _letters(folded[start:colon].split("/")[0])  # without an English half
            if not 8 <= len(letters) <= 60:
                continue
            best, score = _closest(letters, labels)
            if score >= FUZZY_LABEL:
                stop = colon + 1
                while stop < len(line.text) and line.text[stop] in _AFTER_LABEL:
                    stop += 1
                while start < colon and line.text[start] == " ":
                    start += 1
                out.append(Hit(line, start, stop, key(best), True))
                break
        bounds.append(colon + 1)
    return out


def _wrapped_label(line: TextLine, below: TextLine, hits: Sequence[Hit],
                   labels: Sequence[str]) -> Hit | None:
    """A label whose table cell wrapped it over two lines ("Tên doanh nghiệp viết bằng
    tiếng" over "Việt"), its value in the next cell of the first line: the first cells of
    both lines, left-aligned, read together as a known label."""
    cells = _cells(line, LABEL_GAP)
    if len(cells) < 2 or any(h.start <= cells[0][1] for h in hits) or not below.words:
        return None
    first, rest = cells[0], _cells(below, LABEL_GAP)[0]
    height = _height(line) or 1.0
    if abs(rest[2] - first[2]) > height or rest[3] > cells[1][2] or not _follows(line, below):
        return None
    joined = fold(f"{line.text[first[0]:first[1]]} {below.text[rest[0]:rest[1]]}")
    lead = _LEAD.match(joined)
    joined = joined[lead.end() if lead else 0:].rstrip(" .:")
    for label in labels:
        if key(label) == joined:
            return Hit(line, first[0], cells[1][0], key(label), False)
    return None


def scan(lines: Sequence[TextLine], labels: Iterable[str]) -> dict[int, list[Hit]]:
    """The labels on every line, by line index, in reading order."""
    ordered = sorted(set(labels), key=lambda lb: len(key(lb)), reverse=True)
    out = {line.index: _line_hits(line, ordered) for line in lines}
    for line, below in itertools.pairwise(lines):
        wrapped = _wrapped_label(line, below, out[line.index], ordered)
        if wrapped is not None:
            out[line.index] = sorted([wrapped, *out[line.index]], key=lambda h: h.start)
    return out


def _box(line: TextLine, start: int, end: int) -> tuple[float, float] | None:
    words = line.words_in(start, end)
    return (words[0].box[0], words[-1].box[2]) if words else None


def _follows(above: TextLine, below: TextLine) -> bool:
    """``below`` is the next line of the same block: same page, no gap taller than a line."""
    if below.page != above.page:
        return False
    if not above.words or not below.words:
        return True
    top = min(w.box[1] for w in below.words)
    bottom = max(w.box[3] for w in above.words)
    return top - bottom < LINE_GAP * max(_height(above), _height(below))


def _segment(line: TextLine, left: float, right: float | None) -> tuple[int, int]:
    """Characters of the words of ``line`` inside a column (not wholly left of ``left``,
    starting before ``right``); (0, 0) when none."""
    inside = [span for word, span in zip(line.words, line.spans, strict=True)
              if word.box[2] > left and (right is None or word.box[0] < right)]
    if not inside:
        return (0, 0)
    return inside[0][0], inside[-1][1]


def _starts_label(line: TextLine, start: int, hits: dict[int, list[Hit]]) -> bool:
    return any(h.start <= start + 1 and h.end > start for h in hits.get(line.index, ()))


def _cells(line: TextLine, first_gap: float = COLUMN_GAP) -> list[tuple[int, int, float, float]]:
    """The line cut at column gaps (the first cut at ``first_gap``): (first char, last char,
    left x, right x) of each run."""
    out: list[tuple[int, int, float, float]] = []
    for word, (a, b) in zip(line.words, line.spans, strict=True):
        if out and _gap_before(line, a) < (first_gap if len(out) == 1 else COLUMN_GAP):
            first, _, x0, x1 = out[-1]
            out[-1] = (first, b, x0, max(x1, word.box[2]))
        else:
            out.append((a, b, word.box[0], word.box[2]))
    return out


def _below(hit: Hit, every: Sequence[TextLine], hits: dict[int, list[Hit]],
           continuation: int) -> Candidate:
    """The value under a label that has nothing beside it: on the next lines, the cells
    that stand under the label (a table's values are left-aligned under centred heads, so
    under means overlapping, not starting at the same x), then under the value itself;
    up to a label, a gap or ``continuation`` further lines."""
    span = _box(hit.line, hit.start, hit.end)
    under = span or (float("-inf"), float("inf"))
    parts: Candidate = []
    above = hit.line
    for below in every[hit.line.index + 1: hit.line.index + 3 + continuation]:
        if not _follows(above, below):
            break
        cells = ([c for c in _cells(below) if c[2] < under[1] and c[3] > under[0]]
                 if below.words else [(0, len(below.text), 0.0, 0.0)])
        if not cells:
            if parts:
                break
            above = below
            continue
        start, end = cells[0][0], cells[-1][1]
        text = below.text[start:end]
        if _starts_label(below, start, hits) or (parts and (_LABEL_LIKE.match(text)
                                                            or _ITEM.match(text))):
            break
        if not parts and below.words:
            under = (min(c[2] for c in cells), max(c[3] for c in cells))
        parts.append((below, *_strip_leaders(below, start, end)))
        above = below
        if len(parts) > continuation:
            break
    return parts


def _row_mate(hit: Hit, every: Sequence[TextLine], hits: dict[int, list[Hit]]
              ) -> tuple[TextLine, int, int] | None:
    """The cell beside a label that the reading order put on a line of its own (a table
    row cut into its columns): on a nearby line of the page, level with the label and right
    of it, up to that line's next label."""
    line = hit.line
    words = line.words_in(hit.start, hit.end)
    if not words:
        return None
    top, bottom = min(w.box[1] for w in words), max(w.box[3] for w in words)
    middle, right = (top + bottom) / 2, words[-1].box[2]
    for other in every[max(0, line.index - ROW_MATE_LINES): line.index + ROW_MATE_LINES + 1]:
        if other.index == line.index or other.page != line.page or not other.words:
            continue
        level = abs((min(w.box[1] for w in other.words) + max(w.box[3] for w in other.words))
                    / 2 - middle) < 0.35 * (bottom - top)
        if not level or other.words[0].box[0] <= right:
            continue
        stops = [h.start for h in hits.get(other.index, ()) if h.start > 0]
        if any(h.start == 0 for h in hits.get(other.index, ())):
            continue
        return (other, 0, min(stops, default=len(other.text)))
    return None


def more_lines(first: TextLine, left: float, value_x: float | None, every: Sequence[TextLine],
               hits: dict[int, list[Hit]], count: int, value: str = "") -> Candidate:
    """Lines continuing a wrapped value: words right of ``left`` (the edge of the label's
    line: a column beside it is not the value's); in a table cell (``value_x``, where the
    value starts) only the words of the value's column, since the label's cell may wrap
    beside them."""
    parts: Candidate = []
    above = first
    for follow in every[first.index + 1: first.index + 1 + count]:
        if not _follows(above, follow):
            break
        start, end = (0, len(follow.text))
        if follow.words:
            edge = left if value_x is None else value_x - _height(follow)
            start, end = _segment(follow, edge, None)
            if (start, end) == (0, 0):
                break
            if value_x is not None and follow.words_in(start, end)[0].box[0] > \
                    value_x + 2 * _height(follow):
                break
        text = follow.text[start:end]
        if not text.strip() or _starts_label(follow, start, hits) or _LABEL_LIKE.match(text) \
                or _ITEM.match(text) or (value_x is not None and any(
                    h.start < start for h in hits.get(follow.index, ()))) \
                or (_caps(text) and not _caps(value or first.text)):
            break
        parts.append((follow, *_strip_leaders(follow, start, end)))
        above = follow
    return parts


def _strip_leaders(line: TextLine, start: int, end: int) -> tuple[int, int]:
    """The value without the form's dotted leaders and stray punctuation around it."""
    text = line.text
    while start < end and (text[start] in " .…_:-–—'‘’|" or text[start:start + 1].isspace()):
        start += 1
    while end > start and (text[end - 1] in " …_" or text[end - 3:end] == "..."):
        end -= 1
    while end > start and text[end - 1] == "." and text[end - 2:end - 1] in " .":
        end -= 1
    return start, end


def pair(hit: Hit, every: Sequence[TextLine], hits: dict[int, list[Hit]],
         continuation: int) -> list[Paired]:
    """The value of one label: beside it up to the next label, else under it. Text beside
    a colon but across a column gap may belong to another column ("Có giá trị đến:" under
    a photo, beside the address): the value under the label is offered after it."""
    line = hit.line
    after = [h for h in hits.get(line.index, ()) if h.start >= hit.end]
    stop = after[0].start if after else len(line.text)
    raw_end = stop
    numbered = _NUMBERING.search(line.text[hit.end:stop])
    if numbered:
        raw_end = hit.end + numbered.start()
    start, end = _strip_leaders(line, hit.end, raw_end)
    heads = hits.get(line.index, ())
    header_row = len(heads) >= HEADER_LABELS and not any(h.colon for h in heads)
    if not header_row and (end <= start or not line.text[start:end].strip(" ,;")):
        mate = _row_mate(hit, every, hits)
        if mate is not None:
            other, a, b = mate
            a, b = _strip_leaders(other, a, b)
            more = more_lines(other, float("-inf"), other.words[0].box[0], every, hits,
                              continuation, other.text[a:b]) if continuation else []
            return [Paired([(other, a, b), *more], COLON_BESIDE if hit.colon else GAP_BESIDE,
                           0 if hit.colon else 1)]
    if header_row or end <= start or not line.text[start:end].strip(" ,;"):
        below = _below(hit, every, hits, continuation)
        if not below:
            return []
        return [Paired(below, COLON_BELOW if hit.colon else LABEL_OVER, 0 if hit.colon else 2)]
    in_cell = not hit.colon or _gap_before(line, start) >= COLUMN_GAP
    span = _box(line, start, end)
    edge = line.words[0].box[0] - _height(line) if line.words else float("-inf")
    more = (more_lines(line, edge, span[0] if span and in_cell else None, every, hits,
                       continuation, line.text[start:end]) if continuation and not after
            else [])
    if not more:  # a wrapped value keeps the comma ending its first line
        while end > start and line.text[end - 1] in " ,;":
            end -= 1
    beside = Paired([(line, start, end), *more], COLON_BESIDE if hit.colon else GAP_BESIDE,
                    0 if hit.colon else 1)
    if not (hit.colon and in_cell):
        return [beside]
    below = _below(hit, every, hits, continuation)
    return [beside, *([Paired(below, COLON_BELOW, 0)] if below else [])]


def candidates(wanted: Iterable[str], pool: Sequence[TextLine], every: Sequence[TextLine],
               hits: dict[int, list[Hit]], continuation: int, last: bool = False,
               prefer: Iterable[str] = ()) -> list[Paired]:
    """Values of the labels ``wanted`` on the lines of ``pool``: colon-labelled first, then
    cells beside their label, then values under their label; within each, the labels in
    ``prefer`` first (they say whose value it is: "Họ, chữ đệm, tên người yêu cầu" on a
    birth form also naming the child), then in reading order (reversed with ``last``)."""
    keys = {key(lb) for lb in wanted}
    preferred = {key(lb) for lb in prefer}
    found: list[tuple[int, bool, int, Paired]] = []
    for line in pool:
        for hit in hits.get(line.index, ()):
            if hit.label not in keys:
                continue
            for paired in pair(hit, every, hits, continuation):
                found.append((paired.tier, hit.label not in preferred,
                              -line.index if last else line.index, paired))
    found.sort(key=lambda item: item[:3])
    return [paired for *_, paired in found]

