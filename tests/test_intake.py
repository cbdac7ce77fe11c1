"""Intake refuses unreadable files with a Vietnamese reason and never touches them."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from pipeline.config import Settings
from pipeline.errors import (
    DamagedFile,
    EmptyFile,
    EncryptedDocument,
    ImageTooLarge,
    InputError,
    UnsupportedFormat,
)
from pipeline.intake import probe, sniff
from pipeline.models import FileKind
from pipeline.process import Pipeline
from tests.hostile_files import truncated_jpeg


def blank_pdf(pages: int = 1) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def png_bytes(size: tuple[int, int] = (400, 300)) -> bytes:
    buf = io.BytesIO()
    Image.new("L", size, 255).save(buf, format="PNG")
    return buf.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("scan.pdf", blank_pdf(), FileKind.PDF),
    ("junk-then.pdf", b"\x00garbage" + blank_pdf(), FileKind.PDF),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 40, FileKind.JPEG),
    ("page.png", png_bytes(), FileKind.PNG),
    ("wrong-extension.pdf", png_bytes(), FileKind.PNG),
    ("fax.tif", b"II*\x00" + b"\0" * 40, FileKind.TIFF),
])
def test_sniff_reads_content_not_the_name(tmp_path: Path, name: str, data: bytes,
                                          kind: FileKind) -> None:
    assert sniff(write(tmp_path, name, data)) is kind


def encrypted_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buf = io.BytesIO()
    pdf.save(buf, encryption=pikepdf.Encryption(user="mat-khau", owner="chu-so-huu"))
    return buf.getvalue()


BAD_FILES: list[tuple[str, bytes, type[InputError], str]] = [
    ("rong.pdf", b"", EmptyFile, "rỗng"),
    ("ghi-chu.pdf", "Đây là ghi chú, không phải bản quét".encode(), UnsupportedFormat,
     "văn bản thuần"),
    ("bang-tinh.pdf", b"PK\x03\x04" + os.urandom(200), UnsupportedFormat, "ZIP"),
    ("ngau-nhien.pdf", os.urandom(2048).replace(b"%PDF-", b"xxxxx"), UnsupportedFormat,
     "không phải tài liệu"),
    ("mat-khau.pdf", encrypted_pdf(), EncryptedDocument, "mật khẩu"),
    ("cat-cut.pdf", blank_pdf(3)[:-200], DamagedFile, "cắt cụt"),
    ("hong.pdf", b"%PDF-1.7\n" + os.urandom(3000).replace(b"%%EOF", b"xxxxx") + b"\n%%EOF\n",
     DamagedFile, "bị hỏng"),
    ("anh-hong.png", png_bytes()[:60], DamagedFile, "bị hỏng"),
    ("anh-cat-cut.jpg", truncated_jpeg(), DamagedFile, "cắt cụt"),
    ("tiny.png", png_bytes((10, 10)), DamagedFile, "quá nhỏ"),
]


@pytest.mark.parametrize(("name", "data", "error", "reason"), BAD_FILES,
                         ids=[b[0] for b in BAD_FILES])
def test_bad_files_get_a_reason_and_stay_untouched(
    tmp_path: Path, pipeline: Pipeline, name: str, data: bytes, error: type[InputError],
    reason: str,
) -> None:
    path = write(tmp_path, name, data)
    before = path.stat()
    with pytest.raises(error) as caught:
        pipeline.ingest(path)
    assert reason in caught.value.message
    assert name in caught.value.message
    assert path.read_bytes() == data
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert list(pipeline.store.records()) == []


def test_oversized_image_is_refused(tmp_path: Path, settings: Settings) -> None:
    from dataclasses import replace

    small_limit = replace(settings, limits=replace(settings.limits, max_image_megapixels=1))
    path = write(tmp_path, "lon.png", png_bytes((1500, 1000)))
    with pytest.raises(ImageTooLarge, match="quá lớn"):
        probe(path, small_limit)


def test_probe_describes_a_good_file(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "ba-trang.pdf", blank_pdf(3))
    src = probe(path, settings, station="tram-1")
    assert (src.kind, src.page_count, src.station) == (FileKind.PDF, 3, "tram-1")
    assert len(src.sha256) == 64
    assert src.received_at.endswith("+07:00")
