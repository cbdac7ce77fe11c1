"""Provenance of values read from handwriting: a field whose words include digits the
clerk wrote by hand (``PageText.handwritten``) says so, and is no surer than they are, so a
doubtful handwritten number or day goes to review."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from pipeline.fields.model import FieldValue
from pipeline.models import PageText

SOURCE = "handwriting"


def _inside(box: tuple[float, float, float, float],
            bbox: tuple[float, float, float, float]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def mark_handwriting(fields: Mapping[str, FieldValue], pages: Sequence[PageText]
                     ) -> dict[str, FieldValue]:
    hands = {p.number: p.handwritten for p in pages if p.handwritten}
    out = dict(fields)
    if not hands:
        return out
    for name, value in fields.items():
        bbox = value.bbox
        if bbox is None or value.page not in hands:
            continue
        used = [h.confidence for h in hands[value.page] if _inside(h.box, bbox)]
        if used:
            out[name] = dataclasses.replace(value, source=SOURCE,
                                            confidence=min(value.confidence, *used))
    return out
