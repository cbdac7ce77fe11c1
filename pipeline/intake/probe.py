"""Check a file can become a document before any work is spent on it, and describe it.

Only headers and structure are read here; pixels are decoded once, later, by the stage that
needs them (a truncated image surfaces there as :class:`DamagedFile`).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pikepdf
from PIL import Image

from pipeline.clock import now_iso
from pipeline.config import Settings
from pipeline.errors import (
    DamagedFile,
    EncryptedDocument,
    ImageTooLarge,
    InputError,
    NoPages,
    machine_fault,
)
from pipeline.hashing import sha256_file
from pipeline.intake.pdfcheck import oversized_image
from pipeline.intake.sniff import sniff
from pipeline.models import FileKind, SourceFile

#: A complete PDF ends with ``%%EOF``; scanners and copy tools may append a few bytes after it.
_EOF_WINDOW = 4096


def probe(path: Path, settings: Settings, station: str | None = None) -> SourceFile:
    """Describe ``path`` or raise an :class:`InputError` saying, in Vietnamese, what is wrong."""
    if not path.is_file():
        raise InputError(f"Không tìm thấy tệp {path} hoặc đó không phải là tệp thường.")
    size = path.stat().st_size
    if size > settings.limits.max_file_mb * 1024 * 1024:
        raise InputError(
            f"Tệp {path.name} quá lớn ({size / 1048576:.0f} MB, tối đa "
            f"{settings.limits.max_file_mb} MB). Hãy tách tài liệu thành nhiều tệp."
        )
    kind = sniff(path)
    limits = settings.limits
    if kind is FileKind.PDF:
        pages = _pdf_pages(path, limits.max_pages, limits.max_image_megapixels)
    else:
        pages = _image_pages(path, limits.max_pages, limits.max_image_megapixels)
    if pages == 0:
        raise NoPages(f"Tệp {path.name} không có trang nào.")
    sha, size = sha256_file(path)
    return SourceFile(
        path=path,
        filename=path.name,
        kind=kind,
        sha256=sha,
        size=size,
        page_count=pages,
        station=station or settings.station,
        received_at=now_iso(settings.timezone),
    )


def _too_many_pages(path: Path, pages: int | None, limit: int) -> InputError:
    count = f"có {pages} trang" if pages is not None else f"có hơn {limit} trang"
    return InputError(f"Tệp {path.name} {count}, vượt giới hạn {limit} trang. Hãy tách tài "
                      "liệu thành nhiều tệp.")


def _pdf_pages(path: Path, max_pages: int, max_megapixels: int) -> int:
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - _EOF_WINDOW))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise DamagedFile(
            f"Tệp PDF {path.name} bị cắt cụt (thiếu phần kết thúc), có thể do quét hoặc sao chép "
            "chưa xong. Hãy quét hoặc sao chép lại tệp."
        )
    try:
        with pikepdf.open(path) as pdf:
            pages = len(pdf.pages)
            if pages > max_pages:
                raise _too_many_pages(path, pages, max_pages)
            large = oversized_image(pdf, max_megapixels * 1_000_000)
    except pikepdf.PasswordError as exc:
        raise EncryptedDocument(
            f"Tệp PDF {path.name} được bảo vệ bằng mật khẩu nên không đọc được. Hãy gỡ mật khẩu "
            "hoặc quét lại bản giấy.",
            detail=str(exc),
        ) from exc
    except pikepdf.PdfError as exc:
        raise DamagedFile(
            f"Tệp PDF {path.name} bị hỏng, không đọc được cấu trúc. Hãy quét hoặc xuất lại tệp.",
            detail=str(exc),
        ) from exc
    except InputError:
        raise
    except Exception as exc:  # qpdf's repairs and pikepdf's objects: a zoo of errors
        if machine_fault(exc):
            raise
        raise DamagedFile(
            f"Tệp PDF {path.name} có cấu trúc bất thường, không kiểm tra được. Hãy quét hoặc "
            "xuất lại tệp.",
            detail=repr(exc),
        ) from exc
    if large is not None:
        raise ImageTooLarge(
            f"Tệp PDF {path.name}: trang {large.page} chứa ảnh quá lớn ({large.width}×"
            f"{large.height} điểm ảnh, tối đa {max_megapixels} triệu điểm ảnh). Hãy quét ở độ "
            "phân giải 200–400 dpi."
        )
    return pages


def _image_pages(path: Path, max_pages: int, max_megapixels: int) -> int:
    # Pillow's own bomb guard (a warning at ~89 Mpx, treated as an error here) stays in place;
    # our configured limit only ever tightens it.
    limit = max_megapixels * 1_000_000
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                frames = 0
                while _next_frame(img, frames):
                    if frames == max_pages:  # a TIFF's frames are a chain: not walked to its end
                        raise _too_many_pages(path, None, max_pages)
                    frames += 1
                    width, height = img.size
                    if width * height > limit:
                        raise ImageTooLarge(
                            f"Ảnh {path.name} quá lớn ({width}×{height} điểm ảnh). Hãy quét ở "
                            "độ phân giải 200–400 dpi."
                        )
                    if min(width, height) < 50:
                        raise DamagedFile(
                            f"Ảnh {path.name} quá nhỏ ({width}×{height} điểm ảnh) để là một "
                            "trang tài liệu."
                        )
                return frames
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge(
            f"Ảnh {path.name} quá lớn để xử lý an toàn. Hãy quét ở độ phân giải 200–400 dpi.",
            detail=str(exc),
        ) from exc
    except Exception as exc:  # Pillow's parsers raise many kinds on a malformed header
        if machine_fault(exc):
            raise
        raise DamagedFile(
            f"Ảnh {path.name} bị hỏng, không đọc được. Hãy quét hoặc sao chép lại tệp.",
            detail=repr(exc),
        ) from exc


def _next_frame(img: Image.Image, index: int) -> bool:
    """Go to frame ``index``; False past the last one."""
    try:
        img.seek(index)
    except EOFError:
        return False
    return True
