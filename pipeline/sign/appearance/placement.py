"""Where the visible signatures go, found from the page text or pinned by a profile.

Decree 30/2020 Appendix I fixes the positions relative to the printed signer block:

* the official's signature image sits in the blank space between the title lines
  ("TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"...) and the printed name;
* the agency's seal covers about the left third of that image, at its real size;
* an electronic copy or an attachment gets a text block at the top right of page 1.

The signer block is read from the born-digital text (or an OCR text layer) with PDFium.
Nothing here draws anything: the boxes become signature widgets, whose appearance streams
are the only place anything is shown (the page content is never touched).

Seal geometry (decided here, used by :func:`seal_box` and the seal style):

* the seal is a ``diameter_mm`` square (the round seal image fills it) whose right edge
  lies one third of the way into the official's box and whose vertical centre is the
  official box's: so the disc covers the left third of the signature image (fully along the
  horizontal midline, a little less towards the top and bottom where the disc curves
  away) and never its right two thirds;
* the agency name and the signing time are printed under the seal, centred on it, in a strip
  :data:`SEAL_TEXT_WIDTH_MM` wide (or the seal's width if wider): the seal's red ink and the
  signature's blue would make text over them unreadable, and to the left of the seal lies
  the recipients list ("Nơi nhận"). When the strip would cross the printed name it moves
  below the name;
* seal and strip form one widget (one signature has one widget); the widget is shifted, never
  shrunk, to stay :data:`PAGE_SAFETY_MM` inside the page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.sign.appearance.geometry import MM, AppearanceError, Box
from pipeline.sign.appearance.pagetext import open_pdf

# ---------------------------------------------------------------- seal text strip
#: Font size and leading (whole points: pyHanko writes them with ``%d``) of the agency name
#: and signing time under the seal.
SEAL_TEXT_SIZE = 8
SEAL_TEXT_LEADING = 9
#: Lines reserved under the seal: the agency name on up to two lines, then the time.
SEAL_TEXT_LINES = 3
SEAL_TEXT_WIDTH_MM = 42.0
#: Space between the seal (or the printed name) and the text strip, points.
SEAL_TEXT_GAP = 2.0
#: Room kept under the last baseline of a stamp's text (pyHanko puts the last baseline on
#: the text box's bottom edge; descenders would be clipped by the widget), whole points.
TEXT_DESCENT_ROOM = 3

# ---------------------------------------------------------------- copy block
#: Decree 30: Times New Roman 10 pt, upright, black.
COPY_TEXT_SIZE = 10
COPY_TEXT_LEADING = 12
COPY_TEXT_LINES = 3
COPY_WIDTH_MM = 85.0
#: The copy block's right edge sits on the usual right margin (Decree 30: 15-20 mm) and
#: its top this far below the page's top edge: the block fits in the 20-25 mm top margin.
COPY_RIGHT_MM = 20.0
COPY_TOP_MM = 5.0

#: Nothing is placed closer than this to the page's edges.
PAGE_SAFETY_MM = 3.0

# ---------------------------------------------------------------- official signature
OFFICIAL_WIDTH_MM = 50.0
#: Vertical clearance kept free above and below the signature image inside the gap.
OFFICIAL_MARGIN_MM = 1.5
#: A space between title and name shorter than this is no room to sign in.
MIN_GAP_MM = 10.0

_PREFIX = re.compile(r"^(TM|KT|Q|TL|TUQ)\s*\.")
_TITLE_WORDS = re.compile(
    r"\b(CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|CHÁNH|BÍ THƯ|THỦ TƯỚNG|CHỦ NHIỆM|TỔNG CỤC|"
    r"HIỆU TRƯỞNG|VIỆN TRƯỞNG|CHỦ TỌA|ỦY VIÊN|QUYỀN|PHÓ|NGƯỜI TIẾP NHẬN)\b")
_MAX_TITLE_WORDS = 9
_MAX_NAME_WORDS = 7


@dataclass(frozen=True)
class Auto:
    """Placement marker: find the position from the page text."""


AUTO = Auto()
#: A profile either pins a box or lets the package find one.
Placement = Auto | Box


@dataclass(frozen=True)
class TextLine:
    """One line of one column: words on the same baseline with no column gutter between."""

    text: str
    box: Box
    size: float
    bold: bool


@dataclass(frozen=True)
class SignerBlock:
    """The printed signer block found on a page: the title lines, the printed name, and the
    blank space between them where the official's signature goes."""

    page: int
    page_box: Box
    title_lines: tuple[str, ...]
    title: Box
    name_text: str
    name: Box
    gap: Box


