"""Sign one PDF for one profile: an incremental update at the profile's PAdES level.

The official's signature is an approval signature (never a certification one, which would
forbid the seal after it); a profile with ``lock`` locks the document (DocMDP "no changes")
with its signature, after which only long-term-validation updates may follow.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import BaseStampStyle

from pipeline.errors import SigningError
from pipeline.sign.context import BatchContext
from pipeline.sign.keys import UnlockedKey
from pipeline.sign.profiles import Level, Profile

log = logging.getLogger(__name__)

_CONTENTS = re.compile(rb"/Contents\s*<([0-9A-Fa-f]+)>")
_TOO_SMALL = re.compile(r"larger than expected|reserved|allocated", re.I)


@dataclass(frozen=True)
class Visible:
    """Where and how a signature shows: the widget box and its stamp style."""

    page: int
    box: tuple[float, float, float, float]
    style: BaseStampStyle


@dataclass(frozen=True)
class SignedPdf:
    data: bytes
    field_name: str
    level: Level
    signed_at: datetime


class PdfSignatureMaker:
    """Signs documents for one profile within one batch (key, context and the signature
    size are shared by every document)."""

    def __init__(self, profile: Profile, key: UnlockedKey, context: BatchContext,
                 digest: str = "sha256") -> None:
        self.profile, self.key, self.context, self.digest = profile, key, context, digest
        #: Bytes to reserve for the signature container: learnt from the first document so
        #: pyHanko need not make a dry-run signature to size every later one.
        self.reserved: int | None = None

    def pdf_signer(self, visible: Visible | None = None,
                   signer: signers.Signer | None = None) -> signers.PdfSigner:
        """pyHanko's signer for one document of this profile: its field, level, lock and
        look. ``signer`` replaces the batch key's (two-phase signing's external signer)."""
        profile = self.profile
        level = profile.level
        meta = signers.PdfSignatureMetadata(
            field_name=profile.field_name,
            md_algorithm=self.digest,
            subfilter=fields.SigSeedSubFilter.PADES,
            certify=False,
            embed_validation_info=level.long_term,
            use_pades_lta=level is Level.B_LTA,
            validation_context=self.context.validation if level.long_term else None,
            docmdp_permissions=(fields.MDPPerm.NO_CHANGES if profile.lock
                                else fields.MDPPerm.FILL_FORMS),
        )
        spec = fields.SigFieldSpec(
            sig_field_name=profile.field_name,
            on_page=visible.page if visible else 0,
            box=_int_box(visible.box) if visible else None,
            doc_mdp_update_value=fields.MDPPerm.NO_CHANGES if profile.lock else None,
            field_mdp_spec=(fields.FieldMDPSpec(fields.FieldMDPAction.ALL)
                            if profile.lock else None),
        )
        return signers.PdfSigner(
            meta, signer=signer or self.key.signer,
            timestamper=self.context.timestamper if level.timestamped else None,
            stamp_style=visible.style if visible else None, new_field_spec=spec)

    async def sign(self, data: bytes, visible: Visible | None = None) -> SignedPdf:
        profile = self.profile
        pdf_signer = self.pdf_signer(visible)
        writer = open_writer(data)
        out = io.BytesIO()
        reserved = self.reserved  # other documents in flight may change the shared value
        try:
            with signing_errors(self.context):
                await pdf_signer.async_sign_pdf(writer, output=out, bytes_reserved=reserved)
        except SigningError as exc:
            if reserved is not None and _TOO_SMALL.search(exc.detail or ""):
                self.reserved = None  # grew beyond the learnt size: size it again
                return await self.sign(data, visible)
            raise
        signed = out.getvalue()
        if self.reserved is None:
            self.reserved = _reserved_size(signed[len(data):])
        return SignedPdf(signed, profile.field_name, profile.level,
                         update_time(data, signed, profile.field_name))


def open_writer(data: bytes) -> IncrementalPdfFileWriter:
    """An incremental writer on ``data``; a PDF pyHanko cannot open is refused plainly."""
    try:
        return IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except Exception as exc:  # pyHanko raises several kinds on a broken PDF
        raise SigningError("Tệp PDF hỏng, không ký được.", detail=repr(exc)) from None


@contextlib.contextmanager
def signing_errors(context: BatchContext) -> Iterator[None]:
    """pyHanko's failures as the user's: a refused signature, a TSA that did not answer
    (nothing is stored either way, so the batch can simply run again)."""
    try:
        yield
    except PyHankoSigningError as exc:
        raise SigningError(f"Không ký được: {exc}", detail=repr(exc)) from None
    except TimestampRequestError as exc:
        raise SigningError("Không lấy được dấu thời gian từ máy chủ TSA "
                           f"({context.timestamper_url}); tài liệu chưa được ký, chạy "
                           "lại lô sau.", detail=repr(exc.__cause__ or exc)) from None


def update_time(base: bytes, signed: bytes, field_name: str) -> datetime:
    """The signing time (``/M``) of the signature ``signed`` appended to ``base``."""
    return _update_time(signed[len(base):]) or signing_time(signed, field_name)


def _int_box(box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return round(x0), round(y0), round(x1), round(y1)


def _reserved_size(update: bytes) -> int | None:
    """Size of the signature placeholder pyHanko chose (first /Contents of the update),
    plus room for a longer timestamp token; even, as pyHanko wants."""
    found = _CONTENTS.search(update)
    if found is None:
        return None
    size = len(found.group(1)) + 4096  # pyHanko counts the placeholder in hex digits
    return size + size % 2


_M_ENTRY = re.compile(rb"/M\s*\(((?:[^()\\]|\\.){10,60}?)\)")
_OCTAL = re.compile(rb"\\([0-7]{1,3})")
_PDF_DATE = re.compile(r"D:(\d{14})([+-])(\d{2})'(\d{2})'?$")


def _update_time(update: bytes) -> datetime | None:
    """The ``/M`` of the signature just appended, read from the update's bytes (a PDF
    literal string, which pyHanko writes with octal escapes): parsing the whole signed file
    again cost a fifth of a batch's time."""
    entry = _M_ENTRY.search(update)
    if entry is None:
        return None
    raw = _OCTAL.sub(lambda m: bytes([int(m.group(1), 8)]), entry.group(1))
    found = _PDF_DATE.match(raw.decode("latin-1"))
    if found is None:
        return None
    stamp, sign, hours, minutes = found.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    zone = timezone(offset if sign == "+" else -offset)
    return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=zone)


def signing_time(data: bytes, field_name: str) -> datetime:
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    for sig in reader.embedded_regular_signatures:
        if sig.field_name == field_name:
            when = sig.self_reported_timestamp
            if isinstance(when, datetime):
                return when
    raise SigningError("Không đọc lại được thời điểm ký trong tệp vừa ký.")
