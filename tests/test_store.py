"""The local object store and the document layout on top of it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.errors import IntegrityError, NotFound, StoreError
from pipeline.hashing import sha256_bytes
from pipeline.models import Artifact, Variant
from pipeline.store import DocumentStore, LocalObjectStore, document_id, is_document_id


@pytest.fixture
def objects(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "store")


def test_round_trip_is_byte_identical(objects: LocalObjectStore, tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    src = tmp_path / "scan.bin"
    src.write_bytes(data)
    info = objects.put_file("originals/x/1", src, media_type="image/png",
                            sha256=sha256_bytes(data), immutable=True)
    assert info.size == len(data)
    with objects.open("originals/x/1") as fh:
        assert fh.read() == data
    assert objects.stat("originals/x/1") == info


def test_write_once_objects_are_never_replaced(objects: LocalObjectStore) -> None:
    objects.put_bytes("originals/a", b"first", media_type="text/plain", immutable=True)
    # The same bytes again are accepted (idempotent) ...
    objects.put_bytes("originals/a", b"first", media_type="text/plain", immutable=True)
    # ... other bytes under the same key are refused and the original stays.
    with pytest.raises(IntegrityError):
        objects.put_bytes("originals/a", b"second", media_type="text/plain", immutable=True)
    with objects.open("originals/a") as fh:
        assert fh.read() == b"first"


def test_a_file_changing_while_stored_is_refused(objects: LocalObjectStore,
                                                 tmp_path: Path) -> None:
    src = tmp_path / "f"
    src.write_bytes(b"what was hashed")
    expected = sha256_bytes(b"something else")
    with pytest.raises(IntegrityError):
        objects.put_file("k", src, media_type="x/y", sha256=expected)
    assert objects.stat("k") is None
    assert list((tmp_path / "store" / "tmp").iterdir()) == []


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "a//b", "A", "a/../b", ""])
def test_unsafe_keys_are_refused(objects: LocalObjectStore, key: str) -> None:
    with pytest.raises(StoreError):
        objects.put_bytes(key, b"x", media_type="x/y")


def test_list_is_sorted_and_prefix_scoped(objects: LocalObjectStore) -> None:
    for key in ("documents/b/record.json", "documents/a/record.json", "originals/z"):
        objects.put_bytes(key, b"{}", media_type="application/json")
    assert list(objects.list("documents/")) == ["documents/a/record.json",
                                                "documents/b/record.json"]


def test_corrupted_object_is_reported_not_served(objects: LocalObjectStore,
                                                 tmp_path: Path) -> None:
    store = DocumentStore(objects)
    doc = document_id("ab" * 32)
    art = store.put_artifact(doc, Variant.TEXT, "Quyết định".encode(), "text/plain")
    stored = tmp_path / "store" / "objects" / art.key
    stored.write_bytes(b"tampered!")
    with pytest.raises(IntegrityError):
        store.read(art)
    dest = tmp_path / "out.txt"
    with pytest.raises(IntegrityError):
        store.export(art, dest)
    assert not dest.exists()
    assert not list(tmp_path.glob(".out.txt*"))


def test_document_ids_are_stable_and_opaque() -> None:
    sha = sha256_bytes(b"scan")
    assert document_id(sha) == document_id(sha)
    assert document_id(sha) != document_id(sha, "part-2")
    assert is_document_id(document_id(sha))
    assert not is_document_id("../../etc")


def test_malformed_ids_are_not_found(objects: LocalObjectStore) -> None:
    store = DocumentStore(objects)
    with pytest.raises(NotFound, match="không đúng định dạng"):
        store.get_record("../../etc/passwd")
    with pytest.raises(NotFound, match="Không tìm thấy"):
        store.get_record(document_id("00" * 32))


def test_artifact_missing_variant_names_the_ones_present(objects: LocalObjectStore) -> None:
    from pipeline.models import DocumentRecord, SourceInfo, Status

    rec = DocumentRecord(
        id=document_id("11" * 32), status=Status.DONE, doc_type="unknown",
        source=SourceInfo("a.pdf", "11" * 32, 1, "application/pdf", "s", "t"), pages=(),
        text="", artifacts={"original": Artifact("k", "s", 1, "application/pdf")})
    with pytest.raises(NotFound, match="original"):
        DocumentStore(objects).artifact(rec, Variant.SEARCHABLE)
