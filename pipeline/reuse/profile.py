"""A citizen's profile and a dossier's contents, read from the index (and the bucket for
signature details), every value carrying where it came from."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import NotFound
from pipeline.index import Index, IndexedDocument
from pipeline.index.extract import PERSON_FIELDS_BY_ROLE, PERSONAL_FIELDS, RESULT_ROLES
from pipeline.store.documents import DocumentStore

#: Values read below this confidence are shown but never raise a conflict: a doubtful OCR
#: reading is not evidence that the citizen's data changed (review.min_field_confidence).
CONFLICT_MIN_CONFIDENCE = 0.60
#: Fields that date the paper itself; a document without them is dated by its ingest.
_ISSUE_DATES = ("ngay_ban_hanh", "ngay_dang_ky", "ngay_nhan", "ngay_thu")


@dataclass(frozen=True)
class Observation:
    """One value of one personal field as one document gives it."""

    name: str  # the personal field it describes (``nguoi_nop`` on a receipt is ``ho_ten``)
    value: str
    doc_id: str
    doc_type: str
    page: int | None
    confidence: float
    from_signed: bool
    source: str
    #: ``YYYY-MM-DD`` of the paper (its issue date if read, else its ingest), then ingest time.
    as_of: tuple[str, str]

    def provenance(self) -> dict[str, Any]:
        return {"document": self.doc_id, "doc_type": self.doc_type, "page": self.page,
                "confidence": round(self.confidence, 3), "from_signed": self.from_signed,
                "source": self.source, "as_of": self.as_of[0]}


def same_value(a: object, b: object) -> bool:
    """Equal up to case, spacing and punctuation (how a form and a certificate may differ)."""
    return _canonical(a) == _canonical(b)


def _canonical(value: object) -> str:
    text = unicodedata.normalize("NFC", str(value)).casefold()
    text = re.sub(r"[.,;:/\-]+", " ", text)
    return " ".join(text.split())


def observations(index: Index, so_dinh_danh: str,
                 exclude: str | None = None) -> tuple[list[Observation],
                                                      list[tuple[IndexedDocument, str]]]:
    """Every valid personal value of the citizen's documents, oldest first, and the
    documents themselves with the citizen's role in each. Revoked results give no data."""
    docs = [(d.document, d.role) for d in index.citizen_documents(so_dinh_danh)
            if d.document.id != exclude]
    by_id = {doc.id: (doc, role) for doc, role in docs}
    found = index.fields_of(list(by_id))
    dated: dict[str, str] = {}
    for f in found:
        if f.name in _ISSUE_DATES and f.valid and f.value and f.doc_id not in dated:
            dated[f.doc_id] = f.value[:10]
    out = []
    for f in found:
        doc, role = by_id[f.doc_id]
        target = PERSON_FIELDS_BY_ROLE.get(role, {}).get(f.name)
        if target is None or not f.valid or f.value in (None, "") or doc.revoked:
            continue
        as_of = (dated.get(doc.id) or doc.created_at[:10], doc.created_at)
        out.append(Observation(target, str(f.value), doc.id, doc.doc_type, f.page,
                               f.confidence, f.from_signed, f.source, as_of))
    out.sort(key=lambda o: (o.as_of, o.doc_id))
    return out, docs


@dataclass(frozen=True)
class CitizenProfile:
    so_dinh_danh: str
    #: Per personal field: the latest value with provenance, ``conflict`` and, when the
    #: documents disagree, every distinct value with the documents giving it.
    fields: dict[str, dict[str, Any]]
    documents: list[dict[str, Any]]
    results: list[dict[str, Any]]
    conflicts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"so_dinh_danh": self.so_dinh_danh, "fields": self.fields,
                "conflicts": self.conflicts, "documents": self.documents,
                "results": self.results}


def citizen_profile(index: Index, store: DocumentStore | None,
                    so_dinh_danh: str) -> CitizenProfile:
    """Merge what the citizen's documents say; raise :class:`NotFound` for an unknown ID."""
    obs, docs = observations(index, so_dinh_danh)
    if not docs:
        raise NotFound(f"Chưa có tài liệu nào của công dân có số định danh {so_dinh_danh}.")
    fields: dict[str, dict[str, Any]] = {}
    conflicts = []
    order = {name: i for i, name in enumerate(PERSONAL_FIELDS)}
    for name in sorted({o.name for o in obs}, key=lambda n: (order.get(n, 99), n)):
        mine = [o for o in obs if o.name == name]
        latest = mine[-1]
        groups = _groups([o for o in mine if o.confidence >= CONFLICT_MIN_CONFIDENCE])
        entry: dict[str, Any] = {"value": latest.value, **latest.provenance(),
                                 "conflict": len(groups) > 1}
        if len(groups) > 1:
            conflicts.append(name)
            entry["values"] = [{"value": g[-1].value,
                                "sources": [o.provenance() for o in g]} for g in groups]
        fields[name] = entry
    names = index.result_names([d.id for d, _ in docs])
    documents = [_doc_entry(d, names.get(d.id)) | {"role": role} for d, role in docs]
    results = [_result_entry(index, store, d, names.get(d.id)) for d, _ in docs if d.result]
    return CitizenProfile(so_dinh_danh, fields, documents, results, conflicts)


def _groups(obs: Sequence[Observation]) -> list[list[Observation]]:
    groups: list[list[Observation]] = []
    for o in obs:
        for g in groups:
            if same_value(g[0].value, o.value):
                g.append(o)
                break
        else:
            groups.append([o])
    return groups


def _doc_entry(doc: IndexedDocument, name: str | None) -> dict[str, Any]:
    return {"id": doc.id, "doc_type": doc.doc_type, "status": doc.status,
            "created_at": doc.created_at, "filename": doc.source_filename,
            "signed": doc.signed, "result": doc.result, "result_name": name,
            "revoked": doc.revoked}


def _result_entry(index: Index, store: DocumentStore | None, doc: IndexedDocument,
                  name: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": doc.id, "name": name, "doc_type": doc.doc_type,
                             "signed_at": doc.result_signed_at, "revoked": doc.revoked,
                             "signed_key": doc.latest_signed_key}
    if store is not None:
        record = store.get_record(doc.id)
        entry["signers"] = [{"role": s.role, "signer": s.signer, "signed_at": s.signed_at}
                            for s in record.signatures if s.role in RESULT_ROLES]
    if doc.revoked:
        revocation = index.revocation(doc.id)
        if revocation is not None:
            entry["revocation"] = revocation.to_dict()
    return entry


@dataclass(frozen=True)
class Dossier:
    ma_ho_so: str
    documents: list[dict[str, Any]]
    results: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"ma_ho_so": self.ma_ho_so, "documents": self.documents,
                "results": self.results}


def dossier(index: Index, ma_ho_so: str) -> Dossier:
    """The dossier's documents (receipt, forms, results) and its named results."""
    found = index.dossier_documents(ma_ho_so)
    if not found:
        raise NotFound(f"Không tìm thấy hồ sơ có mã {ma_ho_so}.")
    documents = [_doc_entry(d.document, d.result_name) | {"kind": d.kind} for d in found]
    results = [_result_entry(index, None, d.document, d.result_name)
               for d in found if d.kind == "result"]
    return Dossier(ma_ho_so, documents, results)
