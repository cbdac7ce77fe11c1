"""Generate sample documents with ground truth: the API and ``python -m samples.generate``.

For every document: the text as drawn (``<name>.gt.txt``, pages separated by form feeds,
NFC) and the metadata (``<name>.gt.json``: type, layout, level, format, pages, dpi, field truth,
``qr`` - the payloads of the QR codes on the file's pages, present only when there are
some - and per-page degradations), plus one ``manifest.json`` per output directory. QR
codes are pictures, not text: nothing of theirs is in ``.gt.txt``.

Determinism: document ``i`` of seed ``s`` has the same content at every level (so levels can
be compared page for page) and each level has its own degradation stream; the same seed
gives byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from samples.content import DOC_TYPES, LAYOUT_SETS, layouts_of, make_document
from samples.degrade import CapturePlan, Image, Level, Record, degrade, plan_capture
from samples.formats import (
    EXTENSIONS,
    FORMATS,
    RASTER_FORMATS,
    encode_image_pdf,
    encode_jpeg,
    encode_png,
    encode_tiff,
)
from samples.layout import FieldValue, SampleDocument
from samples.render import RenderedDocument, rasterise, render_pdf

GENERATOR = "sohoa samples 1"
# Raster formats cycled per level so that a handful of documents covers them all.
FORMAT_CYCLES: dict[Level, tuple[str, ...]] = {
    Level.CLEAN: ("png", "tiff", "image-pdf"),
    Level.SCANNED: ("png", "tiff", "image-pdf"),
    Level.HARD: ("jpeg", "png", "tiff", "image-pdf"),
}


@dataclass(frozen=True)
class SampleInfo:
    """One generated file and its ground truth."""

    path: Path
    gt_text: str
    gt_text_path: Path
    gt_json_path: Path
    doc_type: str
    level: Level
    format: str
    pages: int
    born_digital: bool
    dpi: int | None
    fields: dict[str, FieldValue] = field(hash=False)
    qr: tuple[str, ...] = ()
    layout: str = ""


@dataclass(frozen=True)
class _Storage:
    """Encoder settings for one file."""

    jpeg_quality: int = 85
    bilevel: bool = False
    png_compress_level: int = 6


def _kebab(doc_type: str) -> str:
    return doc_type.replace("_", "-")


def _storage_for(fmt: str, plan: CapturePlan, rng: random.Random) -> _Storage:
    if fmt == "jpeg":
        return _Storage(jpeg_quality=rng.randint(72, 90))
    if fmt == "image-pdf":
        quality = {Level.CLEAN: 92, Level.SCANNED: rng.randint(65, 85),
                   Level.HARD: rng.randint(45, 70)}[plan.level]
        return _Storage(jpeg_quality=quality)
    if fmt == "tiff":
        return _Storage(bilevel=plan.level is Level.SCANNED and rng.random() < 0.5)
    return _Storage()


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="")


def _write_json(path: Path, payload: dict[str, object]) -> None:
    _write_text(path, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _emit(out_dir: Path, name: str, ext: str, payload: bytes, doc: SampleDocument,
          level: Level, fmt: str, page_texts: Sequence[str], page_numbers: Sequence[int],
          dpi: int | None, records: Sequence[Record], meta: dict[str, object],
          codes: Sequence[str] = ()) -> SampleInfo:
    path = out_dir / f"{name}{ext}"
    path.write_bytes(payload)
    gt_text = "\f".join(page_texts)
    gt_txt = out_dir / f"{name}.gt.txt"
    gt_json = out_dir / f"{name}.gt.json"
    _write_text(gt_txt, gt_text)
    born_digital = fmt == "pdf"
    _write_json(gt_json, {
        "file": path.name,
        "doc_type": doc.doc_type,
        **({"layout": doc.layout} if doc.layout else {}),
        "level": str(level),
        "format": fmt,
        "pages": len(page_texts),
        "dpi": dpi,
        "born_digital": born_digital,
        "title": doc.title,
        "fields": doc.fields,
        **({"qr": list(codes)} if codes else {}),
        "degradations": list(records),
        "source_pages": list(page_numbers),
        "gt_text": gt_txt.name,
        **meta,
        "generator": GENERATOR,
    })
    return SampleInfo(path, gt_text, gt_txt, gt_json, doc.doc_type, level, fmt,
                      len(page_texts), born_digital, dpi, dict(doc.fields), tuple(codes),
                      doc.layout)


def write_sample(out_dir: Path, name: str, doc: SampleDocument, rendered: RenderedDocument,
                 fmt: str, plan: CapturePlan | None, rng: random.Random, *,
                 storage: _Storage | None = None, meta: dict[str, object] | None = None,
                 ) -> list[SampleInfo]:
    """Write one document in one format (PNG/JPEG: one file per page) with ground truth.

    ``fmt`` "pdf" writes the born-digital PDF and ignores ``plan``; other formats render
    at ``plan.dpi`` and degrade each page with ``rng``.
    """
    meta = dict(meta or {})
    texts = [rendered.page_text(i) for i in range(rendered.page_count)]
    numbers = list(range(1, rendered.page_count + 1))
    codes = [rendered.page_qr_codes(i) for i in range(rendered.page_count)]
    every_code = [c for page in codes for c in page]
    if fmt == "pdf":
        return [_emit(out_dir, name, ".pdf", rendered.pdf, doc, Level.CLEAN, fmt, texts,
                      numbers, None, [{} for _ in texts], meta, every_code)]
    if fmt not in RASTER_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {FORMATS}")
    if plan is None:
        raise ValueError("raster formats need a capture plan")
    storage = storage or _storage_for(fmt, plan, rng)
    pages: list[Image] = []
    records: list[Record] = []
    for raw in rasterise(rendered.pdf, plan.dpi, colour=plan.colour):
        image, record = degrade(raw, plan, rng)
        pages.append(image)
        records.append(record)
    ext = EXTENSIONS[fmt]
    if fmt == "tiff":
        meta |= {"compression": "group4" if storage.bilevel else "deflate",
                 "bilevel": storage.bilevel}
        payload = encode_tiff(pages, plan.dpi, bilevel=storage.bilevel)
        return [_emit(out_dir, name, ext, payload, doc, plan.level, fmt, texts, numbers,
                      plan.dpi, records, meta, every_code)]
    if fmt == "image-pdf":
        meta |= {"compression": "jpeg", "jpeg_quality": storage.jpeg_quality}
        payload = encode_image_pdf(pages, plan.dpi, storage.jpeg_quality, doc.title)
        return [_emit(out_dir, name, ext, payload, doc, plan.level, fmt, texts, numbers,
                      plan.dpi, records, meta, every_code)]
    infos: list[SampleInfo] = []
    for index, (image, record) in enumerate(zip(pages, records, strict=True)):
        page_name = name if len(pages) == 1 else f"{name}-p{index + 1}"
        if fmt == "png":
            payload = encode_png(image, plan.dpi, storage.png_compress_level)
            page_meta = meta | {"compression": "png"}
        else:
            payload = encode_jpeg(image, storage.jpeg_quality, None if plan.photo else plan.dpi)
            page_meta = meta | {"compression": "jpeg", "jpeg_quality": storage.jpeg_quality}
        infos.append(_emit(out_dir, page_name, ext, payload, doc, plan.level, fmt,
                           [texts[index]], [index + 1], plan.dpi, [record], page_meta,
                           codes[index]))
    return infos


def _check_choices(values: Sequence[str] | None, allowed: Sequence[str], what: str) -> list[str]:
    if values is None:
        return list(allowed)
    unknown = sorted(set(values) - set(allowed))
    if unknown or not values:
        raise ValueError(f"bad {what} {unknown or '[]'}; choose from {list(allowed)}")
    return list(dict.fromkeys(values))


def generate(
    out_dir: Path,
    count: int,
    levels: Sequence[Level | str] = (Level.CLEAN,),
    seed: int = 0,
    doc_types: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    *,
    dpi: int | None = None,
    layouts: str = "classic",
) -> list[SampleInfo]:
    """Write ``count`` documents for each level into ``out_dir`` and return what was written.

    Document types are cycled (document ``i`` is ``doc_types[i % n]``). At ``clean`` level each
    document yields the born-digital PDF and one clean raster; at ``scanned``/``hard`` one
    degraded raster. Raster formats are cycled per level to cover PNG, JPEG (hard: phone
    photos), multi-page TIFF and image-only PDF; ``formats`` restricts the choice ("pdf"
    meaning the born-digital PDF). ``dpi`` overrides every raster's resolution (quick tests,
    small outputs); by default each level picks its own (300, 200, 150), times the
    document's ``scan_scale`` (ID cards are captured at twice that: 300-600 dpi).
    ``layouts`` picks the layouts drawn from (see :func:`samples.content.layouts_of`):
    "classic" (each type's original one), "train", "holdout" (only the types that have a
    hold-out layout, unless ``doc_types`` names others, which is an error) or "all"; a
    type's layouts are cycled over its documents.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    if layouts not in LAYOUT_SETS:
        raise ValueError(f"bad layouts {layouts!r}; choose from {list(LAYOUT_SETS)}")
    level_list = [Level(x) for x in levels]
    with_layouts = [t for t in DOC_TYPES if layouts_of(t, layouts)]
    types = _check_choices(doc_types, with_layouts, f"doc_types for {layouts} layouts")
    allowed = _check_choices(formats, FORMATS, "formats")
    raster_allowed = [f for f in RASTER_FORMATS if f in allowed]
    for level in level_list:
        if level is not Level.CLEAN and not raster_allowed:
            raise ValueError(f"level {level} needs a raster format, not only {allowed}")
    out_dir.mkdir(parents=True, exist_ok=True)
    infos: list[SampleInfo] = []
    for i in range(count):
        doc_type = types[i % len(types)]
        names = layouts_of(doc_type, layouts)
        layout = names[(i // len(types)) % len(names)]
        doc = make_document(doc_type, random.Random(f"sohoa-samples:{seed}:{i}:content"),
                            layout=layout)
        rendered = render_pdf(doc)
        stem = f"{i:04d}-{_kebab(doc_type)}"
        for level in level_list:
            rng = random.Random(f"sohoa-samples:{seed}:{i}:{level}")
            meta: dict[str, object] = {"seed": seed, "index": i}
            if level is Level.CLEAN and "pdf" in allowed:
                infos += write_sample(out_dir, f"{stem}-born-digital", doc, rendered, "pdf",
                                      None, rng, meta=meta)
            cycle = [f for f in FORMAT_CYCLES[level] if f in allowed] or raster_allowed
            if not cycle:
                continue
            fmt = cycle[i % len(cycle)]
            plan = plan_capture(level, rng, photo=fmt == "jpeg" and level is Level.HARD)
            if dpi is not None:
                plan = replace(plan, dpi=dpi)
            elif doc.scan_scale != 1:
                plan = replace(plan, dpi=plan.dpi * doc.scan_scale)
            infos += write_sample(out_dir, f"{stem}-{level}", doc, rendered, fmt, plan, rng,
                                  meta=meta)
    write_manifest(out_dir, infos, {"seed": seed, "count": count,
                                    "levels": [str(x) for x in level_list],
                                    "doc_types": types, "layouts": layouts})
    return infos


def write_manifest(out_dir: Path, infos: Sequence[SampleInfo],
                   extra: dict[str, object] | None = None) -> Path:
    """``manifest.json``: every sample with its ground-truth files, paths relative."""
    path = out_dir / "manifest.json"
    _write_json(path, {
        "generator": GENERATOR,
        **(extra or {}),
        "samples": [
            {
                "file": info.path.name,
                "gt_text": info.gt_text_path.name,
                "gt_json": info.gt_json_path.name,
                "doc_type": info.doc_type,
                **({"layout": info.layout} if info.layout else {}),
                "level": str(info.level),
                "format": info.format,
                "pages": info.pages,
                "dpi": info.dpi,
                "born_digital": info.born_digital,
            }
            for info in infos
        ],
    })
    return path


def load_manifest(out_dir: Path) -> tuple[dict[str, object], list[SampleInfo]]:
    """Read back what :func:`generate` wrote: the manifest's settings and every sample."""
    data = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    infos = []
    for item in data["samples"]:
        gt_json = out_dir / item["gt_json"]
        meta = json.loads(gt_json.read_text(encoding="utf-8"))
        infos.append(SampleInfo(
            path=out_dir / item["file"],
            gt_text=(out_dir / item["gt_text"]).read_text(encoding="utf-8"),
            gt_text_path=out_dir / item["gt_text"],
            gt_json_path=gt_json,
            doc_type=item["doc_type"],
            level=Level(item["level"]),
            format=item["format"],
            pages=int(item["pages"]),
            born_digital=bool(item["born_digital"]),
            dpi=item["dpi"],
            fields=dict(meta.get("fields", {})),
            qr=tuple(meta.get("qr", ())),
            layout=str(meta.get("layout", "")),
        ))
    settings = {k: v for k, v in data.items() if k != "samples"}
    return settings, infos


# ---------------------------------------------------------------- committed examples

EXAMPLE_SEED = 30  # Decree 30/2020/NĐ-CP
STACK_SEED = 7  # issue 7: cover sheets (samples.stack)


def write_examples(out_dir: Path, seed: int = EXAMPLE_SEED) -> list[SampleInfo]:
    """The small committed demo set (well under 2 MB in total)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    specs: tuple[tuple[str, str, int | None, str, CapturePlan | None, _Storage | None], ...] = (
        ("quyet-dinh-born-digital", "quyet_dinh", 2, "pdf", None, None),
        ("to-khai-scanned-200dpi", "to_khai", 1, "png",
         CapturePlan(Level.SCANNED, 200, clean_background=True), _Storage(png_compress_level=9)),
        ("giay-tiep-nhan-scanned", "giay_tiep_nhan", 2, "image-pdf",
         CapturePlan(Level.SCANNED, 200, clean_background=True), _Storage(jpeg_quality=60)),
        ("cong-van-phone-photo", "cong_van", 1, "jpeg",
         CapturePlan(Level.HARD, 170, colour=True, photo=True, mild=True),
         _Storage(jpeg_quality=72)),
        ("bien-lai-scanned", "bien_lai", 1, "tiff", CapturePlan(Level.SCANNED, 300),
         _Storage(bilevel=True)),
    )
    infos: list[SampleInfo] = []
    for name, doc_type, pages, fmt, plan, storage in specs:
        rng = random.Random(f"sohoa-examples:{seed}:{name}")
        doc = make_document(doc_type, rng, pages, qr=False)  # the set predates QR codes
        rendered = render_pdf(doc)
        infos += write_sample(out_dir, name, doc, rendered, fmt, plan, rng, storage=storage,
                              meta={"seed": seed, "example": name})
    write_manifest(out_dir, infos, {"seed": seed, "examples": True})
    return infos


# ---------------------------------------------------------------- CLI


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m samples.generate",
        description="Generate synthetic Vietnamese administrative documents with ground truth.",
    )
    parser.add_argument("out_dir", nargs="?", type=Path, help="output directory")
    parser.add_argument("--count", type=int, default=7, help="documents per level (default 7)")
    parser.add_argument("--levels", type=_split, default=["clean", "scanned", "hard"],
                        help="comma-separated: clean,scanned,hard")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--types", type=_split, default=None,
                        help=f"comma-separated document types: {','.join(DOC_TYPES)}")
    parser.add_argument("--formats", type=_split, default=None,
                        help=f"comma-separated formats: {','.join(FORMATS)}")
    parser.add_argument("--layouts", choices=LAYOUT_SETS, default="all",
                        help="layouts drawn from: classic (each type's original), train, "
                             "holdout (the layouts the field extractor is not tuned on) or "
                             "all (default)")
    parser.add_argument("--dpi", type=int, default=None,
                        help="force this resolution for every raster (default: per level)")
    parser.add_argument("--examples", type=Path, metavar="DIR",
                        help="write the small committed demo set into DIR instead")
    parser.add_argument("--stack", type=Path, metavar="DIR",
                        help="write a stack of dossiers with cover sheets (one scan) into DIR")
    args = parser.parse_args(argv)
    if args.stack is not None:
        from samples.stack import write_stack

        stack = write_stack(args.stack, args.seed or STACK_SEED)
        print(f"wrote {stack.path} ({stack.pages} pages, cover sheets on pages "
              f"{', '.join(map(str, stack.covers))})")
        return 0
    try:
        if args.examples is not None:
            infos = write_examples(args.examples)
        elif args.out_dir is None:
            parser.error("OUT_DIR is required (or use --examples DIR)")
        else:
            infos = generate(args.out_dir, args.count, args.levels, args.seed, args.types,
                             args.formats, dpi=args.dpi, layouts=args.layouts)
    except ValueError as exc:
        parser.error(str(exc))
    pages = sum(info.pages for info in infos)
    print(f"wrote {len(infos)} samples ({pages} pages)")
    for info in infos:
        print(f"  {info.path}  [{info.doc_type}, {info.layout}, {info.level}, {info.format}, "
              f"{info.pages}p]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
