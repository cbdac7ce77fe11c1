"""The embedded store: a local folder, crash-safe, with write-once objects.

Layout under the root: ``objects/<key>`` holds the bytes, ``meta/<key>.json`` the checksum
and media type. Every write goes to a temporary file, is flushed to disk, then renamed (or
hard-linked, for write-once objects, so an existing object is never replaced).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import IntegrityError, NotFound, StoreError
from pipeline.hashing import CHUNK, sha256_file
from pipeline.store.base import ObjectInfo, check_key, corrupt


class LocalObjectStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._objects = root / "objects"
        self._meta = root / "meta"
        self._tmp = root / "tmp"
        try:
            for folder in (self._objects, self._meta, self._tmp):
                folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Không tạo được kho dữ liệu tại {root}: {exc.strerror}") from exc

    def describe(self) -> str:
        return str(self.root)

    # -- writing -----------------------------------------------------------------------
    def put_file(self, key: str, path: Path, *, media_type: str, sha256: str,
                 immutable: bool = False) -> ObjectInfo:
        check_key(key)
        with path.open("rb") as src:
            return self._commit(key, self._stage(src), media_type, sha256, immutable)

    def put_bytes(self, key: str, data: bytes, *, media_type: str,
                  immutable: bool = False) -> ObjectInfo:
        check_key(key)
        staged = self._stage(io.BytesIO(data))
        return self._commit(key, staged, media_type, staged[1], immutable)

    def _stage(self, src: BinaryIO) -> tuple[Path, str, int]:
        """Copy to a temporary file in the store, hashing on the way; flushed to disk."""
        digest = hashlib.sha256()
        size = 0
        with tempfile.NamedTemporaryFile(dir=self._tmp, delete=False) as tmp:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                tmp.write(chunk)
                size += len(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        return Path(tmp.name), digest.hexdigest(), size

    def _commit(self, key: str, staged: tuple[Path, str, int], media_type: str, expected: str,
                immutable: bool) -> ObjectInfo:
        tmp, actual, size = staged
        try:
            if actual != expected:
                raise IntegrityError(
                    f"Dữ liệu ghi vào kho bị sai lệch ({key}): tệp đã thay đổi trong lúc lưu. "
                    "Hãy thử lại.",
                    detail=f"expected {expected}, wrote {actual}",
                )
            info = ObjectInfo(key, size, actual, media_type)
            final = self._objects / key
            final.parent.mkdir(parents=True, exist_ok=True)
            if immutable:
                try:
                    os.link(tmp, final)
                except FileExistsError:
                    return self._existing(key, info)
                final.chmod(0o444)
            else:
                tmp.replace(final)
            self._write_meta(info)
            _fsync_dir(final.parent)
            return info
        finally:
            tmp.unlink(missing_ok=True)

    def _existing(self, key: str, wanted: ObjectInfo) -> ObjectInfo:
        existing = self.stat(key)
        if existing is None or existing.sha256 != wanted.sha256:
            raise IntegrityError(
                f"Kho đã có đối tượng {key} với nội dung khác; không ghi đè bản gốc.",
                detail=f"stored {existing.sha256 if existing else '?'}, new {wanted.sha256}",
            )
        return existing

    def _write_meta(self, info: ObjectInfo) -> None:
        meta = self._meta / (info.key + ".json")
        meta.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"size": info.size, "sha256": info.sha256,
                           "media_type": info.media_type}).encode()
        with tempfile.NamedTemporaryFile(dir=self._tmp, delete=False) as tmp:
            tmp.write(body)
            tmp.flush()
            os.fsync(tmp.fileno())
        Path(tmp.name).replace(meta)

    # -- reading -----------------------------------------------------------------------
    def open(self, key: str) -> BinaryIO:
        check_key(key)
        try:
            return (self._objects / key).open("rb")
        except FileNotFoundError as exc:
            raise NotFound(f"Kho không có đối tượng {key}.") from exc

    def read_verified(self, key: str) -> bytes:
        info = self.stat(key)
        if info is None:
            raise NotFound(f"Kho không có đối tượng {key}.")
        with self.open(key) as src:
            data = src.read()
        if hashlib.sha256(data).hexdigest() != info.sha256:
            raise corrupt(key)
        return data

    def stat(self, key: str) -> ObjectInfo | None:
        check_key(key)
        target = self._objects / key
        if not target.is_file():
            return None
        meta = self._meta / (key + ".json")
        try:
            data = json.loads(meta.read_text())
            return ObjectInfo(key, int(data["size"]), str(data["sha256"]), str(data["media_type"]))
        except (OSError, ValueError, KeyError):
            # The bytes landed but a crash lost their metadata: recompute from the bytes.
            sha, size = sha256_file(target)
            info = ObjectInfo(key, size, sha, "application/octet-stream")
            with contextlib.suppress(OSError):
                self._write_meta(info)
            return info

    def remove(self, key: str) -> None:
        check_key(key)
        for path in (self._objects / key, self._meta / (key + ".json")):
            path.unlink(missing_ok=True)

    def list(self, prefix: str) -> Iterator[str]:
        base = self._objects / prefix.rstrip("/") if prefix else self._objects
        if not base.exists():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file():
                yield path.relative_to(self._objects).as_posix()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a directory be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
