"""Reading order and page text, the same for OCR output and for text layers.

Lines come in top to bottom, but a line often carries two columns side by side: the agency
name beside the national motto in a header, the "Nơi nhận" list beside the signer's title.
People read such a block column by column, and the fields issue needs each column's lines
intact, so two-column runs of lines are re-ordered column by column. Form rows ("Ngày sinh: ...
Giới tính: ...") and tables keep their row order: their cells leave holes in a column, or are
left-aligned on both sides.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.models import Word
from pipeline.text.syllable import is_word

#: A horizontal gap wider than this many line heights separates two columns.
COLUMN_GAP = 1.5
#: Without a centred column, a block beside a list (the "Nơi nhận" list beside the signer's
#: title) has at most this many lines with both columns; more are rows of a table.
MAX_UNCENTRED_PAIRS = 2
#: A one-column line joins a two-column run when it follows within this many line heights.
ADJACENT_GAP = 1.0


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass
class _Segment:
    words: list[Word]

    @property
    def x0(self) -> float:
        return self.words[0].box[0]

    @property
    def x1(self) -> float:
        return max(w.box[2] for w in self.words)


@dataclass
class _Line:
    segments: list[_Segment]
    paragraph: bool  # a paragraph starts here
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return max(1.0, self.bottom - self.top)


def _split(words: list[Word], paragraph: bool) -> _Line:
    height = statistics.median(w.box[3] - w.box[1] for w in words) or 1.0
    segments = [_Segment([words[0]])]
    for word in words[1:]:
        if word.box[0] - segments[-1].x1 > COLUMN_GAP * height:
            segments.append(_Segment([word]))
        else:
            segments[-1].words.append(word)
    return _Line(segments, paragraph, min(w.box[1] for w in words),
                 max(w.box[3] for w in words))


def arrange(words: Sequence[Word], paragraph_starts: frozenset[int] = frozenset()
            ) -> tuple[list[Word], frozenset[int]]:
    """Words in reading order with lines renumbered; returns (words, paragraph-start lines).

    Input words are grouped by ``line`` in top-to-bottom order; ``paragraph_starts`` holds the
    input line indices that begin a paragraph.
    """
    groups: dict[int, list[Word]] = {}
    for word in words:
        groups.setdefault(word.line, []).append(word)
    lines = [_split(sorted(ws, key=lambda w: w.box[0]), idx in paragraph_starts)
             for idx, ws in groups.items()]
    ordered: list[tuple[list[Word], bool]] = []
    i = 0
    while i < len(lines):
        end, columns = _two_column_run(lines, i)
        if columns is None:  # one line, or the rows of a table: row order
            ordered.extend(([w for s in line.segments for w in s.words], line.paragraph)
                           for line in lines[i:end])
            i = end
            continue
        left, right = columns
        ordered.extend((seg, n == 0 and lines[i].paragraph) for n, seg in enumerate(left))
        ordered.extend((seg, n == 0) for n, seg in enumerate(right))
        i = end
    out: list[Word] = []
    starts: set[int] = set()
    for number, (line_words, paragraph) in enumerate(ordered):
        if paragraph and number:
            starts.add(number)
        out.extend(Word(w.text, w.box, w.confidence, number) for w in line_words)
    return out, frozenset(starts)


def _two_column_run(lines: list[_Line], start: int
                    ) -> tuple[int, tuple[list[list[Word]], list[list[Word]]] | None]:
    """Find the run of two-column lines starting at ``start``.

    Returns (end, (left lines, right lines)) for a block to read column by column, or
    (end, None) for lines that keep their row order (a single line, a form, a table).
    """
    first = lines[start]
    if len(first.segments) != 2 or _in_table(lines, start):
        return start + 1, None
    lo, hi = first.segments[0].x1, first.segments[1].x0
    sides: list[tuple[list[Word] | None, list[Word] | None]] = [
        (first.segments[0].words, first.segments[1].words)]
    end = start + 1
    while end < len(lines):
        line, prev = lines[end], lines[end - 1]
        segs = line.segments
        if len(segs) == 2 and segs[0].x1 < hi and segs[1].x0 > lo and not _in_table(lines, end):
            lo, hi = max(lo, segs[0].x1), min(hi, segs[1].x0)
            sides.append((segs[0].words, segs[1].words))
        elif len(segs) == 1 and line.top - prev.bottom <= ADJACENT_GAP * line.height:
            if segs[0].x1 < hi:
                sides.append((segs[0].words, None))
            elif segs[0].x0 > lo:
                sides.append((None, segs[0].words))
            else:
                break
        else:
            break
        end += 1
    left = [ws for ws, _ in sides if ws is not None]
    right = [ws for _, ws in sides if ws is not None]
    lone_title = len(right) == 1 and len(left) >= 2 and _is_title(right[0])
    if (min(len(left), len(right)) < 2 and not lone_title) or hi <= lo:
        return start + 1, None  # a lone cell beside a column is a form row, not a block
    # A column block fills each column without holes; a form or a table row skipping a cell
    # leaves one. Left-aligned cells on both sides are table columns too.
    tolerance = 0.5 * statistics.median(line.height for line in lines[start:end])
    holes = max(_holes([side[k] is not None for side in sides]) for k in (0, 1))
    kinds = {_alignment(left, tolerance), _alignment(right, tolerance)}
    pairs = sum(1 for lw, rw in sides if lw is not None and rw is not None)
    table_like = kinds == {"left"} or (
        "centred" not in kinds and not lone_title and pairs > MAX_UNCENTRED_PAIRS)
    # A centred column is a Decree 30 block even where one line interleaves (the date line
    # sits between the agency name and "Số: ..." on a slightly different baseline); a table's
    # centred cells leave a hole at every row that wraps.
    if ("centred" in kinds and holes <= 1) or (holes == 0 and not table_like):
        return end, (left, right)
    return end, None


def _holes(present: list[bool]) -> int:
    """How many lines between a column's first and last line it has nothing on."""
    first = present.index(True)
    last = len(present) - 1 - present[::-1].index(True)
    return present[first:last + 1].count(False)


