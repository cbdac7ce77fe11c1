"""Photometric clean-up of the page image that Tesseract reads (never of what is shown)."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from pipeline.preprocess.analysis import Mark


def to_grey(pixels: np.ndarray) -> np.ndarray:
    if pixels.ndim == 2:
        return pixels
    if pixels.shape[2] == 4:
        return cv2.cvtColor(pixels, cv2.COLOR_RGBA2GRAY)
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)


#: Red to purple hues (OpenCV's 0-180 scale) of seals and incoming-mail stamps; blue ink
#: (handwritten numbers, signatures) lies between them and is kept.
_RED_BELOW, _RED_ABOVE = 12, 125
#: Saturation and brightness (0-255) from which a pixel is stamp ink: black print over a
#: seal is darker than this and stays.
_STAMP_SATURATION, _STAMP_VALUE, _HALO_VALUE = 70, 90, 120
#: Seals and stamps cover a few per cent of a page; more red than this is tinted paper or
#: light, and is left alone.
_MOST_STAMP = 0.12


def whiten_stamps(pixels: np.ndarray, grey: np.ndarray) -> np.ndarray:
    """The grey page with red and purple stamp ink made paper-white. A seal pressed over the
    signer's title and name joins them into one tall stroke that mark removal would erase
    whole; without its colour the print under it is read, and a blank page carrying only a
    seal's bleed-through reads as blank."""
    if pixels.ndim != 3 or pixels.shape[2] < 3:
        return grey
    hsv = cv2.cvtColor(np.ascontiguousarray(pixels[..., :3]), cv2.COLOR_RGB2HSV)
    hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    stamp = (((hue <= _RED_BELOW) | (hue >= _RED_ABOVE)) & (saturation >= _STAMP_SATURATION)
             & (value >= _STAMP_VALUE)).astype(np.uint8)
    if not stamp.any() or stamp.mean() > _MOST_STAMP:
        return grey
    halo = cv2.dilate(stamp, np.ones((3, 3), np.uint8)).astype(bool) & (value >= _HALO_VALUE)
    out = grey.copy()
    out[halo | stamp.astype(bool)] = 255
    return out


def flatten_light(grey: np.ndarray, dpi: float) -> np.ndarray:
    """Divide out uneven lighting and paper tone: the background estimated by closing the text
    away becomes white, ink keeps its contrast."""
    size = max(15, round(0.12 * dpi)) | 1
    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE,
                                  cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                            (size // 4 | 1, size // 4 | 1)))
    background = cv2.resize(cv2.GaussianBlur(background, (0, 0), 3),
                            (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(grey, np.maximum(background, 1), scale=255)


def remove_rules(grey: np.ndarray, dpi: float,
                 regions: list[tuple[int, int, int, int]]) -> np.ndarray:
    """Erase table rules and underlines inside ``regions``: Tesseract reads them as "|", "_"
    and "—" glued to the words in the cells. Only straight runs longer than a third of an
    inch go; letters are far shorter."""
    if not regions:
        return grey
    cleaned = grey.copy()
    length = max(15, round(dpi / 3))
    kernels = (cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)),
               cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    for x0, y0, x1, y1 in regions:
        crop = grey[y0:y1, x0:x1]
        if crop.size == 0:
            continue
        ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
        rules = cv2.bitwise_or(*(cv2.morphologyEx(ink, cv2.MORPH_OPEN, k) for k in kernels))
        rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))
        cleaned[y0:y1, x0:x1][rules > 0] = 255
    return cleaned


def erase_marks(grey: np.ndarray, marks: Sequence[Mark]) -> np.ndarray:
    """Whiten the strokes of signatures and seals, working only inside their boxes."""
    if not marks:
        return grey
    cleaned = grey.copy()
    kernel = np.ones((3, 3), np.uint8)
    for mark in marks:
        x0, y0, x1, y1 = mark.box
        region = cleaned[y0:y1, x0:x1]
        if region.size == 0:
            continue
        strokes = cv2.resize(cv2.dilate(mark.strokes, kernel), (region.shape[1], region.shape[0]),
                             interpolation=cv2.INTER_NEAREST)
        region[strokes > 0] = 255
    return cleaned


def denoise(grey: np.ndarray) -> np.ndarray:
    """Remove salt-and-pepper specks and sensor noise without eroding thin diacritics."""
    return cv2.medianBlur(grey, 3)


def upscale(grey: np.ndarray, dpi: int, target: int) -> tuple[np.ndarray, float]:
    """Resample to ``target`` dpi (Tesseract's LSTM reads 10-12 pt text best near 300 dpi)."""
    factor = target / dpi
    resized = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return resized, factor


def binarise(grey: np.ndarray, dpi: float) -> np.ndarray:
    """Local (mean-based) threshold: survives shadows that a global Otsu threshold does not."""
    block = max(15, round(0.35 * dpi)) | 1
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY,
                                 block, 15)
