"""Read a document's fields with its template: candidates, normalisation, validation,
confidence and provenance."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache

from pipeline.fields.kinds import KINDS
from pipeline.fields.lines import TextLine, evidence
from pipeline.fields.match import fold_in_place, heading_pattern, label_pattern
from pipeline.fields.methods import METHODS, Candidate
from pipeline.fields.model import FieldValue
from pipeline.fields.reread import Rereader
from pipeline.fields.template import FieldSpec, Template
from pipeline.models import Word

#: Labels printed on forms that end the value before them on the same line, besides the
#: template's own ("Giới tính: Nam   3. Ngày, tháng, năm sinh: ...").
COMMON_LABELS = (
    "Họ và tên", "Họ, chữ đệm và tên", "Giới tính", "Ngày, tháng, năm sinh", "Ngày sinh",
    "Sinh ngày", "Dân tộc", "Quốc tịch", "Email", "Điện thoại", "Số điện thoại", "Ngày cấp",
    "Nơi cấp", "Mã hồ sơ", "Mã thủ tục", "Fax", "Website", "Chức danh", "Mã số thuế",
    "Ghi bằng chữ", "Bằng chữ", "Năm sinh",
)
#: A line that starts a new "Label: value" (it does not continue the value above it).
_LABEL_LIKE = re.compile(r"^[^:：\d]{2,60}[:：]")
_NUMBERING = re.compile(r"\s+\(?\d{1,2}[.)]\s*$")
#: Confidence is scaled down for a value its validator rejects.
INVALID_FACTOR = 0.3


def _next_label_at(text: str, start: int, labels: Iterable[str]) -> int:
    end = len(text)
    folded = fold_in_place(text)
    for label in labels:
        match = label_pattern(label).search(folded, start)
        if match and match.start() < end:
            end = match.start()
    return end


@cache
def _all_labels(own: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*own, *COMMON_LABELS)))


def _box(words: Sequence[Word]) -> tuple[float, float, float, float]:
    return (min(w.box[0] for w in words), min(w.box[1] for w in words),
            max(w.box[2] for w in words), max(w.box[3] for w in words))


def _in_column(line: TextLine, left: float, right: float | None = None) -> tuple[int, int]:
    """Character span of the words of ``line`` inside a column: not wholly left of ``left``
    (nor wholly right of ``right``). OCR puts words of a column beside the value on the
    value's line ("Có giá trị đến / Date of expiry: phường Lộc Thọ, ...")."""
    inside = [span for word, span in zip(line.words, line.spans, strict=True)
              if word.box[2] > left and (right is None or word.box[0] < right)]
    if not inside:
        return (0, 0)
    return inside[0][0], inside[-1][1]


def _slack(line: TextLine) -> float:
    """About one text height: how far a column edge may wander between lines."""
    return max(w.box[3] - w.box[1] for w in line.words) if line.words else 0.0


def _follows(above: TextLine, below: TextLine) -> bool:
    """``below`` is the next line of the same block: on the same page and not after a gap
    wider than a line's height."""
    if below.page != above.page:
        return False
    if not above.words or not below.words:
        return True
    return _box(below.words)[1] - _box(above.words)[3] < 1.2 * _slack(above)


def _continuation(first: TextLine, every: Sequence[TextLine], count: int,
                  left: float) -> Candidate:
    """Up to ``count`` lines continuing a wrapped value: from the left edge of the label's
    line, until a new label, a numbered item or a gap."""
    parts: Candidate = []
    above = first
    for follow in every[first.index + 1: first.index + 1 + count]:
        if not _follows(above, follow):
            break
        start, end = _in_column(follow, left) if follow.words else (0, len(follow.text))
        text = follow.text[start:end]
        if not text.strip() or _LABEL_LIKE.match(text) or re.match(r"\s*\d{1,2}\.\s", text):
            break
        parts.append((follow, start, end))
        above = follow
    return parts


def _below(line: TextLine, label_words: Sequence[Word], every: Sequence[TextLine],
           spec: FieldSpec) -> Candidate:
    """The value printed under a label that ends its line ("Họ và tên / Full name:" above
    "NGUYỄN VĂN AN"): the next line's words under the label's column."""
    if label_words:
        left, _, right, _ = _box(label_words)
        slack = _slack(line)
        left, right = left - slack, right + 4 * slack
    else:
        left, right = float("-inf"), None
    above = line
    for below in every[line.index + 1: line.index + 3]:
        if not _follows(above, below):
            break
        start, end = _in_column(below, left, right) if below.words else (0, len(below.text))
        if below.text[start:end].strip():
            if _LABEL_LIKE.match(below.text[start:end]):
                break
            return [(below, start, end),
                    *_continuation(below, every, spec.continuation, left)]
        above = below
    return []


