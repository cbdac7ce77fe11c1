"""The invisible text layer of one page as a PDF content stream.

Each word is drawn in render mode 3 (invisible) with the glyphless font, stretched by
horizontal scaling to exactly its box, so selection and search highlight the right place;
a stretched space fills each gap so extraction keeps words apart.
"""

from __future__ import annotations

from itertools import groupby

from pipeline.models import PageText, Word
from pipeline.pdf.glyphless import ADVANCE

#: Share of the line box below the baseline (the font's descent is 0.2 em).
DESCENT = 0.2


def _hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _scaling(width: float, text: str, size: float) -> float:
    """Horizontal scaling (percent) that makes ``text`` at ``size`` span ``width`` points."""
    natural = len(text.encode("utf-16-be")) // 2 * ADVANCE / 1000.0 * size
    return max(1.0, 100.0 * width / natural) if natural > 0 else 100.0


def text_layer(page: PageText, width_pt: float, height_pt: float, font: str) -> bytes:
    """Content stream in display space (points, origin bottom-left of the displayed page)."""
    if not page.words:
        return b""
    sx = width_pt / page.width
    sy = height_pt / page.height
    out = ["BT", "3 Tr"]
    for _, group in groupby(page.words, key=lambda w: w.line):
        line: list[Word] = list(group)
        top = min(w.box[1] for w in line) * sy
        bottom = max(w.box[3] for w in line) * sy
        size = max(1.0, bottom - top)
        baseline = height_pt - bottom + DESCENT * size
        out.append(f"/{font} {_num(size)} Tf")
        for i, word in enumerate(line):
            x0, x1 = word.box[0] * sx, word.box[2] * sx
            out.append(f"1 0 0 1 {_num(x0)} {_num(baseline)} Tm")
            out.append(f"{_num(_scaling(x1 - x0, word.text, size))} Tz <{_hex(word.text)}> Tj")
            if i + 1 < len(line):
                gap = line[i + 1].box[0] * sx - x1
                if gap > 0:
                    out.append(f"{_num(_scaling(gap, ' ', size))} Tz <0020> Tj")
    out.append("ET")
    return ("\n".join(out) + "\n").encode("ascii")
