"""How far a Decree 30 field may be trusted, once read: doubts that lower its confidence,
repairs of misread syllables, and what the signature block implies.

- Names, agencies and titles are checked syllable by syllable (:mod:`pipeline.text`): a
  repaired value says so in its reason, keeps its raw reading and loses confidence.
- The number and the day are often handwritten into the printed "Số: /QĐ-UBND" and "ngày
  tháng" blanks; Tesseract reads handwriting as digits it is unsure of, or glues them to
  the word before ("ngày8"). Such a value is kept, with the confidence of its least certain
  digits, and a glued or broken day sends it to review.
- "KT. CHỦ TỊCH" with no title of the signer's own read (a seal over it) means a deputy
  signed: the title is inferred, at a confidence that asks a person to confirm it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from functools import cache

from pipeline.fields.kinds import KINDS
from pipeline.fields.lines import TextLine
from pipeline.fields.match import fold
from pipeline.fields.model import FieldValue
from pipeline.fields.provinces import PROVINCE_CODES
from pipeline.fields.signature import read_block
from pipeline.fields.symbols import check_symbol
from pipeline.fields.template import Template
from pipeline.text.lexicon import Lexicon, admin_phrases, syllables_of
from pipeline.text.repair import Repair, repair_name, repair_words

#: Confidence at most of a date whose day is glued to "ngày" or not all digits.
BROKEN_DATE = 0.45
#: Confidence at most of a title inferred from "KT." alone, or read where the seal may
#: have hidden the signer's own title line.
INFERRED_TITLE = 0.5
_DATE_PARTS = re.compile(r"ngay\s*(?P<day>\S*?)\s*thang\s*(?P<month>\S*?)\s*nam\b")


@cache
def _admin_lexicon() -> Lexicon:
    return syllables_of([*admin_phrases(), *PROVINCE_CODES.values()])


def _join(*reasons: str | None) -> str | None:
    said = " ".join(r for r in reasons if r)
    return said or None


def _repaired(kind: str, found: FieldValue) -> FieldValue:
    if not isinstance(found.value, str):
        return found
    fix: Repair = (repair_name(found.value) if kind == "person_name"
                   else repair_words(found.value, _admin_lexicon()))
    if not fix.touched:
        return found
    value = KINDS[kind].normalise(fix.text) if fix.changes else found.value
    return dataclasses.replace(found, value=value, confidence=found.confidence * fix.factor,
                               reason=_join(found.reason, fix.reason()))


def _digit_confidence(found: FieldValue, lines: Sequence[TextLine]) -> float | None:
    """The least confidence of the words holding digits inside the value's box."""
    if found.bbox is None or found.page is None:
        return None
    x0, y0, x1, y1 = found.bbox
    scores = [w.confidence for ln in lines if ln.page == found.page for w in ln.words
              if any(ch.isdigit() for ch in w.text) and w.box[0] >= x0 - 1 and w.box[2] <= x1 + 1
              and w.box[1] >= y0 - 1 and w.box[3] <= y1 + 1]
    return min(scores) if scores else None


def _handwritten_doubt(found: FieldValue, lines: Sequence[TextLine], date: bool) -> FieldValue:
    confidence = found.confidence
    least = _digit_confidence(found, lines)
    if least is not None:
        confidence = min(confidence, least)
    reason = found.reason
    if date:
        folded = fold(found.raw)
        parts = _DATE_PARTS.search(folded)
        glued = re.search(r"ngay\d", folded) is not None  # "ngày8": written into the blank
        if parts is None or glued or not (parts["day"].isdigit() and parts["month"].isdigit()):
            confidence = min(confidence, BROKEN_DATE)
            reason = _join(reason, "Ngày có thể viết tay, đọc chưa chắc chắn.")
    if confidence == found.confidence:
        return found
    return dataclasses.replace(found, confidence=confidence, reason=reason)


def _inferred_title(lines: Sequence[TextLine]) -> FieldValue | None:
    found = read_block(lines)
    if found is None or not found[1].deputy:
        return None
    row = next(r for r in reversed(found[1].titles)
               if r[0][0].words[r[0][1]].text.rstrip(".").upper() == "KT")
    words = [line.words[i] for line, i in row][1:]
    if not words:
        return None
    head = " ".join(w.text for w in words)
    value = KINDS["job_title"].normalise("PHÓ " + head)
    if value is None:
        return None
    box = (min(w.box[0] for w in words), min(w.box[1] for w in words),
           max(w.box[2] for w in words), max(w.box[3] for w in words))
    confidence = min(INFERRED_TITLE, min(w.confidence for w in words))
    return FieldValue(value, confidence, found[0].page, box, "KT. " + head,
                      reason="Suy ra từ “KT.”: người ký là cấp phó; chức vụ không đọc được.")


def review(template: Template, fields: Mapping[str, FieldValue],
           lines: Sequence[TextLine]) -> dict[str, FieldValue]:
    """The fields with these doubts and repairs applied."""
    out = dict(fields)
    for name, found in fields.items():
        spec = template.fields.get(name)
        if spec is None or found.value is None or found.source.startswith("qr"):
            continue
        if spec.kind in ("person_name", "agency", "job_title"):
            out[name] = _repaired(spec.kind, found)
        elif spec.method in ("place_date", "number"):
            out[name] = _handwritten_doubt(found, lines, date=spec.method == "place_date")
        if spec.kind == "document_number":
            out[name] = check_symbol(template.doc_type, out[name])
    for name, spec in template.fields.items():
        if spec.method == "signer_title" and name not in out:
            inferred = _inferred_title(lines)
            if inferred is not None:
                out[name] = inferred
        elif spec.method == "signer_title" and out[name].confidence > INFERRED_TITLE:
            block = read_block(lines)
            if block is not None and block[1].title_doubt:
                out[name] = dataclasses.replace(
                    out[name], confidence=INFERRED_TITLE, reason=_join(
                        out[name].reason, "Dấu đóng đè lên dòng chức vụ; cần kiểm tra."))
    return out
