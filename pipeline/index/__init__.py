"""The index: what the object store cannot answer quickly (a citizen's documents, a dossier's
documents, a result by its portal name ``<ma_ho_so>-KQ<nn>``, revocations).

SQLite by default, PostgreSQL in production (``[index] url`` / ``SOHOA_INDEX_URL``), through
one data-access layer (:class:`Index`). It is updated on every ``DocumentStore.put_record``
and is only ever derived: :func:`reindex` rebuilds it from the bucket alone.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.errors import NotFound
from pipeline.index.db import (
    CitizenDocument,
    DossierDocument,
    Index,
    IndexedDocument,
    IndexedField,
    Revocation,
    default_url,
    open_index,
    parse_result_name,
    result_name,
)
from pipeline.index.revocation import read_revocation, revoke, stored_revocations
from pipeline.store.documents import DocumentStore
from pipeline.store.ids import is_document_id

__all__ = [
    "CitizenDocument",
    "DossierDocument",
    "Index",
    "IndexedDocument",
    "IndexedField",
    "Revocation",
    "default_url",
    "open_index",
    "parse_result_name",
    "read_revocation",
    "reindex",
    "resolve",
    "result_name",
    "revoke",
    "stored_revocations",
]


def resolve(store: DocumentStore, ref: str,
            warn: Callable[[str], object] | None = None) -> str:
    """The document ID behind ``ref``: an ID as it is, or a portal result name looked up in
    the index. ``warn`` is told (in Vietnamese) when the document is a revoked result; the
    revocation is read from the bucket, so the mark never depends on the index."""
    ref = ref.strip()
    doc_id = ref
    if not is_document_id(ref) and parse_result_name(ref) is not None:
        if store.index is None:
            raise NotFound("Chưa có chỉ mục nên không tra được tên kết quả; hãy dùng mã tài "
                           "liệu hoặc cấu hình index.url.")
        found = store.index.resolve_result(ref)
        if found is None:
            raise NotFound(f"Không tìm thấy kết quả “{ref}”. Nếu kho vừa được khôi phục, hãy "
                           "chạy: sohoa store reindex")
        doc_id = found
    if warn is not None and is_document_id(doc_id):
        revoked = read_revocation(store, doc_id)
        if revoked is not None:
            warn(f"CẢNH BÁO: kết quả {revoked.name or doc_id} đã bị THU HỒI lúc "
                 f"{revoked.revoked_at} ({revoked.revoked_by}). Lý do: {revoked.reason}. "
                 "Bản lưu vẫn được trả về nguyên vẹn nhưng không còn hiệu lực.")
    return doc_id


def reindex(store: DocumentStore, index: Index,
            progress: Callable[[int], None] | None = None) -> int:
    """Rebuild ``index`` from the bucket alone: every record, then every revocation."""
    return index.rebuild(store.records(), list(stored_revocations(store)), progress)
