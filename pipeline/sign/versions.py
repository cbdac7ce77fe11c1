"""The store half of a signature, shared by every way of signing (a batch on the server,
two-phase signing through the official's agent): which version is signed, where the signed
version goes, and the commit (audit entry, then the record).

Exactly once: the version a signature produces has a fixed, write-once key
(``documents/<id>/signed/<nn>-<field>.pdf``) and the record names it only once it is stored.
A version stored by an interrupted run is adopted after checking that it grew from the current
version by one incremental update carrying the profile's signature.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections.abc import Mapping
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields

from pipeline.errors import SigningError
from pipeline.models import Artifact, DocumentRecord, SignatureInfo, Variant
from pipeline.sign.policy import KeyVerdict
from pipeline.sign.profiles import Profile
from pipeline.store.documents import DocumentStore


def base_version(record: DocumentRecord) -> Artifact:
    """The version a new signature signs: the latest signed one, else the searchable PDF."""
    found = record.artifacts.get(Variant.SIGNED.value) or record.artifacts.get(
        Variant.SEARCHABLE.value)
    if found is None:
        raise SigningError(f"Tài liệu {record.id} chưa có bản PDF để ký.")
    return found


def target_key(store: DocumentStore, record: DocumentRecord, profile: Profile) -> str:
    """Where this profile's signature of ``record`` is stored (fixed, write-once)."""
    return store.signed_key(record.id, len(record.signatures) + 1, profile.field_name)


def filled_fields(data: bytes) -> list[str]:
    """Names of the signature fields of ``data`` that hold a signature."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    return [name for name, _, _ in fields.enumerate_sig_fields(reader, filled_status=True)]


def adoptable(store: DocumentStore, stored: Artifact, base: bytes, field_name: str) -> bytes:
    """The version an interrupted run stored: it must be the current version plus one
    incremental update carrying this profile's signature."""
    data = store.read(stored)
    if not data.startswith(base) or field_name not in filled_fields(data):
        raise SigningError(f"Bản đã ký còn lại từ lần chạy trước ({stored.key}) không khớp "
                           "với phiên bản hiện tại; cần kiểm tra thủ công.")
    return data


def signature_info(profile: Profile, cert: asn1_x509.Certificate, verdict: KeyVerdict,
                   digest: str, artifact: Artifact, signed_at: datetime) -> SignatureInfo:
    return SignatureInfo(
        field_name=profile.field_name, profile=profile.name, role=profile.role.value,
        level=profile.level.value, signer=cert.subject.human_friendly,
        certificate_sha256=hashlib.sha256(cert.dump()).hexdigest(),
        algorithm=f"{verdict.describe()}, {digest.upper()}",
        signed_at=signed_at.isoformat(),
        key=artifact.key, sha256=artifact.sha256, size=artifact.size)


def commit_signature(store: DocumentStore, record: DocumentRecord, info: SignatureInfo,
                     artifact: Artifact, audit: Mapping[str, object] | None = None) -> None:
    """Audit entry (with ``audit``'s fields: who asked, how the key was activated…), then
    the record: the record is the commit point."""
    audit_key = f"signatures/{record.id}/{info.key.rsplit('/', 1)[-1]}.json"
    store.put_audit(audit_key, {"document": record.id, **dataclasses.asdict(info),
                                **(audit or {})})
    artifacts = {**record.artifacts, Variant.SIGNED.value: artifact}
    store.put_record(dataclasses.replace(record, signatures=(*record.signatures, info),
                                         artifacts=artifacts))
