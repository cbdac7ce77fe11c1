"""Which way up the page is (0, 90, 180 or 270 degrees), from the shape of its text.

Tesseract's OSD costs about a second a page; these cues cost milliseconds on the thumbnail,
and OSD is asked only when they give no clear answer:

* text lines run along the page: dilating ink along the lines merges letters into long
  fragments, across them it does not;
* Vietnamese letters carry far more ink above the x-height (capitals, ascenders, and the
  tone and vowel marks stacked on top) than below it (a few descenders): upside down,
  the balance flips. This is judged on the deskewed thumbnail, where lines are level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

#: Ratio between along-line and across-line fragment lengths needed to trust the direction.
DIRECTION_RATIO = 1.6
#: Share of ink above the x-height band needed to call a page upright (or, below, inverted).
UPRIGHT_SHARE = 0.56


Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Direction:
    vertical: bool  # lines run top to bottom: the page lies on its side
    confident: bool
    ratio: float
    #: The horizontal line fragments found on the way, reusable while the page is not moved.
    fragments: tuple[Box, ...] = ()


@dataclass(frozen=True)
class Uprightness:
    inverted: bool
    confident: bool
    upper_share: float  # share of off-core ink above the core, as read (before flipping)


def _fragments(ink: np.ndarray, horizontal: bool, dpi: float) -> list[Box]:
    """Boxes of ink merged along one direction, keeping those long in that direction."""
    reach = max(3, round(0.08 * dpi))
    kernel = cv2.getStructuringElement(
        cv2.MORPH_RECT, (reach, 1) if horizontal else (1, reach))
    merged = cv2.dilate(ink, kernel)
    count, _, stats, _ = cv2.connectedComponentsWithStats(merged, connectivity=8)
    boxes = []
    char = 0.04 * dpi  # a letter is roughly this big at 10-14 pt
    for x, y, w, h, _area in stats[1:count]:
        along, across = (w, h) if horizontal else (h, w)
        if along >= 3 * across and across >= char * 0.5 and along >= 4 * char:
            boxes.append((int(x), int(y), int(w), int(h)))
    return boxes


def direction(ink: np.ndarray, dpi: float) -> Direction:
    horizontal = _fragments(ink, True, dpi)
    length_h = sum(w for _, _, w, _ in horizontal)
    length_v = sum(h for _, _, _, h in _fragments(ink, False, dpi))
    ratio = (max(length_h, length_v) + 1) / (min(length_h, length_v) + 1)
    return Direction(length_v > length_h, ratio >= DIRECTION_RATIO, ratio, tuple(horizontal))


def uprightness(ink: np.ndarray, dpi: float, fragments: Sequence[Box] | None = None
                ) -> Uprightness:
    """Judge level lines: ink above versus below the densest band of each fragment
    (``fragments``: those of this very ``ink``, when already known)."""
    above = below = 0.0
    for x, y, w, h in fragments if fragments is not None else _fragments(ink, True, dpi):
        profile = ink[y:y + h, x:x + w].sum(axis=1, dtype=np.float64)
        core = np.flatnonzero(profile >= 0.5 * profile.max())
        above += profile[: core[0]].sum()
        below += profile[core[-1] + 1:].sum()
    share = 0.5 if above + below == 0 else above / (above + below)
    return Uprightness(share < 0.5, abs(share - 0.5) >= UPRIGHT_SHARE - 0.5, share)
