"""Tesseract through pytesseract: words with boxes and confidences from one page image.

Tesseract is limited to one thread (``OMP_THREAD_LIMIT=1``): parallelism is ours, one
process per core. Unbounded OpenMP threads made reported workloads up to 31x slower.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pytesseract
from PIL import Image

from pipeline.errors import MissingDependency
from pipeline.models import PageText, TextSource, Word
from pipeline.ocr.layout import arrange, is_speck, mean_confidence, nfc, words_to_text

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@dataclass(frozen=True)
class TesseractOptions:
    languages: str = "vie"
    psm: int = 3
    timeout: float = 300.0


@cache
def check_tesseract(languages: str) -> str:
    """Return Tesseract's version; fail early, in Vietnamese, if it or a language is missing."""
    if shutil.which("tesseract") is None:
        raise MissingDependency(
            "Chưa cài Tesseract OCR. Hãy chạy `make demo` hoặc `apt-get install tesseract-ocr "
            "tesseract-ocr-vie`."
        )
    installed = set(pytesseract.get_languages(config=""))
    missing = [lang for lang in languages.split("+") if lang not in installed]
    if missing:
        packages = " ".join(f"tesseract-ocr-{m}" for m in missing)
        raise MissingDependency(
            f"Tesseract chưa có dữ liệu ngôn ngữ {', '.join(missing)}. Hãy cài: apt-get install "
            f"{packages}"
        )
    return str(pytesseract.get_tesseract_version())


def ocr_image(image: Image.Image | np.ndarray, number: int, dpi: int,
              options: TesseractOptions) -> PageText:
    """Read one page image; a timeout leaves the page without text and says so."""
    array = np.asarray(image.convert("L") if isinstance(image, Image.Image) else image)
    height, width = array.shape[:2]
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as tmp:
        # An uncompressed PGM is written in a few ms; pytesseract's own PNG round trip is slow.
        path = Path(tmp) / "page.pgm"
        _write_pgm(path, array)
        try:
            data = pytesseract.image_to_data(
                str(path),
                lang=options.languages,
                config=f"--psm {options.psm} --dpi {dpi}",
                output_type=pytesseract.Output.DICT,
                timeout=options.timeout,
            )
        except RuntimeError as exc:
            if "timeout" not in str(exc).lower():
                raise
            return PageText(number, width, height, dpi, TextSource.OCR, (), "", None,
                            warnings=(f"Trang {number}: nhận dạng chữ quá thời gian "
                                      f"{options.timeout:.0f} giây, trang chưa có chữ.",))
    words, breaks = arrange(*_words_from_data(data))
    return PageText(
        number=number,
        width=width,
        height=height,
        dpi=dpi,
        text_source=TextSource.OCR,
        words=tuple(words),
        text=words_to_text(words, breaks),
        mean_confidence=mean_confidence(words),
    )


def _words_from_data(data: dict[str, list[object]]) -> tuple[list[Word], frozenset[int]]:
    """Keep level-5 rows (words); number lines in order, marking paragraph starts."""
    words: list[Word] = []
    breaks: set[int] = set()
    line_of: dict[tuple[int, int, int], int] = {}
    last_par: tuple[int, int] | None = None
    for i, level in enumerate(data["level"]):
        text = nfc(str(data["text"][i])).strip()
        if level != 5 or not text:
            continue
        block, par, line = (int(str(data[k][i])) for k in ("block_num", "par_num", "line_num"))
        key = (block, par, line)
        if key not in line_of:
            line_of[key] = len(line_of)
            if last_par is not None and (block, par) != last_par:
                breaks.add(line_of[key])
            last_par = (block, par)
        left, top = float(str(data["left"][i])), float(str(data["top"][i]))
        w, h = float(str(data["width"][i])), float(str(data["height"][i]))
        conf = max(0.0, float(str(data["conf"][i]))) / 100.0
        words.append(Word(text, (left, top, left + w, top + h), round(conf, 4), line_of[key]))
    if words:
        typical = statistics.median(w.box[3] - w.box[1] for w in words)
        words = [w for w in words if not is_speck(w, typical)]
    return words, frozenset(breaks)


def _write_pgm(path: Path, array: np.ndarray) -> None:
    height, width = array.shape[:2]
    with path.open("wb") as fh:
        fh.write(b"P5\n%d %d\n255\n" % (width, height))
        fh.write(np.ascontiguousarray(array, dtype=np.uint8).tobytes())