def _alignment(column: list[list[Word]], tolerance: float) -> str:
    """``centred`` (title, signature), ``left`` (list, form, table cells) or ``unclear``.

    Two consecutive lines of different widths sharing their centre make a column centred
    (a stray mark or a date line elsewhere in it does not undo that); left-aligned cells
    and list items never do.
    """
    if len(column) < 2:
        return "unclear"
    spans = [(ws[0].box[0], max(w.box[2] for w in ws)) for ws in column]
    centres = [(a + b) / 2 for a, b in spans]
    starts = [a for a, _ in spans]
    for i in range(len(spans) - 1):
        if (abs(centres[i] - centres[i + 1]) <= tolerance
                and abs(starts[i] - starts[i + 1]) > tolerance):
            return "centred"
    if max(starts) - min(starts) <= tolerance and max(centres) - min(centres) > tolerance:
        return "left"
    return "unclear"


def _is_title(line: list[Word]) -> bool:
    """A signer's title line ("GIÁM ĐỐC", "KT. CHỦ TỊCH"): upper-case letters only."""
    letters = [ch for w in line for ch in w.text if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters)


def _in_table(lines: list[_Line], index: int) -> bool:
    neighbours = lines[max(0, index - 1): index + 2]
    return any(len(line.segments) >= 3 for line in neighbours)


#: What table rules, underlines and scribbles turn into; never part of administrative text.
RULE_MARKS = "_|—¦"


def clean_word(text: str) -> str:
    """A word without the rule fragments Tesseract glues to it ("2.000815_", "|Giấy")."""
    return text.strip(RULE_MARKS)


def is_speck(word: Word, typical_height: float) -> bool:
    """OCR read on a dust speck, a rule or a signature's scribble: no letter or digit and
    doubtful or far smaller than text, or a letter or two the engine itself disbelieves."""
    if not word.text:
        return True
    if any(ch.isalnum() for ch in word.text):
        letters = sum(ch.isalnum() for ch in word.text)
        if word.confidence < 0.05 and len(word.text) <= 3 and not is_word(word.text):
            return True  # not a word and not believed: a seal's bleed-through on a blank page
        return word.confidence < 0.2 and (len(word.text) == 1 or (
            len(word.text) <= 3 and letters < len(word.text)))
    height = word.box[3] - word.box[1]
    return word.confidence < 0.6 or (height < 0.2 * typical_height and word.confidence < 0.8)


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
