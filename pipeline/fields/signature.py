"""The signature block of a Decree 30 document: the signer's title and printed name.

The block sits in the right column beside the "Nơi nhận" list, on the page where the
document itself ends; Tesseract often reads both columns onto one line ("- Như trên;
PHÓ CHỦ TỊCH"), so the block is cut out by position. Its lines, top to bottom, are the
authority marks ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), the signer's own title ("PHÓ CHỦ
TỊCH"), the seal and signature, and the name. A document may carry an attached document
after it (a draft resolution after a tờ trình, with its own header and a typed, unsigned
block): the signer is the first document's.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.fields.header import Candidate, Span, is_caps_word
from pipeline.fields.lines import TextLine
from pipeline.fields.match import fold
from pipeline.text.lexicon import skeleton, surnames
from pipeline.text.repair import distance
from pipeline.text.syllable import is_valid

#: Marks of signing for someone else (Decree 30, Appendix I): thay mặt, ký thay, quyền,
#: thừa lệnh, thừa ủy quyền.
ON_BEHALF = ("TM", "KT", "Q", "TL", "TUQ")
_MOTTO = "cong hoa xa hoi chu nghia"
_DRAFT = re.compile(r"D[ỰU]\s*TH[ẢA]O")
#: Where the right column starts, as a share of the text's width from its left edge.
COLUMN_SHARE = 0.42
#: How far above the "Nơi nhận" line the block may start, and below it end (line heights).
ABOVE, BELOW = 3.0, 22.0
#: Lines searched for a signer when the page has no "Nơi nhận" and no right-hand block.
LAST_LINES = 8
_SIGN_HINT = re.compile(r"\(\s*k[ýy]", re.IGNORECASE)  # "(Ký, ghi rõ họ tên)"
#: Words every signer's title holds one of ("trưởng" in bộ trưởng, cục trưởng, ...).
_TITLE_WORDS = ("chu tich", "giam doc", "truong", "thu tuong", "chanh", "bi thu", "thu ky",
                "tong cuc")


@dataclass(frozen=True)
class Block:
    """The right-column region holding the titles and the name, in page pixels."""

    page: int
    box: tuple[float, float, float, float]
    line_height: float
    #: Found by the layout ("Nơi nhận", a signing hint, a title in the right column), not
    #: guessed as the last lines of the document.
    anchored: bool = True


def _is_recipients(text: str) -> bool:
    """"Nơi nhận:" however OCR read it ("Mới nhận:", "Nơi nhân")."""
    head = fold(text).replace(".", "").strip()[:8]
    return len(head) >= 7 and distance(head, "noi nhan") <= 1


def _attachment_page(lines: Sequence[TextLine]) -> int | None:
    """The first later page that starts a document of its own: its top carries the national
    motto or "DỰ THẢO" (a draft attached to a submission)."""
    pages = sorted({ln.page for ln in lines})
    for page in pages[1:]:
        top = [ln for ln in lines if ln.page == page][:8]
        if any(_MOTTO in fold(ln.text) or _DRAFT.search(ln.text) for ln in top):
            return page
    return None


def main_part(lines: Sequence[TextLine]) -> list[TextLine]:
    """The lines of the document itself: up to an attached document, when the part before
    it has its own signature block."""
    page = _attachment_page(lines)
    if page is None:
        return list(lines)
    before = [ln for ln in lines if ln.page < page]
    if any(_is_recipients(ln.text) or _SIGN_HINT.search(ln.text) for ln in before):
        return before
    return list(lines)


def closing_lines(lines: Sequence[TextLine], count: int = 10) -> list[TextLine]:
    """The main document's last lines before its "Nơi nhận" (its closing paragraph)."""
    main = main_part(lines)
    end = next((k for k in range(len(main) - 1, -1, -1) if _is_recipients(main[k].text)),
               len(main))
    return main[max(0, end - count):end]


def _page_geometry(lines: Sequence[TextLine], page: int) -> tuple[float, float, float]:
    words = [w for ln in lines if ln.page == page for w in ln.words]
    left = min(w.box[0] for w in words)
    right = max(w.box[2] for w in words)
    height = statistics.median(w.box[3] - w.box[1] for w in words)
    return left, right, height


def _titled(text: str) -> bool:
    """Capitals naming a head's title ("KT. CHỦ TỊCH", "GIÁM ĐỐC")."""
    return is_caps_word(text.split()[0] if text.split() else "") and any(
        word in fold(text) for word in _TITLE_WORDS)


