"""Which preprocessing steps earn their place: OCR error rates with each step switched.

    .venv/bin/python -m bench.ablation [--workdir bench/out]

Reads the page set ``bench/ocr.py`` generated (run it first, or pass ``--generate``), runs
sohoa's scanned-page stage in-process with the default steps, then with each step left out
or an optional step added, and appends a table to ``bench/ABLATION.md``: character error
rate per level and CPU milliseconds of preprocessing per page.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from bench.ocr import LEVELS, ROOT, Doc, build_set
from pipeline.config import LimitSettings
from pipeline.ocr.raster import image_pages, render_pdf_page
from pipeline.ocr.scan import ScanJob, read_scan
from pipeline.ocr.tesseract import VOCABULARY_ARGS, TesseractOptions
from pipeline.preprocess.prepare import PrepOptions, prepare
from samples import Level
from samples.metrics import cer

DEFAULT = PrepOptions()
VARIANTS: dict[str, tuple[PrepOptions, TesseractOptions]] = {
    "default": (DEFAULT, TesseractOptions()),
    "no preprocessing": (PrepOptions(page_detection=False, orientation=False, deskew=False,
                                     flatten_light=False, remove_rules=False,
                                     remove_marks=False, upscale_below=0),
                         TesseractOptions()),
    "without page detection": (dataclasses.replace(DEFAULT, page_detection=False),
                               TesseractOptions()),
    "without orientation": (dataclasses.replace(DEFAULT, orientation=False), TesseractOptions()),
    "without deskew": (dataclasses.replace(DEFAULT, deskew=False), TesseractOptions()),
    "deskew from 1.0°": (dataclasses.replace(DEFAULT, min_skew=1.0), TesseractOptions()),
    "without light flattening": (dataclasses.replace(DEFAULT, flatten_light=False),
                                 TesseractOptions()),
    "without rule removal": (dataclasses.replace(DEFAULT, remove_rules=False),
                             TesseractOptions()),
    "without mark removal": (dataclasses.replace(DEFAULT, remove_marks=False),
                             TesseractOptions()),
    "upscaling below 250 dpi": (dataclasses.replace(DEFAULT, upscale_below=250),
                                TesseractOptions()),
    "with denoising": (dataclasses.replace(DEFAULT, denoise=True), TesseractOptions()),
    "with binarisation": (dataclasses.replace(DEFAULT, binarise=True), TesseractOptions()),
    "with vocabulary": (DEFAULT, TesseractOptions(extra=VOCABULARY_ARGS)),
    "vie+eng": (DEFAULT, TesseractOptions(languages="vie+eng")),
    "with inverted-text pass": (DEFAULT, TesseractOptions(inverted_text=True)),
    "psm 3": (DEFAULT, TesseractOptions(psm=3)),
    "psm 6": (DEFAULT, TesseractOptions(psm=6)),
}


def _pages(doc: Doc) -> list[tuple[int, np.ndarray, int]]:
    """Decoded pages of a sample, as sohoa's reader would produce them."""
    path = doc.sample.path
    if path.suffix == ".pdf":
        import pikepdf
        import pypdfium2 as pdfium

        with pikepdf.open(path) as pdf:
            dpis = [round(int(next(iter(p.get_images().values())).Width) /
                          (float(p.mediabox[2]) / 72)) for p in pdf.pages]
        raster = pdfium.PdfDocument(path)
        try:
            limit = LimitSettings().max_image_megapixels * 1_000_000
            return [(n + 1, *render_pdf_page(raster, n, dpi, limit)) for n, dpi in enumerate(dpis)]
        finally:
            raster.close()
    return [(f.number, f.pixels, f.dpi) for f in image_pages(path)]


def run_variant(docs: dict[Level, list[Doc]], pages: dict[str, list[tuple[int, np.ndarray, int]]],
                prep: PrepOptions, tess: TesseractOptions, work: Path
                ) -> tuple[dict[Level, float], float]:
    jobs = []
    for level in LEVELS:
        for doc in docs[level]:
            for number, pixels, dpi in pages[doc.name]:
                jobs.append((level, doc, ScanJob(number, pixels, dpi, tess, prep, work)))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda j: read_scan(j[2]), jobs))
    texts: dict[str, list[str]] = {}
    for (_, doc, _), page in zip(jobs, results, strict=True):
        texts.setdefault(doc.name, []).append(page.text)
    rates: dict[Level, float] = {}
    for level in LEVELS:
        edits = total = 0.0
        for doc in docs[level]:
            ref = doc.sample.gt_text
            rate = cer(ref, "\f".join(texts.get(doc.name, [])))
            edits += rate * len(ref)
            total += len(ref)
        rates[level] = edits / max(1.0, total)
    # Preprocessing cost alone, on this process's CPU clock.
    started = time.process_time()
    for _, _, job in jobs:
        prepare(job.pixels, job.dpi, prep)
    prep_ms = (time.process_time() - started) / len(jobs) * 1000
    return rates, prep_ms


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--only", default="", help="comma-separated variant names")
    parser.add_argument("--report", type=Path, default=ROOT / "bench" / "ABLATION.md")
    args = parser.parse_args(argv)
    docs = build_set(args.workdir, args.seed)
    pages = {d.name: _pages(d) for level in LEVELS for d in docs[level]}
    chosen = [v for v in VARIANTS if not args.only or v in args.only.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in chosen:
            prep, tess = VARIANTS[name]
            rates, prep_ms = run_variant(docs, pages, prep, tess, Path(tmp))
            row = (f"| {name} | " + " | ".join(f"{rates[lvl]:.2%}" for lvl in LEVELS)
                   + f" | {statistics.mean(rates.values()):.2%} | {prep_ms:.0f} |")
            print(row, flush=True)
            rows.append(row)
    header = ["", f"## {time.strftime('%Y-%m-%d %H:%M')} — `python -m bench.ablation`", "",
              "| variant | clean CER | scanned CER | hard CER | mean | preprocessing ms/page |",
              "| --- | --- | --- | --- | --- | --- |"]
    with args.report.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(header + rows) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
