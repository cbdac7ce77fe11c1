"""Where the clerk writes by hand: the blanks of a Decree 30 header, found from the printed
anchors around them ("Số: ___ /QĐ-UBND", "ngày ___ tháng ___ năm 2025").

Tesseract often glues the handwriting to an anchor ("Số:04+", "ngàyÑ[", "O†tháng"), so an
anchor is recognised by how its word starts or ends, and the printed part of a glued word is
measured from the size of the page's print, not from the word's box.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.models import Word

#: Anchors are looked for in the top part of a page only (the header of Decree 30).
HEADER_FRACTION = 0.4
#: Numbers Tesseract read with this confidence in black ink are print (or handwriting it
#: read as well as print): the blank is left to it. Blue ink is always read.
PRINTED_CONFIDENCE = 0.6
#: A word of three letters or more read with this confidence between the anchors is text.
WORD_CONFIDENCE = 0.9
#: Width of each printed anchor, in mean character widths of the page's print (measured on
#: Times 13-14 pt headers, upright and italic: "Số:" 2.2-2.5, "ngày" 3.7-4.2, "tháng"
#: 4.2-4.9, "năm" 3.2-3.6). The ink's own gap then fixes the edge (``ink.refine``).
ANCHOR_WIDTH = {"so": 2.35, "ngay": 3.95, "thang": 4.55, "nam": 3.4}

_SO = re.compile(r"^so\s*[:;,.]?")


def fold(text: str) -> str:
    """Lower case without tone marks, đ as d, one character for each character of the NFC
    text (so positions carry over); "S6" and "S0" (Tesseract's "Số") read as "so"."""
    chars = []
    for ch in unicodedata.normalize("NFC", text).lower():
        base = unicodedata.normalize("NFD", ch)[0]
        chars.append("d" if ch == "đ" else base)
    out = "".join(chars)
    return "so" + out[2:] if out[:2] in ("s6", "s0") else out


@dataclass(frozen=True)
class Slot:
    """A blank to read: ``kind`` is "number", "day" or "month"; ``left``/``right`` are the
    indices (in the page's words) of the printed anchors around it and ``x0``/``x1`` where
    their print ends and starts; ``top``/``bottom`` bound the line's print."""

    kind: str
    line: int
    left: int
    right: int | None
    x0: float
    x1: float
    top: float
    bottom: float
    #: Print size of the page: height of a printed word, width of one character.
    height: float
    char: float
    #: Whether ``x0``/``x1`` were estimated inside a word glued to the handwriting.
    glued_left: bool = False
    glued_right: bool = False
    #: Tesseract read a number there with confidence (print, unless the ink is blue).
    printed: bool = False
    #: Height of the page's printed numbers (0 when unknown).
    digits: float = 0.0


@dataclass(frozen=True)
class PrintSize:
    height: float
    char: float
    #: Height of printed numbers ("2025", "01"), when the page has some it is sure of.
    digits: float = 0.0


def print_size(words: Sequence[Word]) -> PrintSize | None:
    """Median height and character width of confident, plain words of the page."""
    plain = [w for w in words if w.confidence >= 0.85 and len(w.text) >= 3
             and w.text.isalpha()]
    if len(plain) < 3:
        return None
    numbers = [w.box[3] - w.box[1] for w in words
               if w.confidence >= 0.9 and re.fullmatch(r"\d{2,4}[,.;]?", w.text)]
    return PrintSize(statistics.median(w.box[3] - w.box[1] for w in plain),
                     statistics.median((w.box[2] - w.box[0]) / len(w.text) for w in plain),
                     statistics.median(numbers) if numbers else 0.0)


def print_width(text: str, char: float) -> float:
    """Width of printed text from the page's mean character width: capitals (the symbol's
    "QĐ-UBND") are wider than the mean, slashes and hyphens narrower."""
    widths = {"/": 0.55, "-": 0.6, ".": 0.5, ",": 0.5}
    return sum(widths.get(ch, 1.4 if ch.isupper() else 1.0) for ch in text) * char


def _printed_digits(words: Sequence[Word]) -> bool:
    """Only numbers, each read with confidence: print, unless the ink is blue."""
    return bool(words) and all(w.confidence >= PRINTED_CONFIDENCE
                               and re.fullmatch(r"\d{1,5}", w.text) for w in words)


def _printed_words(words: Sequence[Word]) -> bool:
    """A word Tesseract is sure of: text, not a blank (it reads handwriting as short
    doubtful words, "tu", "O†")."""
    return any(w.confidence >= WORD_CONFIDENCE and len(w.text) >= 3 and w.text.isalpha()
               for w in words)


def find_slots(words: Sequence[Word], page_height: float) -> list[Slot]:
    """The blanks of the page's header that hold no confidently printed number."""
    size = print_size(words)
    if size is None:
        return []
    lines: dict[int, list[int]] = {}
    for i, word in enumerate(words):
        if word.box[1] < HEADER_FRACTION * page_height:
            lines.setdefault(word.line, []).append(i)
    out: list[Slot] = []
    for line, indices in lines.items():
        indices.sort(key=lambda i: words[i].box[0])
        out += _number_slot(words, line, indices, size)
        out += _date_slots(words, line, indices, size)
    return out


def _band(words: Sequence[Word], indices: Sequence[int]) -> tuple[float, float]:
    tops = [words[i].box[1] for i in indices]
    bottoms = [words[i].box[3] for i in indices]
    return statistics.median(tops), statistics.median(bottoms)


def _number_slot(words: Sequence[Word], line: int, indices: list[int], size: PrintSize
                 ) -> list[Slot]:
    """Between "Số:" and the "/" that starts the symbol."""
    for n, i in enumerate(indices):
        anchor = words[i]
        folded = fold(anchor.text)
        if not _SO.match(folded) or folded[2:3].isalpha():
            continue
        if n and anchor.box[0] - words[indices[n - 1]].box[2] < 3 * size.char:
            continue  # "Số" inside a sentence ("Nghị quyết: Số 39/..."), not the header's
        head = folded[_SO.match(folded).end():]  # type: ignore[union-attr]
        if "/" in head:  # "Số:1009/QĐ-TTg", one word
            return []  # glued to its symbol too: too little to place the blank by
        x0, glued_left = _left_edge(anchor.box, ANCHOR_WIDTH["so"] * size.char, size, head)
        between: list[int] = []
        for j in indices[n + 1:]:
            word = words[j]
            if "/" not in word.text:
                between.append(j)
                continue
            before, _, after = word.text.partition("/")
            inside = [words[k] for k in between]
            if _printed_words(inside):
                return []
            printed = (_printed_digits(inside) and not before) or bool(
                not inside and re.fullmatch(r"\d{1,5}", before)
                and word.confidence >= PRINTED_CONFIDENCE)
            x1, glued_right = _right_edge(word.box, print_width("/" + after, size.char), size,
                                          before)
            top, bottom = _band(words, [i, j])
            return [Slot("number", line, i, j, x0, x1, top, bottom, size.height, size.char,
                         glued_left, glued_right, printed, size.digits)]
        return []
    return []


def _date_slots(words: Sequence[Word], line: int, indices: list[int], size: PrintSize
                ) -> list[Slot]:
    """Between "ngày" and "tháng" (the day) and between "tháng" and "năm" (the month)."""
    folded = [fold(words[i].text).strip(",.") for i in indices]
    placed = [n > 0 and words[indices[n - 1]].text.endswith(",") for n in range(len(indices))]
    confident = [i for i in indices if words[i].confidence >= 0.6]
    top, bottom = _band(words, confident or indices)
    out: list[Slot] = []
    for kind, left_name, right_name in (("day", "ngay", "thang"), ("month", "thang", "nam")):
        for n, text in enumerate(folded):
            at = text.find(left_name)
            if at < 0 or (at > 0 and kind == "day"):
                continue
            if kind == "day" and not placed[n]:
                break  # not "<place>, ngày ...": a date cited in the text, not the issue date
            if kind == "month" and not out:
                break  # the month's blank is read only on the line of a day's blank
            box = words[indices[n]].box
            tail = text[at + len(left_name):]
            if tail and at > 0:
                break  # handwriting glued on both sides: no edge to measure from
            if at > 0:
                x0, glued = box[2], False
            else:
                x0, glued = _left_edge(box, ANCHOR_WIDTH[left_name] * size.char, size, tail)
            right = _right_anchor(folded, n if tail else n + 1, right_name)
            if right is None:
                break
            inside = [words[i] for i in indices[n + 1:right]]
            if _printed_words(inside):
                break
            rtext, rbox = folded[right], words[indices[right]].box
            head = rtext[:rtext.find(right_name)]
            if right == n:
                head = head[at + len(left_name):]
            if rtext.endswith(right_name):
                x1, glued_right = _right_edge(rbox, ANCHOR_WIDTH[right_name] * size.char, size,
                                              head)
            elif not head:
                x1, glued_right = rbox[0], False
            else:  # "17tháng01": proportionally
                x1 = rbox[0] + (rbox[2] - rbox[0]) * rtext.find(right_name) / len(rtext)
                glued_right = True
            if x1 > x0:
                out.append(Slot(kind, line, indices[n], indices[right], x0, x1, top, bottom,
                                size.height, size.char, glued, glued_right,
                                _printed_digits(inside), size.digits))
            break
    return out


#: A word box wider than its print by this many characters holds handwriting too (Tesseract
#: often boxes the ink with a word without reading it).
WIDER = 1.0


def _left_edge(box: tuple[float, float, float, float], width: float, size: PrintSize,
               extra: str) -> tuple[float, bool]:
    """Where a left anchor's print ends, and whether that was estimated (glued ink)."""
    if extra or box[2] - box[0] > width + WIDER * size.char:
        return box[0] + width, True
    return box[2], False


def _right_edge(box: tuple[float, float, float, float], width: float, size: PrintSize,
                extra: str) -> tuple[float, bool]:
    """Where a right anchor's print starts, and whether that was estimated."""
    if extra or box[2] - box[0] > width + WIDER * size.char:
        return box[2] - width, True
    return box[0], False


def _right_anchor(folded: Sequence[str], start: int, name: str) -> int | None:
    """Index of the first word from ``start`` on (within five) holding the anchor."""
    for k in range(start, min(len(folded), start + 5)):
        if name in folded[k]:
            return k
    return None


__all__ = ["ANCHOR_WIDTH", "HEADER_FRACTION", "PrintSize", "Slot", "find_slots", "fold",
           "print_size"]
