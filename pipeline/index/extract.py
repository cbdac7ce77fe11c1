"""What the index keeps of one record: pure functions, so reindexing gives the same rows.

Linking rules (documented here because lookups depend on them):

* **Citizen**: a document is linked to the personal ID in its ``so_dinh_danh`` field when that
  value is valid. The role says whose ID it is: ``applicant`` on a one-stop receipt (the QR
  code and the form give the applicant's ID), ``representative`` on an enterprise
  registration certificate (the legal representative), ``subject`` elsewhere (the person the
  paper is about: a form's declarant, the person born on a birth extract, the card holder).
* **Dossier**: a document is linked to the dossier named by its own valid ``ma_ho_so`` field,
  which one-stop systems print in the QR code on receipts and results (Circular
  01/2023/TT-VPCP) and receipts and fee receipts print in words. Results are not linked
  through a receipt: a citizen may have several dossiers open, and a guess would give a
  result the wrong portal name. A result without a dossier code has no portal name.
* **Result**: a document signed by an ``official`` or a ``seal`` profile is an electronic
  result; a ``copy`` signature ("SAO Y") certifies a digitised paper, not its contents.
  Results of a dossier are numbered 01, 02, … by their first official/seal signature's time
  (then by ID), which never changes once signed, so portal names are stable and a reindex
  gives the same names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pipeline.models import DocumentRecord, Variant

#: Roles of signatures that make a document a result (the copy role does not).
RESULT_ROLES = frozenset({"official", "seal"})
#: Fields that describe a person, as the citizen profile and reconciliation use them.
PERSONAL_FIELDS = ("ho_ten", "ngay_sinh", "gioi_tinh", "que_quan", "noi_sinh",
                   "noi_thuong_tru", "noi_cu_tru", "quoc_tich", "so_dien_thoai", "email",
                   "ho_ten_cha", "ho_ten_me")
#: Whose personal ID a document type's ``so_dinh_danh`` is, when not the subject's.
_ROLE_BY_TYPE = {"giay_tiep_nhan": "applicant", "giay_chung_nhan_dkdn": "representative"}
#: For each role, which of the document's fields describe the ID holder, and as what.
#: A representative's certificate carries the company's phone and address, not theirs.
PERSON_FIELDS_BY_ROLE: dict[str, dict[str, str]] = {
    "subject": {name: name for name in PERSONAL_FIELDS},
    "applicant": {**{name: name for name in PERSONAL_FIELDS}, "nguoi_nop": "ho_ten"},
    "representative": {"nguoi_dai_dien": "ho_ten"},
}
RECEIPT_TYPES = frozenset({"giay_tiep_nhan"})


@dataclass(frozen=True)
class Rows:
    document: dict[str, Any]
    fields: list[dict[str, Any]]
    citizens: list[dict[str, Any]]
    dossiers: list[dict[str, Any]]


def valid_value(record: DocumentRecord, name: str) -> str | None:
    """The field's value as text when it was read and passed its checks."""
    found = record.fields.get(name)
    if not isinstance(found, dict) or not found.get("valid", False):
        return None
    value = found.get("value")
    return None if value in (None, "") else str(value)


def citizen_role(doc_type: str) -> str:
    return _ROLE_BY_TYPE.get(doc_type, "subject")


def result_signed_at(record: DocumentRecord) -> str | None:
    """When the document became a result (its first official/seal signature), in UTC."""
    times = [s.signed_at for s in record.signatures if s.role in RESULT_ROLES]
    return utc(times[0]) if times else None


def utc(stamp: str) -> str:
    """ISO 8601 in UTC, so times written with different offsets sort as text."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        return moment.isoformat()
    return moment.astimezone(UTC).isoformat()


def dossier_kind(record: DocumentRecord) -> str:
    if result_signed_at(record) is not None:
        return "result"
    return "receipt" if record.doc_type in RECEIPT_TYPES else "form"


def rows(record: DocumentRecord) -> Rows:
    signed_at = result_signed_at(record)
    is_result = signed_at is not None
    latest = record.artifacts.get(Variant.SIGNED.value)
    document = {
        "id": record.id,
        "doc_type": record.doc_type,
        "status": record.status.value,
        "created_at": record.created_at,
        "source_sha256": record.source.sha256,
        "source_filename": record.source.filename,
        "source_station": record.source.station,
        "signed": bool(record.signatures),
        "result": is_result,
        "result_signed_at": signed_at,
        "latest_signed_key": latest.key if latest else None,
    }
    field_rows = []
    for name, found in record.fields.items():
        if not isinstance(found, dict):
            continue
        value = found.get("value")
        page = found.get("page")
        field_rows.append({
            "doc_id": record.id,
            "name": name,
            "value": None if value is None else str(value),
            "confidence": float(found.get("confidence") or 0.0),
            "page": int(page) if isinstance(page, int) else None,
            "valid": bool(found.get("valid", False)),
            "source": str(found.get("source") or "ocr"),
            "from_signed": is_result,
        })
    citizen_rows = []
    person = valid_value(record, "so_dinh_danh")
    if person is not None:
        citizen_rows.append({"so_dinh_danh": person, "doc_id": record.id,
                             "role": citizen_role(record.doc_type)})
    dossier_rows = []
    code = valid_value(record, "ma_ho_so")
    if code is not None:
        dossier_rows.append({"ma_ho_so": code, "doc_id": record.id,
                             "kind": dossier_kind(record)})
    return Rows(document, field_rows, citizen_rows, dossier_rows)
