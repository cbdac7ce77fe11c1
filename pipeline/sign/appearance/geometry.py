"""Boxes on a PDF page, in the units pyHanko's widgets use.

Every box is in PDF user space: points (1/72 inch), origin at the bottom-left corner of the
page, y growing upwards, page index 0-based. pdfplumber reports ``top``/``bottom`` from the
top of the page instead; :meth:`Box.from_top` converts so the rest of the package never
mixes the two conventions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pipeline.errors import SigningError

#: Points per millimetre.
MM = 72.0 / 25.4


class AppearanceError(SigningError):
    """The visible part of a signature cannot be made as the rules ask (no place for it on
    the page, a font without Vietnamese letters, an unreadable image)."""

    code = "loi-hinh-thuc-chu-ky"


@dataclass(frozen=True)
class Box:
    """A rectangle on one page; ``x0 < x1`` and ``y0 < y1`` (points, bottom-left origin)."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    def __post_init__(self) -> None:
        if self.page < 0:
            raise ValueError(f"page index must be >= 0, got {self.page}")
        if not (self.x0 < self.x1 and self.y0 < self.y1):
            raise ValueError(f"empty or inverted box {self.as_tuple()}")

    # ------------------------------------------------------------------ constructors

    @classmethod
    def from_centre(cls, page: int, cx: float, cy: float, width: float, height: float) -> Box:
        return cls(page, cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)

    @classmethod
    def from_top(cls, page: int, page_height: float, x0: float, top: float, x1: float,
                 bottom: float) -> Box:
        """From pdfplumber's top-down coordinates (``top`` < ``bottom``)."""
        return cls(page, x0, page_height - bottom, x1, page_height - top)

    # ------------------------------------------------------------------ measures

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def as_tuple(self) -> tuple[float, float, float, float]:
        return self.x0, self.y0, self.x1, self.y1

    def as_int_tuple(self) -> tuple[int, int, int, int]:
        """pyHanko's ``SigFieldSpec.box`` takes whole points; boxes made by this package are
        already snapped (see :meth:`snapped`), so this loses nothing for them."""
        return round(self.x0), round(self.y0), round(self.x1), round(self.y1)

    # ------------------------------------------------------------------ derived boxes

    def snapped(self) -> Box:
        """The box rounded to whole points, so the widget pyHanko makes is exactly this box
        (its field spec only takes integers) and tests can compare pixels with it."""
        x0, y0 = math.floor(self.x0 + 0.5), math.floor(self.y0 + 0.5)
        width = max(math.floor(self.width + 0.5), 1)  # sizes survive a shift unchanged
        height = max(math.floor(self.height + 0.5), 1)
        return Box(self.page, x0, y0, x0 + width, y0 + height)

    def moved(self, dx: float = 0.0, dy: float = 0.0) -> Box:
        return Box(self.page, self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def inset(self, dx: float, dy: float | None = None) -> Box:
        """Shrunk by ``dx`` left and right and ``dy`` (default ``dx``) top and bottom."""
        dy = dx if dy is None else dy
        return Box(self.page, self.x0 + dx, self.y0 + dy, self.x1 - dx, self.y1 - dy)

    def union(self, other: Box) -> Box:
        self._same_page(other)
        return Box(self.page, min(self.x0, other.x0), min(self.y0, other.y0),
                   max(self.x1, other.x1), max(self.y1, other.y1))

    def intersection(self, other: Box) -> Box | None:
        if other.page != self.page:
            return None
        x0, y0 = max(self.x0, other.x0), max(self.y0, other.y0)
        x1, y1 = min(self.x1, other.x1), min(self.y1, other.y1)
        return Box(self.page, x0, y0, x1, y1) if x0 < x1 and y0 < y1 else None

    def overlaps_x(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1

    def contains(self, other: Box, tolerance: float = 0.0) -> bool:
        return (other.page == self.page
                and other.x0 >= self.x0 - tolerance and other.y0 >= self.y0 - tolerance
                and other.x1 <= self.x1 + tolerance and other.y1 <= self.y1 + tolerance)

    def kept_inside(self, area: Box, margin: float = 0.0) -> Box:
        """Shifted (never resized) to lie ``margin`` inside ``area`` (usually the page), as far
        as it fits; a box larger than the area keeps its top-left corner inside."""
        dx = dy = 0.0
        if self.x1 > area.x1 - margin:
            dx = area.x1 - margin - self.x1
        if self.x0 + dx < area.x0 + margin:
            dx = area.x0 + margin - self.x0
        if self.y0 < area.y0 + margin:
            dy = area.y0 + margin - self.y0
        if self.y1 + dy > area.y1 - margin:
            dy = area.y1 - margin - self.y1
        return self.moved(dx, dy)

    def _same_page(self, other: Box) -> None:
        if other.page != self.page:
            raise ValueError(f"boxes on different pages ({self.page} and {other.page})")
