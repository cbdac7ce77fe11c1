"""Layout methods for fields that have no label: they follow Decree 30's page layout.

Each returns candidate spans ``[(line, start, end), ...]`` (several for wrapped values).
The header is page 1 above the title; the reading-order step has already put the left
column (agency, number, subject) before the right one (national motto, place and date).
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Callable, Sequence

from pipeline.fields.kinds import AGENCY_LETTERS
from pipeline.fields.lines import TextLine
from pipeline.fields.match import fold, starts_with

Span = tuple[TextLine, int, int]
Candidate = list[Span]

#: Pseudo-lines joining parts of a composed value (no words: they add no box, only text).
_JOIN_COMMA: Span = (TextLine(0, -1, ",", (), ()), 0, 1)
_JOIN_SPACE: Span = (TextLine(0, -1, "", (), ()), 0, 0)

#: Words an agency's own name starts with (its superior's line comes before it).
_AGENCY_STARTS = ("uy ban nhan dan", "ubnd", "hoi dong nhan dan", "so ", "bo ", "cuc ",
                  "chi cuc", "phong ", "trung tam", "van phong", "cong an", "ban ", "toa an",
                  "vien kiem sat", "bo phan", "truong ", "benh vien", "thanh tra", "kho bac",
                  "chi nhanh", "doi ")
_MOTTO = "cong hoa xa hoi chu nghia viet nam"
#: The motto heads the header's right column when it starts this far across the text.
MOTTO_MIN_SHARE = 0.35
_NOT_AGENCY = ("so:", "v/v", "mau so", "ky hieu")
#: Words that start a locality inside an agency name ("... phường Sông Cầu").
_LOCALITY = re.compile(r"\b(tỉnh|thành phố|quận|huyện|thị xã|phường|xã|thị trấn)\b(?! hội)",
                       re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"^\s*[^,\d]{2,60},\s*(?P<value>ng[aà]y\s*\d{1,2}\s*th[aá]ng\s*\d{1,2}\s*n[aă]m\s*\d{4})",
    re.IGNORECASE)
_SIGN_HINT = re.compile(r"\(\s*k[ýy]", re.IGNORECASE)  # "(Ký, ghi rõ họ tên)"
_UPPER_WORD = r"[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ.]+"
#: Two or more capitalised words ending a line: "CHỦ TỊCH", possibly after a list item.
_TRAILING_TITLE = re.compile(rf"(?:{_UPPER_WORD}\s+)+{_UPPER_WORD}\s*$")
_ON_BEHALF = ("TM.", "KT.", "Q.", "TL.", "TUQ.")
_NAME = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,5}$")


def _header(lines: Sequence[TextLine], title: int | None) -> list[TextLine]:
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
            if fold(tail).startswith(_MOTTO):
                x0 = line.words[i].box[0]
                return x0 if x0 > MOTTO_MIN_SHARE * right else None
    return None


def _is_caps_word(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _trim_specks(line: TextLine, start: int, end: int) -> Span:
    """An all-capitals header line without the specks OCR reads around it (a seal's or a QR
    code's edge: "M ® sàn ỦY BAN NHÂN DÂN")."""
    pairs = [(w, sp) for w, sp in zip(line.words, line.spans, strict=True)
             if sp[0] >= start and sp[1] <= end]
    caps = [i for i, (w, _) in enumerate(pairs) if _is_caps_word(w.text)]
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
            if fold(line.text).startswith(_MOTTO):
                break
            out.append((line, 0, len(line.text)))
            continue
        spans = [sp for w, sp in zip(line.words, line.spans, strict=True)
                 if w.box[2] <= edge + _height(line)]
        if spans and any(ch.isalnum() for ch in line.text[spans[0][0]:spans[-1][1]]):
            out.append(_trim_specks(line, spans[0][0], spans[-1][1]))
    if edge is not None:  # top to bottom, whatever order OCR gave the fragments
        out.sort(key=lambda sp: statistics.median(
            w.box[1] for w in sp[0].words_in(sp[1], sp[2])) if sp[0].words else 0.0)
    return out


def _height(line: TextLine) -> float:
    return max((w.box[3] - w.box[1] for w in line.words), default=0.0)


def _adjacent(above: Span, below: Span, lines: float = 1.2) -> bool:
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


def _text(span: Span) -> str:
    line, a, b = span
    return line.text[a:b]


def agency(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The issuing agency's full name, as a reader writes it from the header's left column:
    its own name (the last agency-like line and those under it), then its direct superior
    when there is one - only the superior's locality for a people's committee ("Sở Thông tin
    và Truyền thông" under "UBND THÀNH PHỐ HÀ NỘI" is "... thành phố Hà Nội")."""
    left = [sp for sp in _left_column(lines, title) if _text(sp).strip()]
    start = None
    for i, span in enumerate(left):
        if _agency_like(_text(span)):
            start = i
    if start is None:
        return []
    own: Candidate = []
    for span in left[start:]:
        if fold(_text(span)).startswith(_NOT_AGENCY) or (own and not _adjacent(own[-1], span)) \
                or not any(_is_caps_word(word) for word in _text(span).split()):
            break
        own.append(span)
    superior: list[Span] = []
    for span in reversed(left[:start]):  # the lines right above it, up to a gap
        below = superior[0] if superior else left[start]
        if fold(_text(span)).startswith(_NOT_AGENCY) or not _adjacent(span, below):
            break
        superior.insert(0, span)
    while superior and not (_agency_like(_text(superior[0]))
                            or _LOCALITY.match(_text(superior[0]))):
        superior.pop(0)  # specks above the header, not a superior agency
    if not own or not superior:
        return [own] if own else []
    own_text = " ".join(_text(sp) for sp in own)
    sup_text = " ".join(_text(sp) for sp in superior)
    if fold(sup_text).startswith(("ubnd", "uy ban nhan dan")):
        if _LOCALITY.search(sup_text) is None:
            return [own]
        at = next(i for i, sp in enumerate(superior) if _LOCALITY.search(_text(sp)))
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
                 if w.box[0] >= edge - 2 * _height(line)]
        if spans:
            out.append((line, spans[0][0], spans[-1][1]))
    return out


def place_date(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The date of "<place>, ngày 04 tháng 7 năm 2023", the issue date of the document: in
    the header's right column first, then on any line that starts with it."""
    out = []
    for line, a, b in _right_column(lines, title):
        match = _PLACE_DATE.match(line.text[a:b])
        if match:
            out.append([(line, a + match.start("value"), a + match.end("value"))])
    for line in lines:
        match = _PLACE_DATE.search(line.text)
        if match:
            out.append([(line, match.start("value"), match.end("value"))])
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


def subject(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The trích yếu: the "V/v ..." lines of a công văn, or the lines under the title."""
    for i, line in enumerate(lines):
        if line.page == 1 and starts_with(line.text, "V/v"):
            parts = _run(lines, i, lambda ln: starts_with(ln.text, "Kính gửi")
                         or fold(ln.text).startswith(_MOTTO))
            prefix = re.match(r"\s*V\s*/\s*v\s*[:.]?\s*", line.text, re.IGNORECASE)
            first, _, end = parts[0]
            parts[0] = (first, prefix.end() if prefix else 0, end)
            return [parts]
    if title is None:
        return []
    start = title + 1
    if start >= len(lines):
        return []
    stop = ("can cu", "kinh gui", "uy ban nhan dan", "chu tich", "giam doc", "bo truong",
            "thu truong")
    return [_run(lines, start, lambda ln: fold(ln.text).startswith(stop)
                 or ln.text.isupper())]


def _run(lines: Sequence[TextLine], start: int, stop: Callable[[TextLine], bool],
         most: int = 4) -> Candidate:
    """Lines from ``start`` that form one block: up to ``most``, on one page, until ``stop``
    or a gap taller than a line (the space after a centred subject, before the body)."""
    parts: Candidate = []
    for line in lines[start:start + most]:
        if parts and (stop(line) or line.page != lines[start].page
                      or not _adjacent(parts[-1], (line, 0, len(line.text)), 1.0)):
            break
        parts.append((line, 0, len(line.text)))
    return parts


def _signature_block(lines: Sequence[TextLine]) -> list[TextLine]:
    """Where the signer's title and name are: from the last "Nơi nhận" (annexes may follow
    the signature on later pages), or the last signing hint "(Ký, ghi rõ họ tên)", to the
    end of that page; else the last eight lines of the document."""
    for i in range(len(lines) - 1, -1, -1):
        if starts_with(lines[i].text, "Nơi nhận") or _SIGN_HINT.search(lines[i].text):
            return [ln for ln in lines[i:] if ln.page == lines[i].page]
    return list(lines[-8:])


def signer(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The signer's printed name: the last name-like line of the signature block."""
    for line in reversed(_signature_block(lines)):
        text = line.text.strip()
        if _NAME.match(text) and not text.isupper():
            return [[(line, 0, len(line.text))]]
    return []


def _column_gap_before(line: TextLine, at: int) -> bool:
    """The text from ``at`` stands apart from what precedes it on the line, as a column
    beside it does ("- CT, các PCT UBND;      PHÓ CHỦ TỊCH")."""
    pairs = list(zip(line.words, line.spans, strict=True))
    for (before, _), (word, span) in itertools.pairwise(pairs):
        if span[0] >= at:
            return word.box[0] - before.box[2] > 3 * _height(line)
    return False


def signer_title(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The signer's own title: the last capitalised line above the name ("PHÓ CHỦ TỊCH" under
    "KT. CHỦ TỊCH")."""
    block = _signature_block(lines)
    names = signer(lines, title)
    limit = names[0][0][0].index if names else (block[-1].index + 1 if block else 0)
    for line in reversed([ln for ln in block if ln.index < limit]):
        # The title may share a line with the "Nơi nhận" list read beside it.
        match = _TRAILING_TITLE.search(line.text)
        if match and match.start() > 0 and line.text.lstrip().startswith("-") \
                and not _column_gap_before(line, match.start()):
            match = None  # "- Lưu: VT, KSTT." is a recipient, not a title
        if match and not match.group(0).strip().startswith(_ON_BEHALF):
            return [[(line, match.start(), match.end())]]
    return []


METHODS: dict[str, Callable[[Sequence[TextLine], int | None], list[Candidate]]] = {
    "agency": agency,
    "place_date": place_date,
    "place_name": place_name,
    "subject": subject,
    "signer": signer,
    "signer_title": signer_title,
}
