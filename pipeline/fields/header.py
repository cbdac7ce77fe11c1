"""The Decree 30 header: the issuing agency (left column, with its superior), the
document's own number ("Số: 47/QĐ-UBND", left column only) and the place and date (right
column). Incoming-mail stamps ("ĐẾN / Số: / Ngày: / Chuyển:") pressed over the header are
taken out first: their number and date are the receiving office's, not the document's.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import replace

from pipeline.fields.kinds import AGENCY_LETTERS
from pipeline.fields.lines import TextLine
from pipeline.fields.match import fold

Span = tuple[TextLine, int, int]
Candidate = list[Span]

#: Pseudo-lines joining parts of a composed value (no words: they add no box, only text).
_JOIN_COMMA: Span = (TextLine(0, -1, ",", (), ()), 0, 1)
_JOIN_SPACE: Span = (TextLine(0, -1, "", (), ()), 0, 0)

#: Words an agency's own name starts with (its superior's line comes before it).
_AGENCY_STARTS = ("uy ban nhan dan", "ubnd", "hoi dong nhan dan", "so ", "bo ", "cuc ",
                  "chi cuc", "phong ", "trung tam", "van phong", "cong an", "ban ", "toa an",
                  "vien kiem sat", "bo phan", "truong ", "benh vien", "thanh tra", "kho bac",
                  "chi nhanh", "doi ", "thu tuong", "chinh phu", "quoc hoi", "uy ban ",
                  "tong cuc", "ngan hang", "kiem toan", "hoc vien", "dai hoc", "tinh uy",
                  "thanh uy", "huyen uy", "dang uy", "mat tran", "bao hiem", "vien ")
MOTTO = "cong hoa xa hoi chu nghia viet nam"
#: The motto heads the header's right column when it starts this far across the text.
MOTTO_MIN_SHARE = 0.35
_NOT_AGENCY = ("so:", "v/v", "mau so", "ky hieu")
#: Words that start a locality inside an agency name ("... phường Sông Cầu").
_LOCALITY = re.compile(r"\b(tỉnh|thành phố|quận|huyện|thị xã|phường|xã|thị trấn)\b(?! hội)",
                       re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"^\s*[^,\d]{2,60},\s*(?P<value>ng[aà]y\s*\d{1,2}\s*th[aá]ng\s*\d{1,2}\s*n[aă]m\s*\d{4})",
    re.IGNORECASE)
#: The same line wrapped before its year (a long place name: "Thành phố Hồ Chí Minh, ngày
#: 27 tháng 01 năm" over "2023").
_PLACE_DATE_OPEN = re.compile(
    r"^\s*[^,\d]{2,60},\s*(?P<value>ng[aà]y\s*\d{1,2}\s*th[aá]ng\s*\d{1,2}\s*n[aă]m)\s*$",
    re.IGNORECASE)
_YEAR_START = re.compile(r"^\s*(?P<value>\d{4})\b")


def _header(lines: Sequence[TextLine], title: int | None) -> list[TextLine]:
    """Page 1 above the title (its first lines when no title was found)."""
    page1 = [ln for ln in lines if ln.page == 1]
    end = title if title is not None else page1[min(len(page1), 12) - 1].index + 1 if page1 else 0
    return [ln for ln in page1 if ln.index < end]


def _motto_left(header: Sequence[TextLine], page1: Sequence[TextLine]) -> float | None:
    """Left edge of the national motto when it heads a right-hand column of the header:
    where the agency's column ends. None when the motto is not found there."""
    right = max((w.box[2] for ln in page1 for w in ln.words), default=0.0)
    for line in header:
        for i in range(len(line.words)):
            tail = " ".join(w.text for w in line.words[i:i + 8])
            if fold(tail).startswith(MOTTO):
                x0 = line.words[i].box[0]
                return x0 if x0 > MOTTO_MIN_SHARE * right else None
    return None


