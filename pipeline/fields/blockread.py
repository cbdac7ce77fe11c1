"""A second, narrower reading of the signature block.

Read with the whole page, the block beside the "Nơi nhận" list is often garbled or lost:
Tesseract joins its lines to the list's, and the faint ghost a removed seal leaves breaks its
line finding ("Võ Phiên" read as nothing). The block's region is cut from the page image
Tesseract read and read again as one block of text; its words replace the page's words in
that region for field reading only (the stored text is the page's own reading).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from pipeline.fields.lines import TextLine, document_lines
from pipeline.fields.signature import Block, Reading, find_block, name_run, read_block, rows
from pipeline.models import PageText, Word
from pipeline.ocr.tesseract import read_region
from pipeline.text.lexicon import surnames
from pipeline.text.syllable import is_valid

#: Margin around the block's rows, in line heights.
MARGIN = 2.0


def _region(lines: Sequence[TextLine], block: Block) -> tuple[float, float, float, float]:
    """The block's box, narrowed to its rows when the first reading found titles or a name
    (the recipients list's long lines reach into the column's left part)."""
    found = rows(lines, block)
    useful = [row for row in found
              if name_run(row) or any(w.isupper() and len(w) > 2 for w in
                                      (line.words[i].text for line, i in row))]
    x0, y0, x1, y1 = block.box
    if not useful:
        return block.box
    h = block.line_height
    boxes = [row[0][0].words[row[0][1]].box for row in useful] + [
        row[-1][0].words[row[-1][1]].box for row in useful]
    left = max(x0, min(b[0] for b in boxes) - MARGIN * h)
    top = max(y0, min(b[1] for b in boxes) - h)
    bottom = min(y1, max(b[3] for b in boxes) + 4 * h)
    return (left, top, x1 + 8 * h, max(bottom, top + 6 * h))


def _score(reading: Reading | None) -> int:
    """How complete a reading of the block is: a clean name (known family name, every
    syllable valid and whole) counts most, then a title of the signer's own."""
    if reading is None:
        return 0
    score = 0
    if reading.name is not None:
        texts = [line.words[i].text for line, i in reading.name]
        clean = texts[0] in surnames() and all(is_valid(t) and len(t) > 1 for t in texts)
        score += 4 if clean else 2
    if reading.own_title is not None:
        score += 1 if reading.title_doubt else 2
    return score


def reread_block(pages: Sequence[PageText], lines: Sequence[TextLine],
                 languages: str = "vie") -> list[PageText]:
    """``pages`` with the signature block's words read again, when the page image Tesseract
    read is still at hand; unchanged otherwise."""
    block = find_block(lines)
    if block is None or not block.anchored:
        return list(pages)
    page = next((p for p in pages if p.number == block.page), None)
    if page is None or page.ocr_image is None or not Path(page.ocr_image).exists():
        return list(pages)
    x0, y0, x1, y1 = _region(lines, block)
    scale = page.ocr_scale
    read = read_region(Path(page.ocr_image), (int(x0 * scale), int(y0 * scale),
                                               int(x1 * scale), int(y1 * scale)),
                       page.ocr_dpi or page.dpi, languages)
    if not read:
        return list(pages)
    first = max((w.line for w in page.words), default=-1) + 1
    fresh = [Word(w.text, (round(w.box[0] / scale, 1), round(w.box[1] / scale, 1),
                           round(w.box[2] / scale, 1), round(w.box[3] / scale, 1)),
                  w.confidence, first + w.line) for w in read]

    def outside(word: Word) -> bool:
        cx, cy = (word.box[0] + word.box[2]) / 2, (word.box[1] + word.box[3]) / 2
        return not (x0 <= cx <= x1 and y0 <= cy <= y1)

    kept = tuple(w for w in page.words if outside(w))
    again = dataclasses.replace(page, words=kept + tuple(fresh))
    second = [again if p.number == page.number else p for p in pages]
    before, after = read_block(lines), read_block(document_lines(second))
    if _score(after[1] if after else None) > _score(before[1] if before else None):
        return second
    return list(pages)
