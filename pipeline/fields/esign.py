"""Read e-signature stamps: the text a signing tool prints beside a digital signature.

Vietnamese signing tools print, usually at the top right of page 1, who signed and when:

    Ký bởi: Ủy ban nhân dân tỉnh Quảng        Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ
    Ngãi                                       Email: thongtinchinhphu@chinhphu.vn
    Cơ quan: Tỉnh Quảng Ngãi                   Cơ quan: VĂN PHÒNG CHÍNH PHỦ
    Thời gian ký: 18/03/2024 08:41:42          Thời gian ký: 20.09.2024 16:40:43 +07:00

and the gazette centres print an unlabelled block: the body's name, its e-mail and
"18.03.2024 09:29:39 +07:00". A stamp is evidence beside the paper: it names the signing
body and bounds the issue date; it never stands for a printed field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from pipeline.fields.lines import TextLine
from pipeline.fields.match import fold_in_place
from pipeline.models import SignatureEvidence

#: Labels of a stamp's parts, folded (lower case, no diacritics).
SIGNER_LABELS = ("ky boi", "nguoi ky", "signed by")
ORGANISATION_LABELS = ("co quan", "don vi", "to chuc", "organization")
TIME_LABELS = ("thoi gian ky", "ngay ky", "thoi diem ky", "signing time")
EMAIL_LABELS = ("email", "e-mail", "thu dien tu")
_LABELS = (*SIGNER_LABELS, *ORGANISATION_LABELS, *TIME_LABELS, *EMAIL_LABELS)
#: A label ends at a colon; OCR may drop a space or read the colon as a semicolon. Searched
#: in :func:`fold_in_place` text, so a match's span cuts the printed line.
_LABEL = re.compile(r"(?<![a-z])(" + "|".join(r"\s*".join(map(re.escape, lb.split()))
                                              for lb in _LABELS) + r")\s*[:;：]")
#: "18/03/2024 08:41:42", "18.03.2024 09:29:39 +07:00", or ISO "2024-03-18T08:41:42+07:00".
_WHEN = re.compile(
    r"(?:(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))"
    r"[\s,T]*(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"(?:\s*(?:GMT|UTC)?\s*(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2}))?")
_EMAIL = re.compile(r"\S+@\S+\.\S+")
#: Lines of a stamp read from a page: its first label and the next few lines.
STAMP_LINES = 6


@dataclass(frozen=True)
class Stamp:
    signer: str
    organization: str
    signed_at: datetime | None


def signing_time(text: str, zone: str) -> datetime | None:
    """The first "dd/mm/yyyy hh:mm[:ss] [+hh:mm]" in ``text``; no offset means ``zone``."""
    match = _WHEN.search(text)
    if match is None:
        return None
    g = match.groupdict()
    tz: timezone | ZoneInfo = ZoneInfo(zone)
    if g["sign"]:
        offset = timedelta(hours=int(g["oh"]), minutes=int(g["om"]))
        tz = timezone(offset if g["sign"] == "+" else -offset)
    try:
        return datetime(int(g["y"] or g["iy"]), int(g["m"] or g["im"]), int(g["d"] or g["id"]),
                        int(g["H"]), int(g["M"]), int(g["S"] or 0), tzinfo=tz)
    except ValueError:  # a misread date that does not exist
        return None


def _labelled(lines: Sequence[str]) -> dict[str, str]:
    """Each label's value, continued on the following unlabelled lines ("Ký bởi: Ủy ban
    nhân dân tỉnh Quảng" / "Ngãi") until a time, an e-mail or another label."""
    values: dict[str, str] = {}
    current: str | None = None
    for line in lines:
        found = list(_LABEL.finditer(fold_in_place(line)))
        if not found:
            if current and line.strip() and not _WHEN.search(line) and not _EMAIL.search(line):
                values[current] = f"{values[current]} {line.strip()}"
            else:
                current = None
            continue
        current = None
        for i, match in enumerate(found):
            end = found[i + 1].start() if i + 1 < len(found) else len(line)
            label = _kind(match.group(1))
            value = line[match.end():end].strip(" ,;")
            if label not in values:
                values[label] = value
                current = label if i == len(found) - 1 and label in ("signer",
                                                                      "organization") else None
    return values


def _kind(label: str) -> str:
    label = " ".join(label.split()) if " " in label else _spaced(label)
    if label in SIGNER_LABELS:
        return "signer"
    if label in ORGANISATION_LABELS:
        return "organization"
    if label in TIME_LABELS:
        return "time"
    return "email"


def _spaced(label: str) -> str:
    """A label read without its space ("kyboi") as it is listed."""
    return next((lb for lb in _LABELS if lb.replace(" ", "") == label), label)


def parse_stamp(lines: Sequence[str], zone: str, *, labelled_only: bool = True
                ) -> Stamp | None:
    """A stamp's signer, organisation and time, or None when ``lines`` are not a stamp. An
    unlabelled block (the gazette's) is read only when ``labelled_only`` is false: the lines
    are known to be one stamp (a signature widget's text)."""
    values = _labelled(lines)
    when = signing_time(values.get("time", ""), zone) or signing_time(" ".join(lines), zone)
    signer = values.get("signer", "")
    if not signer and not labelled_only:
        head = []
        for line in lines:
            if _WHEN.search(line) or _EMAIL.search(line) or _LABEL.search(fold_in_place(line)):
                break
            head.append(line.strip())
        signer = " ".join(head)
    signer = " ".join(signer.split())
    if not signer and when is None:
        return None
    if labelled_only and not (values.get("signer") or values.get("time")):
        return None
    return Stamp(signer, " ".join(values.get("organization", "").split()), when)


def stamps_in_lines(lines: Sequence[TextLine], zone: str) -> list[SignatureEvidence]:
    """Labelled stamps printed on the pages (a text layer, or read by OCR)."""
    found: list[SignatureEvidence] = []
    used: set[int] = set()
    for i, line in enumerate(lines):
        if i in used or not _starts_stamp(line.text):
            continue
        block = [ln for ln in lines[i:i + STAMP_LINES] if ln.page == line.page]
        stamp = parse_stamp([ln.text for ln in block], zone)
        if stamp is None:
            continue
        used.update(range(i, i + len(block)))
        words = [w for ln in block for w in ln.words]
        bbox = ((min(w.box[0] for w in words), min(w.box[1] for w in words),
                 max(w.box[2] for w in words), max(w.box[3] for w in words))
                if words else None)
        found.append(SignatureEvidence(
            "stamp-text", stamp.signer, stamp.organization,
            signed_at=stamp.signed_at.isoformat() if stamp.signed_at else "",
            page=line.page, bbox=bbox))
    return found


def _starts_stamp(text: str) -> bool:
    match = _LABEL.search(fold_in_place(text))
    return match is not None and _kind(match.group(1)) in ("signer", "time")
