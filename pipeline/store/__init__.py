"""The kho: an object store of immutable originals and derived files, and document records.

:class:`ObjectStore` is the byte-level contract every backend implements (the local folder,
and S3 — MinIO, Ceph radosgw, AWS — when ``store.s3_endpoint`` is set; :func:`open_store`
picks); :class:`DocumentStore` lays documents out on top of any of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipeline.store.base import ObjectInfo, ObjectStore
from pipeline.store.documents import DocumentStore, open_store, record_bytes
from pipeline.store.ids import document_id, is_document_id
from pipeline.store.local import LocalObjectStore

if TYPE_CHECKING:
    from pipeline.store.s3 import S3ObjectStore

__all__ = [
    "DocumentStore",
    "LocalObjectStore",
    "ObjectInfo",
    "ObjectStore",
    "S3ObjectStore",
    "document_id",
    "is_document_id",
    "open_store",
    "record_bytes",
]


def __getattr__(name: str) -> Any:
    # The S3 backend imports the minio SDK: only when it is asked for.
    if name == "S3ObjectStore":
        from pipeline.store.s3 import S3ObjectStore

        return S3ObjectStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
