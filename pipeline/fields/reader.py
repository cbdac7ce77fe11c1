"""The fields stage: classify the document, read its fields, prefer what QR codes say,
check values against each other, and say what a person must review."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.fields.attest import attest
from pipeline.fields.blockread import reread_block
from pipeline.fields.calibration import load_calibrator
from pipeline.fields.classify import classify
from pipeline.fields.crosscheck import crosscheck
from pipeline.fields.esign import stamps_in_lines
from pipeline.fields.extract import extract, problems
from pipeline.fields.handwriting import mark_handwriting
from pipeline.fields.header import stamp_boxes, without_stamps
from pipeline.fields.kinds import KINDS
from pipeline.fields.lines import TextLine, document_lines
from pipeline.fields.model import FieldValue
from pipeline.fields.qr import parse
from pipeline.fields.reread import page_rereader
from pipeline.fields.signature import find_block
from pipeline.fields.template import Template, load
from pipeline.fields.trust import review
from pipeline.models import PageText, SignatureEvidence

#: The fields every signed Decree 30 document has (who issued and signed it), read from a
#: page whose kind is not known (the last page of a document, photographed alone).
SIGNED_BASE = "_ban_hanh"

#: Confidence of a value decoded from a QR code that also validates.
QR_CONFIDENCE = 0.99


@dataclass(frozen=True)
class FieldsResult:
    doc_type: str
    confidence: float
    fields: dict[str, FieldValue]
    problems: tuple[str, ...]
    #: The signatures weighed: those given and the stamps printed on the pages.
    evidence: tuple[SignatureEvidence, ...] = ()


class FieldReader:
    def __init__(self, template_dirs: Iterable[Path] = (), min_confidence: float = 0.6,
                 today: date | None = None, zone: str = "Asia/Ho_Chi_Minh",
                 calibrate: bool = True) -> None:
        self.templates: dict[str, Template] = load(template_dirs)
        #: Maps scores to how often such values are right (None: raw scores, for fitting).
        self.calibrator = load_calibrator() if calibrate else None
        self.signed = load(template_dirs, abstract=True)[SIGNED_BASE]
        self.min_confidence = min_confidence
        self.today = today
        self.zone = zone  # of signing times a stamp prints without an offset

    def read(self, pages: Sequence[PageText],
             evidence: Sequence[SignatureEvidence] = ()) -> FieldsResult:
        """The fields of ``pages``; ``evidence`` are the signatures the file arrived with
        (see :mod:`pipeline.pdf.evidence`), weighed with the stamps printed on the pages."""
        first = document_lines(pages)
        stamps = stamp_boxes(first)  # incoming-mail stamps: their number and date are not ours
        lines = without_stamps(first, stamps)
        if any(p.ocr_image for p in pages):
            pages = reread_block(pages, lines)
            lines = without_stamps(document_lines(pages), stamps)
        witnesses = (*evidence, *stamps_in_lines(lines, self.zone))
        kind = classify(self.templates, lines)
        codes = [(p.number, code) for p in pages for code in p.codes]
        if kind.doc_type == "unknown":
            known, notes = attest(self._unknown(lines, codes), witnesses, self.zone, None)
            known = self._calibrated(self.signed, known, pages)
            doubts = problems(self.signed, known, self.min_confidence) + notes
            return FieldsResult("unknown", kind.confidence, known, tuple(doubts), witnesses)
        template = self.templates[kind.doc_type]
        reread = page_rereader(pages) if any(p.ocr_image for p in pages) else None
        read = mark_handwriting(extract(template, lines, kind.title_line, reread), pages)
        fields = review(template, read, lines)
        fields, disagreements = self._merge_codes(template, fields, codes)
        fields = crosscheck(fields, self.today or date.today())
        fields, notes = attest(fields, witnesses, self.zone,
                               "ngay_ban_hanh" if "ngay_ban_hanh" in template.fields else None)
        fields = self._calibrated(template, fields, pages)
        found = problems(template, fields, self.min_confidence) + disagreements + notes
        if kind.confidence < self.min_confidence:
            found.append(f"Chưa chắc loại tài liệu ({kind.confidence:.0%}).")
        return FieldsResult(kind.doc_type, kind.confidence, fields, tuple(found), witnesses)

    def _calibrated(self, template: Template, fields: dict[str, FieldValue],
                    pages: Sequence[PageText]) -> dict[str, FieldValue]:
        if self.calibrator is None:
            return fields
        kinds = {name: spec.kind for name, spec in template.fields.items()}
        return self.calibrator.apply(fields, kinds, pages)

    def _unknown(self, lines: Sequence[TextLine], codes: Sequence[tuple[int, str]]
                 ) -> dict[str, FieldValue]:
        """What a document of no known kind still says: its QR codes, and who signed it when
        it ends with a Decree 30 signature block."""
        merged, _ = self._merge_codes(None, {}, codes)
        if find_block(lines) is None:
            return merged
        signed = review(self.signed, extract(self.signed, lines, None), lines)
        return {**signed, **merged}

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
