"""The searchable copy is PDF/A-2b and its invisible words lie on the printed ones."""

from __future__ import annotations

import io
import random
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from pikepdf import pdfa
from PIL import Image

from pipeline.preprocess.geometry import rotate, turn
from pipeline.process import Pipeline
from samples.content import make_document
from samples.render import rasterise, render_pdf

pytestmark = pytest.mark.integration
DPI = 200


def scan(tmp_path: Path, name: str, turned: int = 0, skew: float = 0.0) -> Path:
    doc = make_document("to_khai", random.Random(3))
    pixels = rasterise(render_pdf(doc).pdf, DPI)[0]
    if skew:
        pixels = rotate(pixels, skew)
    path = tmp_path / name
    Image.fromarray(turn(pixels, turned)).save(path, dpi=(DPI, DPI))
    return path


def word_boxes(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    num = r'"([\d.]+)"'
    pattern = rf"<word xMin={num} yMin={num} xMax={num} yMax={num}>([^<]*)</word>"
    return [(m[4], *(float(v) for v in m[:4])) for m in re.findall(pattern, html)]


def ink_under(page: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> float:
    """Share of boxes with ink (dark pixels) inside them, boxes in points."""
    scale = DPI / 72
    hits = 0
    for x0, y0, x1, y1 in boxes:
        crop = page[int(y0 * scale):int(y1 * scale) + 1, int(x0 * scale):int(x1 * scale) + 1]
        hits += bool(crop.size) and float((crop < 128).mean()) > 0.04
    return hits / max(1, len(boxes))


@pytest.mark.parametrize(("turned", "skew"), [(0, 0.0), (180, 0.0), (90, 0.0), (0, 4.0)],
                         ids=["straight", "upside-down", "on-its-side", "skewed-4deg"])
def test_searchable_copy_is_pdfa_and_words_overlay_the_image(
        tmp_path: Path, pipeline: Pipeline, turned: int, skew: float) -> None:
    [record] = pipeline.ingest(scan(tmp_path, f"scan-{turned}-{skew}.png", turned, skew))
    out = tmp_path / "searchable.pdf"
    out.write_bytes(pipeline.store.read(record.artifacts["searchable"]))

    assert pdfa.validate_written(out, "2b").passed

    rendered = subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-singlefile", str(out)],
                              check=True, capture_output=True).stdout
    page = np.asarray(Image.open(io.BytesIO(rendered)).convert("L"))
    words = word_boxes(out)
    assert len(words) > 50
    assert {"Họ,", "NGHĨA", "Kính"} <= {w[0] for w in words}  # upright Vietnamese text
    boxes = [w[1:] for w in words]
    assert ink_under(page, boxes) > 0.95
    # The same boxes moved by half a line height miss the print: the check can fail.
    shifted = [(x0, y0 + 0.6 * (y1 - y0) + 6, x1, y1 + 0.6 * (y1 - y0) + 6)
               for x0, y0, x1, y1 in boxes]
    assert ink_under(page, shifted) < ink_under(page, boxes) - 0.2
