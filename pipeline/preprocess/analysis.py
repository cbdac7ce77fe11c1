"""A small, binarised copy of the page: every geometric estimate is made on it, cheaply."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: Resolution geometric analysis runs at: enough for text lines, 9x fewer pixels than 300 dpi.
ANALYSIS_DPI = 100


@dataclass(frozen=True)
class Thumb:
    grey: np.ndarray  # the page at ``dpi``
    ink: np.ndarray  # uint8, 255 where there is ink
    dpi: float
    scale: float  # thumb pixels per page pixel


def thumbnail(grey: np.ndarray, dpi: int) -> Thumb:
    scale = min(1.0, ANALYSIS_DPI / dpi)
    small = grey if scale == 1.0 else cv2.resize(grey, None, fx=scale, fy=scale,
                                                 interpolation=cv2.INTER_AREA)
    # Local threshold: robust to uneven light in photos, and keeps thin strokes.
    ink = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                _odd(max(15, round(0.25 * dpi * scale))), 12)
    return Thumb(small, ink, dpi * scale, scale)


def even_white_paper(grey: np.ndarray) -> bool:
    """Paper that is white and evenly lit everywhere: nothing for light flattening to do."""
    h, w = grey.shape[:2]
    cells = [grey[y:y + h // 6, x:x + w // 6] for y in range(0, h - h // 6 + 1, h // 6)
             for x in range(0, w - w // 6 + 1, w // 6)]
    paper = [float(np.percentile(c, 90)) for c in cells if c.size]
    return min(paper) >= 235 and max(paper) - min(paper) <= 10


def rule_regions(ink: np.ndarray, dpi: float, scale: float
                 ) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1, in page pixels) around table rules and underlines: straight
    runs of ink a third of an inch long, found on the thumbnail."""
    length = max(9, round(dpi / 3))
    mask = cv2.bitwise_or(
        cv2.morphologyEx(ink, cv2.MORPH_OPEN,
                         cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))),
        cv2.morphologyEx(ink, cv2.MORPH_OPEN,
                         cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))))
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    pad = 3
    boxes = []
    for x, y, w, h, _area in stats[1:count]:
        boxes.append((max(0, round((x - pad) / scale)), max(0, round((y - pad) / scale)),
                      round((x + w + pad) / scale), round((y + h + pad) / scale)))
    return boxes


def _odd(n: int) -> int:
    return n if n % 2 else n + 1


@dataclass(frozen=True)
class Mark:
    """A signature, seal or picture: its box on the page and its strokes on the thumbnail."""

    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels
    strokes: np.ndarray  # uint8 mask over the box, at thumbnail resolution


def find_marks(ink: np.ndarray, dpi: float, scale: float) -> list[Mark]:
    """Connected strokes far taller than a line of print: handwriting, seals, pictures.

    Tesseract reads a signature's loops as letters ("C", "SN") that land in the text and
    break the layout; printed letters are never this tall.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return []
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    letter = float(np.median(heights[heights >= 2])) if (heights >= 2).any() else 0.0
    tall = max(3.0 * letter, 0.25 * dpi)
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    areas = stats[1:, cv2.CC_STAT_AREA]
    # Tall, and not a solid block or a thin straight rule (rules are handled on their own).
    chosen = np.flatnonzero((heights > tall) & (widths > 0.1 * dpi)
                            & (areas < 0.5 * heights * widths)) + 1
    marks = []
    for label in chosen:
        x, y, w, h = (int(v) for v in stats[label, :4])
        strokes = (labels[y:y + h, x:x + w] == label).astype(np.uint8) * 255
        marks.append(Mark((round(x / scale), round(y / scale), round((x + w) / scale),
                           round((y + h) / scale)), strokes))
    return marks
