"""Seeded capture degradations: what scanners and phones do to a clean page.

Three levels. ``clean``: the 300 dpi render as is. ``scanned``: a flatbed scan at 300 (or
200) dpi - paper tone, small skew (0.3-2 degrees), slight blur, mild sensor noise, sometimes
dust speckles or JPEG artefacts, sometimes the scanner's background removal. ``hard``: one
to three of large skew (up to 8 degrees, canvas grown to fit), a 90/180/270 rotation, strong
blur and noise, uneven lighting, heavy JPEG, optionally at 150 dpi; or a phone photo
(perspective, desk around the page, lighting, JPEG). Every page stays readable to a person.

Each call returns the image and a JSON-ready record of what was applied, so benchmarks can
relate errors to causes. Angles are in degrees, counter-clockwise positive for skew;
``rotation`` is the clockwise quarter-turn applied to the upright page.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image as PILImage

Image = npt.NDArray[np.uint8]
Float = npt.NDArray[np.float32]
Record = dict[str, object]


class Level(StrEnum):
    """How hard a sample is to read."""

    CLEAN = "clean"
    SCANNED = "scanned"
    HARD = "hard"


HARD_EFFECTS = ("skew", "rotation", "blur_noise", "illumination", "jpeg")


@dataclass(frozen=True)
class CapturePlan:
    """How one document is captured; shared by all its pages (each page varies within it)."""

    level: Level
    dpi: int = 300
    colour: bool = False
    photo: bool = False  # hard: phone photo with perspective and background
    effects: tuple[str, ...] = ()  # hard: subset of HARD_EFFECTS
    mild: bool = False  # gentler parameters (demo examples)
    clean_background: bool = False  # scanned: the scanner's background removal


def plan_capture(level: Level, rng: random.Random, *, photo: bool = False) -> CapturePlan:
    """Draw a capture plan for ``level`` (``photo`` only matters for hard)."""
    if level is Level.CLEAN:
        return CapturePlan(level, 300, colour=rng.random() < 0.3)
    if level is Level.SCANNED:
        return CapturePlan(
            level,
            200 if rng.random() < 0.25 else 300,
            colour=rng.random() < 0.2,
            clean_background=rng.random() < 0.4,
        )
    if photo:
        return CapturePlan(level, rng.choice((200, 300)), colour=True, photo=True)
    effects = tuple(sorted(rng.sample(HARD_EFFECTS, k=rng.choice((1, 2, 2, 3)))))
    return CapturePlan(level, 150 if rng.random() < 0.4 else 300, colour=rng.random() < 0.3,
                       effects=effects)


# ---------------------------------------------------------------- primitives


def _np_rng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.getrandbits(63))


def _to_uint8(img: Float) -> Image:
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def _channels(img: Float) -> int:
    return 1 if img.ndim == 2 else int(img.shape[2])


def _expand(field: Float, img: Float) -> Float:
    """Broadcast an H x W field over the image's channels."""
    return field if img.ndim == 2 else np.asarray(field[:, :, None], dtype=np.float32)


