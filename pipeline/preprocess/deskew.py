"""Skew angle of the text lines, from the slope of merged line fragments on the thumbnail.

Letters dilated along the line merge into long slanted bands; the length-weighted median of
their slopes is the skew. It needs milliseconds, works to well beyond ±10°, and ignores
pictures, stamps and table rules that are not text-line shaped.
"""

from __future__ import annotations

import cv2
import numpy as np

#: The search range: beyond it a page is more likely turned by 90 degrees than skewed.
MAX_SKEW = 20.0


def _weighted_median(values: list[float], weights: list[float]) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(values)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def estimate(ink: np.ndarray, dpi: float) -> float | None:
    """Degrees the text is turned counter-clockwise (positive = rising to the right); None when
    the page has too few text lines to tell."""
    reach = max(3, round(0.1 * dpi))
    merged = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, 1)))
    merged = cv2.erode(merged, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(1, reach // 3))))
    contours, _ = cv2.findContours(merged, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    angles: list[float] = []
    weights: list[float] = []
    for contour in contours:
        (_, _), (w, h), angle = cv2.minAreaRect(contour)
        length, thickness = max(w, h), min(w, h)
        if length < 0.8 * dpi or length < 6 * thickness:
            continue
        # OpenCV reports the angle of the rectangle's first side in [0, 90); fold it to the
        # slope of the long side in [-45, 45].
        slope = angle if w >= h else angle - 90.0
        slope = (slope + 45.0) % 90.0 - 45.0
        angles.append(-slope)  # image y grows downwards
        weights.append(length)
    if len(angles) < 3:
        return None
    skew = _weighted_median(angles, weights)
    return skew if abs(skew) <= MAX_SKEW else None
