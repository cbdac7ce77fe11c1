"""Writing PKI files whole and with the right permissions from the first byte."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE = 0o600
PUBLIC = 0o644
PRIVATE_DIR = 0o700


def write_file(path: Path, data: bytes, *, private: bool) -> None:
    """Write via a temporary file and rename, so a reader never sees half a key.

    The mode is set on the open descriptor: a key must not be world-readable even for the
    moment between creating and chmod-ing it, whatever the umask.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = PRIVATE if private else PUBLIC
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def private_dir(path: Path) -> None:
    """A folder holding keys: only the owner may list or enter it."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(PRIVATE_DIR)