def find_block(lines: Sequence[TextLine]) -> Block | None:
    """The signature block of the main document: beside its last "Nơi nhận" (or signing
    hint), else around the last capitalised title in the right column of its last page."""
    main = [ln for ln in main_part(lines) if ln.words]
    if not main:
        return None
    anchor = next((ln for ln in reversed(main) if _is_recipients(ln.text)
                   or _SIGN_HINT.search(ln.text)), None)
    if anchor is None:
        last = main[-1].page
        left, right, h = _page_geometry(main, last)
        edge = left + COLUMN_SHARE * (right - left)
        anchor = next((ln for ln in reversed(main) if ln.page == last and any(
            w.box[0] >= edge and _titled(" ".join(x.text for x in ln.words[i:]))
            for i, w in enumerate(ln.words))), None)
        if anchor is None:  # no layout to go by: the last lines of the document
            tail = [ln for ln in main[-LAST_LINES:] if ln.page == last]
            top = min(w.box[1] for w in tail[0].words)
            return Block(last, (left, top, right + h, top + BELOW * h), h, anchored=False)
    left, right, h = _page_geometry(main, anchor.page)
    top = min(w.box[1] for w in anchor.words)
    bottom = max(w.box[3] for ln in main if ln.page == anchor.page for w in ln.words)
    return Block(anchor.page, (left + COLUMN_SHARE * (right - left), top - ABOVE * h,
                               right + h, min(bottom + h, top + BELOW * h)), h)


Row = list[tuple[TextLine, int]]  # (line, word index) pairs, left to right


def rows(lines: Sequence[TextLine], block: Block) -> list[Row]:
    """The block's words grouped into printed lines, top to bottom. A word belongs to the
    column when it starts right of its edge and begins its OCR line or stands apart from the
    words before it (the recipients list is read onto the same lines)."""
    x0, y0, x1, y1 = block.box
    h = block.line_height
    picked: list[tuple[float, TextLine, int]] = []
    for line in lines:
        if line.page != block.page:
            continue
        inside = False
        for i, word in enumerate(line.words):
            centre = (word.box[1] + word.box[3]) / 2
            if not (y0 <= centre <= y1 and word.box[0] >= x0 and word.box[2] <= x1):
                inside = False
                continue
            gap = word.box[0] - line.words[i - 1].box[2] if i else float("inf")
            if inside or gap > 1.5 * h:
                inside = True
                picked.append((centre, line, i))
    picked.sort(key=lambda item: item[0])
    out: list[Row] = []
    centres: list[float] = []
    for centre, line, i in picked:
        if out and abs(centre - centres[-1]) < 0.6 * h:
            out[-1].append((line, i))
        else:
            out.append([(line, i)])
            centres.append(centre)
    for row in out:
        row.sort(key=lambda item: item[0].words[item[1]].box[0])
    return out


def _texts(row: Row) -> list[str]:
    return [line.words[i].text for line, i in row]


def _spans(row: Row) -> Candidate:
    """The row as spans of its lines (one per OCR line it came from)."""
    out: Candidate = []
    for line, i in row:
        a, b = line.spans[i]
        if out and out[-1][0] is line:
            out[-1] = (line, out[-1][1], b)
        else:
            out.append((line, a, b))
    return out


def _name_like(word: str) -> bool:
    letters = word.replace("-", "").replace("'", "")
    return letters.isalpha() and letters[:1].isupper() and (
        len(letters) == 1 or letters[1:].islower())


def name_run(row: Row) -> Row | None:
    """The longest run of 2-5 capitalised syllables in a row, specks around it dropped
    ("« Hồng Hà", "Trần Hoàng Tuấn ~"); None when it is not a name."""
    texts = _texts(row)
    best: tuple[int, int] | None = None
    i = 0
    while i < len(texts):
        if not _name_like(texts[i]):
            i += 1
            continue
        j = i
        while j < len(texts) and _name_like(texts[j]):
            j += 1
        if best is None or j - i > best[1] - best[0]:
            best = (i, j)
        i = j
    if best is None or not 2 <= best[1] - best[0] <= 5:
        return None
    run = row[best[0]:best[1]]
    if sum(not is_valid(t) for t in _texts(run)) > 1 or all(len(t) < 2 for t in _texts(run)):
        return None
    return run


def _is_title_row(row: Row) -> bool:
    texts = [t for t in _texts(row) if any(ch.isalpha() for ch in t)]
    caps = [t for t in texts if is_caps_word(t) or t.rstrip(".") in ON_BEHALF]
    return len(caps) >= 1 and len(caps) * 3 >= len(texts) * 2


