"""A small, binarised copy of the page: every geometric estimate is made on it, cheaply."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: Resolution geometric analysis runs at: enough for text lines, 9x fewer pixels than 300 dpi.
ANALYSIS_DPI = 100


@dataclass(frozen=True)
class Thumb:
    ink: np.ndarray  # uint8, 255 where there is ink, at ``dpi``
    dpi: float
    scale: float  # thumb pixels per page pixel


def thumbnail(grey: np.ndarray, dpi: int) -> Thumb:
    scale = min(1.0, ANALYSIS_DPI / dpi)
    small = grey if scale == 1.0 else cv2.resize(grey, None, fx=scale, fy=scale,
                                                 interpolation=cv2.INTER_AREA)
    # Local threshold: robust to uneven light in photos, and keeps thin strokes.
    ink = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                _odd(max(15, round(0.25 * dpi * scale))), 12)
    return Thumb(ink, dpi * scale, scale)


def _odd(n: int) -> int:
    return n if n % 2 else n + 1