def _low_frequency(np_rng: np.random.Generator, h: int, w: int, cell: int) -> Float:
    """Smooth random field (unit variance-ish) varying over ``cell`` pixels."""
    small = np_rng.normal(0.0, 1.0, (h // cell + 2, w // cell + 2)).astype(np.float32)
    field = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.asarray(field, dtype=np.float32)


def _ink_on_paper(img: Float, paper: tuple[float, float, float], ink: float,
                  texture: Float) -> Float:
    """Recolour a white-background render: paper tone with texture, ink not quite black."""
    tone = np.array(paper[: _channels(img)], dtype=np.float32)
    base = _expand(texture, img) + (tone if img.ndim == 3 else tone[0])
    coverage = 1.0 - img / 255.0
    return np.asarray(base * (1.0 - coverage) + ink * coverage, dtype=np.float32)


def _rotate(img: Float, angle: float, fill: float, *, expand: bool) -> Float:
    """Rotate counter-clockwise by ``angle`` degrees; ``expand`` grows the canvas to fit."""
    h, w = img.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    if expand:
        cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
        new_w, new_h = round(h * sin + w * cos), round(h * cos + w * sin)
        matrix[0, 2] += new_w / 2 - w / 2
        matrix[1, 2] += new_h / 2 - h / 2
        w, h = new_w, new_h
    border = (fill,) * _channels(img)
    out = cv2.warpAffine(img, matrix, (w, h), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=border)
    return np.asarray(out, dtype=np.float32)


def _blur(img: Float, sigma: float) -> Float:
    return np.asarray(cv2.GaussianBlur(img, (0, 0), sigma), dtype=np.float32)


def _noise(img: Float, np_rng: np.random.Generator, sigma: float) -> Float:
    return img + np_rng.normal(0.0, sigma, img.shape).astype(np.float32)


def _speckles(img: Float, np_rng: np.random.Generator, count: int, radius: int,
              ink: float) -> Float:
    """Dust and toner specks: small dark dots."""
    h, w = img.shape[:2]
    mask = np.zeros((h, w), dtype=np.float32)
    xs = np_rng.integers(0, w, count)
    ys = np_rng.integers(0, h, count)
    radii = np_rng.integers(1, radius + 1, count)
    for x, y, r in zip(xs.tolist(), ys.tolist(), radii.tolist(), strict=True):
        cv2.circle(mask, (x, y), r, 1.0, -1)
    mask = _expand(mask, img)
    return np.asarray(img * (1.0 - mask) + ink * mask, dtype=np.float32)


def _lighting(h: int, w: int, rng: random.Random, strength: float) -> Float:
    """Uneven illumination: a linear gradient plus vignetting, 1.0 at the brightest."""
    angle = rng.uniform(0, 2 * math.pi)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    xs /= max(w - 1, 1)
    ys /= max(h - 1, 1)
    gradient = (xs - 0.5) * math.cos(angle) + (ys - 0.5) * math.sin(angle) + 0.5
    cx, cy = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)
    vignette = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2) / 0.75
    darkness = 0.6 * gradient + 0.4 * np.clip(vignette, 0, 1)
    return np.asarray(1.0 - strength * darkness, dtype=np.float32)


def jpeg_roundtrip(img: Image, quality: int) -> Image:
    """Encode and decode as JPEG to get its block artefacts."""
    buffer = io.BytesIO()
    PILImage.fromarray(img).save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    with PILImage.open(buffer) as decoded:
        return np.asarray(decoded, dtype=np.uint8).copy()


def _paper_tone(rng: random.Random, colour: bool, lo: float, hi: float) -> tuple[float, ...]:
    level = rng.uniform(lo, hi)
    if not colour:
        return (level, level, level)
    warmth = rng.uniform(0.0, 8.0)
    return (level, level - warmth * 0.4, level - warmth)


# ---------------------------------------------------------------- levels


def degrade(page: Image, plan: CapturePlan, rng: random.Random) -> tuple[Image, Record]:
    """Apply the plan's degradations to one rendered page (rendered at ``plan.dpi``)."""
    record: Record = {"level": str(plan.level), "dpi": plan.dpi, "colour": plan.colour}
    if plan.level is Level.CLEAN:
        return page, record
    if plan.level is Level.SCANNED:
        return _scan(page, plan, rng, record)
    if plan.photo:
        return _photo(page, plan, rng, record)
    return _hard_scan(page, plan, rng, record)


