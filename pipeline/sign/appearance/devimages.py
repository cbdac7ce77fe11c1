"""Stand-in signature and seal images for development, tests and demonstrations.

Real deployments load the official's scanned signature and the agency's seal (both PNG with
transparency, Decree 30/2020 Appendix I); these look plausible enough to judge a layout.  Both
are drawn as a coverage mask at 4x and downsampled, which anti-aliases the strokes, then
given one ink colour: every pixel carries the same RGB and only the alpha varies, so the
images deflate to almost nothing once pyHanko embeds them.  Output is deterministic: the
shapes come from a generator seeded with a hash of the name, and PNG files carry no time.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pipeline.sign.appearance.fonts import missing_letters
from pipeline.sign.appearance.geometry import AppearanceError

DPI = 300
SIGNATURE_INK = (22, 52, 168)  # ballpoint blue
SEAL_INK = (218, 28, 36)  # stamp-pad red
SEAL_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
)
_SUPERSAMPLE = 4

Point = tuple[float, float]


def _px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def _rng(*parts: str) -> random.Random:
    seed = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def _inked(mask: Image.Image, ink: tuple[int, int, int], size: tuple[int, int]) -> Image.Image:
    """Downsample the coverage mask and turn it into a one-colour RGBA image."""
    alpha = mask.resize(size, Image.Resampling.LANCZOS)
    image = Image.new("RGBA", size, (*ink, 0))
    image.putalpha(alpha)
    return image


def _save(image: Image.Image, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG", optimize=True, dpi=(DPI, DPI))
    return path


# ---------------------------------------------------------------- signature


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, steps: int) -> list[Point]:
    out = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        out.append((u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                    u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]))
    return out


def _stroke(draw: ImageDraw.ImageDraw, points: Sequence[Point], width: float,
            rng: random.Random) -> None:
    """A pen stroke whose width follows the speed (slow = pressed = wider), drawn as short
    segments with round joints so the varying width has no seams."""
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        speed = math.hypot(x1 - x0, y1 - y0)
        w = max(1.0, width * (1.25 - min(speed / (width * 3), 0.6)) * rng.uniform(0.95, 1.05))
        draw.line([(x0, y0), (x1, y1)], fill=255, width=round(w))
        r = w / 2
        draw.ellipse([x1 - r, y1 - r, x1 + r, y1 + r], fill=255)


def make_signature_png(path: Path, name: str, *, width_mm: float = 50.0,
                       height_mm: float = 20.0) -> Path:
    """A blue handwritten-looking signature for ``name`` (a capital flourish, a run of
    looped letters, an underline stroke) on a transparent background, at 300 dpi."""
    rng = _rng("signature", unicodedata.normalize("NFC", name))
    s = _SUPERSAMPLE
    w, h = _px(width_mm) * s, _px(height_mm) * s
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    pen = 0.55 / 25.4 * DPI * s  # a 0.5 mm ballpoint line
    slant = rng.uniform(0.25, 0.45)

    def slanted(points: Sequence[Point]) -> list[Point]:
        return [(x + slant * (h * 0.6 - y), y) for x, y in points]

    # Capital: a tall loop opening to the right.
    cap_x, base = w * 0.12, h * 0.62
    capital = _bezier((cap_x, base), (cap_x - w * 0.08, h * 0.05), (cap_x + w * 0.14, h * 0.0),
                      (cap_x + w * 0.06, base + h * 0.1), 60)
    _stroke(draw, slanted(capital), pen * 1.1, rng)

    # Letters: each a piece of a trochoid, looped (an "l", an "e") or humped (an "n", an
    # "m") with its own width and height, joined into one fast cursive line.
    letters = max(4, min(8, len([c for c in name if c.isalpha()]) // 2 + 2))
    widths = [rng.uniform(0.6, 1.4) for _ in range(letters)]
    scale = w * 0.6 / sum(widths)
    x, points = w * 0.2, []
    for j in range(letters):
        step = widths[j] * scale
        looped = rng.random() < 0.55
        radius = step * (rng.uniform(0.45, 0.7) if looped else rng.uniform(0.1, 0.25))
        height = h * (rng.uniform(0.3, 0.5) if looped else rng.uniform(0.12, 0.22))
        for i in range(40 + (j == letters - 1)):
            t = i / 40
            points.append((x + step * t - radius * math.sin(2 * math.pi * t),
                           base - height * (1 - math.cos(2 * math.pi * t)) / 2))
        x += step
    _stroke(draw, slanted(points), pen, rng)

    # Underline: from the last letter, sweeping back left under the name.
    ex, ey = points[-1]
    sweep = _bezier((ex, ey), (ex + w * 0.1, h * 0.95), (w * 0.3, h * 0.9),
                    (w * 0.1, h * rng.uniform(0.72, 0.8)), 80)
    _stroke(draw, slanted(sweep), pen * 0.9, rng)

    image = _inked(mask, SIGNATURE_INK, (w // s, h // s))
    return _save(image, path)


# ---------------------------------------------------------------- seal


def _seal_font(size: int) -> ImageFont.FreeTypeFont:
    for candidate in SEAL_FONTS:
        if candidate.is_file() and not missing_letters(candidate):
            return ImageFont.truetype(str(candidate), size)
    raise AppearanceError("Không tìm thấy phông chữ đậm có đủ chữ tiếng Việt để vẽ con dấu "
                          "(cần DejaVu Sans Bold hoặc Liberation Sans Bold).")


def _star(cx: float, cy: float, outer: float) -> list[Point]:
    inner = outer * 0.382  # regular five-pointed star
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def _ring(draw: ImageDraw.ImageDraw, c: float, radius: float, width: float) -> None:
    draw.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255,
                 width=max(1, round(width)))


def make_seal_png(path: Path, agency: str, diameter_mm: float = 35.0) -> Path:
    """A red round seal, ``diameter_mm`` across at 300 dpi: a thick outer ring doubled by a
    thin one, the agency name in capitals around the ring, an inner ring and a star in the
    centre, on a transparent background."""
    text = unicodedata.normalize("NFC", " ".join(agency.split())).upper()
    s = _SUPERSAMPLE
    side = _px(diameter_mm) * s
    c = side / 2
    mm = DPI / 25.4 * s
    mask = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(mask)

    outer_w, thin_w = 0.9 * mm, 0.3 * mm
    r_outer = c - outer_w / 2 - 1
    r_thin = r_outer - outer_w / 2 - 0.55 * mm
    r_inner = c * 0.52
    _ring(draw, c, r_outer, outer_w)
    _ring(draw, c, r_thin, thin_w)
    _ring(draw, c, r_inner, thin_w)
    draw.polygon(_star(c, c, r_inner * 0.62), fill=255)

    # The name runs clockwise along the band between the thin and the inner ring, centred
    # on the top; the font shrinks until it fits in 320 degrees of arc.
    band = r_thin - r_inner
    size = max(8, round(band * 0.5))
    r_text = (r_thin + r_inner) / 2 - band * 0.12
    span = math.radians(320)
    font = _seal_font(size)
    gap = size * 0.08
    while size > 8:
        total = sum(font.getlength(ch) + gap for ch in text)
        if total <= r_text * span:
            break
        size -= 2
        font = _seal_font(size)
        gap = size * 0.08
    total = sum(font.getlength(ch) + gap for ch in text)
    ascent, descent = font.getmetrics()
    along = -total / 2
    for ch in text:
        advance = font.getlength(ch) + gap
        phi = (along + advance / 2) / r_text  # radians clockwise from the top
        along += advance
        if ch == " ":
            continue
        glyph = Image.new("L", (math.ceil(advance) + size, ascent + descent + size), 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2 + size * 0.36), ch, font=font,
                                   fill=255, anchor="ms")
        glyph = glyph.rotate(-math.degrees(phi), resample=Image.Resampling.BICUBIC,
                             expand=True)
        gx = c + r_text * math.sin(phi) - glyph.width / 2
        gy = c - r_text * math.cos(phi) - glyph.height / 2
        mask.paste(255, (round(gx), round(gy)), glyph)

    image = _inked(mask, SEAL_INK, (side // s, side // s))
    return _save(image, path)