def _title_part(row: Row) -> Row:
    """The capitalised words of a title row, without specks before or after them."""
    words = _texts(row)
    keep = [i for i, t in enumerate(words) if is_caps_word(t) or t.rstrip(".") in ON_BEHALF]
    return row[keep[0]:keep[-1] + 1]


@dataclass(frozen=True)
class Reading:
    """What the block says: its title rows (top to bottom) and the name row, if any;
    ``cut`` when a title row lost words before its capitals (". THỦ TƯỚNG": a seal over
    "KT.")."""

    titles: list[Row]
    name: Row | None
    cut: bool = False

    @property
    def title_doubt(self) -> bool:
        """The signer's own title may not be the one read: capitals under it that are no
        title, or a title row that lost its first words, mean the seal covered a line."""
        own = self.own_title
        if own is None:
            return False
        return self.cut or own is not self.titles[-1]

    @property
    def own_title(self) -> Row | None:
        """The signer's own title: the last title row not opened by an authority mark that
        reads as a title (not the seal's or a signature's specks)."""
        for row in reversed(self.titles):
            texts = _texts(row)
            if texts[0].rstrip(".").upper() in ON_BEHALF:
                continue
            valid = sum(is_valid(t.strip(".,;:")) for t in texts)
            if _titled(" ".join(texts)) and valid * 3 >= len(texts) * 2:
                return row
        return None

    @property
    def deputy(self) -> bool:
        """Signed "KT." (for the head) with no title of the signer's own read: the signer is
        a deputy ("KT. CHỦ TỊCH" is signed by a "PHÓ CHỦ TỊCH")."""
        return self.own_title is None and any(
            _texts(row)[0].rstrip(".").upper() == "KT" for row in self.titles)


def _family_name(word: str) -> bool:
    """A known family name, or one with its letters (marks misread)."""
    family = surnames()
    return word in family or skeleton(word) in family.by_skeleton


def _centre(row: Row) -> float:
    first, last = row[0], row[-1]
    return (first[0].words[first[1]].box[0] + last[0].words[last[1]].box[2]) / 2


def read_block(lines: Sequence[TextLine]) -> tuple[Block, Reading] | None:
    """The main document's signature block and what it says. The name is the last name
    under the titles, centred with them as Decree 30 prints it."""
    block = find_block(lines)
    if block is None:
        return None
    left = _page_geometry(lines, block.page)[0]
    reading = _reading(lines, block, centred=block.box[0] > left)
    if reading.name is None and not reading.titles:  # one column: the block under the list
        whole = Block(block.page, (left, *block.box[1:]), block.line_height, block.anchored)
        return whole, _reading(lines, whole, centred=False)
    return block, reading


def _reading(lines: Sequence[TextLine], block: Block, centred: bool) -> Reading:
    found = rows(lines, block)
    titles_all = [k for k, r in enumerate(found) if _is_title_row(r)]
    width = block.box[2] - block.box[0]
    middle = (statistics.median(_centre(found[k]) for k in titles_all)
              if titles_all and centred else None)
    name: Row | None = None
    name_at = len(found)
    for k in range(len(found) - 1, -1, -1):
        run = name_run(found[k])
        if run is None or (middle is not None and abs(_centre(run) - middle) > 0.25 * width):
            continue
        if not block.anchored and not _family_name(_texts(run)[0]):
            continue  # no layout to vouch for it: only a name that starts as names do
        if titles_all and k < titles_all[0]:
            continue  # above the titles: body text, not the name
        name, name_at = run, k
        break
    if name is None and not block.anchored:
        return Reading([], None)
    titles = [_title_part(found[k]) for k in titles_all if k < name_at]
    cut = any(_texts(found[k])[0].strip(".,:;'`") == "" for k in titles_all if k < name_at)
    return Reading(titles, name, cut)


def signer(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The signer's printed name: the last name in the main document's signature block."""
    found = read_block(lines)
    if found is None or found[1].name is None:
        return []
    return [_spans(found[1].name)]


def signer_title(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The signer's own title: the title row right above the name ("PHÓ CHỦ TỊCH" under
    "KT. CHỦ TỊCH", "CHỦ TỊCH" under "TM. ỦY BAN NHÂN DÂN")."""
    found = read_block(lines)
    if found is None or found[1].own_title is None:
        return []
    return [_spans(found[1].own_title)]


__all__ = ["Block", "Reading", "Span", "closing_lines", "find_block", "main_part",
           "read_block", "rows", "signer", "signer_title"]
