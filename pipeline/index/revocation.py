"""Revoked results: a write-once ``revocations/<id>.json`` object in the bucket, mirrored in
the index, so a reindex keeps it and the revoked result itself is never touched."""

from __future__ import annotations

import json
from collections.abc import Iterator

from pipeline.errors import ExitCode, SohoaError
from pipeline.index.db import Revocation
from pipeline.index.extract import RESULT_ROLES
from pipeline.store.documents import DocumentStore

PREFIX = "revocations/"


class RevocationRefused(SohoaError):
    code = "khong-thu-hoi-duoc"
    exit_code = ExitCode.USAGE


class NotAResult(RevocationRefused):
    code = "khong-phai-ket-qua"


def revocation_key(doc_id: str) -> str:
    return f"{PREFIX}{doc_id}.json"


def read_revocation(store: DocumentStore, doc_id: str) -> Revocation | None:
    """The revocation of a document as the bucket has it (verified), if any."""
    artifact = store.stored(revocation_key(doc_id))
    if artifact is None:
        return None
    return Revocation.from_dict(json.loads(store.read(artifact)))


def stored_revocations(store: DocumentStore) -> Iterator[Revocation]:
    for key in store.objects.list(PREFIX):
        if key.endswith(".json"):
            found = read_revocation(store, key[len(PREFIX):-len(".json")])
            if found is not None:
                yield found


def revoke(store: DocumentStore, doc_id: str, reason: str, by: str, at: str) -> Revocation:
    """Mark a signed result revoked; revoking it again returns the first revocation."""
    if not reason.strip():
        raise RevocationRefused("Cần ghi lý do thu hồi (--reason).")
    record = store.get_record(doc_id)
    if not any(s.role in RESULT_ROLES for s in record.signatures):
        raise NotAResult(f"Tài liệu {doc_id} chưa được ký như một kết quả giải quyết "
                         "(người có thẩm quyền hoặc con dấu); không có gì để thu hồi.")
    earlier = read_revocation(store, doc_id)
    if earlier is not None:
        return earlier
    index = store.index
    name = index.result_names([doc_id]).get(doc_id) if index is not None else None
    revocation = Revocation(doc_id, name, reason.strip(), at, by)
    body = json.dumps(revocation.to_dict(), ensure_ascii=False, indent=2).encode("utf-8")
    store.objects.put_bytes(revocation_key(doc_id), body, media_type="application/json",
                            immutable=True)
    if index is not None:
        index.record_revocation(revocation)
    return revocation

