"""Tell the kind of a file from its first bytes; the name's extension is never trusted."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import EmptyFile, UnsupportedFormat
from pipeline.models import FileKind

_SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"\xff\xd8\xff", FileKind.JPEG),
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
    (b"II*\x00", FileKind.TIFF),
    (b"MM\x00*", FileKind.TIFF),
    (b"II+\x00", FileKind.TIFF),  # BigTIFF
    (b"MM\x00+", FileKind.TIFF),
)

#: Formats people drop by mistake, named so the reason tells them what they gave us.
_KNOWN_OTHERS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "tệp nén ZIP hoặc tài liệu Office (DOCX, XLSX)"),
    (b"\xd0\xcf\x11\xe0", "tài liệu Office đời cũ (DOC, XLS)"),
    (b"GIF8", "ảnh GIF"),
    (b"BM", "ảnh BMP"),
    (b"Rar!", "tệp nén RAR"),
    (b"7z\xbc\xaf", "tệp nén 7z"),
    (b"{\\rtf", "tài liệu RTF"),
)

SUPPORTED_TEXT = "PDF, TIFF, JPEG, PNG"


def sniff(path: Path) -> FileKind:
    """Return the file's kind or raise an :class:`InputError` with a reason in Vietnamese."""
    with path.open("rb") as fh:
        head = fh.read(1024)
    if not head:
        raise EmptyFile(f"Tệp {path.name} rỗng (0 byte). Hãy quét hoặc sao chép lại tệp.")
    # The PDF header may follow some junk bytes (ISO 32000 readers accept it within 1 KiB).
    if b"%PDF-" in head:
        return FileKind.PDF
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    what: str | None
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        what = "ảnh HEIC của điện thoại"
    elif head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        what = "ảnh WEBP"
    else:
        what = next((desc for magic, desc in _KNOWN_OTHERS if head.startswith(magic)), None)
        if what is None and _looks_like_text(head):
            what = "tệp văn bản thuần"
    claimed = f" (dù có đuôi {path.suffix})" if path.suffix else ""
    found = f": đây là {what}{claimed}" if what else f"{claimed}"
    raise UnsupportedFormat(
        f"Tệp {path.name} không phải tài liệu quét hay PDF{found}. Chỉ nhận các dạng "
        f"{SUPPORTED_TEXT}; hãy lưu lại bản quét ở một trong các định dạng này."
    )


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
