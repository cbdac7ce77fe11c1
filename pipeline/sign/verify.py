"""Verify every signature and document timestamp of a PDF, and name its PAdES level.

pyHanko does the cryptography, the chain of trust and the analysis of incremental updates
(an edit appended after signing is caught; poppler's ``pdfsig`` misses it). The level is
derived here, as no validator prints it: B-B is a CAdES-detached signature; B-T adds a
valid signature timestamp (or a later document timestamp); B-LT means the document's DSS
alone, offline, validates the signer's chain with revocation data; B-LTA adds a valid
document timestamp after that.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import UnacceptableSignerError
from pyhanko.sign.validation import (
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

from pipeline.errors import InputError

CADES = "/ETSI.CAdES.detached"
MODIFICATIONS_VI = {
    "NONE": "không có",
    "LTA_UPDATES": "chỉ bổ sung dữ liệu kiểm tra lâu dài (DSS, dấu thời gian)",
    "FORM_FILLING": "chỉ thêm chữ ký số/điền biểu mẫu",
    "ANNOTATIONS": "thêm chú thích",
    "OTHER": "CÓ SỬA ĐỔI NỘI DUNG SAU KHI KÝ",
}


@dataclass(frozen=True)
class SignatureReport:
    index: int
    field_name: str
    kind: str  # "signature" | "timestamp"
    signer: str
    title: str
    organization: str
    signed_at: str
    level: str
    algorithm: str
    intact: bool
    valid: bool
    trusted: bool
    revocation_info: bool
    modifications: str
    covers_whole_file: bool
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class VerifyReport:
    signatures: tuple[SignatureReport, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and all(s.ok for s in self.signatures)

    @property
    def lowest_level(self) -> str:
        levels = [s.level for s in self.signatures if s.kind == "signature"]
        order = ["B-B", "B-T", "B-LT", "B-LTA"]
        return min(levels, key=lambda lv: order.index(lv) if lv in order else -1,
                   default="")

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "lowest_level": self.lowest_level,
                "signatures": [{**asdict(s), "problems": list(s.problems), "ok": s.ok}
                               for s in self.signatures]}


def verify_pdf(data: bytes, roots: list[asn1_x509.Certificate], *,
               online: bool = True, zone: str = "Asia/Ho_Chi_Minh") -> VerifyReport:
    if not roots:
        raise InputError("Chưa có chứng thư gốc tin cậy: dùng --trust TỆP.pem hoặc cấu hình "
                         "sign.trust_roots.")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # pyHanko raises several kinds on a broken PDF
        raise InputError("Tệp không phải PDF đọc được.", detail=repr(exc)) from None
    report = asyncio.run(_verify(reader, embedded, roots, online))
    return VerifyReport(tuple(replace(s, signed_at=_local(s.signed_at, zone))
                              for s in report.signatures))


def _local(when: str, zone: str) -> str:
    """Times as Vietnamese readers expect them (+07:00), whatever zone the file used."""
    return datetime.fromisoformat(when).astimezone(ZoneInfo(zone)).isoformat() if when else ""


async def _verify(reader: PdfFileReader, embedded: list[EmbeddedPdfSignature],
                  roots: list[asn1_x509.Certificate], online: bool) -> VerifyReport:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        context = ValidationContext(trust_roots=roots, allow_fetching=online,
                                    revocation_mode="soft-fail",
                                    fetcher_backend=AIOHttpFetcherBackend(session))
        return await _verify_all(reader, embedded, roots, context)


async def _verify_all(reader: PdfFileReader, embedded: list[EmbeddedPdfSignature],
                      roots: list[asn1_x509.Certificate],
                      context: ValidationContext) -> VerifyReport:
    dss = _dss(reader)
    timestamps: list[tuple[int, bool]] = []  # (revision, valid) of document timestamps
    reports: list[SignatureReport] = []
    for index, sig in enumerate(embedded, start=1):
        if sig.sig_object_type == "/DocTimeStamp":
            ts_status = await async_validate_pdf_timestamp(sig, validation_context=context)
            good = ts_status.intact and ts_status.valid and ts_status.trusted and \
                (ts_status.docmdp_ok is not False)
            timestamps.append((sig.signed_revision, good))
            reports.append(_timestamp_report(index, sig, ts_status, good))
            continue
        status = await async_validate_pdf_signature(
            sig, signer_validation_context=context, ts_validation_context=context)
        reports.append(await _signature_report(index, sig, status, dss, roots))
    # A document timestamp later than a signature raises it to T (and, with LT data, LTA).
    return VerifyReport(tuple(_with_lta(r, embedded, timestamps) for r in reports))


def _dss(reader: PdfFileReader) -> DocumentSecurityStore | None:
    try:
        return DocumentSecurityStore.read_dss(reader)
    except Exception:  # no DSS at all
        return None


async def _long_term(sig: EmbeddedPdfSignature, status: Any, dss: DocumentSecurityStore | None,
                     roots: list[asn1_x509.Certificate]) -> bool:
    """The DSS alone, offline, validates the signer's chain with revocation data at the time
    of the signature's timestamp."""
    ts = status.timestamp_validity
    if dss is None or ts is None:
        return False
    offline = dss.as_validation_context({
        "trust_roots": roots, "allow_fetching": False, "revocation_mode": "hard-fail",
        "retroactive_revinfo": True, "moment": ts.timestamp})
    validator = CertificateValidator(sig.signer_cert, intermediate_certs=sig.other_embedded_certs,
                                     validation_context=offline)
    try:
        await validator.async_validate_usage(set())
    except (PathValidationError, PathBuildingError, UnacceptableSignerError):
        return False
    return True


