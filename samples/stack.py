"""A stack of dossiers scanned as one file, a cover sheet in front of each dossier.

The one-stop system prints a cover sheet (phiếu bìa hồ sơ) per dossier: its corner QR code
carries the same payload as the dossier receipt's (named "Phiếu bìa hồ sơ"), and the sheet
says little else in print. The stack, as one image-only PDF scanned at 300 dpi:

1. cover sheet of dossier A;
2-3. A's two-page receipt (giấy tiếp nhận + control slip), whose own corner QR code names A
   too: a page full of text with a dossier QR must not split the stack;
4. cover sheet of dossier B (same centre, same day, another sequence number);
5. B's one-page application form (tờ khai), without QR: its dossier comes from the cover.

``<name>.gt.json`` records the expected split under ``parts`` (pages of the file, dossier
code, type, cover page, field truth) besides the usual ground truth; ``<name>.gt.txt`` is the
text of every page, covers included, separated by form feeds.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from samples.content import make_document
from samples.content.common import centred
from samples.degrade import CapturePlan, Image, Level, Record, degrade
from samples.formats import encode_image_pdf
from samples.generate import STACK_SEED
from samples.layout import MM, Block, FieldValue, SampleDocument, Spacer
from samples.render import RenderedDocument, rasterise, render_pdf

GENERATOR = "sohoa samples stack 1"
COVER_NAME = "Phiếu bìa hồ sơ"
#: Captured as the counter's sheet-fed scanner does: 300 dpi, background removed (at 200 dpi
#: with JPEG artefacts the receipt's larger corner code is read only about one time in three).
STACK_PLAN = CapturePlan(Level.SCANNED, 300, clean_background=True)
STACK_JPEG_QUALITY = 85


@dataclass(frozen=True)
class StackPart:
    """One document the stack must be cut into."""

    pages: tuple[int, ...]  # 1-based pages of the stack file
    ma_ho_so: str
    doc_type: str
    cover_page: int
    fields: dict[str, FieldValue] = field(hash=False)


@dataclass(frozen=True)
class StackInfo:
    path: Path
    gt_json_path: Path
    gt_text: str
    pages: int
    covers: tuple[int, ...]
    parts: tuple[StackPart, ...]
    qr: tuple[str, ...]


def cover_sheet(payload: str, dossier: str, procedure: str) -> SampleDocument:
    """A cover sheet: the corner QR code, a title, the dossier and procedure codes."""
    blocks: tuple[Block, ...] = (
        Spacer(30 * MM),  # below the corner code
        centred("PHIẾU BÌA HỒ SƠ", bold=True, size=16, after=10),
        centred(f"Mã hồ sơ: {dossier}", bold=True, size=14, after=6),
        centred(f"Mã thủ tục: {procedure}", size=13, after=6),
        centred("(Đặt trước hồ sơ khi quét)", italic=True, size=12),
    )
    return SampleDocument("phieu_bia", f"{COVER_NAME} {dossier}", (blocks,),
                          {"ma_ho_so": dossier, "ma_thu_tuc": procedure}, corner_qr=payload)


def _cover_for(receipt_payload: str, dossier: str) -> SampleDocument:
    """The cover sheet of ``dossier``, printed by the system that printed the receipt."""
    data = json.loads(receipt_payload)
    payload = json.dumps({**{k: v for k, v in data.items() if k != "ngay_hen_tra"},
                          "ma_ho_so": dossier, "ten_giay_to": COVER_NAME},
                         ensure_ascii=False, separators=(",", ":"))
    return cover_sheet(payload, dossier, str(data["ma_thu_tuc"]))


def write_stack(out_dir: Path, seed: int = STACK_SEED, name: str = "chong-ho-so") -> StackInfo:
    """Write the stack (see the module doc) and its ground truth into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"sohoa-stack:{seed}")
    receipt = make_document("giay_tiep_nhan", rng, 2, qr=True)
    assert receipt.corner_qr is not None
    code_a = str(receipt.fields["ma_ho_so"])
    prefix, sequence = code_a.rsplit("-", 1)
    code_b = f"{prefix}-{(int(sequence) + rng.randint(1, 40)) % 10000:04d}"
    form = make_document("to_khai", rng)
    documents: list[tuple[SampleDocument, str | None]] = [
        (_cover_for(receipt.corner_qr, code_a), None), (receipt, code_a),
        (_cover_for(receipt.corner_qr, code_b), None), (form, code_b),
    ]
    images: list[Image] = []
    records: list[Record] = []
    texts: list[str] = []
    codes: list[str] = []
    covers: list[int] = []
    parts: list[StackPart] = []
    for doc, dossier in documents:
        rendered: RenderedDocument = render_pdf(doc)
        first = len(images) + 1
        for index, raw in enumerate(rasterise(rendered.pdf, STACK_PLAN.dpi)):
            image, record = degrade(raw, STACK_PLAN, rng)
            images.append(image)
            records.append(record)
            texts.append(rendered.page_text(index))
            codes += rendered.page_qr_codes(index)
        numbers = tuple(range(first, len(images) + 1))
        if dossier is None:
            covers.append(first)
        else:
            fields = {**doc.fields, "ma_ho_so": dossier}
            parts.append(StackPart(numbers, dossier, doc.doc_type, covers[-1], fields))
    path = out_dir / f"{name}.pdf"
    path.write_bytes(encode_image_pdf(images, STACK_PLAN.dpi, STACK_JPEG_QUALITY,
                                      f"Chồng hồ sơ {code_a}, {code_b}"))
    gt_text = "\f".join(texts)
    gt_txt = out_dir / f"{name}.gt.txt"
    gt_txt.write_text(gt_text, encoding="utf-8", newline="")
    gt_json = out_dir / f"{name}.gt.json"
    gt_json.write_text(json.dumps({
        "file": path.name,
        "kind": "stack",
        "level": str(STACK_PLAN.level),
        "format": "image-pdf",
        "pages": len(images),
        "dpi": STACK_PLAN.dpi,
        "born_digital": False,
        "qr": codes,
        "covers": covers,
        "parts": [{"pages": list(p.pages), "ma_ho_so": p.ma_ho_so, "doc_type": p.doc_type,
                   "cover_page": p.cover_page, "fields": p.fields} for p in parts],
        "degradations": records,
        "gt_text": gt_txt.name,
        "seed": seed,
        "generator": GENERATOR,
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="")
    return StackInfo(path, gt_json, gt_text, len(images), tuple(covers), tuple(parts),
                     tuple(codes))

