"""Fit how sure the reader says it is to how often it is right, on generated headers.

    .venv/bin/python -m tools.calibrate_slots [--pages 300] [--seed 77]

A blank's raw confidence (the product of its digits' probabilities, with the reader's
penalties) is mapped by ``sigmoid(a * logit(raw) + b)``; ``a`` and ``b`` minimise the
negative log-likelihood of "the reading is right" over numbers and days written into
generated headers (a seed of their own: ``bench/handwriting.py`` measures on others), and
``b`` is lowered until readings given 0.9 or more are right at least 98.5 % of the time and
at most a fifth of the wrong readings stay at or above the review threshold 0.6.
They are stored in the weights file (``slot_calibration``). Runs with the product's own
dependencies (no JAX).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

import numpy as np

from pipeline.ocr.handwriting.model import WEIGHTS
from tools.synth_pages import read_generated

#: Readings given at least TOP must be right this often on the calibration pages ...
TOP, TOP_RATE = 0.9, 0.985
#: ... and at most this share of the wrong readings may stay at or above REVIEW (a wrong
#: number must go to a person, even at the cost of sending some right ones too).
REVIEW, WRONG_ABOVE = 0.6, 0.2


def _calibrated(raw: np.ndarray, a: float, b: float) -> np.ndarray:
    clipped = np.clip(raw, 1e-6, 1 - 1e-6)
    return np.asarray(1.0 / (1.0 + np.exp(-(a * np.log(clipped / (1 - clipped)) + b))))


def fit(raw: np.ndarray, right: np.ndarray) -> tuple[float, float]:
    best, best_nll = (1.0, 0.0), float("inf")
    for a in np.arange(0.1, 2.01, 0.05):
        for b in np.arange(-4.0, 4.01, 0.1):
            p = np.clip(_calibrated(raw, a, b), 1e-9, 1 - 1e-9)
            nll = -float(np.mean(np.where(right, np.log(p), np.log(1 - p))))
            if nll < best_nll:
                best, best_nll = (float(a), float(b)), nll
    a, b = best
    wrong = ~right
    while b > -10:
        p = _calibrated(raw, a, b)
        top = p >= TOP
        top_ok = not top.any() or float(np.mean(right[top])) >= TOP_RATE
        wrong_ok = not wrong.any() or float(np.mean(p[wrong] >= REVIEW)) <= WRONG_ABOVE
        if top_ok and wrong_ok:
            break
        b -= 0.1
    return round(a, 3), round(b, 3)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=77)
    args = parser.parse_args(argv)
    outcomes, _ = read_generated(args.pages, np.random.default_rng(args.seed), lambda c: c)
    read = [o for o in outcomes if o.read is not None]
    raw = np.asarray([o.confidence for o in read])
    right = np.asarray([o.read == o.truth for o in read])
    a, b = fit(raw, right)
    with np.load(WEIGHTS) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays["meta"]))
    meta["slot_calibration"] = {
        "a": a, "b": b, "pages": args.pages, "seed": args.seed, "blanks": len(read),
        "right": int(right.sum()),
        "command": f"python -m tools.calibrate_slots --pages {args.pages} --seed {args.seed}"}
    arrays["meta"] = np.asarray(json.dumps(meta))
    arrays["slot_calibration"] = np.asarray([a, b], np.float32)
    np.savez_compressed(WEIGHTS, **arrays)
    print(json.dumps(meta["slot_calibration"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
