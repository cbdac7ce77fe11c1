"""Real documents: the development set of public Vietnamese state documents, scored.

    .venv/bin/python -m bench.real_docs [--folder ../shared/real-dev]

Runs the whole sohoa pipeline on the scans and page images of ``<repo>/../shared/real-dev``
and scores the document kind and the Decree 30 fields (number and symbol, issue date,
issuing agency, signer, signer's title) against ``bench/data/real-dev.json``, per field and
per document, with the confidence each value was reported at: how often a value reported
at a given confidence is right (the reliability the review threshold relies on). Writes the
"real-dev" section of ``bench/RESULTS.md``.

These are development numbers: the set was looked at while the rules were written.
Accuracy that counts is measured on other real documents.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from bench.scoring import Tally, comparable  # noqa: E402
from pipeline.batch import process_many  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.process import Pipeline  # noqa: E402

FOLDER = ROOT.parent / "shared" / "real-dev"
TRUTH = ROOT / "bench" / "data" / "real-dev.json"
FIELDS = ("so_ky_hieu", "ngay_ban_hanh", "co_quan_ban_hanh", "nguoi_ky", "chuc_vu")
#: Confidence bands of the reliability table; the review threshold is 0.6.
BANDS = ((0.9, 1.01, "≥ 0.9"), (0.6, 0.9, "0.6–0.9"), (0.0, 0.6, "< 0.6 (review)"))
TARGET, CONFIDENT = 0.9, 0.98


@dataclass
class Outcome:
    """One judged value: the file, the field, what was read and how sure sohoa was."""

    file: str
    name: str
    truth: object
    value: object
    confidence: float | None

    @property
    def right(self) -> bool:
        return comparable(self.name, self.value) == comparable(self.name, self.truth)


@dataclass
class Scores:
    outcomes: list[Outcome] = field(default_factory=list)
    kinds: Tally = field(default_factory=Tally)
    kind_misses: list[str] = field(default_factory=list)
    by_field: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))


def score(truth: Mapping[str, Any], records: Mapping[str, Mapping[str, Any]]) -> Scores:
    out = Scores()
    for name, expected in truth.items():
        record = records.get(name, {})
        if expected.get("doc_type"):
            ok = record.get("doc_type") == expected["doc_type"]
            out.kinds.add(ok)
            if not ok:
                out.kind_misses.append(f"{name}: {record.get('doc_type')} "
                                       f"(truth {expected['doc_type']})")
        got = record.get("fields") or {}
        for field_name in FIELDS:
            if field_name not in expected["fields"]:
                continue
            found = got.get(field_name) or {}
            outcome = Outcome(name, field_name, expected["fields"][field_name],
                              found.get("value"), found.get("confidence"))
            out.outcomes.append(outcome)
            out.by_field[field_name].add(outcome.right)
    return out


def _cell(outcome: Outcome | None) -> str:
    if outcome is None:
        return "—"
    conf = "" if outcome.confidence is None else f" {outcome.confidence:.2f}"
    if outcome.right:
        return f"✓{conf}"
    return f"✗{conf} ({outcome.value!r})" if outcome.value is not None else "✗ (none)"


def reliability(outcomes: Sequence[Outcome]) -> list[str]:
    """How often values reported in each confidence band are right; values not reported
    count as missing, not as a band."""
    lines = ["| reported confidence | values | right | right share |", "| --- | --- | --- | --- |"]
    for low, high, label in BANDS:
        band = [o for o in outcomes if o.value is not None and o.confidence is not None
                and low <= o.confidence < high]
        right = sum(o.right for o in band)
        share = f"{right / len(band):.0%}" if band else "—"
        lines.append(f"| {label} | {len(band)} | {right} | {share} |")
    missing = sum(o.value is None for o in outcomes)
    lines.append(f"| not reported | {missing} | — | — |")
    return lines


def report(scores: Scores, truth: Mapping[str, Any], records: Mapping[str, Any],
           seconds: float, command: str) -> str:
    by_file: dict[tuple[str, str], Outcome] = {(o.file, o.name): o for o in scores.outcomes}
    lines = [
        "# Real documents (development set)",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M %z')} by `{command}`: {len(truth)} public "
        f"documents of Vietnamese state bodies in `shared/real-dev` (scans with seals, a "
        f"bitonal scan with an incoming-mail stamp, page images), whole pipeline, "
        f"{seconds:.0f} s. **Development numbers**: these files were looked at while the rules "
        "were written; accuracy that counts is measured on other documents. Exact match "
        "after normalisation; agency and title ignoring case and punctuation. Each cell "
        "gives the confidence sohoa reported.",
        "",
        "| field | right |",
        "| --- | --- |",
        f"| document kind | {scores.kinds.rate()} |",
    ]
    lines += [f"| {name} | {scores.by_field[name].rate()} |" for name in FIELDS]
    lines += ["", "Per document:", "",
              "| file | kind | " + " | ".join(FIELDS) + " |",
              "| --- | --- |" + " --- |" * len(FIELDS)]
    for name, expected in truth.items():
        got = records.get(name, {}).get("doc_type")
        kind = ("—" if not expected.get("doc_type") else
                "✓" if got == expected["doc_type"] else f"✗ ({got})")
        if not expected.get("doc_type") and got not in (None, "unknown"):
            kind = f"({got})"
        lines.append(f"| {name} | {kind} | " + " | ".join(
            _cell(by_file.get((name, f))) for f in FIELDS) + " |")
    lines += ["", "Reliability (every judged value):", "", *reliability(scores.outcomes)]
    confident = [o for o in scores.outcomes if o.value is not None
                 and o.confidence is not None and o.confidence >= 0.9]
    wrong_sent_on = [o for o in scores.outcomes if o.value is not None and not o.right
                     and o.confidence is not None and o.confidence >= 0.6]
    share = sum(o.right for o in confident) / len(confident) if confident else 1.0
    checks = [(f"{name} right on ≥ {TARGET:.0%} ({scores.by_field[name].value():.0%})",
               scores.by_field[name].value() >= TARGET) for name in FIELDS]
    checks.append((f"document kind right on ≥ {TARGET:.0%} ({scores.kinds.value():.0%})",
                   scores.kinds.value() >= TARGET))
    checks.append((f"values reported at ≥ 0.9 right on ≥ {CONFIDENT:.0%} ({share:.0%} of "
                   f"{len(confident)})", share >= CONFIDENT))
    checks.append((f"no wrong value at or above the review threshold 0.6 "
                   f"({len(wrong_sent_on)})", not wrong_sent_on))
    lines += ["", "## Targets (on the development set)", ""]
    lines += [f"- [{'x' if ok else ' '}] {text}" for text, ok in checks]
    lines += [f"- wrong at ≥ 0.6: {o.file} {o.name} = {o.value!r} ({o.confidence:.2f})"
              for o in wrong_sent_on if o.confidence is not None]
    lines += [f"- kind missed: {miss}" for miss in scores.kind_misses]
    return "\n".join(lines)


def run(folder: Path = FOLDER, truth_path: Path = TRUTH) -> tuple[Scores, str] | None:
    """Process and score the set; None when the folder is not there."""
    if not folder.is_dir():
        return None
    truth = json.loads(truth_path.read_text(encoding="utf-8"))["files"]
    paths = [folder / name for name in truth if (folder / name).exists()]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as home, Pipeline(Settings(home=Path(home))) as pipeline:
        items = list(process_many(pipeline, paths))
    seconds = time.perf_counter() - started
    records = {i.path.name: (i.record.to_dict() if i.record else {}) for i in items}
    scores = score({k: v for k, v in truth.items() if (folder / k).exists()}, records)
    command = "python -m bench.real_docs"
    return scores, report(scores, truth, records, seconds, command)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=FOLDER)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    done = run(args.folder)
    if done is None:
        print(f"Không có thư mục tài liệu thật {args.folder}; bỏ qua.")
        return 0
    text = done[1]
    write_section(args.results, "real-dev", text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
