"""Odd and malicious files (issue 12) never produce a traceback.

Each file is generated here and given to ``sohoa ingest --json`` in a process of its own, as
an operator would: it is refused with a Vietnamese reason (exit 3) or stored for review with
a reason on the page that could not be read, the other pages kept. The file itself is left
exactly as it was, and no traceback appears in anything printed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from pipeline.api.app import create_app
from pipeline.api.keys import ApiKeys, Scope
from pipeline.api.routes.pages import MAX_PREVIEW_SIDE
from pipeline.config import LimitSettings, Settings
from pipeline.errors import ImageTooLarge
from pipeline.intake.hints import IntakeHints
from pipeline.ocr.raster import render_pdf_page
from pipeline.ocr.reader import PageReader, read_scan_or_reason, scan_options
from pipeline.ocr.scan import ScanJob
from pipeline.preprocess.prepare import PrepOptions, prepare
from pipeline.process import Pipeline
from pipeline.store import open_store
from pipeline.work.stages import read_page, store_original
from tests import hostile_files as h

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Refused:
    """Exit 3, nothing stored, ``reason`` in the Vietnamese message."""

    code: str
    reason: str


@dataclass(frozen=True)
class Review:
    """Stored with status ``review``: every page kept, ``warning`` among the reasons."""

    pages: int
    warning: str
    text: str = ""


@dataclass(frozen=True)
class Done:
    """Odd but sound: stored as usual, nothing to review (the checks do not over-refuse)."""

    pages: int


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    expected: Refused | Review | Done
    env: dict[str, str] = field(default_factory=dict)


TEXT = "Giay chung nhan so 12345"
CASES = [
    Case("rong.pdf", lambda: b"", Refused("tep-rong", "rỗng (0 byte)")),
    Case("rac.pdf", lambda: bytes(range(256)) * 8,
         Refused("dinh-dang-khong-ho-tro", "không phải tài liệu quét hay PDF")),
    Case("pdf-rac.pdf", lambda: b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n",
         Refused("tep-bi-hong", "bị hỏng")),
    Case("anh-cat-cut.jpg", h.truncated_jpeg, Refused("tep-bi-hong", "cắt cụt")),
    Case("anh-khai-gian.png", h.png_header_lie, Refused("anh-qua-lon", "quá lớn")),
    Case("6000-trang.tif", lambda: h.tiff_frames(6000),
         Refused("tep-khong-hop-le", "có hơn 5000 trang")),
    Case("anh-35000.pdf", h.huge_bilevel_pdf,
         Refused("anh-qua-lon", "trang 1 chứa ảnh quá lớn (35000×35000")),
    Case("anh-144-trieu.pdf", h.big_grey_pdf, Refused("anh-qua-lon", "(12000×12000")),
    Case("anh-trong-form.pdf", lambda: h.big_grey_pdf(in_form=True),
         Refused("anh-qua-lon", "(12000×12000")),
    Case("anh-noi-tuyen.pdf", h.huge_inline_image_pdf, Refused("anh-qua-lon", "(30000×30000")),
    Case("jpeg-khai-gian.pdf", h.lying_jpeg_pdf, Refused("anh-qua-lon", "(40000×40000")),
    Case("cay-trang-vong.pdf", h.cyclic_tree_pdf, Refused("tep-bi-hong", "bị hỏng")),
    Case("cay-trang-vong-cha.pdf", h.cyclic_parent_pdf, Refused("tep-bi-hong", "bị hỏng")),
    Case("thieu-mediabox.pdf", lambda: h.text_page_pdf(page=b""),
         Review(1, "trang thiếu khổ giấy (MediaBox)", TEXT)),
    Case("mediabox-nan.pdf", lambda: h.text_page_pdf(page=b"/MediaBox [0 0 nan /A]"),
         Review(1, "trang thiếu khổ giấy (MediaBox)", TEXT)),
    Case("mediabox-0.pdf", lambda: h.text_page_pdf(page=b"/MediaBox [0 0 595 0]"),
         Review(1, "Trang 1 có khổ giấy bất thường (210×0 mm)")),
    Case("mediabox-khong-lo.pdf",
         lambda: h.text_page_pdf(page=b"/MediaBox [0 0 1000000 1000000]"),
         Review(1, "Trang 1 có khổ giấy bất thường")),
    Case("cropbox-rong.pdf",
         lambda: h.text_page_pdf(page=b"/MediaBox [0 0 595 842] /CropBox [10 10 10 10]"),
         Review(1, "vùng hiển thị (CropBox) gần như rỗng")),
    Case("xref-lech.pdf", h.broken_xref_pdf, Review(1, "bảng tham chiếu (xref) hỏng", TEXT)),
    Case("xref-rac.pdf", h.garbage_xref_pdf, Review(1, "bảng tham chiếu (xref) hỏng", TEXT)),
    Case("trang-lap.pdf", h.repeated_page_pdf,
         Review(2, "một trang được liệt kê nhiều lần", f"{TEXT}\f{TEXT}")),
    Case("noi-dung-hong.pdf", h.damaged_content_pdf,
         Review(1, "Nội dung trang 1 bị hỏng (không giải nén được)")),
    Case("jpeg-hong.pdf", h.corrupt_jpeg_pdf,
         Review(1, "Ảnh quét của trang 1 bị hỏng, không giải mã được")),
    Case("ba-trang.pdf", h.mixed_pdf, Review(3, "Trang 3 bị hỏng, không đọc được", f"{TEXT}\f\f")),
    Case("ap-phich.pdf", h.poster_pdf, Review(1, "Trang 1 quá khổ nên chỉ đọc được ở 10 dpi"),
         env={"SOHOA_LIMITS_MAX_IMAGE_MEGAPIXELS": "4"}),
    Case("mediabox-ke-thua.pdf",
         lambda: h.text_page_pdf(page=b"", pages=b"/MediaBox [0 0 595 842]"), Done(1)),
    Case("mediabox-nguoc.pdf", lambda: h.text_page_pdf(page=b"/MediaBox [0 0 -595 -842]"),
         Done(1)),
    Case("vong-ifd.tif", h.tiff_ifd_loop, Done(2)),
]


def sohoa(home: Path, *args: str, env: dict[str, str] | None = None,
          code: str | None = None) -> subprocess.CompletedProcess[str]:
    """``sohoa ARGS`` in its own process, with its own home and no outside configuration;
    ``code`` replaces the entry point (to plant a fault)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    clean.update({"SOHOA_HOME": str(home), "SOHOA_JOBS": "1", "PYTHONPATH": str(ROOT),
                  **(env or {})})
    command = ["-c", code] if code else ["-m", "pipeline"]
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run([sys.executable, *command, *args], env=clean, cwd=home,
                          capture_output=True, text=True, timeout=300, check=False)


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@dataclass(frozen=True)
class Outcome:
    run: subprocess.CompletedProcess[str]
    home: Path
    before: tuple[str, int]
    after: tuple[str, int]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every case through ``sohoa ingest``, one process per file, two at a time."""
    root = tmp_path_factory.mktemp("hostile")

    def ingest(case: Case) -> Outcome:
        path = root / case.name / "inbox" / case.name
        path.parent.mkdir(parents=True)
        path.write_bytes(case.make())
        before = fingerprint(path)
        home = root / case.name / "home"
        run = sohoa(home, "ingest", str(path), "--json", env=case.env)
        return Outcome(run, home, before, fingerprint(path))

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip([c.name for c in CASES], pool.map(ingest, CASES), strict=True))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_hostile_file_gets_a_reason(outcomes: dict[str, Outcome], case: Case) -> None:
    outcome = outcomes[case.name]
    run = outcome.run
    assert "Traceback" not in run.stdout and "Traceback" not in run.stderr, run.stderr
    (line,) = [json.loads(text) for text in run.stdout.splitlines()]
    expected = case.expected
    if isinstance(expected, Refused):
        assert run.returncode == 3, run.stderr
        assert line["status"] == "failed" and line["error"]["code"] == expected.code, line
        assert expected.reason in line["error"]["message"], line
        assert case.name in line["error"]["message"]
        assert list(open_store(Settings(home=outcome.home)).records()) == []
    else:
        assert run.returncode == 0, run.stderr
        assert len(line["pages"]) == expected.pages, line
        if isinstance(expected, Review):
            assert line["status"] == "review", line
            assert any(expected.warning in w for w in line["warnings"]), line["warnings"]
            assert line["text"] == expected.text
        else:
            assert (line["status"], line["warnings"]) == ("done", []), line
    assert outcome.after == outcome.before  # the file is untouched


def test_pages_read_by_distributed_workers_get_the_same_reasons(tmp_path: Path) -> None:
    """The workers' path: intake refuses what ``ingest`` refuses, and each page read on its
    own gets the reason it gets when the whole file is read."""
    settings = Settings(home=tmp_path / "var", jobs=1)
    store = open_store(settings)
    huge = tmp_path / "anh-35000.pdf"
    huge.write_bytes(h.huge_bilevel_pdf())
    with pytest.raises(ImageTooLarge, match="35000×35000"):
        store_original(settings, store, huge, "tram-1", IntakeHints())

    mixed = tmp_path / "ba-trang.pdf"
    mixed.write_bytes(h.mixed_pdf())
    sub = store_original(settings, store, mixed, "tram-1", IntakeHints())
    with PageReader(settings) as reader, Pipeline(settings, store, reader) as pipeline:
        alone = [read_page(settings, store, reader, sub, n) for n in (1, 2, 3)]
        (whole,) = pipeline.ingest(mixed)
    assert [p.text for p in alone] == [TEXT, "", ""]
    assert [p.warnings for p in alone] == [()] + [(w,) for w in whole.warnings]
    assert [w[:7] for w in whole.warnings] == ["Trang 2", "Trang 3"]


def test_a_page_whose_ocr_fails_gets_a_reason_but_a_machine_fault_propagates(
        tmp_path: Path) -> None:
    tesseract, prep = scan_options(Settings())
    empty = ScanJob(4, np.zeros((0, 0), np.uint8), 300, tesseract, prep, tmp_path)
    page = read_scan_or_reason(empty, "x.pdf")
    assert (page.number, page.words, page.text) == (4, (), "")
    assert page.warnings == ("Trang 4: không nhận dạng được chữ do lỗi khi xử lý ảnh trang; "
                             "cần kiểm tra bản gốc.",)

    # A scratch folder that cannot be made is the machine's fault: retried, not a reason.
    blocked = tmp_path / "tep-thuong"
    blocked.write_bytes(b"")
    white = np.full((1200, 900), 255, np.uint8)
    with pytest.raises(OSError):
        read_scan_or_reason(ScanJob(1, white, 150, tesseract, prep, blocked / "sub"), "x.pdf")


def test_rendering_and_upscaling_stay_within_the_pixel_limit() -> None:
    doc = pdfium.PdfDocument(h.poster_pdf())  # 200×200 inches
    try:
        pixels, dpi = render_pdf_page(doc, 0, 300, 4_000_000)
    finally:
        doc.close()
    assert dpi == 10 and pixels.shape == (2000, 2000)

    # A 50 dpi page is upscaled for OCR, but not past the limit.
    small = np.full((550, 425), 255, np.uint8)
    free = prepare(small, 50, PrepOptions())
    assert free.ocr_dpi == 300 and free.ocr.size == 3300 * 2550
    bounded = prepare(small, 50, PrepOptions(max_pixels=1_000_000))
    assert bounded.ocr.size <= 1_000_000 and 50 < bounded.ocr_dpi < 300


def test_page_previews_are_bounded_in_both_dimensions(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "var", jobs=1, limits=LimitSettings(max_file_mb=1))
    store = open_store(settings)
    ids = {}
    with Pipeline(settings, store) as pipeline:
        for name, data in (("dai.pdf", h.strip_pdf()), ("a4.pdf", h.text_page_pdf())):
            (tmp_path / name).write_bytes(data)
            (record,) = pipeline.ingest(tmp_path / name)
            ids[name] = record.id
    assert store.index is not None
    _, key = ApiKeys(store.index).create("cán bộ", frozenset({Scope.READ_DOCUMENTS}))
    with TestClient(create_app(settings, store)) as client:
        def preview(doc: str, width: int) -> Any:
            response = client.get(f"/v1/documents/{ids[doc]}/pages/1?width={width}",
                                  headers={"Authorization": f"Bearer {key}"})
            assert response.status_code == 200
            return Image.open(io.BytesIO(response.content)).size

        def near(size: tuple[int, int], expected: tuple[int, int]) -> bool:
            return all(abs(a - b) <= 1 for a, b in zip(size, expected, strict=True))

        assert near(preview("dai.pdf", 800), (150, MAX_PREVIEW_SIDE))  # not 800×16000
        assert near(preview("a4.pdf", 800), (800, 1132))  # (PDFium rounds up)
        assert near(preview("a4.pdf", 2000), (2000, 2830))


FAULTS = {
    "in one file": "import pipeline.process as p; p.probe = boom",
    "in the command": "import pipeline.cli.ingest as i; i.run_files = boom",
}


@pytest.mark.parametrize("where", FAULTS)
def test_a_bug_is_one_vietnamese_line_and_exit_10(tmp_path: Path, where: str) -> None:
    path = tmp_path / "inbox" / "giay.pdf"
    path.parent.mkdir()
    path.write_bytes(h.text_page_pdf())
    code = ("def boom(*a, **k):\n    raise RuntimeError('planted')\n"
            f"{FAULTS[where]}\nfrom pipeline.cli.main import main\nmain()")
    run = sohoa(tmp_path / "home", "ingest", str(path), "--json", code=code)
    assert run.returncode == 10
    assert "Traceback" not in run.stdout + run.stderr
    assert "Lỗi nội bộ khi xử lý (RuntimeError)" in run.stdout + run.stderr
    if where == "in one file":
        (line,) = [json.loads(text) for text in run.stdout.splitlines()]
        assert line["error"]["code"] == "loi-noi-bo"
