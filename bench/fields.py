"""Field-extraction benchmark: document type and field values against the generator's truth.

    .venv/bin/python -m bench.fields [--train 27] [--holdout 21] [--seed 4242] [--no-real]

Generates two sets of documents at the clean, scanned and hard levels (plus the clean
level's born-digital PDFs): one in the layouts the field extractor was developed on (every
type, "train") and one in the layout of each citizen-facing type it was never tuned on
("holdout", see ``samples.content.HOLDOUT``). Runs the whole sohoa pipeline on both and
writes the "fields" section of ``bench/RESULTS.md``: per set, classification and exact-match
accuracy per level, per type, per layout and per field; identifier codes reported valid while
wrong; and a reliability table of the confidences reported against how often those values
were right. Then, unless ``--no-real``, the annotated real development documents
(``bench/real_docs.py``: per field, per document, with their own reliability table) into the
"real-dev" section.

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
from pipeline.config import FieldSettings, Settings  # noqa: E402
from pipeline.fields.calibration import features  # noqa: E402
from pipeline.fields.model import FieldValue  # noqa: E402
from pipeline.fields.template import load as load_templates  # noqa: E402
from pipeline.process import Pipeline  # noqa: E402
from samples import Level, SampleInfo, generate  # noqa: E402

LEVELS = ("born-digital", "clean", "scanned", "hard")
SETS = ("holdout", "train")
CODES = {"so_dinh_danh", "ma_so_doanh_nghiep", "ma_ho_so", "ma_so_thue", "ma_thu_tuc"}
#: Issue 13's targets on the layouts the extractor was not tuned on.
TARGETS = {"clean": 0.95, "scanned": 0.92, "hard": 0.80}
TYPE_TARGET = 0.98
#: The review threshold (``review.min_field_confidence``) and the "sure" confidence.
REVIEW, SURE, SURE_RIGHT = 0.6, 0.9, 0.98
BINS = ((0.0, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.0001))



@dataclass
class Scores:
    """Tallies keyed by level (and type, layout or field) for one set of documents."""

    types: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    fields: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_type: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_layout: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_field: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    reported: list[tuple[float, bool]] = field(default_factory=list)  # confidence, right
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
            out.by_layout[level, f"{sample.doc_type}/{sample.layout}"].add(ok)
            out.by_field[level, name].add(ok)
            if value is not None:
                out.reported.append((float(found.get("confidence", 0.0)), ok))
            if not ok:
                out.misses.append(f"{level} {sample.path.name} {name}: {value!r} != {truth!r} "
                                  f"({found.get('confidence', 0.0):.2f})")
            if name in CODES and found.get("valid") and not ok and value is not None:
                out.false_valid.append(f"{sample.path.name} {name}: {value!r} (truth {truth!r})")
    return out


@dataclass(frozen=True)
class Observation:
    """One value reported, what the calibration model is given about it, and if it was right."""

    value: FieldValue
    kind: str
    page_confidence: float | None
    ok: bool

    def features(self) -> dict[str, float]:
        return features(self.value, self.kind, self.page_confidence)

    def to_json(self) -> dict[str, object]:
        return {"value": self.value.to_dict(), "kind": self.kind,
                "page_confidence": self.page_confidence, "ok": self.ok}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Observation:
        found = data["value"]
        assert isinstance(found, dict)
        value = FieldValue(found["value"], float(found["confidence"]), found.get("page"),
                           None, found.get("raw", ""), bool(found.get("valid", True)),
                           found.get("reason"), found.get("source", "ocr"),
                           confirmed_by=tuple(found.get("confirmed_by", ())))
        quality = data.get("page_confidence")
        return cls(value, str(data["kind"]),
                   None if quality is None else float(str(quality)), bool(data["ok"]))


def observations(samples: Sequence[SampleInfo], records: dict[Path, dict[str, object]]
                 ) -> list[Observation]:
    """Every value reported, as the calibration model sees it, and whether it was right."""
    templates = load_templates([])
    rows = []
    for sample in samples:
        record = records.get(sample.path, {})
        got = record.get("fields") or {}
        pages = record.get("pages") or []
        assert isinstance(got, dict) and isinstance(pages, list)
        template = templates.get(str(record.get("doc_type")))
        for name, truth in sample.fields.items():
            found = got.get(name) or {}
            if found.get("value") is None:
                continue
            spec = template.fields.get(name) if template else None
            page = found.get("page")
            quality = pages[page - 1].get("mean_confidence") if page and page <= len(pages) \
                else None
            ok = comparable(name, found["value"]) == comparable(name, truth)
            rows.append(Observation.from_json({"value": found, "kind": spec.kind if spec
                                               else "text", "page_confidence": quality,
                                               "ok": ok}))
    return rows


def run_pipeline(paths: Sequence[Path], calibrate: bool = True
                 ) -> tuple[dict[Path, dict[str, object]], float]:
    """The records of ``paths`` through the whole pipeline, and the seconds it took."""
    started = time.perf_counter()
    settings = dataclasses.replace(Settings(), fields=FieldSettings(calibrate=calibrate))
    with tempfile.TemporaryDirectory() as home, \
            Pipeline(dataclasses.replace(settings, home=Path(home))) as pipeline:
        items = list(process_many(pipeline, paths))
    records = {i.path: (i.record.to_dict() if i.record else {}) for i in items}
    return records, time.perf_counter() - started


def _table(title: str, keys: Sequence[str], levels: Sequence[str],
           tallies: dict[tuple[str, str], Tally]) -> list[str]:
    lines = ["", f"{title}:", "", f"| {title.split(',')[0].lower()} | " + " | ".join(levels)
             + " |", "| --- |" + " --- |" * len(levels)]
    for k in keys:
        lines.append(f"| {k} | " + " | ".join(tallies[lvl, k].rate() for lvl in levels) + " |")
    return lines


def set_report(name: str, scores: Scores, samples: Sequence[SampleInfo]) -> list[str]:
    levels = [lvl for lvl in LEVELS if scores.types[lvl].total]
    lines = ["", f"## {name}", "", "| level | document type right | fields exactly right |",
             "| --- | --- | --- |"]
    for level in levels:
        lines.append(f"| {level} | {scores.types[level].rate()} | "
                     f"{scores.fields[level].rate()} |")
    lines += _table("Fields exactly right, per document type",
                    sorted({s.doc_type for s in samples}), levels, scores.by_type)
    lines += _table("Layout, fields exactly right",
                    sorted({f"{s.doc_type}/{s.layout}" for s in samples}), levels,
                    scores.by_layout)
    lines += _table("Field, exactly right", sorted({n for s in samples for n in s.fields}),
                    levels, scores.by_field)
    lines += ["", f"Identifier codes reported valid but wrong: {len(scores.false_valid)}."]
    lines += [f"- {item}" for item in scores.false_valid[:20]]
    return lines


def reliability(reported: Sequence[tuple[float, bool]]) -> list[str]:
    lines = ["| confidence | values reported | observed right |", "| --- | --- | --- |"]
    for low, high in BINS:
        inside = Tally()
        for confidence, ok in reported:
            if low <= confidence < high:
                inside.add(ok)
        label = f"[{low:.2f}, {min(high, 1.0):.2f}{']' if high > 1 else ')'}"
        lines.append(f"| {label} | {inside.total} | {inside.rate()} |")
    return lines


def calibration(reported: Sequence[tuple[float, bool]]) -> tuple[Tally, Tally]:
    """(values reported ≥ SURE: how many right; wrong values: how many below REVIEW)."""
    sure, wrong = Tally(), Tally()
    for confidence, ok in reported:
        if confidence >= SURE:
            sure.add(ok)
        if not ok:
            wrong.add(confidence < REVIEW)
    return sure, wrong


def report(results: dict[str, tuple[Scores, list[SampleInfo]]], seconds: float,
           command: str) -> str:
    files = [s for _, samples in results.values() for s in samples]
    lines = [
        "# Field extraction benchmark",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M %z')} by `{command}`: {len(files)} files "
        f"({sum(s.pages for s in files)} pages) from the samples generator, whole pipeline "
        f"with Tesseract, {seconds:.0f} s. Hold-out: the layout of each citizen-facing type "
        "the extractor was never tuned on (`samples.content.HOLDOUT`); train: every other "
        "layout of every type. Agency names and job titles are compared ignoring case and "
        "punctuation; every other field must match exactly after normalisation.",
    ]
    for name in SETS:
        if name in results:
            scores, samples = results[name]
            lines += set_report({"holdout": "Hold-out layouts (not tuned on)",
                                 "train": "Train layouts"}[name], scores, samples)
    every = [r for scores, _ in results.values() for r in scores.reported]
    lines += ["", "## Confidence calibration", "",
              "Every value reported (both sets, all levels), by the confidence given to it:", ""]
    lines += reliability(every)
    checks: list[tuple[str, bool]] = []
    if "holdout" in results:
        held, _ = results["holdout"]
        lines += ["", "Hold-out layouts only:", "", *reliability(held.reported)]
        for level, target in TARGETS.items():
            if held.fields[level].total:
                checks.append((f"hold-out fields ≥ {target:.0%} on {level} "
                               f"({held.fields[level].value():.1%})",
                               held.fields[level].value() >= target))
        typed = Tally(sum(t.right for t in held.types.values()),
                      sum(t.total for t in held.types.values()))
        checks.append((f"hold-out document type right on ≥ {TYPE_TARGET:.0%} "
                       f"({typed.value():.1%})", typed.value() >= TYPE_TARGET))
    false_valid = sum(len(scores.false_valid) for scores, _ in results.values())
    checks.append((f"no invalid identifier reported valid ({false_valid})", not false_valid))
    sure, wrong = calibration(every)
    checks.append((f"values reported at ≥ {SURE} right ≥ {SURE_RIGHT:.0%} of the time "
                   f"({sure.rate()})", sure.value() >= SURE_RIGHT))
    checks.append((f"wrong values below the review threshold {REVIEW} ({wrong.rate()})",
                   wrong.right == wrong.total))
    lines += ["", "## Targets", ""] + [f"- [{'x' if ok else ' '}] {t}" for t, ok in checks]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=27,
                        help="documents per level in the train layouts (default 27: three of "
                             "each type)")
    parser.add_argument("--holdout", type=int, default=21,
                        help="documents per level in the hold-out layouts (default 21: three "
                             "of each citizen-facing type)")
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "fields")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--no-real", dest="real", action="store_false",
                        help="skip the real development documents (../shared/real-dev)")
    args = parser.parse_args(argv)
    levels = [Level.CLEAN, Level.SCANNED, Level.HARD]
    sets: dict[str, list[SampleInfo]] = {}
    for offset, (name, count) in enumerate((("train", args.train),
                                            ("holdout", args.holdout))):
        if count:
            generated = generate(args.workdir / name, count, levels=levels,
                                 seed=args.seed + offset, layouts=name)
            sets[name] = whole_documents(generated, args.workdir / name)
    records, seconds = run_pipeline([s.path for samples in sets.values() for s in samples])
    results = {name: (score(samples, records), samples) for name, samples in sets.items()}
    for name, (scores, _) in results.items():
        (args.workdir / f"misses-{name}.txt").write_text("\n".join(scores.misses),
                                                          encoding="utf-8")
    command = "python -m bench.fields " + " ".join(argv if argv is not None else sys.argv[1:])
    text = report(results, seconds, command.strip())
    write_section(args.results, "fields", text)
    print(text)
    print(f"\nmisses listed in {args.workdir}/misses-*.txt")
    if args.real:  # the annotated real documents, per field (bench/real_docs.py)
        from bench import real_docs

        done = real_docs.run()
        if done is not None:
            write_section(args.results, "real-dev", done[1])
            print(done[1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