def is_caps_word(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _trim_specks(line: TextLine, start: int, end: int) -> Span:
    """An all-capitals header line without the specks OCR reads around it (a seal's or a QR
    code's edge: "M ® sàn ỦY BAN NHÂN DÂN")."""
    pairs = [(w, sp) for w, sp in zip(line.words, line.spans, strict=True)
             if sp[0] >= start and sp[1] <= end]
    caps = [i for i, (w, _) in enumerate(pairs) if is_caps_word(w.text)]
    if not caps or len(caps) * 2 < len(pairs) or fold(line.text[start:end]).startswith(
            _NOT_AGENCY):
        return (line, start, end)
    first, last = caps[0], caps[-1]
    while last + 1 < len(pairs) and pairs[last + 1][0].text.isdigit():  # "QUẬN 1"
        last += 1
    return (line, pairs[first][1][0], pairs[last][1][1])


def _left_column(lines: Sequence[TextLine], title: int | None) -> list[Span]:
    """The header's left column (the agency, its number, the subject of a công văn), each
    line cut where the motto's column begins when OCR put both columns on one line."""
    header = _header(lines, title)
    page1 = [ln for ln in lines if ln.page == 1]
    edge = _motto_left(header, page1)
    out: list[Span] = []
    for line in header:
        if edge is None or not line.words:
            if fold(line.text).startswith(MOTTO):
                break
            out.append((line, 0, len(line.text)))
            continue
        spans = [sp for w, sp in zip(line.words, line.spans, strict=True)
                 if w.box[2] <= edge + line_height(line)]
        if spans and any(ch.isalnum() for ch in line.text[spans[0][0]:spans[-1][1]]):
            out.append(_trim_specks(line, spans[0][0], spans[-1][1]))
    if edge is not None:  # top to bottom, whatever order OCR gave the fragments
        out.sort(key=lambda sp: statistics.median(
            w.box[1] for w in sp[0].words_in(sp[1], sp[2])) if sp[0].words else 0.0)
    return out


def line_height(line: TextLine) -> float:
    return max((w.box[3] - w.box[1] for w in line.words), default=0.0)


def adjacent(above: Span, below: Span, lines: float = 1.2) -> bool:
    """Two lines of one block: no more than about a line's height apart. Medians of the
    words' edges, so that a speck or a skewed word does not close the gap."""
    a, b = above[0], below[0]
    if not a.words or not b.words:
        return True
    top = statistics.median(w.box[1] for w in b.words)
    bottom = statistics.median(w.box[3] for w in a.words)
    height = max(statistics.median(w.box[3] - w.box[1] for w in ln.words) for ln in (a, b))
    return top - bottom < lines * height


def _agency_like(text: str) -> bool:
    """A header line that starts an agency's name, in capitals as Decree 30 prints it (OCR
    may run its words together: "ỦY BANNHÂNDÂN")."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or sum(ch.isupper() for ch in letters) < 0.8 * len(letters):
        return False
    folded = fold(text)
    squashed = folded.replace(" ", "")
    return folded.startswith(_AGENCY_STARTS) or any(
        " " in start.strip() and squashed.startswith(start.replace(" ", ""))
        for start in _AGENCY_STARTS) or any(
        squashed.startswith(letters) for letters, _ in AGENCY_LETTERS)


def span_text(span: Span) -> str:
    line, a, b = span
    return line.text[a:b]


def agency(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The issuing agency's full name, as a reader writes it from the header's left column:
    its own name (the last agency-like line and those under it), then its direct superior
    when there is one - only the superior's locality for a people's committee ("Sở Thông tin
    và Truyền thông" under "UBND THÀNH PHỐ HÀ NỘI" is "... thành phố Hà Nội")."""
    left = [sp for sp in _left_column(lines, title) if span_text(sp).strip()]
    start = None
    for i, span in enumerate(left):
        if _agency_like(span_text(span)):
            start = i
    if start is None:
        return []
    own: Candidate = []
    for span in left[start:]:
        if fold(span_text(span)).startswith(_NOT_AGENCY) or (own and not adjacent(own[-1], span)) \
                or not any(is_caps_word(word) for word in span_text(span).split()):
            break
        own.append(span)
    superior: list[Span] = []
    for span in reversed(left[:start]):  # the lines right above it, up to a gap
        below = superior[0] if superior else left[start]
        if fold(span_text(span)).startswith(_NOT_AGENCY) or not adjacent(span, below):
            break
        superior.insert(0, span)
    while superior and not (_agency_like(span_text(superior[0]))
                            or _LOCALITY.match(span_text(superior[0]))):
        superior.pop(0)  # specks above the header, not a superior agency
    if not own or not superior:
        return [own] if own else []
    own_text = " ".join(span_text(sp) for sp in own)
    sup_text = " ".join(span_text(sp) for sp in superior)
    if fold(sup_text).startswith(("ubnd", "uy ban nhan dan")):
        if _LOCALITY.search(sup_text) is None:
            return [own]
        at = next(i for i, sp in enumerate(superior) if _LOCALITY.search(span_text(sp)))
        line, a, b = superior[at]
        found = _LOCALITY.search(line.text, a, b)
        tail: Candidate = [(line, found.start() if found else a, b), *superior[at + 1:]]
        joiner = _JOIN_COMMA if _LOCALITY.search(own_text) else _JOIN_SPACE
        return [[*own, joiner, *tail]]
    return [[*own, _JOIN_COMMA, *superior]]


def _right_column(lines: Sequence[TextLine], title: int | None) -> list[Span]:
    """The header's right column (motto, place and date) when OCR put it beside the left."""
    header = _header(lines, title)
    page1 = [ln for ln in lines if ln.page == 1]
    edge = _motto_left(header, page1)
    out: list[Span] = []
    if edge is None:
        return out
    for line in header:
        spans = [sp for w, sp in zip(line.words, line.spans, strict=True)
                 if w.box[0] >= edge - 2 * line_height(line)]
        if spans:
            out.append((line, spans[0][0], spans[-1][1]))
    return out


def place_date(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The date of "<place>, ngày 04 tháng 7 năm 2023", the issue date of the document: in
    the header's right column first, then on any line that starts with it."""
    out = []
    spans = [*_right_column(lines, title), *((ln, 0, len(ln.text)) for ln in lines)]
    for line, a, b in spans:
        match = _PLACE_DATE.match(line.text[a:b])
        if match:
            out.append([(line, a + match.start("value"), a + match.end("value"))])
            continue
        wrapped = _PLACE_DATE_OPEN.match(line.text[a:b])
        below = lines[line.index + 1] if wrapped and line.index + 1 < len(lines) else None
        year = _YEAR_START.match(below.text) if below is not None else None
        if wrapped and below is not None and year and adjacent((line, a, b), (below, 0, 0)):
            out.append([(line, a + wrapped.start("value"), a + wrapped.end("value")),
                        (below, year.start("value"), year.end("value"))])
    return out


#: The label of the document's own number: "Số:", read as "Só:", "Sô :", "S6:".
_NUMBER_LABEL = re.compile(r"^\s*S[ốóôòồổo6]\s*[:：.;]\s*", re.IGNORECASE)


def number(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The document's own "Số: <number>/<symbol>": in the header's left column only, from the
    label to the column's edge (a handwritten number may be read apart from its symbol:
    "Số: 47 /QĐ-UBND"). Numbers cited in the subject or the body never qualify."""
    out: list[Candidate] = []
    for line, a, b in _left_column(lines, title):
        label = _NUMBER_LABEL.match(line.text[a:b])
        if label is not None and line.text[a + label.end():b].strip():
            out.append([(line, a + label.end(), b)])
    return out


#: The incoming-mail stamp's own label lines.
_STAMP_LABELS = ("so", "ngay", "chuyen", "luu ho so", "gio")


def _is_stamp_word(text: str) -> bool:
    core = text.strip(".,:;-_'\"`~°")
    return core in ("ĐẾN", "ĐÉN", "ĐÊN", "ĐỀN", "ĐỂN", "DEN", "ĐEN")


#: An incoming-mail stamp: (page, x0, y0, x1, y1) in page pixels.
Stamp = tuple[int, float, float, float, float]


def stamp_boxes(lines: Sequence[TextLine]) -> list[Stamp]:
    """(page, x0, y0, x1, y1) of each incoming-mail stamp on page 1: the word "ĐẾN" in
    capitals with its own "Số:" or "Ngày:" lines under or beside it."""
    found: list[Stamp] = []
    page1 = [ln for ln in lines if ln.page == 1 and ln.words]
    for line in page1:
        for word in line.words:
            if not _is_stamp_word(word.text):
                continue
            h = word.box[3] - word.box[1]
            box = (word.box[0] - 4 * h, word.box[1] - 1.5 * h, word.box[2] + 12 * h,
                   word.box[3] + 5 * h)
            labels = [w for ln in page1 for w in ln.words if _inside(w.box, box)
                      and fold(w.text).rstrip(".:;").startswith(_STAMP_LABELS)
                      and w is not word]
            if labels:
                found.append((1, *box))
    return found


def _inside(box: tuple[float, float, float, float],
            area: tuple[float, float, float, float]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] <= cx <= area[2] and area[1] <= cy <= area[3]


def without_stamps(lines: Sequence[TextLine], boxes: Sequence[Stamp] | None = None
                   ) -> list[TextLine]:
    """The lines with the words of incoming-mail stamps (``boxes``, else those found in
    ``lines``) taken out; lines keep their place, perhaps empty, so line numbers stay
    valid."""
    boxes = stamp_boxes(lines) if boxes is None else boxes
    if not boxes:
        return list(lines)
    out = []
    for line in lines:
        keep = [(w, sp) for w, sp in zip(line.words, line.spans, strict=True)
                if not any(p == line.page and _inside(w.box, (x0, y0, x1, y1))
                           for p, x0, y0, x1, y1 in boxes)]
        if len(keep) == len(line.words):
            out.append(line)
            continue
        words, spans, position = [], [], 0
        for word, _ in keep:
            words.append(word)
            spans.append((position, position + len(word.text)))
            position += len(word.text) + 1
        out.append(replace(line, text=" ".join(w.text for w in words), words=tuple(words),
                           spans=tuple(spans)))
    return out

#: The place of "<place>, ngày ... tháng ... năm ...", or of "Làm tại: <place>, ngày ...".
_PLACE_OF_DATE = re.compile(
    r"^\s*(?:L[aà]m t[aạ]i\s*[:：]?\s*)?(?P<value>[^,\d:：()]{2,40}?)\s*,\s*ng[aà]y\b",
    re.IGNORECASE)


def place_name(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The place of the place-and-date line (the địa danh of Decree 30): in the header's
    right column first, then on any line that starts with one."""
    out = []
    spans = [*_right_column(lines, title), *((ln, 0, len(ln.text)) for ln in lines)]
    for line, a, b in spans:
        match = _PLACE_OF_DATE.match(line.text[a:b])
        if match:
            out.append([(line, a + match.start("value"), a + match.end("value"))])
    return out
