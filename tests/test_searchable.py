"""The invisible text layer lands exactly over the words, whatever the page's rotation."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from pipeline.models import PageText, TextSource, Word
from pipeline.pdf.searchable import graft
from pipeline.pdf.textlayer import text_layer


def page_text(width: int, height: int, dpi: int, words: list[Word]) -> PageText:
    return PageText(1, width, height, dpi, TextSource.OCR, tuple(words),
                    " ".join(w.text for w in words), 0.9)


def bbox_words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    num = r'"([\d.]+)"'
    pattern = rf"<word xMin={num} yMin={num} xMax={num} yMax={num}>([^<]*)</word>"
    return [(m[4], float(m[0]), float(m[1]), float(m[2]), float(m[3]))
            for m in re.findall(pattern, html)]


def test_words_are_utf16_hex_and_stretched_to_their_boxes() -> None:
    page = page_text(1000, 1000, 72, [Word("Độc", (100, 100, 160, 120), 0.9, 0),
                                      Word("lập", (170, 100, 220, 120), 0.9, 0)])
    stream = text_layer(page, 1000, 1000, "F").decode()
    assert "3 Tr" in stream  # invisible
    assert "<0110" + "1ED9" + "0063>" in stream  # "Độc" as UTF-16BE
    assert "<0020> Tj" in stream  # a space fills the gap between the two words
    # 3 characters at 20 pt with a 0.5 em glyph = 30 pt natural width, box is 60 pt: 200 %.
    assert "200 Tz <01101ED90063> Tj" in stream


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
@pytest.mark.parametrize("origin", [(0, 0), (30, 40)])
def test_layer_is_placed_in_displayed_coordinates(tmp_path: Path, rotate: int,
                                                  origin: tuple[int, int]) -> None:
    x0, y0 = origin
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(600, 800))
    page = pdf.pages[0]
    page.obj.MediaBox = [x0, y0, x0 + 600, y0 + 800]
    page.obj.Rotate = rotate
    shown = (800, 600) if rotate in (90, 270) else (600, 800)
    # OCR ran on a 144 dpi image of the displayed page: 2 pixels per point.
    words = [Word("Quyết", (200, 100, 300, 140), 0.9, 0),
             Word("định", (320, 100, 400, 140), 0.9, 0),
             Word("1188/QĐ-UBND", (200, 300, 520, 340), 0.9, 1)]
    graft(pdf, [page_text(shown[0] * 2, shown[1] * 2, 144, words)])
    out = tmp_path / "out.pdf"
    pdf.save(out)
    found = bbox_words(out)
    assert [w[0] for w in found] == ["Quyết", "định", "1188/QĐ-UBND"]
    for (_, fx0, fy0, fx1, fy1), word in zip(found, words, strict=True):
        want = [v / 2 for v in word.box]
        assert fx0 == pytest.approx(want[0], abs=1.0)
        assert fx1 == pytest.approx(want[2], abs=1.0)
        assert fy0 == pytest.approx(want[1], abs=2.5)
        assert fy1 == pytest.approx(want[3], abs=2.5)


def test_inherited_resources_survive_the_graft(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    inherited = pikepdf.Dictionary(Font=pikepdf.Dictionary(F0=pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))
    del page.obj["/Resources"]
    pdf.Root.Pages.Resources = inherited
    page.contents_add(pikepdf.Stream(pdf, b"BT /F0 12 Tf 10 10 Td (Hello) Tj ET"))
    graft(pdf, [page_text(200, 200, 72, [Word("Xin", (10, 50, 40, 62), 0.9, 0)])])
    out = tmp_path / "inh.pdf"
    pdf.save(out)
    text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Hello" in text and "Xin" in text
    with pikepdf.open(out) as reopened:
        fonts = reopened.pages[0].obj.Resources.Font
        assert "/F0" in fonts and "/SohoaOCR" in fonts
