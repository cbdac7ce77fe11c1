"""The store contract, run on every backend: the local folder and S3 on a real server.

The S3 server is Ceph's RADOS Gateway started by the session fixture ``s3_server``
(``tests/s3_server.py``), or MinIO/any S3 named by ``SOHOA_TEST_S3_ENDPOINT``.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import urllib3
from minio import Minio
from minio.error import S3Error

from pipeline.config import ConfigError, Settings, StoreSettings, load_settings, with_env_aliases
from pipeline.errors import IntegrityError, NotFound, StoreError
from pipeline.hashing import sha256_bytes, sha256_file, sha256_stream
from pipeline.models import (
    Artifact,
    DocumentRecord,
    FileKind,
    SourceFile,
    SourceInfo,
    Status,
    Variant,
)
from pipeline.store import DocumentStore, LocalObjectStore, ObjectStore, document_id, open_store
from pipeline.store.s3 import SHA256_META, S3ObjectStore
from tests.s3_server import S3Endpoint

MiB = 1 << 20
#: Small parts on the test server, so 20 MiB goes up in four.
PART_SIZE = 5 * MiB


@dataclass
class Backend:
    kind: str
    store: ObjectStore
    #: Replaces a stored object's bytes behind the store's back, keeping its checksum record.
    tamper: Callable[[str, bytes], None]


def _raw_client(server: S3Endpoint) -> Minio:
    return Minio(server.endpoint, server.access_key, server.secret_key, secure=server.secure,
                 region=server.region)


def _s3_store(server: S3Endpoint, bucket: str, **options: object) -> S3ObjectStore:
    kwargs: dict[str, object] = {"access_key": server.access_key,
                                 "secret_key": server.secret_key, "secure": server.secure,
                                 "region": server.region, "part_size": PART_SIZE,
                                 "retries": 2, "backoff": 0.01, "timeout": 10.0}
    kwargs.update(options)
    return S3ObjectStore(server.endpoint, bucket, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def s3_bucket(s3_server: S3Endpoint) -> Iterator[str]:
    """A fresh bucket name per test; on an external server the bucket is emptied after."""
    bucket = f"sohoa-test-{uuid.uuid4().hex[:12]}"
    yield bucket
    if s3_server.kind == "external":
        client = _raw_client(s3_server)
        with contextlib.suppress(S3Error):
            if client.bucket_exists(bucket):
                for obj in client.list_objects(bucket, recursive=True, include_version=True):
                    client.remove_object(bucket, str(obj.object_name),
                                         version_id=obj.version_id)
                client.remove_bucket(bucket)


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "local":
        root = tmp_path / "store"

        def tamper_local(key: str, data: bytes) -> None:
            target = root / "objects" / key
            target.chmod(0o644)
            target.write_bytes(data)

        return Backend("local", LocalObjectStore(root), tamper_local)

    server: S3Endpoint = request.getfixturevalue("s3_server")
    bucket: str = request.getfixturevalue("s3_bucket")
    raw = _raw_client(server)

    def tamper_s3(key: str, data: bytes) -> None:
        old = raw.stat_object(bucket, key)
        assert old.metadata is not None
        raw.put_object(bucket, key, io.BytesIO(data), len(data),
                       content_type=str(old.content_type),
                       metadata={SHA256_META: old.metadata[SHA256_META]})

    return Backend("s3", _s3_store(server, bucket), tamper_s3)


def _read(store: ObjectStore, key: str) -> bytes:
    with store.open(key) as fh:
        return fh.read()


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


# -- objects ---------------------------------------------------------------------------
def test_bytes_round_trip_with_checksum(backend: Backend) -> None:
    data = "Quyết định số 12/QĐ-UBND".encode()
    info = backend.store.put_bytes("documents/x/text.txt", data, media_type="text/plain")
    assert (info.key, info.size, info.sha256, info.media_type) == (
        "documents/x/text.txt", len(data), sha256_bytes(data), "text/plain")
    assert backend.store.stat("documents/x/text.txt") == info
    assert _read(backend.store, "documents/x/text.txt") == data
    assert backend.store.read_verified("documents/x/text.txt") == data


def test_empty_object_round_trips(backend: Backend) -> None:
    info = backend.store.put_bytes("documents/x/empty", b"", media_type="text/plain")
    assert info.size == 0
    assert backend.store.stat("documents/x/empty") == info
    assert _read(backend.store, "documents/x/empty") == b""


def test_file_round_trip_with_checksum(backend: Backend, tmp_path: Path) -> None:
    data = os.urandom(MiB + 17)
    src = tmp_path / "scan.png"
    src.write_bytes(data)
    info = backend.store.put_file("originals/sha256/ab/1", src, media_type="image/png",
                                  sha256=sha256_bytes(data), immutable=True)
    assert (info.size, info.sha256, info.media_type) == (len(data), sha256_bytes(data),
                                                         "image/png")
    assert backend.store.stat("originals/sha256/ab/1") == info
    assert _read(backend.store, "originals/sha256/ab/1") == data


def test_a_large_file_goes_in_parts_and_round_trips(backend: Backend, tmp_path: Path,
                                                    request: pytest.FixtureRequest) -> None:
    src = tmp_path / "big.tif"
    with src.open("wb") as out:
        for _ in range(20):
            out.write(os.urandom(MiB))
    sha, size = sha256_file(src)
    key = f"originals/sha256/{sha[:2]}/{sha}"
    info = backend.store.put_file(key, src, media_type="image/tiff", sha256=sha,
                                  immutable=True)
    assert (info.size, info.sha256) == (size, sha)
    with backend.store.open(key) as fh:
        assert sha256_stream(fh) == (sha, size)
    # Storing the same bytes again is accepted (idempotent) ...
    assert backend.store.put_file(key, src, media_type="image/tiff", sha256=sha,
                                  immutable=True) == info
    if backend.kind == "s3":
        server: S3Endpoint = request.getfixturevalue("s3_server")
        bucket = _bucket_of(backend)
        etag = _raw_client(server).stat_object(bucket, key).etag or ""
        assert etag.endswith("-4"), f"expected a 4-part upload, ETag {etag!r}"
    # ... a different large body under the same key is refused, and the original stays.
    other = tmp_path / "other.tif"
    other.write_bytes(os.urandom(size))
    with pytest.raises(IntegrityError):
        backend.store.put_file(key, other, media_type="image/tiff",
                               sha256=sha256_file(other)[0], immutable=True)
    assert backend.store.stat(key) == info


def _bucket_of(backend: Backend) -> str:
    assert isinstance(backend.store, S3ObjectStore)
    return backend.store.bucket


def test_missing_keys(backend: Backend) -> None:
    assert backend.store.stat("documents/none/record.json") is None
    with pytest.raises(NotFound):
        backend.store.open("documents/none/record.json")
    with pytest.raises(NotFound):
        backend.store.read_verified("documents/none/record.json")


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "a//b", "A", "a/../b", ""])
def test_unsafe_keys_are_refused(backend: Backend, key: str) -> None:
    with pytest.raises(StoreError):
        backend.store.put_bytes(key, b"x", media_type="x/y")
    with pytest.raises(StoreError):
        backend.store.stat(key)


def test_list_is_sorted_and_scoped_to_the_folder(backend: Backend) -> None:
    keys = ["documents/b/record.json", "documents/a/record.json", "documents/b/text.txt",
            "documents-old/c", "originals/sha256/zz/z"]
    for key in keys:
        backend.store.put_bytes(key, b"{}", media_type="application/json")
    docs = ["documents/a/record.json", "documents/b/record.json", "documents/b/text.txt"]
    assert list(backend.store.list("documents/")) == docs
    assert list(backend.store.list("documents")) == docs  # a folder, not a string prefix
    assert list(backend.store.list("documents/b/")) == docs[1:]
    assert list(backend.store.list("nothing/")) == []
    assert sorted(backend.store.list("")) == sorted(keys)


def test_mutable_objects_are_replaced(backend: Backend) -> None:
    backend.store.put_bytes("documents/x/record.json", b"v1", media_type="application/json")
    info = backend.store.put_bytes("documents/x/record.json", b"v2!",
                                   media_type="application/json")
    assert backend.store.stat("documents/x/record.json") == info
    assert _read(backend.store, "documents/x/record.json") == b"v2!"


def test_write_once_accepts_the_same_body_and_refuses_another(backend: Backend,
                                                              tmp_path: Path) -> None:
    first = backend.store.put_bytes("originals/a", b"first", media_type="text/plain",
                                    immutable=True)
    assert backend.store.put_bytes("originals/a", b"first", media_type="text/plain",
                                   immutable=True) == first
    with pytest.raises(IntegrityError):
        backend.store.put_bytes("originals/a", b"second", media_type="text/plain",
                                immutable=True)
    src = tmp_path / "f"
    src.write_bytes(b"second")
    with pytest.raises(IntegrityError):
        backend.store.put_file("originals/a", src, media_type="text/plain",
                               sha256=sha256_bytes(b"second"), immutable=True)
    assert _read(backend.store, "originals/a") == b"first"
    assert backend.store.stat("originals/a") == first


@pytest.mark.parametrize("size", [100, 11 * MiB], ids=["single", "multipart"])
def test_a_file_that_does_not_match_its_checksum_is_not_stored(backend: Backend,
                                                               tmp_path: Path,
                                                               size: int) -> None:
    src = tmp_path / "f"
    src.write_bytes(os.urandom(size))
    with pytest.raises(IntegrityError):
        backend.store.put_file("originals/x", src, media_type="x/y",
                               sha256=sha256_bytes(b"something else"), immutable=True)
    assert backend.store.stat("originals/x") is None


def test_a_flipped_byte_is_detected_on_read(backend: Backend, tmp_path: Path) -> None:
    store = DocumentStore(backend.store)
    doc = document_id("ab" * 32)
    text = "Quyết định về việc cấp giấy phép".encode()
    art = store.put_artifact(doc, Variant.TEXT, text, "text/plain")
    backend.tamper(art.key, _flip(text, 3))
    with pytest.raises(IntegrityError):
        store.read(art)
    dest = tmp_path / "out.txt"
    with pytest.raises(IntegrityError):
        store.export(art, dest)
    assert not dest.exists()
    assert not list(tmp_path.glob(".out.txt*"))


def test_a_flipped_byte_in_a_record_is_detected(backend: Backend) -> None:
    store = DocumentStore(backend.store)
    rec = _record("cd" * 32)
    store.put_record(rec)
    key = store.record_key(rec.id)
    body = _read(backend.store, key)
    backend.tamper(key, _flip(body, len(body) // 2))
    with pytest.raises(IntegrityError):
        store.get_record(rec.id)
    with pytest.raises(IntegrityError):
        backend.store.read_verified(key)


# -- documents -------------------------------------------------------------------------
def _record(sha: str, artifacts: dict[str, Artifact] | None = None) -> DocumentRecord:
    return DocumentRecord(
        id=document_id(sha), status=Status.DONE, doc_type="quyet_dinh",
        source=SourceInfo("qd.pdf", sha, 4, "application/pdf", "tram-01",
                          "2026-11-21T10:00:00+07:00"),
        pages=(), text="Quyết định", artifacts=artifacts or {},
        created_at="2026-11-21T10:00:01+07:00")


def test_document_store_end_to_end(backend: Backend, tmp_path: Path) -> None:
    store = DocumentStore(backend.store)
    records = []
    for n in range(3):
        data = f"%PDF-1.7 tài liệu {n}".encode()
        path = tmp_path / f"doc{n}.pdf"
        path.write_bytes(data)
        sha = sha256_bytes(data)
        source = SourceFile(path, path.name, FileKind.PDF, sha, len(data), 1, "tram-01",
                            "2026-11-21T10:00:00+07:00")
        original = store.put_original(source)
        assert original == store.put_original(source)  # the same bytes again: accepted
        text = store.put_artifact(document_id(sha), Variant.TEXT, f"văn bản {n}".encode(),
                                  "text/plain")
        rec = _record(sha, {"original": original, "text": text})
        store.put_record(rec)
        records.append(rec)
        assert store.get_record(rec.id) == rec
        assert store.find(sha) == rec
        dest = tmp_path / "out" / f"{n}.pdf"
        store.export(store.artifact(rec, Variant.ORIGINAL), dest)
        assert dest.read_bytes() == data
        assert store.read(text) == f"văn bản {n}".encode()
    assert sorted(r.id for r in store.records()) == sorted(r.id for r in records)
    assert store.find(sha256_bytes(b"never stored")) is None
    with pytest.raises(NotFound):
        store.get_record(document_id("00" * 32))

    key = store.signed_key(records[0].id, 1, "official")
    signed = store.put_signed(key, b"%PDF signed")
    assert store.put_signed(key, b"%PDF signed") == signed
    with pytest.raises(IntegrityError):
        store.put_signed(key, b"%PDF another signature")
    assert store.stored(key) == signed
    store.put_audit("signatures/2026-11-21/100000-x-official.json", {"id": records[0].id})
    assert list(store.audit_entries("signatures/")) == [{"id": records[0].id}]


# -- S3 only ---------------------------------------------------------------------------
def test_s3_open_refuses_a_corrupted_object_by_itself(s3_server: S3Endpoint,
                                                      s3_bucket: str) -> None:
    """``open()`` on S3 verifies on its own: reading to the end of damaged bytes raises."""
    store = _s3_store(s3_server, s3_bucket)
    data = os.urandom(300_000)
    store.put_bytes("documents/x/words.json", data, media_type="application/json")
    raw = _raw_client(s3_server)
    raw.put_object(s3_bucket, "documents/x/words.json", io.BytesIO(_flip(data, 123_456)),
                   len(data), metadata={SHA256_META: sha256_bytes(data)})
    with store.open("documents/x/words.json") as fh, pytest.raises(IntegrityError):
        fh.read()
    # An object written without a checksum cannot be verified, so it is not served either.
    raw.put_object(s3_bucket, "documents/x/foreign", io.BytesIO(b"abc"), 3)
    with pytest.raises(IntegrityError):
        store.open("documents/x/foreign")
    with pytest.raises(IntegrityError):
        store.stat("documents/x/foreign")


def test_s3_bucket_is_created_when_missing(s3_server: S3Endpoint, s3_bucket: str) -> None:
    raw = _raw_client(s3_server)
    assert not raw.bucket_exists(s3_bucket)
    store = _s3_store(s3_server, s3_bucket)
    assert store.stat("a") is None
    assert raw.bucket_exists(s3_bucket)
    assert s3_bucket in store.describe()
    assert s3_server.secret_key not in store.describe()


def test_s3_write_once_without_conditional_put_falls_back(s3_server: S3Endpoint,
                                                          s3_bucket: str) -> None:
    store = _s3_store(s3_server, s3_bucket)
    store._conditional = False  # as on a server that answers NotImplemented
    first = store.put_bytes("originals/a", b"first", media_type="text/plain", immutable=True)
    assert store.put_bytes("originals/a", b"first", media_type="text/plain",
                           immutable=True) == first
    with pytest.raises(IntegrityError):
        store.put_bytes("originals/a", b"second", media_type="text/plain", immutable=True)
    assert _read(store, "originals/a") == b"first"


def test_s3_unreachable_server_is_a_clear_store_error(s3_bucket: str) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = S3ObjectStore(f"127.0.0.1:{port}", s3_bucket, access_key="a", secret_key="b",
                          secure=False, region="us-east-1", retries=1, backoff=0.01)
    with pytest.raises(StoreError, match="Không kết nối được tới kho S3") as caught:
        store.stat("originals/a")
    assert not isinstance(caught.value, IntegrityError)


def test_s3_wrong_keys_are_a_clear_store_error(s3_server: S3Endpoint,
                                               s3_bucket: str) -> None:
    store = _s3_store(s3_server, s3_bucket, secret_key="not-the-secret")
    with pytest.raises(StoreError, match="từ chối truy cập"):
        store.put_bytes("originals/a", b"x", media_type="text/plain")
    store = _s3_store(s3_server, s3_bucket, access_key="NOSUCHKEY")
    with pytest.raises(StoreError, match="SOHOA_S3_ACCESS_KEY"):
        store.stat("originals/a")


def _s3_error(status: int, code: str) -> S3Error:
    response = urllib3.HTTPResponse(body=b"", status=status)
    return S3Error(response, code, "test", "/b/k", "req", "host", "b", "k")


@pytest.mark.parametrize(("failure", "retried"), [
    (_s3_error(503, "SlowDown"), True),
    (_s3_error(500, "InternalError"), True),
    (urllib3.exceptions.ProtocolError("connection reset"), True),
    (_s3_error(403, "AccessDenied"), False),
    (_s3_error(400, "InvalidRequest"), False),
])
def test_s3_retries_passing_failures_only(s3_server: S3Endpoint, s3_bucket: str,
                                          failure: Exception, retried: bool) -> None:
    store = _s3_store(s3_server, s3_bucket, retries=3)
    store.put_bytes("k", b"v", media_type="text/plain")
    real = store.client.stat_object
    calls = []

    def flaky(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) <= 2:
            raise failure
        return real(*args, **kwargs)  # type: ignore[arg-type]

    store.client.stat_object = flaky  # type: ignore[method-assign,assignment]
    if retried:
        assert store.stat("k") is not None
        assert len(calls) == 3
    else:
        with pytest.raises(StoreError):
            store.stat("k")
        assert len(calls) == 1


def test_s3_retention_locks_write_once_objects(s3_server: S3Endpoint, s3_bucket: str) -> None:
    store = _s3_store(s3_server, s3_bucket, retention_days=1, retention_mode="GOVERNANCE")
    store.put_bytes("originals/a", b"kept", media_type="text/plain", immutable=True)
    store.put_bytes("documents/x/record.json", b"{}", media_type="application/json")
    raw = _raw_client(s3_server)
    locked = raw.stat_object(s3_bucket, "originals/a")
    assert locked.metadata is not None
    assert locked.metadata.get("x-amz-object-lock-mode") == "GOVERNANCE"
    with pytest.raises(S3Error):
        raw.remove_object(s3_bucket, "originals/a", version_id=locked.version_id)
    # Another process opening the existing locked bucket finds its object lock on.
    again = _s3_store(s3_server, s3_bucket, retention_days=1, retention_mode="GOVERNANCE")
    again.put_bytes("originals/b", b"also kept", media_type="text/plain", immutable=True)
    plain = raw.stat_object(s3_bucket, "documents/x/record.json")
    assert plain.metadata is not None
    assert "x-amz-object-lock-mode" not in plain.metadata
    # An existing bucket without object lock is refused clearly when retention is asked for.
    other = f"{s3_bucket}-plain"
    _s3_store(s3_server, other).stat("a")
    with pytest.raises(StoreError, match="object lock"):
        _s3_store(s3_server, other, retention_days=1).stat("a")
    if s3_server.kind == "external":  # governance mode lets the owner clean up
        for key in ("originals/a", "originals/b"):
            version = raw.stat_object(s3_bucket, key).version_id
            raw._execute("DELETE", s3_bucket, key,
                         headers={"x-amz-bypass-governance-retention": "true"},
                         query_params={"versionId": str(version)})
        raw.remove_bucket(other)


# -- choosing the backend ----------------------------------------------------------------
def test_open_store_picks_s3_when_an_endpoint_is_set(tmp_path: Path, s3_server: S3Endpoint,
                                                     s3_bucket: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("SOHOA_S3_", "SOHOA_STORE_S3_")):
            monkeypatch.delenv(name)
    local = open_store(Settings(home=tmp_path))
    assert isinstance(local.objects, LocalObjectStore)

    settings = Settings(home=tmp_path, store=StoreSettings(
        s3_endpoint=("https://" if s3_server.secure else "http://") + s3_server.endpoint,
        s3_access_key=s3_server.access_key, s3_secret_key=s3_server.secret_key,
        s3_bucket=s3_bucket, s3_region=s3_server.region))
    store = open_store(settings)
    assert isinstance(store.objects, S3ObjectStore)
    rec = _record("ef" * 32)
    store.put_record(rec)
    assert store.get_record(rec.id) == rec

    # The short environment names work as well (read with the rest of the
    # settings, from the environment given to load_settings) ...
    monkeypatch.setenv("SOHOA_S3_ENDPOINT", s3_server.endpoint)
    monkeypatch.setenv("SOHOA_S3_ACCESS_KEY", s3_server.access_key)
    monkeypatch.setenv("SOHOA_S3_SECRET_KEY", s3_server.secret_key)
    monkeypatch.setenv("SOHOA_S3_BUCKET", s3_bucket)
    monkeypatch.setenv("SOHOA_S3_SECURE", "true" if s3_server.secure else "false")
    monkeypatch.setenv("SOHOA_S3_REGION", s3_server.region)
    empty = tmp_path / "sohoa.toml"
    empty.write_text("")
    store = open_store(load_settings(config_file=empty))
    assert isinstance(store.objects, S3ObjectStore)
    assert store.get_record(rec.id) == rec
    # ... and the canonical SOHOA_STORE_S3_* name wins.
    monkeypatch.setenv("SOHOA_STORE_S3_BUCKET", "sohoa-other")
    chosen = open_store(load_settings(config_file=empty))
    assert isinstance(chosen.objects, S3ObjectStore)
    assert chosen.objects.bucket == "sohoa-other"


def test_env_aliases_are_typed() -> None:
    store = with_env_aliases(StoreSettings(), {"SOHOA_S3_SECURE": "false",
                                               "SOHOA_S3_PART_SIZE_MB": "8"})
    assert (store.s3_secure, store.s3_part_size_mb) == (False, 8)
    with pytest.raises(ConfigError):
        with_env_aliases(StoreSettings(), {"SOHOA_S3_RETRIES": "many"})
