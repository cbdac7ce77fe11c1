"""One glyph's ink as the model sees it: the same function prepares training and run-time
glyphs, so scans, pens and resolutions all meet the model in one form."""

from __future__ import annotations

import cv2
import numpy as np

#: The model's input is SIZE x SIZE; the glyph's longer side fills BOX of it (MNIST's layout).
SIZE = 28
BOX = 20
#: Stroke width, in input pixels, that every glyph is brought to (ballpoint or felt pen).
STROKE = 2.2


def stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width of a binary mask: twice the area over the outline's length (a
    stroke of length L and width w has area L*w and an outline about 2L long)."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_LIST,
                                   cv2.CHAIN_APPROX_NONE)
    outline = sum(cv2.arcLength(c, True) for c in contours)
    area = float(np.count_nonzero(mask))
    return 2.0 * area / outline if outline > 0 else 1.0


def glyph_input(mask: np.ndarray) -> np.ndarray:
    """A binary glyph mask (any size) as a SIZE x SIZE float32 image, ink 1 on 0, the glyph
    cropped, its stroke brought to STROKE, its longer side scaled to BOX and centred."""
    ys, xs = np.nonzero(mask)
    out = np.zeros((SIZE, SIZE), np.float32)
    if len(ys) == 0:
        return out
    crop: np.ndarray = mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.uint8)
    height, width = crop.shape
    scale = BOX / max(height, width)
    # Thicken or thin the stroke at the source scale so it lands near STROKE after scaling.
    wanted = STROKE / scale
    change = round((wanted - stroke_width(crop)) / 2.0)
    pad = max(0, change) + 1
    crop = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    if change != 0:
        size = 2 * abs(change) + 1
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
        morphed = (cv2.dilate(crop, kernel) if change > 0 else cv2.erode(crop, kernel))
        if change > 0 or np.count_nonzero(morphed) > 0.3 * np.count_nonzero(crop):
            crop = morphed
    ys, xs = np.nonzero(crop)
    crop = crop[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    height, width = crop.shape
    scale = BOX / max(height, width)
    new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
    small = cv2.resize(crop.astype(np.float32), (new_w, new_h), interpolation=cv2.INTER_AREA)
    top, left = (SIZE - new_h) // 2, (SIZE - new_w) // 2
    out[top:top + new_h, left:left + new_w] = np.clip(small * 1.0, 0.0, 1.0)
    return out


__all__ = ["BOX", "SIZE", "STROKE", "glyph_input", "stroke_width"]
