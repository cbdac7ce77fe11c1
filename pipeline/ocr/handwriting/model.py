"""The digit model: a small convolutional network run with numpy from weights in the package.

Trained offline by ``tools/train_digits.py`` (see PROVENANCE.md beside the weights); nothing
is downloaded. Three 3x3 convolutions (16, 32, 64 channels, each with ReLU and a 2x2 max
pool), a 96-unit dense layer and 11 outputs: the ten digits and "not one digit" (scribbles,
two digits written as one blob, printed letters). Probabilities are temperature-scaled on
held-out glyphs so that 0.9 means right about nine times in ten.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import cv2
import numpy as np

from pipeline.ocr.handwriting.glyph import glyph_input

WEIGHTS = Path(__file__).with_name("digits.npz")
CLASSES = (*"0123456789", "?")
NOISE = 10

Weights = dict[str, np.ndarray]


#: Entries of the weights file that are not weights.
_EXTRA = ("temperature", "meta", "slot_calibration")


@cache
def load(path: Path = WEIGHTS) -> tuple[Weights, float]:
    with np.load(path) as data:
        weights = {k: data[k].astype(np.float32) for k in data.files if k not in _EXTRA}
        return weights, float(data["temperature"])


@cache
def _slot_calibration(path: Path = WEIGHTS) -> tuple[float, float]:
    with np.load(path) as data:
        if "slot_calibration" not in data.files:
            return 1.0, 0.0
        a, b = (float(v) for v in data["slot_calibration"])
        return a, b


def calibrate(raw: float) -> float:
    """A blank's raw confidence (the product of its digits' probabilities, with penalties)
    mapped to the probability that the reading is right: ``sigmoid(a * logit(raw) + b)``,
    fitted on generated headers by ``tools/calibrate_slots.py``."""
    a, b = _slot_calibration()
    clipped = min(max(raw, 1e-6), 1 - 1e-6)
    z = a * float(np.log(clipped / (1 - clipped))) + b
    return float(1.0 / (1.0 + np.exp(-z)))


_NONE = np.empty((0, 0), np.float32)  # gemm's absent third matrix


def _matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """OpenCV's product: numpy's would wake BLAS threads that spin against the OCR pool's
    (measured: several times slower on a busy two-core machine)."""
    return np.asarray(cv2.gemm(np.ascontiguousarray(a, np.float32),
                               np.ascontiguousarray(b, np.float32), 1.0, _NONE, 0.0))


def _conv_relu_pool(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """3x3 'same' convolution (NHWC, HWIO), ReLU, then a 2x2 max pool that drops an odd
    last row and column, as the training framework does."""
    n, h, wd, c = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    cols = np.empty((n, h, wd, 3, 3, c), np.float32)
    for dy in range(3):
        for dx in range(3):
            cols[:, :, :, dy, dx, :] = padded[:, dy:dy + h, dx:dx + wd, :]
    y = _matmul(cols.reshape(n * h * wd, 9 * c), w.reshape(9 * c, -1)) + b
    y = np.maximum(y, 0.0).reshape(n, h, wd, -1)
    h2, w2 = h // 2, wd // 2
    y = y[:, :h2 * 2, :w2 * 2, :].reshape(n, h2, 2, w2, 2, -1)
    return np.asarray(y.max(axis=(2, 4)))


def forward(weights: Weights, images: np.ndarray, temperature: float,
            logits: bool = False) -> np.ndarray:
    """Class probabilities (or raw logits) of a batch of SIZE x SIZE glyph images."""
    x = images.astype(np.float32)[..., None]
    for name in ("c1", "c2", "c3"):
        x = _conv_relu_pool(x, weights[name], weights[name + "b"])
    x = x.reshape(x.shape[0], -1)
    x = np.maximum(_matmul(x, weights["d1"]) + weights["d1b"], 0.0)
    z = _matmul(x, weights["d2"]) + weights["d2b"]
    if logits:
        return np.asarray(z)
    z = z / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def classify(masks: list[np.ndarray]) -> np.ndarray:
    """Calibrated probabilities over CLASSES for each glyph mask."""
    if not masks:
        return np.zeros((0, len(CLASSES)), np.float32)
    weights, temperature = load()
    return forward(weights, np.stack([glyph_input(m) for m in masks]), temperature)


__all__ = ["CLASSES", "NOISE", "WEIGHTS", "calibrate", "classify", "forward", "load"]
