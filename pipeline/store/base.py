"""The byte-level store contract: keys to immutable-or-replaceable objects with checksums."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from pipeline.errors import IntegrityError, StoreError

#: Keys are ``/``-separated lowercase segments: nothing a path or URL could misread.
_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$")


def check_key(key: str) -> str:
    if not _KEY.match(key) or ".." in key:
        raise StoreError(f"Khóa lưu trữ không hợp lệ: {key!r}")
    return key


def corrupt(key: str) -> IntegrityError:
    return IntegrityError(
        f"Dữ liệu {key} trong kho không khớp mã kiểm tra (có thể đã bị hỏng); không trả về. "
        "Hãy báo quản trị viên khôi phục từ bản sao lưu."
    )


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    sha256: str
    media_type: str


class ObjectStore(Protocol):
    """What every backend provides. Writes are atomic: a reader sees all of an object or none.

    ``put_file``/``put_bytes`` with ``immutable=True`` never replace an existing object: they
    return the existing object's info if its checksum matches and raise otherwise.
    """

    def put_file(self, key: str, path: Path, *, media_type: str, sha256: str,
                 immutable: bool = False) -> ObjectInfo: ...

    def put_bytes(self, key: str, data: bytes, *, media_type: str,
                  immutable: bool = False) -> ObjectInfo: ...

    def open(self, key: str) -> BinaryIO:
        """A readable stream of the object; raise :class:`NotFound` if absent."""
        ...

    def stat(self, key: str) -> ObjectInfo | None: ...

    def read_verified(self, key: str) -> bytes:
        """The whole object, checked against its stored checksum (:class:`IntegrityError`
        if it does not match); :class:`NotFound` if absent. One round trip where the backend
        returns the checksum with the bytes."""
        ...

    def remove(self, key: str) -> None:
        """Delete a replaceable object (missing is fine). Only scratch data is ever removed:
        :class:`DocumentStore` refuses anything outside ``work/`` and ``pending/``;
        write-once objects under retention are protected by the server as well."""
        ...

    def list(self, prefix: str) -> Iterator[str]:
        """Keys under ``prefix`` (a ``/``-terminated folder-like prefix), in sorted order."""
        ...

    def describe(self) -> str:
        """Where the store is, for messages (no credentials)."""
        ...
