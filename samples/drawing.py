"""Drawings that are not text: a signature's scribble, a placeholder for a photo or an
emblem, a QR code. Each returns a function drawing it on a canvas from a given top edge."""

from __future__ import annotations

import random
from collections.abc import Callable

from reportlab.pdfgen.canvas import Canvas

from samples import qr
from samples.layout import Placeholder, Signature

INK = (0.0, 0.0, 0.0)
SIGNATURE_INK = (0.08, 0.14, 0.55)
PLACEHOLDER_FILL = (0.88, 0.88, 0.88)

Draw = Callable[[Canvas, float], None]


def signature_drawer(sig: Signature, x: float, width: float) -> Draw:
    """A handwritten-looking scribble (vector, no text) centred in the column."""
    rng = random.Random(sig.seed)
    centre = x + width / 2 + rng.uniform(-12, 12)
    span = rng.uniform(60, 95)
    strokes = rng.randint(3, 5)
    points = [(centre - span / 2, rng.uniform(0.35, 0.6))]
    for i in range(1, strokes + 1):
        points.append((centre - span / 2 + span * i / strokes, rng.uniform(0.2, 0.85)))
    controls = [(rng.uniform(-25, 25), rng.uniform(0.1, 0.95), rng.uniform(-25, 25),
                 rng.uniform(0.1, 0.95)) for _ in points[1:]]
    flourish = rng.uniform(0.15, 0.35)
    line_width = rng.uniform(0.8, 1.3)

    def draw(canvas: Canvas, top: float) -> None:
        h = sig.height

        def y(frac: float) -> float:
            return top - h * (1 - frac)

        canvas.saveState()
        canvas.setStrokeColorRGB(*SIGNATURE_INK)
        canvas.setLineWidth(line_width)
        path = canvas.beginPath()
        x0, f0 = points[0]
        path.moveTo(x0, y(f0))
        for (x1, f1), (dx1, g1, dx2, g2) in zip(points[1:], controls, strict=True):
            path.curveTo(x1 + dx1 - span / strokes, y(g1), x1 + dx2, y(g2), x1, y(f1))
        path.curveTo(centre + span / 3, y(flourish), centre - span / 2, y(flourish / 2),
                     centre - span / 3, y(flourish + 0.1))
        canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()

    return draw


def placeholder_drawer(box: Placeholder, x: float, width: float) -> Draw:
    """A grey shape with a thin outline, centred in the column."""
    left = x + (width - box.width) / 2

    def draw(canvas: Canvas, top: float) -> None:
        canvas.saveState()
        canvas.setFillColorRGB(*PLACEHOLDER_FILL)
        canvas.setLineWidth(0.4)
        if box.shape == "circle":
            canvas.ellipse(left, top - box.height, left + box.width, top, stroke=1, fill=1)
        else:
            canvas.rect(left, top - box.height, box.width, box.height, stroke=1, fill=1)
        canvas.restoreState()

    return draw


def qr_drawer(payload: str, left: float, size: float) -> Draw:
    """The symbol as filled squares (runs of dark modules merged), one path: crisp at any
    resolution and without seams between neighbouring modules."""
    modules = qr.matrix(payload)
    step = size / len(modules)
    runs: list[tuple[int, int, int]] = []  # row, first column, length
    for r, row in enumerate(modules):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1

    def draw(canvas: Canvas, top: float) -> None:
        canvas.saveState()
        canvas.setFillColorRGB(*INK)
        path = canvas.beginPath()
        for r, c, n in runs:
            path.rect(left + c * step, top - (r + 1) * step, n * step, step)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()

    return draw
