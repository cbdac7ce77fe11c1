"""The fields stage: classify the document, read its fields, prefer what QR codes say,
check values against each other, and say what a person must review."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.fields.classify import classify
from pipeline.fields.crosscheck import crosscheck
from pipeline.fields.extract import extract, problems
from pipeline.fields.handwriting import mark_handwriting
from pipeline.fields.kinds import KINDS
from pipeline.fields.lines import document_lines
from pipeline.fields.model import FieldValue
from pipeline.fields.qr import parse
from pipeline.fields.reread import page_rereader
from pipeline.fields.template import Template, load
from pipeline.models import PageText

#: Confidence of a value decoded from a QR code that also validates.
QR_CONFIDENCE = 0.99


@dataclass(frozen=True)
class FieldsResult:
    doc_type: str
    confidence: float
    fields: dict[str, FieldValue]
    problems: tuple[str, ...]


class FieldReader:
    def __init__(self, template_dirs: Iterable[Path] = (), min_confidence: float = 0.6,
                 today: date | None = None) -> None:
        self.templates: dict[str, Template] = load(template_dirs)
        self.min_confidence = min_confidence
        self.today = today

    def read(self, pages: Sequence[PageText]) -> FieldsResult:
        lines = document_lines(pages)
        kind = classify(self.templates, lines)
        codes = [(p.number, code) for p in pages for code in p.codes]
        if kind.doc_type == "unknown":
            return FieldsResult("unknown", kind.confidence, self._codes_only(codes), ())
        template = self.templates[kind.doc_type]
        reread = page_rereader(pages) if any(p.ocr_image for p in pages) else None
        fields = mark_handwriting(extract(template, lines, kind.title_line, reread), pages)
        fields, disagreements = self._merge_codes(template, fields, codes)
        fields = crosscheck(fields, self.today or date.today())
        found = problems(template, fields, self.min_confidence) + disagreements
        if kind.confidence < self.min_confidence:
            found.append(f"Chưa chắc loại tài liệu ({kind.confidence:.0%}).")
        return FieldsResult(kind.doc_type, kind.confidence, fields, tuple(found))

    def _codes_only(self, codes: Sequence[tuple[int, str]]) -> dict[str, FieldValue]:
        merged, _ = self._merge_codes(None, {}, codes)
        return merged

    @staticmethod
    def _merge_codes(template: Template | None, fields: dict[str, FieldValue],
                     codes: Sequence[tuple[int, str]]) -> tuple[dict[str, FieldValue],
                                                                list[str]]:
        """QR values that validate win; where the printed text says otherwise, a person looks."""
        out = dict(fields)
        disagreements: list[str] = []
        for page, payload in codes:
            for name, raw in parse([payload]).items():
                spec = template.fields.get(name) if template else None
                kind = KINDS[spec.kind] if spec else KINDS.get(_KIND_OF.get(name, "text"))
                if kind is None:
                    continue
                value = kind.normalise(raw)
                if value is None or not kind.check(value).valid:
                    continue
                printed = out.get(name)
                source = "qr"
                if printed is not None and printed.value not in (None, value):
                    disagreements.append(
                        f"Mã QR và chữ in khác nhau ở trường “{name}”: “{value}” / "
                        f"“{printed.value}”.")
                elif printed is not None:
                    source = "qr+ocr"
                out[name] = FieldValue(value, QR_CONFIDENCE, page, None, raw, source=source)
                if printed is not None and printed.bbox is not None:
                    out[name] = dataclasses.replace(out[name], bbox=printed.bbox)
        return out, disagreements


#: Kinds of the fields a QR code may carry, for documents without a template.
_KIND_OF = {"so_dinh_danh": "personal_id", "ngay_sinh": "date", "gioi_tinh": "gender",
            "ho_ten": "person_name", "noi_thuong_tru": "place", "ma_ho_so": "dossier_code",
            "ma_thu_tuc": "procedure_code", "ngay_hen_tra": "date"}
