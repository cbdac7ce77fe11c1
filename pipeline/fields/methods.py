"""Layout methods for fields that have no label: they follow Decree 30's page layout.

Each returns candidate spans ``[(line, start, end), ...]`` (several for wrapped values).
The header is page 1 above the title; the reading-order step has already put the left
column (agency, number, subject) before the right one (national motto, place and date).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

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


def agency(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The issuing agency's full name, as a reader writes it from the header's left column:
    its own name (the last agency-like line and those under it), then its direct superior
    when there is one - only the superior's locality for a people's committee ("Sở Thông tin
    và Truyền thông" under "UBND THÀNH PHỐ HÀ NỘI" is "... thành phố Hà Nội")."""
    left: list[TextLine] = []
    for line in _header(lines, title):
        if fold(line.text).startswith(_MOTTO):
            break
        left.append(line)
    start = None
    for i, line in enumerate(left):
        if fold(line.text).startswith(_AGENCY_STARTS):
            start = i
    if start is None:
        return []
    own: Candidate = []
    for line in left[start:]:
        if fold(line.text).startswith(_NOT_AGENCY):
            break
        own.append((line, 0, len(line.text)))
    superior = [ln for ln in left[:start] if not fold(ln.text).startswith(_NOT_AGENCY)]
    if not own or not superior:
        return [own] if own else []
    own_text = " ".join(ln.text for ln, _, _ in own)
    sup_text = " ".join(ln.text for ln in superior)
    if fold(sup_text).startswith(("ubnd", "uy ban nhan dan")):
        locality = _LOCALITY.search(sup_text)
        if locality is None:
            return [own]
        first = next(ln for ln in superior if _LOCALITY.search(ln.text))
        start_at = _LOCALITY.search(first.text)
        tail: Candidate = [(first, start_at.start() if start_at else 0, len(first.text))]
        tail += [(ln, 0, len(ln.text)) for ln in superior[superior.index(first) + 1:]]
        joiner = _JOIN_COMMA if _LOCALITY.search(own_text) else _JOIN_SPACE
        return [[*own, joiner, *tail]]
    return [[*own, _JOIN_COMMA, *((ln, 0, len(ln.text)) for ln in superior)]]


def place_date(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The date of "<place>, ngày 04 tháng 7 năm 2023", the issue date of the document."""
    out = []
    for line in lines:
        match = _PLACE_DATE.search(line.text)
        if match:
            out.append([(line, match.start("value"), match.end("value"))])
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
    parts: Candidate = []
    for line in lines[start:start + most]:
        if parts and (stop(line) or line.page != lines[start].page):
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


def signer_title(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The signer's own title: the last capitalised line above the name ("PHÓ CHỦ TỊCH" under
    "KT. CHỦ TỊCH")."""
    block = _signature_block(lines)
    names = signer(lines, title)
    limit = names[0][0][0].index if names else (block[-1].index + 1 if block else 0)
    for line in reversed([ln for ln in block if ln.index < limit]):
        # The title may share a line with the "Nơi nhận" list read beside it.
        match = _TRAILING_TITLE.search(line.text)
        if match and match.start() > 0 and line.text.lstrip().startswith("-"):
            match = None  # "- Lưu: VT, KSTT." is a recipient, not a title
        if match and not match.group(0).strip().startswith(_ON_BEHALF):
            return [[(line, match.start(), match.end())]]
    return []


METHODS: dict[str, Callable[[Sequence[TextLine], int | None], list[Candidate]]] = {
    "agency": agency,
    "place_date": place_date,
    "subject": subject,
    "signer": signer,
    "signer_title": signer_title,
}
