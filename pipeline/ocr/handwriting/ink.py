"""The handwriting's ink in a slot: blue ink when the scan shows it, else every dark stroke
between the printed anchors (bitonal and greyscale scans, black pens, and colour scans whose
navy ballpoint reads as black, as most do)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from pipeline.ocr.handwriting.slots import Slot

#: How far above and below the printed line handwriting reaches, in print heights.
ABOVE, BELOW = 0.8, 0.5
#: A pixel is ink when darker than this share of the paper's brightness.
DARK = 0.6
#: Blue ink: blue exceeds red and green by this much (0-255) ...
BLUE_EXCESS = 25
#: ... and makes up this share of the slot's dark pixels (else the scan shows no blue).
BLUE_SHARE = 0.3


@dataclass(frozen=True)
class Stroke:
    """One connected piece of ink, in page pixels, with its mask."""

    x0: int
    y0: int
    x1: int
    y1: int
    mask: np.ndarray  # bool, (y1 - y0, x1 - x0)

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0


@dataclass(frozen=True)
class SlotInk:
    strokes: list[Stroke]
    blue: bool


def _ink(crop: np.ndarray) -> tuple[np.ndarray, bool]:
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    paper = max(64.0, float(np.percentile(grey, 90)))
    dark = grey < DARK * paper
    if crop.ndim == 3:
        rgb = crop.astype(np.int16)
        excess = rgb[..., 2] - np.maximum(rgb[..., 0], rgb[..., 1])
        blue = (excess >= BLUE_EXCESS) & (grey < 0.9 * paper)
        if np.count_nonzero(blue) >= BLUE_SHARE * max(1, int(np.count_nonzero(dark))):
            return blue, True
    return dark, False


def _gap(ink_columns: np.ndarray, start: int, estimate: float, reach: float) -> float:
    """The emptiest column near ``estimate`` (nearest first on ties): where print ends and
    handwriting begins inside a glued word."""
    lo = max(0, int(estimate - reach) - start)
    hi = min(len(ink_columns), int(estimate + reach) - start + 1)
    if hi <= lo:
        return estimate
    window = ink_columns[lo:hi]
    order = sorted(range(len(window)),
                   key=lambda k: (window[k], abs(start + lo + k - estimate)))
    return float(start + lo + order[0])


def refine(pixels: np.ndarray, slot: Slot) -> Slot:
    """Edges estimated inside glued words moved to the ink's gap within a character."""
    if not (slot.glued_left or slot.glued_right):
        return slot
    top, bottom = int(slot.top), int(slot.bottom)
    left, right = max(0, int(slot.x0 - 2 * slot.char)), int(slot.x1 + 2 * slot.char)
    band = pixels[top:bottom, left:right]
    if band.size == 0:
        return slot
    columns = _ink(band)[0].sum(axis=0)
    x0, x1 = slot.x0, slot.x1
    if slot.glued_left:
        x0 = _gap(columns, left, slot.x0, 0.9 * slot.char)
    if slot.glued_right:
        slash = _slash(pixels, slot) if slot.kind == "number" else None
        x1 = slash if slash is not None else _gap(columns, left, slot.x1, 0.9 * slot.char)
    return replace(slot, x0=x0, x1=x1) if x1 > x0 else slot


def _slash(pixels: np.ndarray, slot: Slot) -> float | None:
    """The left edge of the symbol's printed "/" near the estimated edge: a thin stroke
    leaning right that stays within the print's line (handwriting overshoots it)."""
    band = slot.bottom - slot.top
    top, bottom = max(0, int(slot.top - 0.4 * band)), int(slot.bottom + 0.4 * band)
    left, right = max(0, int(slot.x1 - 2 * slot.char)), int(slot.x1 + 2 * slot.char)
    crop = pixels[top:bottom, left:right]
    if crop.size == 0:
        return None
    mask = _ink(crop)[0].astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    found = []
    for k in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[k])
        if not (0.55 * band <= h <= 1.15 * band and w <= 0.8 * slot.char):
            continue
        if top + y < slot.top - 0.15 * band or top + y + h > slot.bottom + 0.15 * band:
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == k)
        upper, lower = xs[ys < h / 3], xs[ys > 2 * h / 3]
        if len(upper) and len(lower) and upper.mean() - lower.mean() > 0.2 * w:
            found.append(left + x)
    return float(min(found)) - 1 if found else None


def slot_ink(pixels: np.ndarray, slot: Slot) -> SlotInk:
    """The strokes that lie in the slot: pieces of ink whose middle is between the anchors,
    not specks, not rules or dotted lines, not a signature or a seal reaching far beyond."""
    h = slot.height
    height, width = pixels.shape[:2]
    top = max(0, int(slot.top - ABOVE * h))
    bottom = min(height, int(slot.bottom + BELOW * h))
    left = max(0, int(slot.x0 - 0.5 * h))
    right = min(width, int(slot.x1 + 0.5 * h))
    if right - left < 2 or bottom - top < 2:
        return SlotInk([], False)
    mask, blue = _ink(pixels[top:bottom, left:right])
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8),
                                                                   connectivity=8)
    strokes = []
    for k in range(1, count):
        x, y, w, hh, area = (int(v) for v in stats[k])
        middle = left + x + w / 2
        if not slot.x0 <= middle <= slot.x1:
            continue
        if area < 0.012 * h * h or max(w, hh) < 0.25 * h:
            continue  # a speck, a dot of the colon, a tone mark
        if hh < 0.12 * h and w > 0.8 * h:
            continue  # a rule or a dotted line
        if y == 0 and y + hh == bottom - top:
            continue  # runs through the whole band: a signature or a seal, not a digit
        strokes.append(Stroke(left + x, top + y, left + x + w, top + y + hh,
                              labels[y:y + hh, x:x + w] == k))
    return SlotInk(sorted(strokes, key=lambda s: s.x0), blue)


__all__ = ["SlotInk", "Stroke", "refine", "slot_ink"]
