"""The S3 store: the :class:`~pipeline.store.base.ObjectStore` contract on MinIO, Ceph radosgw
or any S3 server, through the ``minio`` SDK.

* Every object carries its SHA-256 as user metadata (``x-amz-meta-sha256``), computed from
  the bytes while they are sent; a write whose bytes do not match the checksum the caller
  gave is aborted before the object appears. Single PUTs also carry ``Content-MD5``, so the
  server refuses bytes damaged in transit.
* Reads are verified: :meth:`S3ObjectStore.open` returns a stream that raises
  :class:`~pipeline.errors.IntegrityError` at the end if the bytes do not match the stored
  checksum (and at once if the object has none), so a corrupted object is reported, never
  served as good.
* Files bigger than ``part_size`` are streamed in parts (multipart upload); no write holds
  more than a part in memory.
* Write-once (``immutable=True``): objects up to ``part_size`` go up with a conditional PUT
  (``If-None-Match: *``, radosgw, MinIO and AWS honour it), so two writers can never replace
  each other; on ``412`` the existing object is accepted if its checksum matches and refused
  otherwise. Bigger objects — and servers that answer ``NotImplemented`` to the condition —
  are checked with a HEAD first, then written: a concurrent writer could slip in between, which
  is harmless for originals because their keys are their checksums.
* Optional object-lock retention (``retention_days``) on write-once objects.
* Requests that fail for a passing reason (connection errors, 5xx, ``SlowDown``) are retried
  with exponential backoff; a 4xx answer is never retried. Failures become
  :class:`~pipeline.errors.StoreError` with a Vietnamese message (server unreachable, keys
  refused, bucket missing …).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import random
import threading
import time
import typing
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, TypeVar

import certifi
import urllib3
from minio import Minio
from minio.commonconfig import COMPLIANCE, GOVERNANCE
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError
from minio.helpers import MIN_PART_SIZE, check_bucket_name, genheaders
from minio.retention import Retention

from pipeline.config import StoreSettings
from pipeline.errors import IntegrityError, NotFound, StoreError
from pipeline.hashing import CHUNK
from pipeline.store.base import ObjectInfo, check_key

#: User-metadata name of the checksum (``x-amz-meta-sha256`` on the wire).
SHA256_META = "x-amz-meta-sha256"
_AUTH_CODES = frozenset({"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                         "InvalidToken", "ExpiredToken", "AuthorizationHeaderMalformed"})
_T = TypeVar("_T")


class S3ObjectStore:
    def __init__(self, endpoint: str, bucket: str, *, access_key: str = "",
                 secret_key: str = "", secure: bool = True, region: str = "",
                 part_size: int = 16 << 20, retries: int = 5, timeout: float = 30.0,
                 backoff: float = 0.2, retention_days: int = 0,
                 retention_mode: str = COMPLIANCE) -> None:
        for scheme in ("https://", "http://"):
            if endpoint.startswith(scheme):
                secure = scheme == "https://"
                endpoint = endpoint.removeprefix(scheme)
        endpoint = endpoint.rstrip("/")
        self.endpoint = endpoint
        self.bucket = bucket
        self.secure = secure
        self.part_size = max(part_size, MIN_PART_SIZE)
        self.retries = max(0, retries)
        self.backoff = backoff
        self.retention_days = max(0, retention_days)
        mode = retention_mode.upper()
        if mode not in (COMPLIANCE, GOVERNANCE):
            raise StoreError(f"Chế độ lưu giữ S3 không hợp lệ: {retention_mode!r} "
                             "(chỉ COMPLIANCE hoặc GOVERNANCE).")
        self.retention_mode = mode
        try:
            check_bucket_name(bucket, strict=True)
        except ValueError as exc:
            raise StoreError(f"Tên bucket S3 không hợp lệ: {bucket!r} (3–63 ký tự a–z, 0–9, "
                             "dấu chấm, gạch nối).") from exc
        # Our own pool: bounded timeouts (the SDK waits 5 minutes to connect) and no retries
        # of its own, so that only this class retries, with backoff, and never a 4xx.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=timeout, read=timeout), maxsize=10,
            cert_reqs="CERT_REQUIRED", retries=False,
            ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where())
        try:
            self.client = Minio(endpoint, access_key=access_key or None,
                                secret_key=secret_key or None, secure=secure,
                                region=region or None, http_client=http)
        except ValueError as exc:
            raise StoreError(f"Địa chỉ kho S3 không hợp lệ: {endpoint!r} (dạng máy:cổng).",
                             detail=str(exc)) from exc
        self._ready = False
        self._conditional = True  # the server honours If-None-Match: * on PUT
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, store: StoreSettings) -> S3ObjectStore:
        return cls(store.s3_endpoint, store.s3_bucket, access_key=store.s3_access_key,
                   secret_key=store.s3_secret_key, secure=store.s3_secure,
                   region=store.s3_region, part_size=store.s3_part_size_mb << 20,
                   retries=store.s3_retries, timeout=store.s3_timeout,
                   retention_days=store.s3_retention_days,
                   retention_mode=store.s3_retention_mode)

    def describe(self) -> str:
        scheme = "https" if self.secure else "http"
        return f"s3://{self.bucket} ({scheme}://{self.endpoint})"

    # -- writing -----------------------------------------------------------------------
    def put_file(self, key: str, path: Path, *, media_type: str, sha256: str,
                 immutable: bool = False) -> ObjectInfo:
        check_key(key)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise StoreError(f"Không đọc được tệp {path.name}: {exc.strerror}") from exc
        return self._put(key, lambda: path.open("rb"), size, sha256, media_type, immutable)

    def put_bytes(self, key: str, data: bytes, *, media_type: str,
                  immutable: bool = False) -> ObjectInfo:
        check_key(key)
        sha = hashlib.sha256(data).hexdigest()
        return self._put(key, lambda: io.BytesIO(data), len(data), sha, media_type, immutable,
                         body=data)

    def _put(self, key: str, source: Callable[[], BinaryIO], size: int, sha256: str,
             media_type: str, immutable: bool, body: bytes | None = None) -> ObjectInfo:
        """Store ``size`` bytes from ``source``; ``body``, when given, is those bytes already
        in memory and already hashed (nothing can change them under us)."""
        self._ensure_bucket()
        info = ObjectInfo(key, size, sha256, media_type)
        if size <= self.part_size:
            if body is None:
                with source() as src:
                    body = src.read(size + 1)
                if len(body) != size or hashlib.sha256(body).hexdigest() != sha256:
                    raise _changed(key, sha256, hashlib.sha256(body).hexdigest())
            if immutable and self._conditional:
                try:
                    self._call(f"ghi {key}",
                               lambda: self._put_single(info, body, immutable=True,
                                                        if_none_match=True))
                except _PreconditionFailed:
                    return self._existing(key, info)
                except _ConditionUnsupported:
                    self._conditional = False
                else:
                    return info
            if immutable and (existing := self.stat(key)) is not None:
                return self._existing(key, info, existing)
            self._call(f"ghi {key}", lambda: self._put_single(info, body, immutable=immutable,
                                                              if_none_match=False))
            return info
        if immutable and (existing := self.stat(key)) is not None:
            return self._existing(key, info, existing)
        self._call(f"ghi {key}", lambda: self._put_multipart(info, source, immutable))
        return info

    def _put_single(self, info: ObjectInfo, body: bytes, *, immutable: bool,
                    if_none_match: bool) -> None:
        headers = genheaders({SHA256_META: info.sha256}, None, None,
                             self._retention(immutable), False)
        headers["Content-Type"] = info.media_type
        md5 = hashlib.md5(body, usedforsecurity=False).digest()
        headers["Content-MD5"] = base64.b64encode(md5).decode()  # the server checks the body
        if if_none_match:
            headers["If-None-Match"] = "*"
        try:
            # The SDK has no public conditional PUT; this is its own single-PUT call.
            self.client._put_object(self.bucket, info.key, body, headers)
        except S3Error as exc:
            if if_none_match and exc.code == "PreconditionFailed":
                raise _PreconditionFailed from exc
            if if_none_match and exc.code == "NotImplemented":
                raise _ConditionUnsupported from exc
            raise

    def _put_multipart(self, info: ObjectInfo, source: Callable[[], BinaryIO],
                       immutable: bool) -> None:
        with source() as src:
            # The checksum is checked as the last part is read, before the upload completes;
            # a mismatch aborts the upload (the SDK aborts on any error).
            stream = _HashingReader(src, info)
            self.client.put_object(self.bucket, info.key, typing.cast(BinaryIO, stream),
                                   info.size, content_type=info.media_type,
                                   metadata={SHA256_META: info.sha256},
                                   part_size=self.part_size,
                                   retention=self._retention(immutable))

    def _retention(self, immutable: bool) -> Retention | None:
        if not immutable or not self.retention_days:
            return None
        until = datetime.now(UTC) + timedelta(days=self.retention_days)
        return Retention(self.retention_mode, until)

    def _existing(self, key: str, wanted: ObjectInfo,
                  existing: ObjectInfo | None = None) -> ObjectInfo:
        existing = existing or self.stat(key)
        if existing is None or existing.sha256 != wanted.sha256:
            raise IntegrityError(
                f"Kho đã có đối tượng {key} với nội dung khác; không ghi đè bản gốc.",
                detail=f"stored {existing.sha256 if existing else '?'}, new {wanted.sha256}",
            )
        return existing

    # -- reading -----------------------------------------------------------------------
    def open(self, key: str) -> BinaryIO:
        check_key(key)
        self._ensure_bucket()
        try:
            response = self._call(f"đọc {key}",
                                  lambda: self.client.get_object(self.bucket, key))
        except _Missing as exc:
            raise NotFound(f"Kho không có đối tượng {key}.") from exc
        try:
            sha = _checksum(key, response.headers.get(SHA256_META))
            size = int(response.headers.get("content-length", "-1"))
        except BaseException:
            response.close()
            response.release_conn()
            raise
        raw = _VerifiedStream(response, key, sha, size, self)
        return typing.cast(BinaryIO, io.BufferedReader(raw, CHUNK))

    def read_verified(self, key: str) -> bytes:
        # The GET carries the checksum header and the stream checks it at the end.
        with self.open(key) as src:
            return src.read()

    def remove(self, key: str) -> None:
        check_key(key)
        self._ensure_bucket()
        self._call(f"xóa {key}", lambda: self.client.remove_object(self.bucket, key))

    def stat(self, key: str) -> ObjectInfo | None:
        check_key(key)
        self._ensure_bucket()
        try:
            obj = self._call(f"kiểm tra {key}",
                             lambda: self.client.stat_object(self.bucket, key))
        except _Missing:
            return None
        sha = _checksum(key, obj.metadata.get(SHA256_META) if obj.metadata else None)
        return ObjectInfo(key, int(obj.size or 0), sha,
                          obj.content_type or "application/octet-stream")

    def list(self, prefix: str) -> Iterator[str]:
        """Keys under the folder-like ``prefix``, in sorted (byte) order, page by page; a
        listing cut by a passing failure resumes after the last key it gave."""
        self._ensure_bucket()
        folder = prefix.rstrip("/") + "/" if prefix.strip("/") else ""
        last: str | None = None
        attempt = 0
        while True:
            try:
                for obj in self.client.list_objects(self.bucket, prefix=folder or None,
                                                    recursive=True, start_after=last):
                    name = obj.object_name
                    if name is None or name.endswith("/"):
                        continue
                    last = name
                    attempt = 0
                    yield name
                return
            except (MinioException, urllib3.exceptions.HTTPError) as exc:
                if not _transient(exc) or attempt >= self.retries:
                    raise self._error(exc, f"liệt kê {folder or '/'}") from exc
                self._sleep(attempt)
                attempt += 1

    # -- plumbing ----------------------------------------------------------------------
    def _ensure_bucket(self) -> None:
        if self._ready:
            return
        with self._lock:
            if not self._ready:
                self._prepare_bucket()
                self._ready = True

    def _prepare_bucket(self) -> None:
        exists = self._call(f"kiểm tra bucket {self.bucket}",
                            lambda: self.client.bucket_exists(self.bucket))
        if not exists:
            with contextlib.suppress(_BucketTaken):
                self._call(f"tạo bucket {self.bucket}", self._make_bucket)
        elif self.retention_days:
            self._check_object_lock()

    def _make_bucket(self) -> None:
        try:
            self.client.make_bucket(self.bucket, object_lock=bool(self.retention_days))
        except S3Error as exc:
            if exc.code == "BucketAlreadyOwnedByYou":
                raise _BucketTaken from exc  # another of our processes created it meanwhile
            raise

    def _check_object_lock(self) -> None:
        def enabled() -> bool:
            try:
                self.client.get_object_lock_config(self.bucket)
            except S3Error as exc:
                if exc.code == "ObjectLockConfigurationNotFoundError":
                    return False
                raise
            return True

        if not self._call(f"kiểm tra object lock của {self.bucket}", enabled):
            raise StoreError(
                f"Bucket {self.bucket} không bật khóa đối tượng (object lock) nên không đặt "
                "được thời hạn lưu giữ cho bản gốc và bản đã ký. Hãy dùng một bucket tạo mới "
                "có object lock, hoặc đặt store.s3_retention_days = 0.")

    def _call(self, action: str, fn: Callable[[], _T]) -> _T:
        """Run one request, retrying passing failures with exponential backoff."""
        attempt = 0
        while True:
            try:
                return fn()
            except (MinioException, urllib3.exceptions.HTTPError) as exc:
                if isinstance(exc, S3Error) and exc.code in ("NoSuchKey", "NoSuchVersion"):
                    raise _Missing from exc
                if isinstance(exc, S3Error) and exc.code == "NotFound":
                    raise _Missing from exc  # HEAD of a missing key on some servers
                if not _transient(exc) or attempt >= self.retries:
                    raise self._error(exc, action) from exc
            self._sleep(attempt)
            attempt += 1

    def _sleep(self, attempt: int) -> None:
        delay = min(self.backoff * (2 ** attempt), 20.0)
        time.sleep(delay * random.uniform(0.5, 1.0))

    def _error(self, exc: Exception, action: str) -> StoreError:
        where = self.describe()
        if isinstance(exc, urllib3.exceptions.HTTPError):
            return StoreError(
                f"Không kết nối được tới kho S3 {where} khi {action}: máy chủ không trả lời. "
                "Hãy kiểm tra địa chỉ (SOHOA_S3_ENDPOINT), mạng và máy chủ lưu trữ; có thể "
                "thử lại sau.", detail=repr(exc))
        if isinstance(exc, S3Error):
            detail = f"{exc.code}: {exc.message}"
            if exc.code in _AUTH_CODES or exc.response.status == 403:
                return StoreError(
                    f"Kho S3 {where} từ chối truy cập khi {action}: khóa truy cập "
                    "(SOHOA_S3_ACCESS_KEY) hoặc khóa bí mật (SOHOA_S3_SECRET_KEY) sai, hoặc "
                    "tài khoản không có quyền trên bucket này.", detail=detail)
            if exc.code == "NoSuchBucket":
                self._ready = False
                return StoreError(f"Bucket {self.bucket} không tồn tại trên kho S3 {where}.",
                                  detail=detail)
            if _transient(exc):
                return StoreError(f"Kho S3 {where} đang quá tải hoặc gặp lỗi khi {action}; "
                                  "hãy thử lại sau.", detail=detail)
            return StoreError(f"Kho S3 {where} báo lỗi khi {action}: {exc.code}.",
                              detail=detail)
        if isinstance(exc, ServerError) and exc.status_code >= 500:
            return StoreError(f"Kho S3 {where} đang quá tải hoặc gặp lỗi khi {action} "
                              f"(HTTP {exc.status_code}); hãy thử lại sau.", detail=str(exc))
        return StoreError(
            f"Kho S3 {where} trả lời không đúng giao thức S3 khi {action}; hãy kiểm tra địa "
            "chỉ và cổng (SOHOA_S3_ENDPOINT) và SOHOA_S3_SECURE (http hay https).",
            detail=str(exc)[:500])


class _HashingReader:
    """Passes a file through to the SDK and checks its checksum when the last byte is read."""

    def __init__(self, src: BinaryIO, info: ObjectInfo) -> None:
        self._src = src
        self._info = info
        self._digest = hashlib.sha256()
        self._read = 0

    def read(self, n: int = -1) -> bytes:
        want = self._info.size - self._read
        chunk = self._src.read(want if n < 0 else min(n, want)) if want > 0 else b""
        self._digest.update(chunk)
        self._read += len(chunk)
        if (want > 0 and not chunk) or self._read == self._info.size:
            actual = self._digest.hexdigest()
            if self._read != self._info.size or actual != self._info.sha256:
                raise _changed(self._info.key, self._info.sha256, actual)
        return chunk


class _VerifiedStream(io.RawIOBase):
    """The body of a GET; raises :class:`IntegrityError` at the end if it does not match the
    object's checksum, so a damaged object cannot be read to the end as if it were good."""

    def __init__(self, response: urllib3.BaseHTTPResponse, key: str, sha256: str, size: int,
                 store: S3ObjectStore) -> None:
        super().__init__()
        self._response = response
        self._key = key
        self._sha256 = sha256
        self._size = size
        self._store = store
        self._digest = hashlib.sha256()
        self._count = 0
        self._checked = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: typing.Any) -> int:
        view = memoryview(buffer).cast("B")
        try:
            chunk = self._response.read(len(view))
        except urllib3.exceptions.HTTPError as exc:
            raise self._store._error(exc, f"đọc {self._key}") from exc
        if chunk:
            view[: len(chunk)] = chunk
            self._digest.update(chunk)
            self._count += len(chunk)
            return len(chunk)
        if not self._checked:
            self._checked = True
            if (self._size >= 0 and self._count != self._size) or \
                    self._digest.hexdigest() != self._sha256:
                raise IntegrityError(
                    f"Dữ liệu {self._key} trong kho S3 không khớp mã kiểm tra (có thể đã bị "
                    "hỏng); không trả về. Hãy báo quản trị viên khôi phục từ bản sao lưu.",
                    detail=f"stored sha256 {self._sha256}, read {self._digest.hexdigest()} "
                           f"({self._count} bytes)")
        return 0

    def close(self) -> None:
        if not self.closed:
            with contextlib.suppress(Exception):
                self._response.close()
                self._response.release_conn()
        super().close()