@dataclass(frozen=True)
class IssuedBoxes:
    """Widget boxes of an issued document's two signatures."""

    official: Box
    seal: Box
    block: SignerBlock | None


# ---------------------------------------------------------------- reading the page


def _open(pdf: Path | bytes) -> Any:
    try:
        return open_pdf(pdf)
    except Exception as exc:  # PDFium raises several kinds on a broken file
        raise AppearanceError("Không đọc được tệp PDF để đặt chữ ký.", detail=repr(exc)) from None


def _page_box(page: Any, index: int) -> Box:
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    return Box(index, x0, y0, x1, y1)


def _lines(page: Any, index: int) -> list[TextLine]:
    """The page's text lines, split into columns where words are far apart."""
    if page.rotation % 360:
        raise AppearanceError(
            f"Trang {index + 1} bị xoay {page.rotation}°: không tự đặt được chữ ký, hãy chỉ định "
            "vị trí trong cấu hình.")
    page_box = _page_box(page, index)
    words = page.extract_words()
    words = [w for w in words if w.get("upright", True)]
    words.sort(key=lambda w: (round(float(w["bottom"])), float(w["x0"])))
    rows: list[list[dict[str, Any]]] = []
    for word in words:
        if rows:
            last = rows[-1]
            ref = last[0]
            if abs(float(word["bottom"]) - float(ref["bottom"])) <= 0.3 * float(ref["size"]):
                last.append(word)
                continue
        rows.append([word])
    lines: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda w: float(w["x0"]))
        segment: list[dict[str, Any]] = [row[0]]
        for word in row[1:]:
            gutter = float(word["x0"]) - float(segment[-1]["x1"])
            if gutter > 1.5 * float(word["size"]):
                lines.append(_line(segment, index, page_box))
                segment = []
            segment.append(word)
        lines.append(_line(segment, index, page_box))
    return lines


def _line(words: Sequence[dict[str, Any]], index: int, page_box: Box) -> TextLine:
    text = unicodedata.normalize("NFC", " ".join(str(w["text"]) for w in words))
    x0 = min(float(w["x0"]) for w in words) + page_box.x0
    x1 = max(float(w["x1"]) for w in words) + page_box.x0
    top = min(float(w["top"]) for w in words)
    bottom = max(float(w["bottom"]) for w in words)
    box = Box(index, x0, page_box.y1 - bottom, x1, page_box.y1 - top)
    size = max(float(w["size"]) for w in words)
    bold = all("bold" in str(w.get("fontname", "")).lower() for w in words)
    return TextLine(text, box, size, bold)


def _is_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _is_title(line: TextLine) -> bool:
    text = line.text
    return (_is_upper(text) and len(text.split()) <= _MAX_TITLE_WORDS
            and (bool(_PREFIX.match(text)) or bool(_TITLE_WORDS.search(text))))