def _scan(page: Image, plan: CapturePlan, rng: random.Random,
          record: Record) -> tuple[Image, Record]:
    np_rng = _np_rng(rng)
    scale = plan.dpi / 300
    h, w = page.shape[:2]
    paper = _paper_tone(rng, plan.colour, 232, 250)
    ink = rng.uniform(12, 45)
    texture = _low_frequency(np_rng, h, w, int(90 * scale)) * rng.uniform(1.0, 3.0)
    img = _ink_on_paper(page.astype(np.float32), (paper[0], paper[1], paper[2]), ink, texture)
    if rng.random() < 0.5:
        count = int(rng.uniform(40, 300) * (h * w) / 8.7e6)
        img = _speckles(img, np_rng, count, max(1, round(2 * scale)), ink)
        record["speckles"] = count
    angle = rng.choice((-1, 1)) * rng.uniform(0.3, 2.0)
    img = _rotate(img, angle, min(255.0, paper[0] + 6), expand=False)
    sigma = rng.uniform(0.4, 0.8) * scale
    img = _blur(img, sigma)
    noise = rng.uniform(2.0, 5.0)
    img = _noise(img, np_rng, noise)
    if plan.clean_background:
        white = min(paper) - 2.5 * noise
        img = (img - ink) * (255.0 / max(white - ink, 1.0))
        record["background_removed"] = True
    out = _to_uint8(img)
    if rng.random() < 0.3:
        quality = rng.randint(55, 80)
        out = jpeg_roundtrip(out, quality)
        record["jpeg_artefacts_quality"] = quality
    record |= {"skew_deg": round(angle, 3), "blur_sigma_px": round(sigma, 3),
               "noise_sigma": round(noise, 2), "paper_tone": round(paper[0], 1),
               "ink_level": round(ink, 1)}
    return out, record


