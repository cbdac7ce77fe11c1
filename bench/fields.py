"""Field-extraction benchmark: document type and field values against the generator's truth.

    .venv/bin/python -m bench.fields [--count 32] [--seed 4242]

Generates documents of every type at the clean, scanned and hard levels (plus the clean
level's born-digital PDFs), runs the whole sohoa pipeline on them, and writes the "fields"
section of ``bench/RESULTS.md``: classification accuracy and field exact-match accuracy per
level, per document type and per field, and how many identifier codes were reported valid
while wrong.

Exact match is on normalised values (ISO dates, digits-only IDs, integer đồng, NFC names).
Two kinds of field are compared ignoring letter case and punctuation: agency names and job
titles, whose capitalisation cannot be recovered from an all-capitals header.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import img2pdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from bench.scoring import Tally, comparable  # noqa: E402
from pipeline.batch import process_many  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.process import Pipeline  # noqa: E402
from samples import Level, SampleInfo, generate  # noqa: E402

LEVELS = ("born-digital", "clean", "scanned", "hard")
CODES = {"so_dinh_danh", "ma_so_doanh_nghiep", "ma_ho_so", "ma_so_thue"}
TARGETS = {"clean": 0.98, "scanned": 0.95, "hard": 0.85}


@dataclass
class Scores:
    types: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    fields: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_type: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_field: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    false_valid: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def whole_documents(samples: Sequence[SampleInfo], out: Path) -> list[SampleInfo]:
    """One file per document: pages the generator saved as separate images (``-p1``,
    ``-p2``) are wrapped into one PDF, as a scanning station would deliver the document."""
    groups: dict[str, list[SampleInfo]] = defaultdict(list)
    for sample in samples:
        match = re.match(r"^(.*)-p(\d+)$", sample.path.stem)
        groups[match.group(1) if match else sample.path.stem].append(sample)
    whole = []
    for stem, parts in groups.items():
        if len(parts) == 1:
            whole.append(parts[0])
            continue
        parts.sort(key=lambda s: s.path.stem)
        target = out / f"{stem}.pdf"
        target.write_bytes(img2pdf.convert([str(p.path) for p in parts]))
        whole.append(dataclasses.replace(parts[0], path=target, pages=len(parts),
                                         gt_text="\f".join(p.gt_text for p in parts)))
    return whole


def level_of(sample: SampleInfo) -> str:
    return "born-digital" if sample.born_digital else str(sample.level)


def score(samples: Sequence[SampleInfo], records: dict[Path, dict[str, object]]) -> Scores:
    out = Scores()
    for sample in samples:
        level = level_of(sample)
        record = records.get(sample.path, {})
        out.types[level].add(record.get("doc_type") == sample.doc_type)
        got = record.get("fields") or {}
        assert isinstance(got, dict)
        for name, truth in sample.fields.items():
            found = got.get(name) or {}
            value = found.get("value")
            ok = comparable(name, value) == comparable(name, truth)
            out.fields[level].add(ok)
            out.by_type[level, sample.doc_type].add(ok)
            out.by_field[level, name].add(ok)
            if not ok:
                out.misses.append(f"{level} {sample.path.name} {name}: {value!r} != {truth!r}")
            if name in CODES and found.get("valid") and not ok and value is not None:
                out.false_valid.append(f"{sample.path.name} {name}: {value!r} (truth {truth!r})")
    return out


def report(scores: Scores, samples: Sequence[SampleInfo], seconds: float, command: str) -> str:
    levels = [lvl for lvl in LEVELS if scores.types[lvl].total]
    lines = [
        "# Field extraction benchmark",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M %z')} by `{command}`: {len(samples)} files "
        f"({sum(s.pages for s in samples)} pages) from the samples generator, whole pipeline, "
        f"{seconds:.0f} s. Agency names and job titles are compared ignoring case and "
        "punctuation; every other field must match exactly after normalisation.",
        "",
        "| level | document type right | fields exactly right |",
        "| --- | --- | --- |",
    ]
    for level in levels:
        lines.append(f"| {level} | {scores.types[level].rate()} | "
                     f"{scores.fields[level].rate()} |")
    doc_types = sorted({s.doc_type for s in samples})
    lines += ["", "Fields exactly right, per document type:", "",
              "| type | " + " | ".join(levels) + " |", "| --- |" + " --- |" * len(levels)]
    for doc_type in doc_types:
        lines.append(f"| {doc_type} | " + " | ".join(
            scores.by_type[lvl, doc_type].rate() for lvl in levels) + " |")
    names = sorted({name for s in samples for name in s.fields})
    lines += ["", "Per field:", "", "| field | " + " | ".join(levels) + " |",
              "| --- |" + " --- |" * len(levels)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(
            scores.by_field[lvl, name].rate() for lvl in levels) + " |")
    lines += ["", f"Identifier codes reported valid but wrong: {len(scores.false_valid)}."]
    lines += [f"- {item}" for item in scores.false_valid[:20]]
    checks = [(f"fields ≥ {TARGETS[lvl]:.0%} on {lvl} ({scores.fields[lvl].value():.1%})",
               scores.fields[lvl].value() >= TARGETS[lvl]) for lvl in TARGETS if lvl in levels]
    everything = Tally(sum(t.right for t in scores.types.values()),
                       sum(t.total for t in scores.types.values()))
    checks.append((f"document type right on ≥ 98 % ({everything.value():.1%})",
                   everything.value() >= 0.98))
    checks.append(("no invalid identifier reported valid", not scores.false_valid))
    lines += ["", "## Targets", ""] + [f"- [{'x' if ok else ' '}] {t}" for t, ok in checks]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=32,
                        help="documents per level (two of each type)")
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "fields")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    generated = generate(args.workdir / "samples", args.count,
                         levels=[Level.CLEAN, Level.SCANNED, Level.HARD], seed=args.seed)
    samples = whole_documents(generated, args.workdir)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as home, Pipeline(Settings(home=Path(home))) as pipeline:
        items = list(process_many(pipeline, [s.path for s in samples]))
    seconds = time.perf_counter() - started
    records = {i.path: (i.record.to_dict() if i.record else {}) for i in items}
    scores = score(samples, records)
    (args.workdir / "misses.txt").write_text("\n".join(scores.misses), encoding="utf-8")
    command = "python -m bench.fields " + " ".join(argv if argv is not None else sys.argv[1:])
    text = report(scores, samples, seconds, command.strip())
    write_section(args.results, "fields", text)
    print(text)
    print(f"\n{len(scores.misses)} misses listed in {args.workdir / 'misses.txt'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