def _blocks(lines: Sequence[TextLine], page_box: Box) -> Iterator[SignerBlock]:
    """Every title group in the right half of the page followed, across a signing space,
    by a printed name in the same column."""
    ordered = sorted(lines, key=lambda ln: -ln.box.y1)  # top to bottom
    used: set[int] = set()
    mid = (page_box.x0 + page_box.x1) / 2
    for i, first in enumerate(ordered):
        if i in used or not _is_title(first) or first.box.cx <= mid:
            continue
        title = [first]
        used.add(i)
        rest = ordered[i + 1:]
        j = 0
        # Consecutive capitalised lines of the same column belong to the title, and so does
        # a hint right under it ("(Ký, ghi rõ họ tên)"): the signature must not cover it.
        while j < len(rest):
            line = rest[j]
            prev = title[-1]
            if not line.box.overlaps_x(prev.box):
                j += 1
                continue
            if (prev.box.y0 - line.box.y1 <= 0.8 * prev.size
                    and (_is_upper(line.text) or line.text.startswith("("))
                    and len(line.text.split()) <= _MAX_TITLE_WORDS):
                title.append(line)
                used.add(i + 1 + j)
                j += 1
                continue
            break
        name = _name_below(title, rest[j:])
        if name is None:
            continue
        title_box = title[0].box
        for line in title[1:]:
            title_box = title_box.union(line.box)
        gap = Box(first.box.page, min(title_box.x0, name.box.x0), name.box.y1,
                  max(title_box.x1, name.box.x1), title_box.y0)
        yield SignerBlock(first.box.page, page_box, tuple(ln.text for ln in title), title_box,
                          name.text, name.box, gap)


def _name_below(title: Sequence[TextLine], below: Sequence[TextLine]) -> TextLine | None:
    """The first line under the title, in its column, after a blank of at least
    :data:`MIN_GAP_MM`; hints like "(Ký, ghi rõ họ tên)" and seal notes are skipped."""
    last = title[-1]
    column = title[0].box
    for line in title[1:]:
        column = column.union(line.box)
    for line in below:
        if not line.box.overlaps_x(column):
            continue
        if line.text.startswith("(") or line.box.cx < column.x0 or line.box.cx > column.x1:
            continue
        if last.box.y0 - line.box.y1 < MIN_GAP_MM * MM:
            return None  # text right under the title: no signing space here
        if len(line.text.split()) > _MAX_NAME_WORDS:
            return None
        return line
    return None


def find_signer_block(pdf: Path | bytes) -> SignerBlock | None:
    """The signer block of the document: on the last page that has one (pages are searched
    from the end, so annexes after the signature are skipped), the lowest block in the
    right-hand half; ``None`` when no page has a title, a signing space and a name."""
    with _open(pdf) as doc:
        for index in range(len(doc.pages) - 1, -1, -1):
            page = doc.pages[index]
            page_box = _page_box(page, index)
            found = list(_blocks(_lines(page, index), page_box))
            if found:
                return min(found, key=lambda b: (b.name.y0, -b.name.cx))
    return None


# ---------------------------------------------------------------- boxes


def official_box(block: SignerBlock, *, width_mm: float = OFFICIAL_WIDTH_MM,
                 margin_mm: float = OFFICIAL_MARGIN_MM) -> Box:
    """The official's signature widget: ``width_mm`` wide, centred on the column (between
    the centres of the title and the name), as tall as the signing space less a small
    clearance above and below."""
    height = block.gap.height - 2 * margin_mm * MM
    if height < MIN_GAP_MM * MM / 2:
        raise AppearanceError("Khoảng trống giữa chức vụ và họ tên người ký quá hẹp để đặt "
                              "chữ ký; hãy chỉ định vị trí trong cấu hình.")
    cx = (block.title.cx + block.name.cx) / 2
    box = Box.from_centre(block.page, cx, block.gap.cy, width_mm * MM, height)
    return box.kept_inside(block.page_box, PAGE_SAFETY_MM * MM).snapped()


def seal_text_height(lines: int = SEAL_TEXT_LINES) -> float:
    return lines * SEAL_TEXT_LEADING + TEXT_DESCENT_ROOM


