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

#: Words an agency's own name starts with (its superior's line comes before it).
_AGENCY_STARTS = ("uy ban nhan dan", "ubnd", "hoi dong nhan dan", "so ", "bo ", "cuc ",
                  "chi cuc", "phong ", "trung tam", "van phong", "cong an", "ban ", "toa an",
                  "vien kiem sat", "bo phan", "truong ", "benh vien", "thanh tra", "kho bac",
                  "chi nhanh", "doi ")
_MOTTO = "cong hoa xa hoi chu nghia viet nam"
_NOT_AGENCY = ("so:", "so ", "v/v", "mau so", "ky hieu")
_PLACE_DATE = re.compile(
    r"^\s*[^,\d]{2,60},\s*(?P<value>ng[aà]y\s*\d{1,2}\s*th[aá]ng\s*\d{1,2}\s*n[aă]m\s*\d{4})",
    re.IGNORECASE)
_SIGN_HINT = re.compile(r"\(\s*k[ýy]", re.IGNORECASE)  # "(Ký, ghi rõ họ tên)"
_NAME = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,5}$")


def _header(lines: Sequence[TextLine], title: int | None) -> list[TextLine]:
    page1 = [ln for ln in lines if ln.page == 1]
    end = title if title is not None else page1[min(len(page1), 12) - 1].index + 1 if page1 else 0
    return [ln for ln in page1 if ln.index < end]


def agency(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The issuing agency: the header's left column from its last agency-like line."""
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
    parts: Candidate = []
    for line in left[start:]:
        if fold(line.text).startswith(_NOT_AGENCY):
            break
        parts.append((line, 0, len(line.text)))
    return [parts] if parts else []


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
    """The lines after the last "Nơi nhận" / signing hint: where the signer's title and name
    are. Falls back to the last eight lines of the document."""
    last = [ln for ln in lines if ln.page == lines[-1].page] if lines else []
    for i in range(len(last) - 1, -1, -1):
        if starts_with(last[i].text, "Nơi nhận") or _SIGN_HINT.search(last[i].text):
            return last[i:]
    return last[-8:]


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
        text = line.text.strip()
        letters = [ch for ch in text if ch.isalpha()]
        if letters and all(ch.isupper() for ch in letters) and not text.startswith(("TM.", "KT.",
                                                                                   "Q.", "TL.")):
            return [[(line, 0, len(line.text))]]
    return []


METHODS: dict[str, Callable[[Sequence[TextLine], int | None], list[Candidate]]] = {
    "agency": agency,
    "place_date": place_date,
    "subject": subject,
    "signer": signer,
    "signer_title": signer_title,
}
