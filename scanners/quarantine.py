"""Move files out of an inbox without ever overwriting or losing one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pipeline.clock import now_iso

REASON_SUFFIX = ".ly-do.txt"


def free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/stem (2).ext`` ... if that is taken."""
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while candidate.exists() or Path(str(candidate) + REASON_SUFFIX).exists():
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def move_aside(path: Path, folder: Path, relative: Path | None = None) -> Path:
    """Move ``path`` into ``folder`` (keeping ``relative`` sub-folders), never replacing a file."""
    target_dir = folder / relative.parent if relative is not None else folder
    target_dir.mkdir(parents=True, exist_ok=True)
    target = free_name(target_dir, path.name)
    try:
        os.link(path, target)  # fails instead of replacing; same filesystem only
        path.unlink()
    except OSError:
        if target.exists():
            raise
        shutil.move(str(path), str(target))  # another filesystem: copy, then remove the source
    return target


def quarantine(path: Path, folder: Path, *, code: str, message: str, station: str,
               timezone: str, relative: Path | None = None) -> Path:
    """Set a bad file aside with a Vietnamese reason file beside it; return its new path."""
    target = move_aside(path, folder, relative)
    reason = (
        f"Tệp: {path.name}\n"
        f"Trạm quét: {station}\n"
        f"Thời gian: {now_iso(timezone)}\n"
        f"Mã lỗi: {code}\n"
        f"Lý do: {message}\n"
        "Tệp gốc được giữ nguyên trong thư mục này. Sau khi khắc phục, hãy đặt lại tệp vào "
        "thư mục quét.\n"
    )
    Path(str(target) + REASON_SUFFIX).write_text(reason, encoding="utf-8")
    return target
