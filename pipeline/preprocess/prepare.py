"""The preprocessing of one page image: what Tesseract reads and what the page shows."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from pipeline.preprocess import deskew, orientation
from pipeline.preprocess.analysis import (
    Mark,
    even_white_paper,
    find_marks,
    rule_regions,
    thumbnail,
)
from pipeline.preprocess.geometry import rotate, turn
from pipeline.preprocess.page import find_page, flatten
from pipeline.preprocess.pixels import (
    binarise,
    denoise,
    erase_marks,
    flatten_light,
    remove_rules,
    to_grey,
    upscale,
    whiten_stamps,
)

#: Asks Tesseract's orientation detection for the clockwise turn that makes a page upright.
OsdFn = Callable[[np.ndarray, int], int | None]

A4_LONG_INCHES = 11.69


@dataclass(frozen=True)
class PrepOptions:
    """Which steps run; defaults are the ones ``bench/ablation.py`` showed to help."""

    page_detection: bool = True
    orientation: bool = True
    deskew: bool = True
    #: Skew below this (degrees) is left alone: Tesseract reads it, and the page stays as is.
    min_skew: float = 0.5
    flatten_light: bool = True
    remove_rules: bool = True
    #: Erase signatures, seals and pictures (strokes far taller than print), and the red or
    #: purple ink of seals and stamps on colour pages.
    remove_marks: bool = True
    denoise: bool = False
    binarise: bool = False
    #: Pages scanned below ``upscale_below`` dpi are resampled to ``ocr_dpi`` for OCR
    #: (measured: 150-200 dpi pages read as well unscaled, at less than half the cost).
    ocr_dpi: int = 300
    upscale_below: int = 120
    #: Upscaling never makes the page larger than this (``limits.max_image_megapixels``).
    max_pixels: int = 80_000_000


@dataclass(frozen=True)
class Prepared:
    """The page as Tesseract should read it, and as it should be shown.

    ``display`` is a corrected image of the page (flattened photo, deskewed scan) when the
    geometry changed, else None and the original page is shown, turned by ``rotate`` degrees
    clockwise. Words read on ``ocr`` map to the shown page by dividing by ``scale``.
    """

    ocr: np.ndarray
    ocr_dpi: int
    scale: float
    width: int  # the shown page, in pixels at ``dpi``
    height: int
    dpi: int
    rotate: int
    display: np.ndarray | None
    notes: tuple[str, ...]


def prepare(pixels: np.ndarray, dpi: int, options: PrepOptions,
            osd: OsdFn | None = None, *, always_display: bool = False) -> Prepared:
    notes: list[str] = []
    grey = to_grey(pixels)
    shown = pixels
    geometry_changed = False
    if options.page_detection:
        quad = find_page(grey)
        if quad is not None:
            shown, grey = flatten(pixels, quad), flatten(grey, quad)
            long_side = max(quad.width, quad.height)
            if 1.3 <= long_side / min(quad.width, quad.height) <= 1.5:  # an A4 or A5 sheet
                dpi = max(100, round(long_side / A4_LONG_INCHES))
            notes.append("làm phẳng ảnh chụp")
            geometry_changed = True
    if options.remove_marks:  # on the sheet alone: a desk around a photo is no stamp
        grey = whiten_stamps(shown, grey)
    thumb = thumbnail(grey, dpi)
    ink = thumb.ink
    turn_by = 0
    if options.orientation:
        direction = orientation.direction(ink, thumb.dpi)
        if direction.vertical:
            turn_by, ink = 90, turn(ink, 90)
    skew = deskew.estimate(ink, thumb.dpi) if options.deskew else None
    if skew is not None and abs(skew) >= options.min_skew:
        ink = rotate(ink, -skew, nearest=True)
    else:
        skew = None
    if options.orientation:
        unmoved = turn_by == 0 and skew is None
        upright = orientation.uprightness(ink, thumb.dpi,
                                          direction.fragments if unmoved else None)
        if upright.inverted:
            turn_by, ink = (turn_by + 180) % 360, turn(ink, 180)
        if not (upright.confident and direction.confident) and osd is not None:
            asked = osd(grey, dpi)
            if asked is not None and asked != turn_by:
                turn_by = asked
                skew = None  # measured on a wrongly turned page; Tesseract copes with small skew
                ink = thumbnail(turn(grey, turn_by), dpi).ink
        if turn_by:
            notes.append(f"xoay {turn_by}°")
    grey = turn(grey, turn_by)
    if skew is not None:
        grey = rotate(grey, -skew)
        notes.append(f"chỉnh nghiêng {skew:+.1f}°")
        geometry_changed = True
    display = None
    if geometry_changed or always_display:
        display = turn(shown, turn_by)
        if skew is not None:
            display = rotate(display, -skew)
    height, width = grey.shape[:2]
    # Clean-up that has nothing to clean is skipped (decided on the thumbnail).
    # ``ink`` now shows the thumbnail turned and deskewed as ``grey`` is.
    uneven = options.flatten_light and not even_white_paper(thumb.grey)
    rules = rule_regions(ink, thumb.dpi, thumb.scale) if options.remove_rules else []
    marks = find_marks(ink, thumb.dpi, thumb.scale) if options.remove_marks else []
    ocr, ocr_dpi, scale = _pixels_for_ocr(grey, dpi, replace(options, flatten_light=uneven),
                                          rules, marks)
    return Prepared(ocr, ocr_dpi, scale, width, height, dpi,
                    0 if display is not None else turn_by, display, tuple(notes))


def _pixels_for_ocr(grey: np.ndarray, dpi: int, options: PrepOptions,
                    rules: list[tuple[int, int, int, int]], marks: list[Mark]
                    ) -> tuple[np.ndarray, int, float]:
    scale = 1.0
    ocr_dpi = dpi
    if options.flatten_light:
        grey = flatten_light(grey, dpi)
    grey = remove_rules(grey, dpi, rules)
    grey = erase_marks(grey, marks)
    if options.denoise:
        grey = denoise(grey)
    room = math.sqrt(options.max_pixels / max(grey.size, 1))  # how much larger it may get
    target = min(options.ocr_dpi, math.floor(dpi * room))
    if dpi < options.upscale_below and target > dpi:
        grey, scale = upscale(grey, dpi, target)
        ocr_dpi = target
    if options.binarise:
        grey = binarise(grey, ocr_dpi)
    return np.ascontiguousarray(grey, dtype=np.uint8), ocr_dpi, scale


__all__ = ["OsdFn", "PrepOptions", "Prepared", "prepare"]
