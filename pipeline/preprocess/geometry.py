"""Rotations of page images by multiples of 90 degrees and by a small skew angle."""

from __future__ import annotations

import cv2
import numpy as np


def turn(pixels: np.ndarray, clockwise: int) -> np.ndarray:
    """Rotate by 0, 90, 180 or 270 degrees clockwise (exact, no resampling)."""
    k = (clockwise // 90) % 4
    return pixels if k == 0 else np.ascontiguousarray(np.rot90(pixels, k=-k))


def paper_colour(pixels: np.ndarray) -> tuple[float, ...]:
    """The page's background: a high percentile of a sparse sample of its pixels."""
    sample = pixels[::16, ::16].reshape(-1, 1 if pixels.ndim == 2 else pixels.shape[2])
    return tuple(float(v) for v in np.percentile(sample, 90, axis=0))


def rotate(pixels: np.ndarray, degrees: float, *, nearest: bool = False) -> np.ndarray:
    """Rotate counter-clockwise by ``degrees``, growing the canvas so no corner is cut; new
    margins are paper-coloured (ink-free, for a binary ``nearest`` mask)."""
    height, width = pixels.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(height * sin + width * cos + 0.5), int(height * cos + width * sin + 0.5)
    matrix[0, 2] += new_w / 2 - width / 2
    matrix[1, 2] += new_h / 2 - height / 2
    return cv2.warpAffine(
        pixels, matrix, (new_w, new_h),
        flags=cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0,) if nearest else paper_colour(pixels),
    )