def _label_candidates(spec: FieldSpec, pool: Sequence[TextLine], every: Sequence[TextLine],
                      labels: tuple[str, ...]) -> list[Candidate]:
    out: list[Candidate] = []
    for line in pool:
        for label in spec.labels:
            folded = fold_in_place(line.text)
            match = label_pattern(label).search(folded)
            if not match:
                heading = heading_pattern(label).search(folded)
                if heading and line.index + 1 < len(every):
                    below: Candidate = []
                    for ln in every[line.index + 1: line.index + 2 + spec.continuation]:
                        if ln.page != line.page or (below and _LABEL_LIKE.match(ln.text)):
                            break
                        below.append((ln, 0, len(ln.text)))
                    if below:
                        out.append(below)
                        break
                continue
            start = match.end()
            end = _next_label_at(line.text, start, (lb for lb in labels if lb != label))
            value = _NUMBERING.sub("", line.text[start:end]).rstrip()
            label_words = line.words_in(match.start(), match.end() - 1)
            under = _below(line, label_words, every, spec)
            if not value.strip(" ,;"):
                if under:
                    out.append(under)
                    break
                continue
            left = _box(line.words)[0] - _slack(line) if line.words else float("-inf")
            more = _continuation(line, every, spec.continuation, left)
            if not more:  # a wrapped value keeps the comma ending its first line
                value = value.rstrip(" ,;")
            out.append([(line, start, start + len(value)), *more])
            if under:  # when the text beside the label is not a value of the field
                out.append(under)
            break
    return out


def _pattern_candidates(spec: FieldSpec, pool: Sequence[TextLine],
                        every: Sequence[TextLine]) -> list[Candidate]:
    out: list[Candidate] = []
    for line in pool:
        for pattern in spec.patterns:
            match = pattern.search(line.text)
            if match:
                parts: Candidate = [(line, match.start("value"), match.end("value"))]
                if spec.continuation and not line.text[match.end("value"):].strip():
                    # A value ending its line may go on below (centred blocks: any edge).
                    parts += _continuation(line, every, spec.continuation, float("-inf"))
                out.append(parts)
                break
    return out


def _region(spec: FieldSpec, lines: Sequence[TextLine], title: int | None) -> list[TextLine]:
    if spec.region == "all" or title is None:
        return list(lines)
    if spec.region == "header":
        return [ln for ln in lines if ln.page == 1 and ln.index <= title]
    return [ln for ln in lines if ln.index > title]


def read_field(spec: FieldSpec, lines: Sequence[TextLine], title: int | None,
               labels: tuple[str, ...], reread: Rereader | None = None) -> FieldValue | None:
    pool = _region(spec, lines, title)
    candidates: list[Candidate] = []
    if spec.method:
        candidates += METHODS[spec.method](lines, title)
    candidates += _label_candidates(spec, pool, lines, labels)
    candidates += _pattern_candidates(spec, pool, lines)
    if spec.pick == "last":
        candidates.reverse()
    kind = KINDS[spec.kind]
    fallback: FieldValue | None = None
    for parts in candidates:
        found = evidence(parts)
        value = kind.normalise(found.raw)
        source = "text-layer" if found.confidence >= 1.0 else "ocr"
        if (value is None or not kind.check(value).valid) and reread and found.bbox:
            second = _second_look(spec, found.page, found.bbox, reread)
            if second is not None:
                return second
        if value is None:
            fallback = fallback or FieldValue(
                None, found.confidence * INVALID_FACTOR, found.page, found.bbox, found.raw,
                valid=False, reason=f"Không đọc được giá trị hợp lệ từ “{found.raw}”.",
                source=source)
            continue
        check = kind.check(value)
        confidence = found.confidence if check.valid else found.confidence * INVALID_FACTOR
        return FieldValue(value, confidence, found.page, found.bbox, found.raw,
                          valid=check.valid, reason=check.reason, source=source)
    return fallback


def _second_look(spec: FieldSpec, page: int, bbox: tuple[float, float, float, float],
                 reread: Rereader) -> FieldValue | None:
    """Read the value's line again, narrowly; keep it only if it is now a valid value."""
    text, confidence = reread(page, bbox, spec.kind)
    kind = KINDS[spec.kind]
    value = kind.normalise(text) if text else None
    if value is None or not kind.check(value).valid:
        return None
    return FieldValue(value, confidence, page, bbox, text, source="ocr-reread")


def extract(template: Template, lines: Sequence[TextLine], title: int | None,
            reread: Rereader | None = None) -> dict[str, FieldValue]:
    labels = _all_labels(tuple(lb for spec in template.fields.values() for lb in spec.labels))
    out: dict[str, FieldValue] = {}
    for name, spec in template.fields.items():
        value = read_field(spec, lines, title, labels, reread)
        if value is not None:
            out[name] = value
    return out


def problems(template: Template, fields: Mapping[str, FieldValue],
             min_confidence: float) -> list[str]:
    """Why a person must look at the document (Vietnamese), empty when none."""
    out = []
    for name in template.required:
        found = fields.get(name)
        if found is None or found.value is None:
            out.append(f"Thiếu trường bắt buộc “{name}”.")
    for name, found in fields.items():
        if not found.valid:
            out.append(f"Trường “{name}” không hợp lệ: {found.reason}")
        elif found.confidence < min_confidence:
            out.append(f"Trường “{name}” đọc chưa chắc chắn ({found.confidence:.0%}).")
    return out
