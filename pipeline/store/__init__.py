"""The kho: an object store of immutable originals and derived files, and document records.

:class:`ObjectStore` is the byte-level contract every backend implements (the local folder
now, S3/MinIO later); :class:`DocumentStore` lays documents out on top of any of them.
"""

from pipeline.store.base import ObjectInfo, ObjectStore
from pipeline.store.documents import DocumentStore, open_store
from pipeline.store.ids import document_id, is_document_id
from pipeline.store.local import LocalObjectStore

__all__ = [
    "DocumentStore",
    "LocalObjectStore",
    "ObjectInfo",
    "ObjectStore",
    "document_id",
    "is_document_id",
    "open_store",
]
