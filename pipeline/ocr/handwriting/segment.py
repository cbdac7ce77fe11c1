"""Strokes to digits: pieces of one digit are joined (a crossed 7's bar, a 5's flag, a pen
that skipped), and a blob of two digits written touching is cut where the model reads two
digits better than one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.ocr.handwriting.ink import Stroke

#: Two strokes belong to one digit when they overlap across this share of the narrower one.
OVERLAP = 0.35
#: A glyph wider than this share of its height may be two digits.
WIDE = 0.95

Classifier = Callable[[list[np.ndarray]], np.ndarray]


@dataclass(frozen=True)
class Glyph:
    x0: int
    y0: int
    x1: int
    y1: int
    mask: np.ndarray
    #: Set when the glyph was cut out of a wider blob (a doubt worth a lower confidence).
    cut: bool = False


def _paste(strokes: Sequence[Stroke]) -> Glyph:
    x0, y0 = min(s.x0 for s in strokes), min(s.y0 for s in strokes)
    x1, y1 = max(s.x1 for s in strokes), max(s.y1 for s in strokes)
    mask = np.zeros((y1 - y0, x1 - x0), bool)
    for s in strokes:
        mask[s.y0 - y0:s.y1 - y0, s.x0 - x0:s.x1 - x0] |= s.mask
    return Glyph(x0, y0, x1, y1, mask)


def group(strokes: Sequence[Stroke]) -> list[Glyph]:
    """Strokes joined into glyphs by horizontal overlap, left to right."""
    groups: list[list[Stroke]] = []
    for stroke in sorted(strokes, key=lambda s: s.x0):
        if groups:
            last = groups[-1]
            x0, x1 = min(s.x0 for s in last), max(s.x1 for s in last)
            shared = min(x1, stroke.x1) - max(x0, stroke.x0)
            if shared >= OVERLAP * min(x1 - x0, stroke.width):
                last.append(stroke)
                continue
        groups.append([stroke])
    return [_paste(g) for g in groups]


def _crop(glyph: Glyph, a: int, b: int) -> Glyph | None:
    part = glyph.mask[:, a:b]
    ys = np.nonzero(part.any(axis=1))[0]
    if len(ys) == 0:
        return None
    part = part[ys[0]:ys[-1] + 1]
    return Glyph(glyph.x0 + a, glyph.y0 + int(ys[0]), glyph.x0 + b,
                 glyph.y0 + int(ys[-1]) + 1, part, cut=True)


def _best_digit(probs: np.ndarray) -> float:
    return float(probs[:10].max())


def split(glyphs: Sequence[Glyph], classify: Classifier) -> list[tuple[Glyph, np.ndarray]]:
    """Each glyph with its class probabilities; a wide glyph that reads better as two digits
    is cut in two at its thinnest column. One batch goes to the model (a call costs more
    than the glyphs in it)."""
    masks: list[np.ndarray] = []
    plans: list[tuple[int, list[tuple[Glyph, Glyph, int]]]] = []
    for glyph in glyphs:
        masks.append(glyph.mask)
        cuts: list[tuple[Glyph, Glyph, int]] = []
        height, width = glyph.mask.shape
        if width >= WIDE * height:
            columns = glyph.mask.sum(axis=0)
            for cut in sorted(range(int(0.3 * width), int(0.7 * width) + 1),
                              key=lambda c: int(columns[c]) if c < width else 0)[:4]:
                left, right = _crop(glyph, 0, cut), _crop(glyph, cut, width)
                if left is not None and right is not None:
                    cuts.append((left, right, len(masks)))
                    masks += [left.mask, right.mask]
        plans.append((len(masks) - 1 - 2 * len(cuts), cuts))
    probs = classify(masks)
    out: list[tuple[Glyph, np.ndarray]] = []
    for glyph, (whole, cuts) in zip(glyphs, plans, strict=True):
        best = max(cuts, default=None,
                   key=lambda c: _best_digit(probs[c[2]]) * _best_digit(probs[c[2] + 1]))
        if best is not None and (_best_digit(probs[best[2]]) * _best_digit(probs[best[2] + 1])
                                 > _best_digit(probs[whole])):
            out += [(best[0], probs[best[2]]), (best[1], probs[best[2] + 1])]
        else:
            out.append((glyph, probs[whole]))
    return out


__all__ = ["Glyph", "group", "split"]
