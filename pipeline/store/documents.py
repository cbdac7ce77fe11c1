"""Documents laid out on an :class:`ObjectStore`; every read is checked against its checksum.

Keys::

    originals/sha256/<ab>/<sha256>        the bytes as received, write-once, content-addressed
    documents/<id>/record.json            the record (the JSON contract)
    documents/<id>/searchable.pdf         derived files beside it
    documents/<id>/text.txt
    documents/<id>/words.json
    documents/<id>/signed/<nn>-<field>.pdf  each signature's version, write-once
    pending/<batch>/<id>.pdf              prepared for the official's token, until signed
    audit/signatures/<yyyy-mm-dd>/<time>-<id>-<field>.json   one entry per signature, write-once
    revocations/<id>.json                 a revoked result's revocation, write-once (pipeline.index)

The bucket alone is enough to rebuild any index: records name their artefacts by key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from pipeline.config import Settings
from pipeline.errors import NotFound, StoreError
from pipeline.hashing import CHUNK, sha256_file
from pipeline.models import Artifact, DocumentRecord, SourceFile, Variant
from pipeline.store.base import ObjectInfo, ObjectStore, corrupt
from pipeline.store.ids import document_id, is_document_id
from pipeline.store.local import LocalObjectStore

if TYPE_CHECKING:
    from pipeline.index import Index

log = logging.getLogger(__name__)

_ARTIFACT_NAMES = {
    Variant.SEARCHABLE: "searchable.pdf",
    Variant.TEXT: "text.txt",
    Variant.WORDS: "words.json",
}


def original_key(sha256: str) -> str:
    return f"originals/sha256/{sha256[:2]}/{sha256}"


def record_bytes(record: DocumentRecord) -> bytes:
    """A record as stored: compact UTF-8 JSON. Compact because only ``json.dumps`` without
    ``indent`` runs the C encoder (5× faster on every put); ``jq`` pretty-prints it."""
    return json.dumps(record.to_dict(), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def open_store(settings: Settings) -> DocumentStore:
    """The store the settings name: S3 when an endpoint is set (``store.s3_endpoint``, or
    ``SOHOA_S3_ENDPOINT``), else the local folder; with the index of ``index.url``."""
    from pipeline.index import open_index  # the index (issue 6); connects on first use

    index = open_index(settings)
    if settings.store.s3_endpoint:
        from pipeline.store.s3 import S3ObjectStore  # imports the SDK

        return DocumentStore(S3ObjectStore.from_settings(settings.store), index)
    return DocumentStore(LocalObjectStore(settings.store_path), index)


class DocumentStore:
    def __init__(self, objects: ObjectStore, index: Index | None = None) -> None:
        self.objects = objects
        #: Kept up to date by :meth:`put_record`; derived only (``sohoa store reindex``).
        self.index = index

    def describe(self) -> str:
        return self.objects.describe()

    # -- records -----------------------------------------------------------------------
    def record_key(self, doc_id: str) -> str:
        return f"documents/{self._checked(doc_id)}/record.json"

    def find(self, sha256: str, part: str = "") -> DocumentRecord | None:
        """The record of the document made from these bytes, if there is one."""
        doc_id = document_id(sha256, part)
        if self.objects.stat(self.record_key(doc_id)) is None:
            return None
        return self.get_record(doc_id)

    def get_record(self, doc_id: str) -> DocumentRecord:
        key = self.record_key(doc_id)
        try:
            data = self.objects.read_verified(key)
        except NotFound as exc:
            raise NotFound(f"Không tìm thấy tài liệu có mã {doc_id}.") from exc
        try:
            return DocumentRecord.from_dict(json.loads(data))
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"Hồ sơ lưu trữ của tài liệu {doc_id} bị hỏng.",
                             detail=repr(exc)) from exc

    def put_record(self, record: DocumentRecord) -> None:
        body = record_bytes(record)
        self.objects.put_bytes(self.record_key(record.id), body, media_type="application/json")
        if self.index is not None:
            # The record is the commit point; an index that could not follow is repaired by
            # ``sohoa store reindex`` rather than failing a document already safely stored.
            try:
                self.index.upsert(record)
            except StoreError as exc:
                log.error("index not updated for %s: %s (%s); run `sohoa store reindex`",
                          record.id, exc.message, exc.detail)

    def records(self, workers: int = 8) -> Iterator[DocumentRecord]:
        """Every record, in key order, fetched ``workers`` at a time: on an object store each
        read is a round trip, and a reindex reads them all."""
        ids = (key.split("/")[1] for key in self.objects.list("documents/")
               if key.endswith("/record.json"))
        window: deque[Future[DocumentRecord]] = deque()
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="records") as pool:
            for doc_id in ids:
                window.append(pool.submit(self.get_record, doc_id))
                if len(window) >= 4 * workers:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()

    # -- files -------------------------------------------------------------------------
    def put_original(self, source: SourceFile) -> Artifact:
        info = self.objects.put_file(original_key(source.sha256), source.path,
                                     media_type=source.kind.media_type, sha256=source.sha256,
                                     immutable=True)
        return _artifact(info)

    def put_artifact(self, doc_id: str, variant: Variant, data: bytes | Path,
                     media_type: str) -> Artifact:
        key = f"documents/{self._checked(doc_id)}/{_ARTIFACT_NAMES[variant]}"
        if isinstance(data, Path):
            sha = sha256_file(data)[0]
            return _artifact(self.objects.put_file(key, data, media_type=media_type, sha256=sha))
        return _artifact(self.objects.put_bytes(key, data, media_type=media_type))

    def signed_key(self, doc_id: str, index: int, field_name: str) -> str:
        return f"documents/{self._checked(doc_id)}/signed/{index:02d}-{field_name}.pdf"

    def put_signed(self, key: str, data: bytes) -> Artifact:
        """A signed version: write-once, like the original it grew from."""
        return _artifact(self.objects.put_bytes(key, data, media_type="application/pdf",
                                                immutable=True))

    def stored(self, key: str) -> Artifact | None:
        info = self.objects.stat(key)
        return None if info is None else _artifact(info)

    # -- scratch of distributed work: page results and images between workers ----------
    def put_work(self, sha256: str, name: str, data: bytes | Path, media_type: str) -> str:
        key = f"work/{sha256}/{name}"
        if isinstance(data, Path):
            self.objects.put_file(key, data, media_type=media_type, sha256=sha256_file(data)[0])
        else:
            self.objects.put_bytes(key, data, media_type=media_type)
        return key

    def clear_work(self, sha256: str) -> None:
        for key in list(self.objects.list(f"work/{sha256}/")):
            if not key.startswith("work/"):  # pragma: no cover - list is scoped
                raise StoreError(f"Không được xóa {key}: chỉ xóa dữ liệu tạm trong work/.")
            self.objects.remove(key)

    # -- documents prepared for a signature the official's token has yet to make -------
    def put_pending(self, batch_id: str, doc_id: str, data: bytes) -> Artifact:
        """A prepared PDF (a signature placeholder, not a signed version) of a batch
        waiting for the official's agent."""
        key = f"pending/{batch_id}/{self._checked(doc_id)}.pdf"
        return _artifact(self.objects.put_bytes(key, data, media_type="application/pdf"))

    def clear_pending(self, batch_id: str) -> None:
        for key in list(self.objects.list(f"pending/{batch_id}/")):
            if not key.startswith("pending/"):  # pragma: no cover - list is scoped
                raise StoreError(f"Không được xóa {key}: chỉ xóa bản chuẩn bị ký trong pending/.")
            self.objects.remove(key)

    def put_audit(self, key: str, entry: dict[str, object]) -> None:
        body = json.dumps(entry, ensure_ascii=False, indent=2).encode("utf-8")
        self.objects.put_bytes(f"audit/{key}", body, media_type="application/json",
                               immutable=True)

    def audit_entries(self, prefix: str = "") -> Iterator[dict[str, object]]:
        for key in sorted(self.objects.list(f"audit/{prefix}")):
            with contextlib.suppress(NotFound):  # listed, then gone: nothing to read
                yield dict(json.loads(self.objects.read_verified(key)))

    def artifact(self, record: DocumentRecord, variant: Variant) -> Artifact:
        found = record.artifacts.get(variant.value)
        if found is None:
            raise NotFound(
                f"Tài liệu {record.id} không có bản '{variant.value}'. Các bản hiện có: "
                f"{', '.join(sorted(record.artifacts)) or 'không có'}."
            )
        return found

    def read(self, artifact: Artifact) -> bytes:
        """The whole artefact, verified; for small files (records, text)."""
        return self._read_verified(ObjectInfo(artifact.key, artifact.size, artifact.sha256,
                                              artifact.media_type))

    def export(self, artifact: Artifact, dest: Path) -> None:
        """Copy the artefact to ``dest``; ``dest`` appears only once its checksum is right."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, self.objects.open(artifact.key) as src:
                _copy_verified(src, out, artifact.key, artifact.sha256)
            tmp.replace(dest)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def _read_verified(self, info: ObjectInfo) -> bytes:
        with self.objects.open(info.key) as src:
            data = src.read()
        if hashlib.sha256(data).hexdigest() != info.sha256:
            raise corrupt(info.key)
        return data

    @staticmethod
    def _checked(doc_id: str) -> str:
        if not is_document_id(doc_id):
            raise NotFound(f"Mã tài liệu '{doc_id}' không đúng định dạng (24 ký tự a–z, 2–7).")
        return doc_id


def _copy_verified(src: BinaryIO, out: BinaryIO, key: str, sha256: str) -> None:
    digest = hashlib.sha256()
    while chunk := src.read(CHUNK):
        digest.update(chunk)
        out.write(chunk)
    out.flush()
    if digest.hexdigest() != sha256:
        raise corrupt(key)


def _artifact(info: ObjectInfo) -> Artifact:
    return Artifact(info.key, info.sha256, info.size, info.media_type)
