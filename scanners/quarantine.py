"""Move files out of an inbox without ever overwriting or losing one.

A file's sidecar JSON (hints from staff) travels with it and keeps its style of name beside the
new one (``scan.pdf.json`` or ``scan.json``), so the pair stays recognisable in ``done/`` and
``quarantine/``.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from pipeline.clock import now_iso

REASON_SUFFIX = ".ly-do.txt"
SIDECAR_SUFFIX = ".json"


def _taken(path: Path) -> bool:
    return path.exists() or Path(str(path) + REASON_SUFFIX).exists()


def _same(a: Path, b: Path) -> bool:
    """Whether ``b`` already holds ``a``'s bytes (a shared sidecar copied there before)."""
    try:
        return b.is_file() and filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def companion_name(sidecar: Path, source: Path, target_name: str) -> str:
    """The sidecar's name beside ``target_name``, in the style it had beside ``source``."""
    if sidecar.name == source.name + SIDECAR_SUFFIX:
        return target_name + SIDECAR_SUFFIX
    return Path(target_name).stem + SIDECAR_SUFFIX


def free_name(folder: Path, name: str, companions: Sequence[Path] = ()) -> Path:
    """``folder/name``, or ``folder/stem (2).ext`` ... if that is taken.

    ``companions`` are the sidecars beside the file called ``name``: their places beside the
    chosen name must be free too (or already hold the same bytes), so the pair stays together.
    """
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while _taken(candidate) or any(
            _taken(slot) and not _same(c, slot)
            for c in companions
            for slot in [folder / companion_name(c, Path(name), candidate.name)]):
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def _move(path: Path, target: Path) -> None:
    try:
        os.link(path, target)  # fails instead of replacing; same filesystem only
        path.unlink()
    except OSError:
        if target.exists():
            raise
        shutil.move(str(path), str(target))  # another filesystem: copy, then remove the source


def move_aside(path: Path, folder: Path, relative: Path | None = None, *,
               sidecars: Sequence[Path] = (), copies: Sequence[Path] = ()) -> Path:
    """Move ``path`` into ``folder`` (keeping ``relative`` sub-folders), never replacing a file.

    ``sidecars`` move along with it; ``copies`` (sidecars other files in the inbox still use)
    are copied beside it. The file moves first: a crash in between leaves at most a sidecar
    behind, never a document.
    """
    target_dir = folder / relative.parent if relative is not None else folder
    target_dir.mkdir(parents=True, exist_ok=True)
    extra = [*sidecars, *copies]
    target = free_name(target_dir, path.name, extra)
    _move(path, target)
    for sidecar in extra:
        slot = target_dir / companion_name(sidecar, path, target.name)
        if _same(sidecar, slot):  # already there: nothing to keep twice
            if sidecar not in copies:
                sidecar.unlink()
        elif sidecar in copies:
            shutil.copy2(sidecar, free_name(target_dir, slot.name))
        else:
            _move(sidecar, free_name(target_dir, slot.name))
    return target


def quarantine(path: Path, folder: Path, *, code: str, message: str, station: str,
               timezone: str, relative: Path | None = None, sidecars: Sequence[Path] = (),
               copies: Sequence[Path] = ()) -> Path:
    """Set a bad file aside with a Vietnamese reason file beside it; return its new path."""
    target = move_aside(path, folder, relative, sidecars=sidecars, copies=copies)
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