def seal_box(official: Box, diameter_mm: float = 35.0, *, avoid: Box | None = None,
             page_box: Box | None = None, text_lines: int = SEAL_TEXT_LINES) -> Box:
    """The agency seal's widget for an official signature at ``official`` (see the module
    docstring for the geometry): the seal square on top, the text strip under it.
    ``avoid`` is the printed name (the strip goes under it if they would cross);
    ``page_box`` keeps the widget on the page."""
    d = diameter_mm * MM
    right = official.x0 + official.width / 3
    seal = Box(official.page, right - d, official.cy - d / 2, right, official.cy + d / 2)
    strip_w = max(d, SEAL_TEXT_WIDTH_MM * MM)
    strip_h = seal_text_height(text_lines)
    top = seal.y0 - SEAL_TEXT_GAP
    strip = Box(official.page, seal.cx - strip_w / 2, top - strip_h, seal.cx + strip_w / 2, top)
    if avoid is not None and avoid.page == official.page and strip.intersection(avoid):
        top = min(top, avoid.y0 - SEAL_TEXT_GAP)
    widget = Box(official.page, seal.cx - strip_w / 2, top - strip_h, seal.cx + strip_w / 2,
                 seal.y1)
    if page_box is not None:
        widget = widget.kept_inside(page_box, PAGE_SAFETY_MM * MM)
    return widget.snapped()


def seal_disc(widget: Box, diameter_mm: float = 35.0) -> Box:
    """Where the seal image lies inside a widget made by :func:`seal_box` (top, centred)."""
    d = diameter_mm * MM
    return Box(widget.page, widget.cx - d / 2, widget.y1 - d, widget.cx + d / 2, widget.y1)


def copy_box(pdf: Path | bytes, page: int = 0, *, width: float | None = None,
             lines: int = COPY_TEXT_LINES) -> Box:
    """The copy/attachment text block: ``lines`` lines of 10 pt at the top right of the page,
    right edge on the right margin, inside the top margin; ``width`` in points (default
    :data:`COPY_WIDTH_MM`; size it to the text with ``styles.copy_block_width``)."""
    with _open(pdf) as doc:
        if not 0 <= page < len(doc.pages):
            raise AppearanceError(f"Tài liệu không có trang {page + 1}.")
        p = doc.pages[page]
        if p.rotation % 360:
            raise AppearanceError(
                f"Trang {page + 1} bị xoay {p.rotation}°: không tự đặt được khối chữ ký, hãy "
                "chỉ định vị trí trong cấu hình.")
        page_box = _page_box(p, page)
    w = COPY_WIDTH_MM * MM if width is None else width
    h = lines * COPY_TEXT_LEADING + TEXT_DESCENT_ROOM + 1
    x1 = page_box.x1 - COPY_RIGHT_MM * MM
    y1 = page_box.y1 - COPY_TOP_MM * MM
    box = Box(page, x1 - w, y1 - h, x1, y1)
    return box.kept_inside(page_box, PAGE_SAFETY_MM * MM).snapped()


# ---------------------------------------------------------------- auto or pinned


def place_issued(pdf: Path | bytes, official: Placement = AUTO, seal: Placement = AUTO, *,
                 diameter_mm: float = 35.0) -> IssuedBoxes:
    """Both widget boxes of an issued document; a pinned :class:`Box` is used as given."""
    block: SignerBlock | None = None
    if isinstance(official, Box):
        official_at = official
    else:
        block = find_signer_block(pdf)
        if block is None:
            raise AppearanceError(
                "Không tìm thấy khối chữ ký (chức vụ và họ tên người ký) trong văn bản; hãy "
                "chỉ định vị trí chữ ký trong cấu hình.")
        official_at = official_box(block)
    if isinstance(seal, Box):
        seal_at = seal
    else:
        page_box = block.page_box if block is not None else _page_box_of(pdf, official_at.page)
        seal_at = seal_box(official_at, diameter_mm, avoid=block.name if block else None,
                           page_box=page_box)
    return IssuedBoxes(official_at, seal_at, block)


def place_copy(pdf: Path | bytes, placement: Placement = AUTO, *, page: int = 0,
               width: float | None = None) -> Box:
    """The copy block's widget box; a pinned :class:`Box` is used as given."""
    return placement if isinstance(placement, Box) else copy_box(pdf, page, width=width)


def _page_box_of(pdf: Path | bytes, index: int) -> Box:
    with _open(pdf) as doc:
        if not 0 <= index < len(doc.pages):
            raise AppearanceError(f"Tài liệu không có trang {index + 1}.")
        return _page_box(doc.pages[index], index)
