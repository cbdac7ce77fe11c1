"""Find the sheet of paper in a phone photo and flatten it to a rectangle.

A photo shows the page as a bright quadrilateral on a darker, textured background, seen at
an angle. The largest bright region, simplified to four corners, gives the homography that
turns it back into a flat page; a scan, whose paper fills the frame, is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: The long side of the image the outline is searched on.
WORK_SIZE = 640
#: The page must cover at least this share of the photo...
MIN_AREA = 0.2
#: ...and leave at least this much of it as background, or there is nothing to crop.
MIN_BACKGROUND = 0.04


@dataclass(frozen=True)
class PageQuad:
    corners: np.ndarray  # float32 (4, 2): top-left, top-right, bottom-right, bottom-left
    width: int
    height: int

    def homography(self) -> np.ndarray:
        target = np.array([[0, 0], [self.width - 1, 0], [self.width - 1, self.height - 1],
                           [0, self.height - 1]], dtype=np.float32)
        return np.asarray(cv2.getPerspectiveTransform(self.corners, target))


def _order(points: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s = points.sum(axis=1)
    d = np.diff(points, axis=1).ravel()
    return np.array([points[np.argmin(s)], points[np.argmin(d)], points[np.argmax(s)],
                     points[np.argmax(d)]], dtype=np.float32)


def _paper_to_the_edges(grey: np.ndarray) -> bool:
    """A scan: its outer frame is as bright as paper all round (a photo shows the desk)."""
    h, w = grey.shape[:2]
    band = max(2, min(h, w) // 50)
    frame = np.concatenate([grey[:band:4, ::8].ravel(), grey[-band::4, ::8].ravel(),
                            grey[::8, :band:4].ravel(), grey[::8, -band::4].ravel()])
    centre = grey[h // 4: 3 * h // 4: 16, w // 4: 3 * w // 4: 16]
    paper = float(np.percentile(centre, 90))
    return float(np.percentile(frame, 25)) >= 0.8 * paper


def find_page(grey: np.ndarray) -> PageQuad | None:
    """The page's outline in ``grey`` (full-size pixel coordinates), or None for a scan."""
    if grey.ndim == 3:
        grey = cv2.cvtColor(grey, cv2.COLOR_RGB2GRAY)
    if _paper_to_the_edges(grey):
        return None
    height, width = grey.shape[:2]
    scale = WORK_SIZE / max(height, width)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(small, (7, 7), 0)
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Close the text inside the page so the sheet is one solid region.
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    outline = cv2.convexHull(max(contours, key=cv2.contourArea))
    area = cv2.contourArea(outline) / (small.shape[0] * small.shape[1])
    if not MIN_AREA <= area <= 1.0 - MIN_BACKGROUND:
        return None
    perimeter = cv2.arcLength(outline, True)
    quad = None
    for eps in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(outline, eps * perimeter, True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float32)
            break
    if quad is None or not cv2.isContourConvex(quad.reshape(4, 1, 2)):
        return None
    corners = _order(quad / scale)
    tl, tr, br, bl = corners
    out_w = round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    out_h = round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    if min(out_w, out_h) < 0.3 * min(width, height):
        return None
    return PageQuad(corners, out_w, out_h)


def flatten(pixels: np.ndarray, quad: PageQuad) -> np.ndarray:
    """The page cut out of the photo and seen from straight above."""
    return cv2.warpPerspective(pixels, quad.homography(), (quad.width, quad.height),
                               flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
