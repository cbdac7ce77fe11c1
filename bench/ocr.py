"""OCR benchmark: sohoa against OCRmyPDF and plain Tesseract on the same generated pages.

Run from the repository root (after ``make bench-deps`` or ``make bench``)::

    .venv/bin/python bench/ocr.py --runs 3

It generates a fixed sample set with the samples generator (clean / scanned / hard levels,
every document type, at least 60 raster pages), runs each tool over each level ``--runs``
times in this session and writes ``bench/RESULTS.md``: character and word error rates per
level (Unicode NFC, whitespace collapsed), pages per minute, CPU seconds per page and peak
memory, each the median of the runs, plus peak memory on a 200-page scanned PDF.

The tools run as a user would run them:

* sohoa: ``sohoa ingest FILES... --json`` on the files as generated (PNG, JPEG, TIFF, PDF), one
  process per level, into a fresh store.
* OCRmyPDF: ``ocrmypdf -l vie --rotate-pages --deskew --jobs 2 IN.pdf OUT.pdf --sidecar``, one
  document after another; image files are first wrapped losslessly into PDFs with img2pdf (as
  OCRmyPDF's documentation advises for multi-page TIFF), outside the timing.
* Tesseract: ``tesseract PAGE.png stdout -l vie`` per page image, two processes at a time,
  each with ``OMP_THREAD_LIMIT=1`` (its most CPU-frugal setting).

CPU time is user + system time of all child processes (``getrusage(RUSAGE_CHILDREN)``); peak
memory is the largest resident set of any single process of a run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import img2pdf
import pikepdf
import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from samples import Level, SampleInfo, generate  # noqa: E402
from samples.generate import GENERATOR, load_manifest  # noqa: E402
from samples.metrics import normalise  # noqa: E402
from samples.metrics import wer as word_error_rate  # noqa: E402

LEVELS = (Level.CLEAN, Level.SCANNED, Level.HARD)
RASTER_FORMATS = ["png", "jpeg", "tiff", "image-pdf"]
TOOLS = ("sohoa", "ocrmypdf", "tesseract")
MIN_PAGES = 60


@dataclass(frozen=True)
class Doc:
    sample: SampleInfo
    pdf: Path  # the same pages as an image-only PDF (OCRmyPDF's input)
    pages: tuple[Path, ...]  # one PNG per page (plain Tesseract's input)

    @property
    def name(self) -> str:
        return self.sample.path.name


@dataclass
class Run:
    texts: dict[str, str]
    wall: float
    cpu: float
    peak_mb: float


@dataclass
class Measure:
    pages: int
    runs: list[Run] = field(default_factory=list)

    def median(self, get: Callable[[Run], float]) -> float:
        return statistics.median(get(r) for r in self.runs)


# -- the sample set ---------------------------------------------------------------------

def build_set(workdir: Path, seed: int) -> dict[Level, list[Doc]]:
    """Generate (or reuse, when the seed matches) at least 60 raster pages over all levels."""
    samples_dir = workdir / "samples"
    infos: list[SampleInfo] = []
    if (samples_dir / "manifest.json").exists():
        settings, infos = load_manifest(samples_dir)
        if settings.get("seed") != seed or settings.get("generator") != GENERATOR:
            infos = []
    if not infos:
        if samples_dir.exists():
            shutil.rmtree(samples_dir)
        count = 14
        while True:
            infos = generate(samples_dir, count, levels=LEVELS, seed=seed,
                             formats=RASTER_FORMATS)
            if sum(i.pages for i in infos) >= MIN_PAGES:
                break
            count += 4
        shutil.rmtree(workdir / "inputs", ignore_errors=True)
    inputs = workdir / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    docs: dict[Level, list[Doc]] = {level: [] for level in LEVELS}
    for info in infos:
        docs[info.level].append(_prepare(info, inputs))
    return docs


def _prepare(info: SampleInfo, out: Path) -> Doc:
    stem = info.path.stem
    done = sorted(out.glob(f"{stem}-[0-9]*.png"))
    if len(done) == info.pages and (info.path.suffix == ".pdf" or (out / f"{stem}.pdf").exists()):
        return Doc(info, info.path if info.path.suffix == ".pdf" else out / f"{stem}.pdf",
                   tuple(done))
    if info.path.suffix == ".pdf":
        pdf = info.path
        pages = _render_pdf_pages(info.path, out / stem)
    else:
        frames = _image_frames(info.path)
        pages = []
        for n, (img, dpi) in enumerate(frames, 1):
            page = out / f"{stem}-{n}.png"
            img.save(page, dpi=(dpi, dpi))
            pages.append(page)
        pdf = out / f"{stem}.pdf"
        dpi = frames[0][1]
        layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
        pdf.write_bytes(img2pdf.convert(str(info.path), layout_fun=layout))
    return Doc(info, pdf, tuple(pages))


def _image_frames(path: Path) -> list[tuple[Image.Image, int]]:
    frames = []
    with Image.open(path) as img:
        for index in range(getattr(img, "n_frames", 1)):
            img.seek(index)
            dpi = round(float(img.info.get("dpi", (300, 300))[0]))
            frames.append((img.convert("RGB" if img.mode not in ("L", "1") else "L"), dpi))
    return frames


def _render_pdf_pages(path: Path, stem: Path) -> list[Path]:
    """Page images at the PDF's own image resolution (what a scanner saved)."""
    out = []
    with pikepdf.open(path) as pdf:
        dpis = []
        for page in pdf.pages:
            image = next(iter(page.get_images().values()))
            width_px = int(image.Width)
            dpis.append(round(width_px / (float(page.mediabox[2]) / 72.0)))
    doc = pdfium.PdfDocument(path)
    try:
        for n, dpi in enumerate(dpis, 1):
            target = Path(f"{stem}-{n}.png")
            doc[n - 1].render(scale=dpi / 72.0).to_pil().save(target, dpi=(dpi, dpi))
            out.append(target)
    finally:
        doc.close()
    return out