async def _signature_report(index: int, sig: EmbeddedPdfSignature, status: Any,
                            dss: DocumentSecurityStore | None,
                            roots: list[asn1_x509.Certificate]) -> SignatureReport:
    problems: list[str] = []
    if not status.intact:
        problems.append("nội dung đã bị thay đổi sau khi ký (sai giá trị băm)")
    elif not status.valid:
        problems.append("chữ ký không hợp lệ về mật mã")
    if not status.trusted:
        revoked = status.revocation_details is not None
        problems.append("chứng thư số đã bị thu hồi" if revoked else
                        "chứng thư số không chuỗi về chứng thư gốc tin cậy")
    level_name = status.modification_level.name if status.modification_level else "NONE"
    if status.docmdp_ok is False or level_name == "OTHER":
        problems.append("tài liệu bị sửa đổi sau khi ký theo cách không được phép")
    ts = status.timestamp_validity
    if ts is not None and not (ts.intact and ts.valid and ts.trusted):
        problems.append("dấu thời gian của chữ ký không hợp lệ")
    subfilter = str(sig.sig_object.get("/SubFilter", ""))
    level = "" if subfilter != CADES else "B-B"
    if level and ts is not None and not problems:
        level = "B-T"
    lt = bool(level == "B-T" and await _long_term(sig, status, dss, roots))
    if lt:
        level = "B-LT"
    subject = status.signing_cert.subject.native
    when: datetime | None = status.signer_reported_dt or (ts.timestamp if ts else None)
    return SignatureReport(
        index=index, field_name=sig.field_name or "", kind="signature",
        signer=str(subject.get("common_name", "")), title=str(subject.get("title", "")),
        organization=str(subject.get("organization_name", "")),
        signed_at=when.isoformat() if when else "", level=level,
        algorithm=f"{status.pkcs7_signature_mechanism}, {status.md_algorithm}",
        intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
        revocation_info=lt, modifications=MODIFICATIONS_VI.get(level_name, level_name),
        covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
        problems=tuple(problems))


def _timestamp_report(index: int, sig: EmbeddedPdfSignature, status: Any,
                      good: bool) -> SignatureReport:
    subject = status.signing_cert.subject.native
    level_name = status.modification_level.name if status.modification_level else "NONE"
    return SignatureReport(
        index=index, field_name=sig.field_name or "", kind="timestamp",
        signer=str(subject.get("common_name", "")), title="",
        organization=str(subject.get("organization_name", "")),
        signed_at=status.timestamp.isoformat(), level="", algorithm=str(status.md_algorithm),
        intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
        revocation_info=False, modifications=MODIFICATIONS_VI.get(level_name, level_name),
        covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
        problems=() if good else ("dấu thời gian tài liệu không hợp lệ hoặc tài liệu bị sửa "
                                  "sau đó",))


def _with_lta(report: SignatureReport, embedded: list[EmbeddedPdfSignature],
              timestamps: list[tuple[int, bool]]) -> SignatureReport:
    if report.kind != "signature" or report.problems:
        return report
    revision = embedded[report.index - 1].signed_revision
    later = any(good and rev > revision for rev, good in timestamps)
    if not later:
        return report
    if report.level == "B-B":
        return replace(report, level="B-T")
    if report.level == "B-LT":
        return replace(report, level="B-LTA")
    return report
