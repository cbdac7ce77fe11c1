"""Fields read from documents laid out as other systems print them, through the whole pipeline.

Every layout of every citizen-facing type is read from its born-digital PDF (text layer, no
OCR); the hold-out layouts, which the extractor was never tuned on, are also scanned at 200
dpi and read by Tesseract for three of the types. Bounds are per document, not averages:
each of these documents must be classified right and have at most the stated share of its
fields wrong (``bench/fields.py`` measures the averages over many documents).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.process import Pipeline
from samples import Level
from samples.content import CITIZEN_TYPES, HOLDOUT, layouts_of, make_document
from samples.degrade import CapturePlan
from samples.generate import write_sample
from samples.layout import SampleDocument
from samples.render import render_pdf

pytestmark = pytest.mark.integration

#: Share of a document's fields that may be wrong, born-digital: in the layouts the extractor
#: was developed on, and in the hold-out layouts (measured, not tuned: bench/RESULTS.md).
BORN_DIGITAL_WRONG = {"train": 0.1, "holdout": 0.25}
#: ... in a hold-out layout scanned at 200 dpi.
SCANNED_WRONG = 0.25
#: Fields issue 13 lists as never found on the hidden set's layouts.
NEVER_FOUND = {
    "bien_lai": ("so_tien", "ngay_thu", "so_bien_lai", "noi_dung_thu"),
    "can_cuoc": ("co_gia_tri_den", "que_quan", "noi_thuong_tru", "noi_cu_tru"),
    "to_khai": ("ma_thu_tuc", "noi_cu_tru"),
    "quyet_dinh": ("dia_danh", "nguoi_ky"),
}


def _wrong(doc: SampleDocument, got: dict[str, dict[str, object]]) -> list[str]:
    out = []
    for name, truth in doc.fields.items():
        value = (got.get(name) or {}).get("value")
        same = (str(value).casefold() == str(truth).casefold() if name in
                ("co_quan_ban_hanh", "chuc_vu") else value == truth)
        if not same:
            out.append(f"{name}: {value!r} != {truth!r}")
    return out


def _read(pipeline: Pipeline, doc: SampleDocument, out: Path, name: str,
          plan: CapturePlan | None) -> dict[str, object]:
    rendered = render_pdf(doc)
    [info] = write_sample(out, name, doc, rendered, "pdf" if plan is None else "png", plan,
                          random.Random(name))
    [record] = pipeline.ingest(info.path)
    assert record.doc_type == doc.doc_type, name
    return dict(record.fields)


@pytest.mark.parametrize(("doc_type", "layout"),
                         [(t, name) for t in CITIZEN_TYPES for name in layouts_of(t)])
def test_every_layout_is_read_from_its_text_layer(doc_type: str, layout: str, tmp_path: Path,
                                                  pipeline: Pipeline) -> None:
    doc = make_document(doc_type, random.Random(7), pages=2, layout=layout, qr=False)
    got = _read(pipeline, doc, tmp_path, f"{doc_type}-{layout}", None)
    wrong = _wrong(doc, got)  # type: ignore[arg-type]
    held = "holdout" if HOLDOUT[doc_type] == layout else "train"
    assert len(wrong) <= BORN_DIGITAL_WRONG[held] * len(doc.fields), wrong
    # the fields issue 13 found never read on documents laid out by other systems
    missed = [name for name in NEVER_FOUND.get(doc_type, ()) if name in doc.fields
              and any(w.startswith(f"{name}:") for w in wrong)]
    assert not missed, wrong


@pytest.mark.parametrize("doc_type", ["to_khai", "bien_lai", "giay_tiep_nhan"])
def test_hold_out_layout_scanned_and_read_by_tesseract(doc_type: str, tmp_path: Path,
                                                       pipeline: Pipeline) -> None:
    doc = make_document(doc_type, random.Random(11), layout=HOLDOUT[doc_type], qr=False)
    plan = CapturePlan(Level.SCANNED, 200, clean_background=True)
    got = _read(pipeline, doc, tmp_path, f"{doc_type}-holdout", plan)
    wrong = _wrong(doc, got)  # type: ignore[arg-type]
    assert len(wrong) <= SCANNED_WRONG * len(doc.fields), wrong
