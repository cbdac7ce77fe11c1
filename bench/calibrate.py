"""Fit the field-confidence calibration (``pipeline/fields/calibration.json``).

    .venv/bin/python -m bench.calibrate [--per-level 45] [--seed 9090]

Generates documents in the layouts the extractor was developed on ("train"; never the
hold-out layouts, which stay for measuring), at the clean, scanned and hard levels plus the
born-digital PDFs, with a seed of its own, reads them with the whole pipeline with
calibration off, and fits the logistic model of :mod:`pipeline.fields.calibration` to
whether each reported value was right. Prints the reliability before and after on the data
it was fitted on; ``python -m bench.fields`` measures it on the hold-out layouts and the
real documents.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fields import (  # noqa: E402
    Observation,
    observations,
    reliability,
    run_pipeline,
    whole_documents,
)
from pipeline.fields.calibration import MODEL_PATH, READ_SOURCES, fit  # noqa: E402
from samples import Level, generate  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-level", type=int, default=45)
    parser.add_argument("--seed", type=int, default=9090)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "calibrate")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--again", action="store_true",
                        help="refit on the values of the last run (no OCR)")
    args = parser.parse_args(argv)
    saved = args.workdir / "observations.jsonl"
    seconds = 0.0
    if args.again:
        found = [Observation.from_json(json.loads(line))
                 for line in saved.read_text(encoding="utf-8").splitlines()]
        count = 0  # not known from the saved values
    else:
        samples = whole_documents(generate(args.workdir, args.per_level,
                                           levels=[Level.CLEAN, Level.SCANNED, Level.HARD],
                                           seed=args.seed, layouts="train"), args.workdir)
        records, seconds = run_pipeline([s.path for s in samples], calibrate=False)
        found = observations(samples, records)
        saved.write_text("".join(json.dumps(o.to_json(), ensure_ascii=False) + "\n"
                                 for o in found), encoding="utf-8")
        count = len(samples)
    rows = [(o.features(), o.ok) for o in found if o.value.source in READ_SOURCES]
    sources = sorted({k.removeprefix("source=") for f, _ in rows for k in f
                      if k.startswith("source=")})
    about = {"fitted": time.strftime("%Y-%m-%d"),
             "command": "python -m bench.calibrate " + " ".join(argv or sys.argv[1:]),
             "data": f"generated documents (train layouts, seed {args.seed}), "
                     f"{len(rows)} values, {sum(ok for _, ok in rows)} right",
             "sources": sources}
    model = fit(rows, about)
    args.out.write_text(model.to_json(), encoding="utf-8")
    before = [(1 / (1 + math.exp(-f["logit"])), ok) for f, ok in rows]
    after = [(model.probability_of(f), ok) for f, ok in rows]
    print(f"{len(rows)} values ({count} documents, {seconds:.0f} s of reading); model in "
          f"{args.out}")
    print("\nBefore:\n" + "\n".join(reliability(before)))
    print("\nAfter (same data):\n" + "\n".join(reliability(after)))
    return 0



if __name__ == "__main__":
    raise SystemExit(main())
