"""Tesseract through pytesseract: words with boxes and confidences from one page image.

Tesseract is limited to one thread (``OMP_THREAD_LIMIT=1``): parallelism is ours, one
process per core. Unbounded OpenMP threads made reported workloads up to 31x slower.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from pipeline.errors import MissingDependency
from pipeline.models import Word
from pipeline.ocr.layout import clean_word, is_speck, nfc

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

#: Page images handed to Tesseract live in memory-backed storage where there is some.
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None

#: Resolution orientation detection runs at: OSD needs letters, not fine detail.
OSD_DPI = 150
#: Administrative abbreviations and heading words, and the shapes of document numbers,
#: dossier codes and ID numbers, for Tesseract's dictionary.
DATA = Path(__file__).resolve().parent.parent / "data"
USER_WORDS = DATA / "vie-admin.user-words"
USER_PATTERNS = DATA / "vie-admin.user-patterns"
VOCABULARY_ARGS = (f"--user-words {USER_WORDS}", f"--user-patterns {USER_PATTERNS}")


class OcrTimeout(Exception):
    """Tesseract did not finish the page within its time limit."""


@dataclass(frozen=True)
class TesseractOptions:
    languages: str = "vie"
    psm: int = 4
    timeout: float = 300.0
    #: Retry doubtful lines as white-on-black text (Tesseract's default). Administrative
    #: pages have none, and the retry costs about 5 % of the time (bench/ABLATION.md).
    inverted_text: bool = False
    #: Extra ``-c`` variables and files (user words, patterns), already formatted.
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """Words in reading order as Tesseract found them, with paragraph starts."""

    words: list[Word]
    paragraph_starts: frozenset[int]


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


def read(grey: np.ndarray, dpi: int, options: TesseractOptions,
         keep: Path | None = None) -> Reading:
    """Run Tesseract on a greyscale page; raise :class:`OcrTimeout` past the time limit.

    The page goes to Tesseract as an uncompressed PGM (written in a few ms; pytesseract's own
    PNG round trip is slow). With ``keep``, that file is kept there for re-reading fields.
    """
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-", dir=SCRATCH) as tmp:
        path = keep or Path(tmp) / "page.pgm"
        _write_pgm(path, grey)
        invert = "" if options.inverted_text else " -c tessedit_do_invert=0"
        config = " ".join((f"--psm {options.psm} --dpi {dpi}{invert}", *options.extra))
        try:
            data = pytesseract.image_to_data(
                str(path), lang=options.languages, config=config,
                output_type=pytesseract.Output.DICT, timeout=options.timeout,
            )
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                raise OcrTimeout(str(exc)) from exc
            raise
    return _words_from_data(data)


def read_line(path: Path, box: tuple[int, int, int, int], dpi: int, languages: str,
              whitelist: str | None) -> tuple[str, float]:
    """Read one line cut from a kept page image, as a single text line, optionally limited to
    ``whitelist`` characters: (text, confidence 0..1)."""
    page = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if page is None:
        return "", 0.0
    x0, y0, x1, y1 = box
    crop = page[max(0, y0):y1, max(0, x0):x1]
    if crop.size == 0:
        return "", 0.0
    crop = cv2.copyMakeBorder(crop, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255)
    config = f"--psm 7 --dpi {dpi} -c tessedit_do_invert=0"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
    with tempfile.TemporaryDirectory(prefix="sohoa-line-", dir=SCRATCH) as tmp:
        line_path = Path(tmp) / "line.pgm"
        _write_pgm(line_path, crop)
        data = pytesseract.image_to_data(str(line_path), lang=languages, config=config,
                                         output_type=pytesseract.Output.DICT, timeout=30)
    words = [(str(t).strip(), float(str(c))) for t, c in zip(data["text"], data["conf"],
                                                             strict=True) if str(t).strip()]
    if not words:
        return "", 0.0
    text = nfc(" ".join(t for t, _ in words))
    return text, max(0.0, sum(c for _, c in words) / len(words)) / 100.0


def read_region(path: Path, box: tuple[int, int, int, int], dpi: int, languages: str,
                psm: int = 6) -> list[Word]:
    """Read a region cut from a kept page image as one block of text (a signature block the
    whole-page reading garbled): its words, boxed in the image's pixels."""
    page = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if page is None:
        return []
    x0, y0 = max(0, box[0]), max(0, box[1])
    crop = page[y0:box[3], x0:box[2]]
    if crop.size == 0:
        return []
    pad = 20
    crop = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    with tempfile.TemporaryDirectory(prefix="sohoa-region-", dir=SCRATCH) as tmp:
        region = Path(tmp) / "region.pgm"
        _write_pgm(region, crop)
        data = pytesseract.image_to_data(
            str(region), lang=languages, config=f"--psm {psm} --dpi {dpi} -c tessedit_do_invert=0",
            output_type=pytesseract.Output.DICT, timeout=60)
    return [Word(w.text, (w.box[0] + x0 - pad, w.box[1] + y0 - pad, w.box[2] + x0 - pad,
                          w.box[3] + y0 - pad), w.confidence, w.line)
            for w in _words_from_data(data).words]


def osd_rotation(grey: np.ndarray, dpi: int) -> int | None:
    """Tesseract's orientation detection: the clockwise turn that makes the page upright."""
    scale = min(1.0, OSD_DPI / dpi)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    with tempfile.TemporaryDirectory(prefix="sohoa-osd-", dir=SCRATCH) as tmp:
        path = Path(tmp) / "page.pgm"
        _write_pgm(path, small)
        try:
            report = pytesseract.image_to_osd(str(path), config=f"--psm 0 --dpi {OSD_DPI}",
                                              timeout=60)
        except (pytesseract.TesseractError, RuntimeError):
            return None  # too few letters to tell
    match = re.search(r"Rotate:\s*(\d+)", str(report))
    return int(match.group(1)) % 360 if match else None


def _words_from_data(data: dict[str, list[object]]) -> Reading:
    """Keep level-5 rows (words); number lines in order, marking paragraph starts."""
    words: list[Word] = []
    breaks: set[int] = set()
    line_of: dict[tuple[int, int, int], int] = {}
    last_par: tuple[int, int] | None = None
    for i, level in enumerate(data["level"]):
        text = clean_word(nfc(str(data["text"][i])).strip())
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
    return Reading(words, frozenset(breaks))


def _write_pgm(path: Path, array: np.ndarray) -> None:
    height, width = array.shape[:2]
    with path.open("wb") as fh:
        fh.write(b"P5\n%d %d\n255\n" % (width, height))
        fh.write(np.ascontiguousarray(array, dtype=np.uint8).tobytes())