class _Missing(Exception):
    pass


class _PreconditionFailed(Exception):
    pass


class _ConditionUnsupported(Exception):
    pass


class _BucketTaken(Exception):
    pass


def _transient(exc: Exception) -> bool:
    if isinstance(exc, urllib3.exceptions.HTTPError):
        return True
    if isinstance(exc, S3Error):
        # ConditionalRequestConflict (409): another conditional write of the key is under way;
        # AWS asks for a retry. It is the one 4xx retried.
        return (exc.code in ("SlowDown", "ConditionalRequestConflict")
                or exc.response.status >= 500)
    if isinstance(exc, ServerError):
        return exc.status_code >= 500
    if isinstance(exc, InvalidResponseError):
        return int(getattr(exc, "_code", 0) or 0) >= 500
    return False


def _checksum(key: str, value: str | None) -> str:
    if not value or len(value) != 64:
        raise IntegrityError(
            f"Đối tượng {key} trong kho S3 không có mã kiểm tra SHA-256 nên không thể xác minh; "
            "không trả về.", detail=f"{SHA256_META}={value!r}")
    return value.lower()


def _changed(key: str, expected: str, actual: str) -> IntegrityError:
    return IntegrityError(
        f"Dữ liệu ghi vào kho bị sai lệch ({key}): tệp đã thay đổi trong lúc lưu. Hãy thử lại.",
        detail=f"expected {expected}, wrote {actual}")