# -- running the tools --------------------------------------------------------------------

def _children_usage() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def _measured(work: Callable[[], dict[str, str]]) -> Run:
    """Run ``work`` in a fresh child so its peak memory is its own."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: run, report texts and timings through the pipe
        os.close(read)
        cpu0, _ = _children_usage()
        t0 = time.perf_counter()
        texts = work()
        wall = time.perf_counter() - t0
        cpu1, peak = _children_usage()
        with os.fdopen(write, "w") as fh:
            json.dump({"texts": texts, "wall": wall, "cpu": cpu1 - cpu0, "peak": peak}, fh)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        data = json.load(fh)
    os.waitpid(pid, 0)
    return Run(data["texts"], data["wall"], data["cpu"], data["peak"])


def run_sohoa(docs: Sequence[Doc], home: Path) -> Run:
    def work() -> dict[str, str]:
        if home.exists():
            shutil.rmtree(home)
        env = {**os.environ, "SOHOA_HOME": str(home)}
        exe = Path(sys.executable).with_name("sohoa")
        result = subprocess.run([str(exe), "ingest", "--json", *(str(d.sample.path) for d in docs)],
                                capture_output=True, env=env, check=False)
        texts = {}
        for line in result.stdout.decode().splitlines():
            record = json.loads(line)
            texts[record["source"]["filename"]] = record.get("text") or ""
        return texts

    return _measured(work)


def run_ocrmypdf(docs: Sequence[Doc], out: Path) -> Run:
    def work() -> dict[str, str]:
        out.mkdir(parents=True, exist_ok=True)
        exe = Path(sys.executable).with_name("ocrmypdf")
        texts = {}
        for doc in docs:
            target, sidecar = out / f"{doc.pdf.stem}.pdf", out / f"{doc.pdf.stem}.txt"
            subprocess.run([str(exe), "-q", "-l", "vie", "--rotate-pages", "--deskew", "--jobs",
                            "2", str(doc.pdf), str(target), "--sidecar", str(sidecar)],
                           capture_output=True, check=False)
            texts[doc.name] = sidecar.read_text(encoding="utf-8") if sidecar.exists() else ""
        return texts

    return _measured(work)


def run_tesseract(docs: Sequence[Doc]) -> Run:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def page_text(page: Path) -> str:
        result = subprocess.run(["tesseract", str(page), "stdout", "-l", "vie"],
                                capture_output=True, env=env, check=False)
        return result.stdout.decode("utf-8")

    def work() -> dict[str, str]:
        with ThreadPoolExecutor(max_workers=2) as pool:
            texts = {d.name: pool.map(page_text, d.pages) for d in docs}
            return {name: "\f".join(pages) for name, pages in texts.items()}

    return _measured(work)


# -- scoring ------------------------------------------------------------------------------

def error_rates(docs: Sequence[Doc], texts: dict[str, str]) -> tuple[float, float]:
    """Character and word error rates over a level: total edits / total reference length."""
    from rapidfuzz.distance import Levenshtein

    char_edits = char_total = 0
    word_edits = 0.0
    word_total = 0
    for doc in docs:
        ref, hyp = normalise(doc.sample.gt_text), normalise(texts.get(doc.name, ""))
        char_edits += Levenshtein.distance(ref, hyp)
        char_total += len(ref)
        words = len(ref.split())
        word_edits += word_error_rate(ref, hyp) * words
        word_total += words
    return char_edits / max(1, char_total), word_edits / max(1, word_total)


def memory_on_long_pdf(docs: Sequence[Doc], workdir: Path, pages: int) -> tuple[float, float]:
    """Peak MB and seconds for ``sohoa ingest`` of one long scanned PDF."""
    big = pikepdf.new()
    sources = [pikepdf.open(d.pdf) for d in docs]
    try:
        while len(big.pages) < pages:
            for src in sources:
                for page in src.pages:
                    if len(big.pages) < pages:
                        big.pages.append(page)
        path = workdir / f"scan-{pages}-pages.pdf"
        big.save(path)
    finally:
        for src in sources:
            src.close()
    fake = [Doc(SampleInfo(path, "", path, path, "mixed", Level.SCANNED, "pdf", pages, False,
                           None, {}), path, ())]
    run = run_sohoa(fake, workdir / "home-long")
    return run.peak_mb, run.wall


# -- report -------------------------------------------------------------------------------

def versions() -> dict[str, str]:
    def first_line(cmd: list[str]) -> str:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        return (out.stdout or out.stderr).splitlines()[0].strip()

    exe = Path(sys.executable).parent
    return {
        "tesseract": first_line(["tesseract", "--version"]),
        "ocrmypdf": first_line([str(exe / "ocrmypdf"), "--version"]),
        "python": platform.python_version(),
        "cpus": str(os.cpu_count()),
    }


def write_report(path: Path, measures: dict[str, dict[Level, Measure]],
                 docs: dict[Level, list[Doc]], long_pdf: tuple[int, float, float] | None,
                 runs: int, command: str) -> None:
    lines = [
        "# OCR benchmark",
        "",
        f"Measured {datetime.now().astimezone():%Y-%m-%d %H:%M %z} by `{command}`; "
        f"each figure is the median of {runs} run(s) in one session on the same machine.",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in versions().items()) + ".",
        "",
        "Set: " + ", ".join(f"{lvl}: {len(docs[lvl])} files, {measures['sohoa'][lvl].pages} pages"
                            for lvl in LEVELS) + " (samples generator, seed fixed).",
        "",
        "## Accuracy (lower is better)",
        "",
        "| level | sohoa CER | OCRmyPDF CER | Tesseract CER | sohoa WER | OCRmyPDF WER "
        "| Tesseract WER |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    rates: dict[tuple[str, Level], tuple[float, float]] = {}
    for level in LEVELS:
        for tool in TOOLS:
            rates[tool, level] = error_rates(docs[level], measures[tool][level].runs[-1].texts)
        cers = " | ".join(f"{rates[t, level][0]:.2%}" for t in TOOLS)
        wers = " | ".join(f"{rates[t, level][1]:.2%}" for t in TOOLS)
        lines.append(f"| {level} | {cers} | {wers} |")
    lines += [
        "",
        "## Speed (2 cores)",
        "",
        "| level | tool | pages/min | CPU s/page | peak memory MB |",
        "| --- | --- | --- | --- | --- |",
    ]
    for level in LEVELS:
        for tool in TOOLS:
            m = measures[tool][level]
            lines.append(f"| {level} | {tool} | {m.pages / m.median(lambda r: r.wall) * 60:.1f} "
                         f"| {m.median(lambda r: r.cpu) / m.pages:.2f} "
                         f"| {m.median(lambda r: r.peak_mb):.0f} |")

    def total_ppm(tool: str) -> float:
        pages = sum(measures[tool][lvl].pages for lvl in LEVELS)
        wall = sum(measures[tool][lvl].median(lambda r: r.wall) for lvl in LEVELS)
        return pages / wall * 60

    def cpu_per_page(tool: str, level: Level) -> float:
        m = measures[tool][level]
        return m.median(lambda r: r.cpu) / m.pages

    ppm = {tool: total_ppm(tool) for tool in TOOLS}
    lines += ["", "All levels: " + ", ".join(f"{t} {ppm[t]:.1f} pages/min" for t in TOOLS) + "."]
    checks = [
        ("CER below OCRmyPDF's on every level",
         all(rates["sohoa", lvl][0] < rates["ocrmypdf", lvl][0] for lvl in LEVELS)),
        ("hard-level CER at most half of OCRmyPDF's",
         rates["sohoa", Level.HARD][0] <= 0.5 * rates["ocrmypdf", Level.HARD][0]),
        ("scanned-level CER at most 3 %", rates["sohoa", Level.SCANNED][0] <= 0.03),
        (f"pages/min at least 1.3 × OCRmyPDF's (ratio {ppm['sohoa'] / ppm['ocrmypdf']:.2f})",
         ppm["sohoa"] >= 1.3 * ppm["ocrmypdf"]),
        ("CPU s per clean page at most 1.15 × plain Tesseract's (ratio "
         f"{cpu_per_page('sohoa', Level.CLEAN) / cpu_per_page('tesseract', Level.CLEAN):.2f})",
         cpu_per_page("sohoa", Level.CLEAN) <= 1.15 * cpu_per_page("tesseract", Level.CLEAN)),
    ]
    if long_pdf is not None:
        pages, peak, wall = long_pdf
        lines += ["", f"Long document: one {pages}-page scanned PDF, peak memory {peak:.0f} MB, "
                      f"{wall:.0f} s ({pages / wall * 60:.1f} pages/min)."]
        checks.append((f"peak memory under 1 GiB on a {pages}-page scanned PDF ({peak:.0f} MB)",
                       peak < 1024))
    lines += ["", "## Targets", ""]
    lines += [f"- [{'x' if ok else ' '}] {text}" for text, ok in checks]
    write_section(path, "ocr", "\n".join(lines))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--long-pages", type=int, default=200,
                        help="pages of the long PDF for the memory figure (0 to skip)")
    parser.add_argument("--tools", default=",".join(TOOLS))
    args = parser.parse_args(argv)
    tools = [t for t in args.tools.split(",") if t]
    docs = build_set(args.workdir, args.seed)
    measures: dict[str, dict[Level, Measure]] = {
        tool: {lvl: Measure(sum(d.sample.pages for d in docs[lvl])) for lvl in LEVELS}
        for tool in TOOLS
    }
    for run in range(args.runs):
        for level in LEVELS:
            for tool in tools:
                if tool == "sohoa":
                    result = run_sohoa(docs[level], args.workdir / "home")
                elif tool == "ocrmypdf":
                    result = run_ocrmypdf(docs[level], args.workdir / "ocrmypdf" / str(level))
                else:
                    result = run_tesseract(docs[level])
                measures[tool][level].runs.append(result)
                print(f"run {run + 1} {level:8} {tool:9} {result.wall:6.1f} s "
                      f"cpu {result.cpu:6.1f} s peak {result.peak_mb:5.0f} MB", flush=True)
    long_pdf = None
    if args.long_pages:
        scanned = docs[Level.SCANNED]
        peak, wall = memory_on_long_pdf(scanned, args.workdir, args.long_pages)
        long_pdf = (args.long_pages, peak, wall)
    if set(tools) == set(TOOLS):
        command = "python bench/ocr.py " + " ".join(argv if argv is not None else sys.argv[1:])
        write_report(args.results, measures, docs, long_pdf, args.runs, command.strip())
        print(args.results.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
