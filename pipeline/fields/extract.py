"""Read a document's fields with its template: candidates, normalisation, validation,
confidence and provenance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pipeline.fields import lexicon, pairing
from pipeline.fields.kinds import KINDS, plausibility
from pipeline.fields.lines import TextLine, evidence
from pipeline.fields.methods import METHODS, Candidate
from pipeline.fields.model import FieldValue
from pipeline.fields.pairing import Hit
from pipeline.fields.reread import Rereader
from pipeline.fields.template import FieldSpec, Template

#: Confidence is scaled down for a value its validator rejects.
INVALID_FACTOR = 0.3
#: Kinds whose values are identifiers: a later candidate never replaces an invalid one read
#: where the label said it would be (a household head's valid ID is not the applicant's).
IDENTIFIERS = frozenset({"personal_id", "tax_code", "dossier_code", "procedure_code",
                         "document_number"})

#: A word read with less confidence than this makes the whole value doubtful in proportion:
#: one misread syllable is enough to make a name or an address wrong.
SURE_WORD = 0.8
#: Belief in a value found by a template's fallback method (a header line with no label).
FALLBACK_BELIEF = 0.9

Believed = tuple[Candidate, float, int]  # spans, belief in the pairing, tier


def _pattern_candidates(spec: FieldSpec, pool: Sequence[TextLine], every: Sequence[TextLine],
                        hits: dict[int, list[Hit]]) -> list[Candidate]:
    out: list[Candidate] = []
    for line in pool:
        for pattern in spec.patterns:
            match = pattern.search(line.text)
            if match:
                parts: Candidate = [(line, match.start("value"), match.end("value"))]
                if spec.continuation and not line.text[match.end("value"):].strip():
                    # A value ending its line may go on below (centred blocks: any edge).
                    parts += pairing.more_lines(line, float("-inf"), None, every, hits,
                                                spec.continuation)
                out.append(parts)
                break
    return out


def _region(spec: FieldSpec, lines: Sequence[TextLine], title: int | None) -> list[TextLine]:
    if spec.region == "all" or title is None:
        return list(lines)
    if spec.region == "header":
        return [ln for ln in lines if ln.page == 1 and ln.index <= title]
    return [ln for ln in lines if ln.index > title]


def _candidates(spec: FieldSpec, lines: Sequence[TextLine], title: int | None,
                hits: dict[int, list[Hit]]) -> list[Believed]:
    """Layout methods first, then labels (colon, cell, label over value), then patterns."""
    pool = _region(spec, lines, title)
    out: list[Believed] = []
    if spec.method:
        out += [(c, 1.0, 0) for c in METHODS[spec.method](lines, title)]
    out += [(p.parts, p.belief, p.tier)
            for p in pairing.candidates(spec.labels, pool, lines, hits, spec.continuation,
                                        last=spec.pick == "last", prefer=spec.prefer)]
    found = _pattern_candidates(spec, pool, lines, hits)
    if spec.pick == "last":
        found.reverse()
    out += [(c, 1.0, 0) for c in found]
    if spec.fallback:
        out += [(c, FALLBACK_BELIEF, 3) for c in METHODS[spec.fallback](lines, title)]
    return out


def _misread(kind: str, found: FieldValue) -> bool:
    """An invalid identifier that looks like one misread (mostly digits), not like text that
    was never an identifier: it is reported rather than replaced by a weaker candidate."""
    text = str(found.value)
    return kind in IDENTIFIERS and sum(ch.isdigit() for ch in text) >= 0.6 * len(text)


def read_field(spec: FieldSpec, lines: Sequence[TextLine], title: int | None,
               hits: dict[int, list[Hit]], reread: Rereader | None = None
               ) -> FieldValue | None:
    """The first candidate that reads as a valid value of the field's kind; else the first
    that reads at all, reported invalid; an identifier read invalid where its label put it
    is reported so rather than replaced by a weaker candidate."""
    kind = KINDS[spec.kind]
    fallback: FieldValue | None = None
    fallback_tier = 0
    unreadable: FieldValue | None = None
    for parts, belief, tier in _candidates(spec, lines, title, hits):
        if fallback is not None and tier > fallback_tier and _misread(spec.kind, fallback):
            break
        found = evidence(parts)
        value = kind.normalise(found.raw)
        source = "text-layer" if found.confidence >= 1.0 else "ocr"
        if (value is None or not kind.check(value).valid) and reread and found.bbox:
            second = _second_look(spec, found.page, found.bbox, reread)
            if second is not None:
                return second
        confidence = (found.confidence * min(1.0, found.lowest / SURE_WORD) * belief
                      * plausibility(spec.kind, value, found.raw))
        if value is None:
            unreadable = unreadable or FieldValue(
                None, confidence * INVALID_FACTOR, found.page, found.bbox, found.raw,
                valid=False, reason=f"Không đọc được giá trị hợp lệ từ “{found.raw}”.",
                source=source)
            continue
        check = kind.check(value)
        if check.valid:
            return FieldValue(value, confidence, found.page, found.bbox, found.raw,
                              source=source)
        if fallback is None:
            fallback_tier = tier
            fallback = FieldValue(value, confidence * INVALID_FACTOR, found.page, found.bbox,
                                  found.raw, valid=False, reason=check.reason, source=source)
    return fallback or unreadable


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
    own = [lb for spec in template.fields.values() for lb in spec.labels]
    hits = pairing.scan(lines, (*own, *lexicon.load().every_label))
    out: dict[str, FieldValue] = {}
    for name, spec in template.fields.items():
        value = read_field(spec, lines, title, hits, reread)
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
