"""The digital signatures a PDF arrived with: who signed it and when, not whether to trust it.

Vietnamese e-office documents carry the issuing body's signature (and, once published, the
gazette centre's or the Government portal's). The signer's certificate names the
organisation and the signature records the time of signing; the fields stage uses both as
evidence beside what the paper says. Nothing here validates anything (that is
``pipeline.sign.verify``): a certificate is read as it is, and a signature that cannot be
read becomes an entry with a reason instead of an error.

Signing time: the signature dictionary's /M first, then the CMS ``signingTime`` attribute.
Both are the signer's software's claim; some Vietnamese signing tools write local time into
``signingTime`` labelled as UTC (seven hours off) while /M carries the right offset, as the
printed stamps show.
"""

from __future__ import annotations

import io
import logging
import mmap
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

log = logging.getLogger(__name__)

_PDF_DATE = re.compile(
    r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:(Z)|([+-])(\d{2})'?(\d{2})?'?)?")


@dataclass(frozen=True)
class FoundSignature:
    """One embedded signature as the file states it (untrusted)."""

    field_name: str
    #: Certificate subject: common name (a person, or the body itself for an organisation
    #: certificate), organisation and unit.
    signer: str
    organization: str
    unit: str
    #: ISO 8601 with offset, or "" when the signature states no time.
    signed_at: str
    subfilter: str
    #: The signed byte ranges reach the end of the file (later signatures and edits are
    #: appended after the ones they follow).
    covers_whole_file: bool
    #: Why the signature could not be read (Vietnamese), None when it was.
    problem: str | None = None


def pdf_date(text: str) -> datetime | None:
    """A PDF date string ("D:20240318084142+07'00'"); without an offset, UTC is assumed
    (as PDF 32000-1 7.9.4 leaves it unknown)."""
    match = _PDF_DATE.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, _, sign, off_h, off_m = match.groups()
    zone = UTC
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m or 0))
        zone = timezone(offset if sign == "+" else -offset)
    try:
        return datetime(int(year), int(month or 1), int(day or 1), int(hour or 0),
                        int(minute or 0), int(second or 0), tzinfo=zone)
    except ValueError:
        return None


def _might_be_signed(path: Path) -> bool:
    """A cheap look for a signature dictionary before pyHanko parses the whole file."""
    with path.open("rb") as handle:
        try:
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return data.find(b"/ByteRange") >= 0
        except ValueError:  # an empty file cannot be mapped
            return False


def embedded_signatures(path: Path) -> list[FoundSignature]:
    """Every signature field with a signature in the file, in the fields' order (one that
    cannot be read is listed with its reason, the others are still read)."""
    if not _might_be_signed(path):
        return []
    data = path.read_bytes()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception as exc:  # pyHanko raises many kinds on a damaged file
        log.warning("signatures of %s not read: %r", path.name, exc)
        return [FoundSignature("", "", "", "", "", "", False,
                               problem="Không đọc được các chữ ký số trong tệp PDF.")]
    return [_read_one(reader, name, value, field, len(data)) for name, value, field in fields]


def _read_one(reader: PdfFileReader, name: str, value: Any, field: Any,
              size: int) -> FoundSignature:
    name = str(name or "")
    try:
        obj = value.get_object()
        subfilter = str(obj.get("/SubFilter", ""))
        ranges = [int(v) for v in obj.get("/ByteRange", [])]
        whole = len(ranges) == 4 and ranges[2] + ranges[3] == size
        when = pdf_date(str(obj.get("/M", ""))) if "/M" in obj else None
    except Exception as exc:
        log.warning("signature %s not read: %r", name, exc)
        return FoundSignature(name, "", "", "", "", "", False,
                              problem="Chữ ký số bị hỏng, không đọc được từ điển chữ ký.")
    try:
        sig = EmbeddedPdfSignature(reader, field, name)
        subject = sig.signer_cert.subject.native
        if when is None:
            when = _signing_time_attribute(sig)
    except Exception as exc:
        log.warning("signature %s not read: %r", name, exc)
        return FoundSignature(name, "", "", "", when.isoformat() if when else "", subfilter,
                              whole, problem="Không đọc được chữ ký số hoặc chứng thư của "
                              "người ký.")
    return FoundSignature(
        field_name=name, signer=_one(subject.get("common_name")),
        organization=_one(subject.get("organization_name")),
        unit=_one(subject.get("organizational_unit_name")),
        signed_at=when.isoformat() if when else "", subfilter=subfilter,
        covers_whole_file=whole)


def _signing_time_attribute(sig: Any) -> datetime | None:
    for attr in sig.signer_info["signed_attrs"]:
        if attr["type"].native == "signing_time":
            value = attr["values"][0].native
            return value if isinstance(value, datetime) else None
    return None


def _one(value: object) -> str:
    """A subject attribute that may be repeated (several OU): the values joined."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value) if value is not None else ""
