"""Page geometry: orientation, skew and phone-photo outlines, on rendered Vietnamese pages."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from pipeline.preprocess import deskew, orientation
from pipeline.preprocess.analysis import thumbnail
from pipeline.preprocess.geometry import rotate, turn
from pipeline.preprocess.page import find_page
from pipeline.preprocess.prepare import PrepOptions, prepare
from samples.content import make_document
from samples.render import rasterise, render_pdf

DPI = 150


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    doc = make_document("cong_van", random.Random(7))
    pixels: np.ndarray = rasterise(render_pdf(doc).pdf, DPI)[0]
    return pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)


@pytest.mark.parametrize("turned", [0, 90, 180, 270])
def test_orientation_is_found_from_the_text(page: np.ndarray, turned: int) -> None:
    prepared = prepare(turn(page, turned), DPI, PrepOptions(deskew=False, page_detection=False))
    assert prepared.rotate == (360 - turned) % 360
    assert prepared.display is None  # a quarter turn is the PDF page's /Rotate, not new pixels


@pytest.mark.parametrize("angle", [-9.0, -2.5, 0.8, 4.0, 12.0])
def test_skew_is_measured_to_a_tenth_of_a_degree(page: np.ndarray, angle: float) -> None:
    thumb = thumbnail(rotate(page, angle), DPI)
    assert deskew.estimate(thumb.ink, thumb.dpi) == pytest.approx(angle, abs=0.15)


def test_straight_page_is_left_alone(page: np.ndarray) -> None:
    prepared = prepare(page, DPI, PrepOptions())
    assert prepared.display is None and prepared.rotate == 0
    assert prepared.notes == ()
    # Measured: 150-200 dpi pages read as well unscaled (bench/ABLATION.md).
    assert prepared.ocr_dpi == DPI and prepared.scale == 1.0  # 150 dpi is read as it is


def test_skewed_page_gets_a_corrected_image(page: np.ndarray) -> None:
    prepared = prepare(rotate(page, 3.0), DPI, PrepOptions())
    assert prepared.display is not None
    assert any("chỉnh nghiêng +3.0°" in note for note in prepared.notes)
    thumb = thumbnail(prepared.display, DPI)
    assert abs(deskew.estimate(thumb.ink, thumb.dpi) or 0.0) < 0.2


def test_upside_down_cue_on_level_lines(page: np.ndarray) -> None:
    thumb = thumbnail(page, DPI)
    assert not orientation.uprightness(thumb.ink, thumb.dpi).inverted
    assert orientation.uprightness(turn(thumb.ink, 180), thumb.dpi).inverted


def test_phone_photo_outline_is_found_and_scans_are_not_cropped(page: np.ndarray) -> None:
    height, width = page.shape
    canvas = np.full((height + 400, width + 400), 60, np.uint8)  # a dark desk
    corners = np.array([[200, 230], [200 + width, 190], [230 + width, 200 + height],
                        [180, 210 + height]], dtype=np.float32)
    source = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners)
    photo = cv2.warpPerspective(page, matrix, canvas.shape[::-1], dst=canvas,
                                borderMode=cv2.BORDER_TRANSPARENT)
    quad = find_page(photo)
    assert quad is not None
    assert np.abs(quad.corners - corners).max() < 12
    assert find_page(page) is None
