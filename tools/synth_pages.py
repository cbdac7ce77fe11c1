"""A Decree 30 decision page whose number and day are written by hand into the header's
blanks, for the tests and the bench (the reader must find the blanks from the print)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.models import Word
from pipeline.ocr.handwriting.reader import read_handwriting
from pipeline.ocr.handwriting.slots import find_slots
from tools.synth_digits import HELD_OUT_FONT, scribble, write_digits

SERIF = "/usr/share/fonts/truetype/liberation2/LiberationSerif-{}.ttf"
#: Navy ballpoint, as scanned.
BLUE = (35, 45, 150)
#: A4 in inches.
A4 = (8.27, 11.69)


@dataclass(frozen=True)
class Written:
    """What was written where (page pixels), for the checks."""

    kind: str
    text: str
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class SynthPage:
    pixels: np.ndarray
    written: list[Written]
    #: The printed words of the number and date lines, as a perfect OCR would box them.
    words: list[Word]


def _words(draw: ImageDraw.ImageDraw, x: float, y: int, text: str,
           font: ImageFont.FreeTypeFont, line: int) -> list[Word]:
    out = []
    for part in text.split():
        x0, y0, x1, y1 = draw.textbbox((x, y), part, font=font)
        out.append(Word(part, (float(x0), float(y0), float(x1), float(y1)), 0.95, line))
        x = x1 + draw.textlength(" ", font=font)
    return out


def _font(style: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(SERIF.format(style), size)


def _centred(draw: ImageDraw.ImageDraw, x: float, y: float, text: str,
             font: ImageFont.FreeTypeFont) -> None:
    width = draw.textlength(text, font=font)
    draw.text((x - width / 2, y), text, fill=(0, 0, 0), font=font)


def decision_page(number: str | None, day: str | None, rng: np.random.Generator,
                  dpi: int = 250, month: str = "01", hands: Sequence[str] = ("stroke",),
                  ink: tuple[int, int, int] = BLUE, typed: bool = False) -> SynthPage:
    """An RGB page of a quyết định with blanks for the number and day; ``number``/``day``
    (digits) are written into them by hand (None leaves a blank; "?" draws a scribble), or
    typed in print when ``typed``."""
    width, height = round(A4[0] * dpi), round(A4[1] * dpi)
    page = Image.new("RGB", (width, height), (250, 250, 247))
    draw = ImageDraw.Draw(page)
    pt = dpi / 72
    size = round(13 * pt)
    bold, plain, italic = _font("Bold", size), _font("Regular", size), _font("Italic", size)
    left_x, right_x = 0.27 * width, 0.66 * width
    y = round(0.6 * dpi)
    _centred(draw, left_x, y, "ỦY BAN NHÂN DÂN", bold)
    _centred(draw, right_x, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    y += round(1.25 * size)
    _centred(draw, left_x, y, "TỈNH QUẢNG NGÃI", bold)
    _centred(draw, right_x, y, "Độc lập - Tự do - Hạnh phúc", bold)
    y += round(2.2 * size)
    gap = round(2.6 * size)
    written: list[Written] = []
    # "Số:  ___  /QĐ-UBND", centred in the left column.
    head, tail = "Số: ", "/QĐ-UBND"
    total = draw.textlength(head, font=plain) + gap + draw.textlength(tail, font=plain)
    x = left_x - total / 2
    draw.text((x, y), head, fill=(0, 0, 0), font=plain)
    slot_x = x + draw.textlength(head, font=plain)
    draw.text((slot_x + gap, y), tail, fill=(0, 0, 0), font=plain)
    words = _words(draw, x, y, head, plain, 0) + _words(draw, slot_x + gap, y, tail, plain, 0)
    if number is not None and typed:
        draw.text((slot_x + gap / 4, y), number, fill=(0, 0, 0), font=plain)
    elif number is not None:
        written.append(_write(page, number, "number", slot_x, gap, y, size, rng, hands, ink))
    # "Quảng Ngãi, ngày ___ tháng 01 năm 2025" in the right column, italic.
    head, tail = "Quảng Ngãi, ngày ", f" tháng {month} năm 2025"
    total = draw.textlength(head, font=italic) + gap + draw.textlength(tail, font=italic)
    x = right_x - total / 2
    draw.text((x, y), head, fill=(0, 0, 0), font=italic)
    slot_x = x + draw.textlength(head, font=italic)
    draw.text((slot_x + gap, y), tail, fill=(0, 0, 0), font=italic)
    words += (_words(draw, x, y, head, italic, 1)
              + _words(draw, slot_x + gap, y, tail, italic, 1))
    if day is not None and typed:
        draw.text((slot_x + gap / 4, y), day, fill=(0, 0, 0), font=italic)
    elif day is not None:
        written.append(_write(page, day, "day", slot_x, gap, y, size, rng, hands, ink))
    y += round(3.5 * size)
    body = [("Bold", "QUYẾT ĐỊNH", True),
            ("Bold", "Về việc hỗ trợ kinh phí sửa chữa trường học năm 2025", True),
            ("Bold", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", True),
            ("Italic", "Căn cứ Luật Tổ chức chính quyền địa phương;", False),
            ("Italic", "Theo đề nghị của Giám đốc Sở Tài chính.", False),
            ("Bold", "QUYẾT ĐỊNH:", True),
            ("Regular", "Điều 1. Hỗ trợ kinh phí sửa chữa trường học cho các huyện.", False),
            ("Regular", "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.", False)]
    for style, text, centred in body:
        font = _font(style, size)
        if centred:
            _centred(draw, width / 2, y, text, font)
        else:
            draw.text((round(1.2 * dpi), y), text, fill=(0, 0, 0), font=font)
        y += round(1.6 * size)
    y += round(1.5 * size)
    for text, style in (("TM. ỦY BAN NHÂN DÂN", "Bold"), ("CHỦ TỊCH", "Bold")):
        _centred(draw, 0.7 * width, y, text, _font(style, size))
        y += round(1.3 * size)
    y += round(4 * size)
    _centred(draw, 0.7 * width, y, "Nguyễn Văn An", bold)
    return SynthPage(np.asarray(page).copy(), written, words)


def _write(page: Image.Image, text: str, kind: str, slot_x: float, gap: int, y: int,
           size: int, rng: np.random.Generator, hands: Sequence[str],
           ink: tuple[int, int, int]) -> Written:
    """Digits (or a scribble for "?") in ink, sitting on the line, somewhat taller than
    print, spread over the blank as a clerk fills it."""
    height = round(size * rng.uniform(0.85, 1.2))
    mask = scribble(rng, height) if text == "?" else write_digits(text, rng, height, hands)
    ys, xs = np.nonzero(mask)
    mask = mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    if mask.shape[1] > 0.9 * gap:  # a clerk writes inside the blank
        scale = 0.9 * gap / mask.shape[1]
        mask = cv2.resize(mask, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
    x0 = round(slot_x + (gap - mask.shape[1]) * rng.uniform(0.2, 0.8))
    baseline = y + round(0.9 * size)
    y0 = baseline - mask.shape[0] + round(rng.uniform(-0.1, 0.1) * size)
    pixels = np.asarray(page).copy()
    region = pixels[y0:y0 + mask.shape[0], x0:x0 + mask.shape[1]]
    region[mask > 0] = ink
    page.paste(Image.fromarray(pixels))
    return Written(kind, text, (x0, y0, x0 + mask.shape[1], y0 + mask.shape[0]))


def scanned(pixels: np.ndarray, rng: np.random.Generator, bitonal: bool = False
            ) -> np.ndarray:
    """As a scanner gives it back: blur, noise, JPEG; or thresholded to one bit."""
    out = cv2.GaussianBlur(pixels, (0, 0), rng.uniform(0.4, 0.9))
    noise = rng.normal(0, 4, out.shape)
    out = np.clip(out.astype(np.float64) + noise, 0, 255).astype(np.uint8)
    if bitonal:
        grey = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
        return np.where(grey < 150, 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(70, 92))])
    assert ok
    decoded = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    assert decoded is not None
    return np.asarray(decoded)


@dataclass
class Outcome:
    kind: str
    truth: str
    read: str | None
    confidence: float


def read_generated(count: int, rng: np.random.Generator,
                   calibrate: Callable[[float], float] | None = None
                   ) -> tuple[list[Outcome], float]:
    """Numbers and days written into ``count`` generated headers (200-300 dpi, the stroke
    hand and the held-out font alternating, every fourth page a black pen on a one-bit scan),
    read by the reader from the printed words; also the reader's mean seconds per page."""
    out: list[Outcome] = []
    spent = 0.0
    hands = (("stroke",), (HELD_OUT_FONT,))
    for i in range(count):
        number = str(int(rng.integers(1, 10 ** int(rng.integers(1, 5)))))
        day = str(int(rng.integers(1, 32)))
        if rng.random() < 0.4:
            day = day.zfill(2)
        bitonal = i % 4 == 3
        dpi = int(rng.choice([200, 250, 300]))
        made = decision_page(number, day, rng, dpi, hands=hands[i % 2],
                             ink=(20, 20, 20) if bitonal else (35, 45, 150))
        # Only the header is scanned and read: the rest of the page holds no blank.
        bottom = int(max(w.box[3] for w in made.words) + 0.5 * dpi)
        pixels = scanned(made.pixels[:bottom], rng, bitonal)
        started = time.perf_counter()
        slots = find_slots(made.words, made.pixels.shape[0])
        _, readings = read_handwriting(pixels, made.words, slots, calibrate)
        spent += time.perf_counter() - started
        for kind, truth in (("number", number), ("day", day)):
            found = next((r for r in readings if r.kind == kind), None)
            out.append(Outcome(kind, truth, found.text if found else None,
                               found.confidence if found else 0.0))
    return out, spent / max(1, count)


__all__ = ["BLUE", "Outcome", "SynthPage", "Written", "decision_page", "read_generated",
           "scanned"]
