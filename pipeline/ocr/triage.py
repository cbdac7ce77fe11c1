"""Decide, page by page, whether a PDF page is read from its text layer or by OCR.

"Has some text" is not "born digital": scans often carry a few words of an earlier signature
stamp or a header. A page is read from its text layer when it is not mostly an image, or when
its words cover a real share of the page (e.g. a scan already OCRed by another tool), and only
when that layer is readable: glyphs without Unicode mappings and the pre-Unicode Vietnamese
font encodings (TCVN3 ".VnTime", VNI) extract as gibberish, so such pages are OCRed instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.models import TextSource

#: Above this share of the page covered by images, a page is treated as a scan.
IMAGE_PAGE_COVERAGE = 0.5
#: Above this share of unreadable characters a text layer is not trusted.
UNREADABLE_SHARE = 0.1
#: Fonts of the pre-Unicode Vietnamese encodings (TCVN3/ABC ".VnTime", VNI "VNI-Times"),
#: possibly behind a subset prefix such as "ABCDEF+".
_LEGACY_FONT = re.compile(r"^(?:[A-Z]{6}\+)?(?:\.?Vn[A-Z]|VNI[-_ ])")


@dataclass(frozen=True)
class PagePlan:
    number: int
    text_source: TextSource
    #: Resolution to rasterise at for OCR: the scan's own, within the configured bounds.
    dpi: int
    reason: str
    #: The scan is in colour (it is rendered in colour so a corrected copy keeps its seals).
    colour: bool = False


def plan_page(
    number: int,
    page_box: tuple[float, float, float, float],
    words: Sequence[dict[str, Any]],
    images: Sequence[dict[str, Any]],
    has_drawing: bool,
    fontnames: Sequence[str] = (),
    *,
    min_text_coverage: float,
    default_dpi: int,
    min_dpi: int,
    max_dpi: int,
) -> PagePlan:
    """Pure decision from pdfplumber-style word and image dicts (``x0, top, x1, bottom``)."""
    x0, top, x1, bottom = page_box
    area = max(1.0, (x1 - x0) * (bottom - top))
    image_cover = min(1.0, sum(_area(i, page_box) for i in images) / area)
    text_cover = min(1.0, sum(_area(w, page_box) for w in words) / area)
    dpi = _native_dpi(images, page_box, default_dpi, min_dpi, max_dpi)
    problem = text_layer_problem(words, fontnames) if words else None
    if problem:
        return PagePlan(number, TextSource.OCR, dpi, problem, _any_colour(images))
    if words and image_cover < IMAGE_PAGE_COVERAGE:
        return PagePlan(number, TextSource.TEXT_LAYER, 72, "born-digital")
    if words and text_cover >= min_text_coverage:
        return PagePlan(number, TextSource.TEXT_LAYER, 72, f"text covers {text_cover:.1%}")
    if not words and not images and not has_drawing:
        return PagePlan(number, TextSource.TEXT_LAYER, 72, "blank page")
    why = f"image covers {image_cover:.0%}, text {text_cover:.1%}"
    return PagePlan(number, TextSource.OCR, dpi, why, _any_colour(images))


def text_layer_problem(words: Sequence[dict[str, Any]], fontnames: Sequence[str]) -> str | None:
    """Why the text layer cannot be trusted, or None when it reads as real text."""
    chars = sum(len(str(w["text"])) for w in words) or 1
    unmapped = sum(str(w["text"]).count("(cid:") * 6 + str(w["text"]).count("\ufffd")
                   for w in words)
    if unmapped / chars > UNREADABLE_SHARE:
        return "text layer has glyphs without Unicode mapping"
    if fontnames:
        legacy = sum(1 for name in fontnames if _LEGACY_FONT.match(name))
        if legacy / len(fontnames) > UNREADABLE_SHARE:
            return "text layer uses a pre-Unicode Vietnamese font encoding"
    return None


def _any_colour(images: Sequence[dict[str, Any]]) -> bool:
    """Whether an image is in a colour space other than grey (ICC and indexed count as colour)."""
    return any(
        "Gray" not in str(img.get("colorspace") or "") and img.get("bits") != 1
        and not img.get("imagemask")
        for img in images
    )


def _area(obj: dict[str, Any], box: tuple[float, float, float, float]) -> float:
    """Area of ``obj`` clipped to the page box."""
    w = min(float(obj["x1"]), box[2]) - max(float(obj["x0"]), box[0])
    h = min(float(obj["bottom"]), box[3]) - max(float(obj["top"]), box[1])
    return max(0.0, w) * max(0.0, h)


def _native_dpi(images: Sequence[dict[str, Any]], box: tuple[float, float, float, float],
                default: int, low: int, high: int) -> int:
    """The resolution of the largest image on the page, so a scan is rasterised 1:1."""
    best: tuple[float, int] | None = None
    for img in images:
        shown_w = float(img["x1"]) - float(img["x0"])
        shown_h = float(img["bottom"]) - float(img["top"])
        src = img.get("srcsize")
        if shown_w <= 1 or shown_h <= 1 or not src:
            continue
        src_w, src_h = float(src[0]), float(src[1])
        if (src_w >= src_h) != (shown_w >= shown_h):  # placed turned by 90 degrees
            src_w, src_h = src_h, src_w
        dpi = round(src_w / (shown_w / 72.0))
        area = _area(img, box)
        if best is None or area > best[0]:
            best = (area, dpi)
    dpi = best[1] if best else default
    return max(low, min(high, dpi))