def _hard_scan(page: Image, plan: CapturePlan, rng: random.Random,
               record: Record) -> tuple[Image, Record]:
    np_rng = _np_rng(rng)
    scale = plan.dpi / 300
    effects = set(plan.effects)
    h, w = page.shape[:2]
    paper = _paper_tone(rng, plan.colour, 222, 245)
    ink = rng.uniform(20, 60)
    texture = _low_frequency(np_rng, h, w, int(70 * scale)) * rng.uniform(1.5, 3.5)
    img = _ink_on_paper(page.astype(np.float32), (paper[0], paper[1], paper[2]), ink, texture)
    record["effects"] = sorted(effects)
    if plan.dpi < 300:
        record["low_resolution"] = True
    if "illumination" in effects:
        strength = rng.uniform(0.2, 0.38) if not plan.mild else rng.uniform(0.1, 0.2)
        img *= _expand(_lighting(h, w, rng, strength), img)
        record["illumination_strength"] = round(strength, 3)
    if "skew" in effects:
        angle = rng.choice((-1, 1)) * rng.uniform(2.0, 8.0 if not plan.mild else 4.0)
        img = _rotate(img, angle, rng.uniform(238, 252), expand=True)
        record["skew_deg"] = round(angle, 3)
    else:
        angle = rng.choice((-1, 1)) * rng.uniform(0.2, 1.0)
        img = _rotate(img, angle, min(255.0, paper[0] + 6), expand=False)
        record["skew_deg"] = round(angle, 3)
    if "blur_noise" in effects:
        sigma = rng.uniform(0.9, 1.5) * scale
        noise = rng.uniform(8.0, 14.0)
    else:
        sigma = rng.uniform(0.4, 0.8) * scale
        noise = rng.uniform(2.0, 5.0)
    img = _noise(_blur(img, sigma), np_rng, noise)
    record |= {"blur_sigma_px": round(sigma, 3), "noise_sigma": round(noise, 2),
               "paper_tone": round(paper[0], 1), "ink_level": round(ink, 1)}
    out = _to_uint8(img)
    if "rotation" in effects:
        quarter = rng.choice((90, 180, 270))
        out = np.ascontiguousarray(np.rot90(out, k=-quarter // 90))
        record["rotation"] = quarter
    if "jpeg" in effects:
        quality = rng.randint(25, 45)
        out = jpeg_roundtrip(out, quality)
        record["jpeg_artefacts_quality"] = quality
    return out, record


_DESKS = ((122, 86, 58), (64, 64, 70), (170, 150, 120), (96, 110, 92), (40, 42, 48))


def _photo(page: Image, plan: CapturePlan, rng: random.Random,
           record: Record) -> tuple[Image, Record]:
    """A phone photo of the page lying on a desk."""
    np_rng = _np_rng(rng)
    mild = plan.mild
    rgb = page if page.ndim == 3 else np.repeat(page[:, :, None], 3, axis=2)
    h, w = rgb.shape[:2]
    paper = _paper_tone(rng, True, 236, 252)
    ink = rng.uniform(20, 50)
    texture = _low_frequency(np_rng, h, w, 200) * rng.uniform(1.0, 3.0)
    img = _ink_on_paper(rgb.astype(np.float32), (paper[0], paper[1], paper[2]), ink, texture)

    fill = rng.uniform(0.86, 0.92) if mild else rng.uniform(0.78, 0.9)
    # A 3:4 frame in the page's orientation (landscape for an ID card); the page keeps its
    # resolution and the frame grows around it.
    if h >= w:
        out_h = round(h / fill)
        out_w = round(out_h * 3 / 4)
    else:
        out_w = round(w / fill)
        out_h = round(out_w * 3 / 4)
    tilt = math.radians(rng.uniform(-1.5, 1.5) if mild else rng.uniform(-4, 4))
    keystone = rng.uniform(0.01, 0.03) if mild else rng.uniform(0.03, 0.08)
    jitter = (0.008 if mild else 0.02) * w
    if h >= w:
        half_h = out_h * fill / 2
        half_w = half_h * w / h
    else:
        half_w = out_w * fill / 2
        half_h = half_w * h / w
    cx = out_w / 2 + rng.uniform(-0.03, 0.03) * out_w
    cy = out_h / 2 + rng.uniform(-0.02, 0.02) * out_h
    top_inset = keystone * 2 * half_w
    corners_local = [(-half_w + top_inset, -half_h), (half_w - top_inset, -half_h),
                     (half_w, half_h), (-half_w, half_h)]
    corners: list[tuple[float, float]] = []
    for x, y in corners_local:
        rx = x * math.cos(tilt) - y * math.sin(tilt) + cx + rng.uniform(-jitter, jitter)
        ry = x * math.sin(tilt) + y * math.cos(tilt) + cy + rng.uniform(-jitter, jitter)
        corners.append((rx, ry))
    src = np.array([(0, 0), (w, 0), (w, h), (0, h)], dtype=np.float32)
    dst = np.array(corners, dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    warped = np.asarray(cv2.warpPerspective(img, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR,
                                            borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0)),
                        dtype=np.float32)
    mask = np.asarray(cv2.warpPerspective(np.ones((h, w), np.float32), matrix, (out_w, out_h),
                                          flags=cv2.INTER_LINEAR), dtype=np.float32)

    desk = np.array(rng.choice(_DESKS), dtype=np.float32)
    grain = _low_frequency(np_rng, out_h, out_w, 60) * 0.08 + 1.0
    background = desk[None, None, :] * grain[:, :, None]
    shadow = cv2.GaussianBlur(np.roll(mask, (int(0.01 * out_h), int(0.008 * out_w)), (0, 1)),
                              (0, 0), 0.01 * out_h)
    background *= (1.0 - 0.45 * np.asarray(shadow, dtype=np.float32))[:, :, None]
    composed = background * (1.0 - mask[:, :, None]) + warped * mask[:, :, None]

    strength = rng.uniform(0.1, 0.2) if mild else rng.uniform(0.2, 0.4)
    composed *= _lighting(out_h, out_w, rng, strength)[:, :, None]
    cast = np.array([1.0 + rng.uniform(-0.02, 0.05), 1.0, 1.0 - rng.uniform(0.0, 0.06)],
                    dtype=np.float32)
    composed *= cast[None, None, :]
    sigma = (rng.uniform(0.5, 0.8) if mild else rng.uniform(0.7, 1.2)) * plan.dpi / 300
    noise = rng.uniform(2.0, 4.0) if mild else rng.uniform(3.0, 7.0)
    composed = _noise(_blur(composed, sigma), np_rng, noise)
    page_height_px = math.dist(dst[0], dst[3])
    record |= {
        "photo": True,
        "corners": [[round(x, 1), round(y, 1)] for x, y in corners],
        "tilt_deg": round(math.degrees(tilt), 3),
        "keystone": round(keystone, 4),
        "illumination_strength": round(strength, 3),
        "blur_sigma_px": round(sigma, 3),
        "noise_sigma": round(noise, 2),
        "effective_dpi": round(plan.dpi * page_height_px / h),
        "image_size": [out_w, out_h],
    }
    return _to_uint8(composed), record
