"""Checking a new document of a known citizen against what is already verified about them.

*Verified* means a valid value from a signed result (an official or a seal signed it) or a
valid value read with confidence of at least :data:`VERIFIED_CONFIDENCE` (a QR code, a text
layer, a clean scan), from a document that is not revoked; the latest such value per field
(by the paper's date) is the reference.

* A field that **agrees** gains confidence as two independent readings do: the chance both
  are wrong in the same way is the product of their error chances, so the new confidence is
  ``1 − (1 − c)(1 − c_ref)`` (``c_ref`` 1.0 for a signed result), capped at
  :data:`CONFIRMED_CAP` because matching a reference does not make a reading certain. A
  review the document already needs for other reasons is not lifted.
* A field that **disagrees** keeps its value (never silently corrected), gains a ``reason``,
  a Vietnamese warning names the reference value and its document, and the document goes to
  ``review``: either the citizen's data changed (a move, a new phone) or the reading is wrong,
  and only a person can tell.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from pipeline.errors import StoreError
from pipeline.index import Index
from pipeline.index.extract import PERSON_FIELDS_BY_ROLE, citizen_role, valid_value
from pipeline.models import DocumentRecord, Status
from pipeline.reuse.profile import Observation, observations, same_value

log = logging.getLogger(__name__)

VERIFIED_CONFIDENCE = 0.90
CONFIRMED_CAP = 0.99


def verified_facts(index: Index, so_dinh_danh: str,
                   exclude: str | None = None) -> dict[str, Observation]:
    """The latest verified value of each personal field of the citizen."""
    obs, _docs = observations(index, so_dinh_danh, exclude)
    facts: dict[str, Observation] = {}
    for o in obs:  # oldest first: later ones replace earlier ones
        if o.from_signed or o.confidence >= VERIFIED_CONFIDENCE:
            facts[o.name] = o
    return facts


def reconcile(index: Index | None, record: DocumentRecord) -> DocumentRecord:
    """The record with its personal fields checked against the citizen's verified data."""
    person = valid_value(record, "so_dinh_danh")
    if index is None or person is None:
        return record
    try:
        facts = verified_facts(index, person, exclude=record.id)
    except StoreError as exc:  # the index is a helper: a document is never lost over it
        log.warning("reconciliation skipped for %s: %s", record.id, exc.message)
        return record
    if not facts:
        return record
    mapping = PERSON_FIELDS_BY_ROLE.get(citizen_role(record.doc_type), {})
    fields = dict(record.fields)
    warnings = list(record.warnings)
    disagree = False
    for name, found in record.fields.items():
        fact = facts.get(mapping.get(name, ""))
        if fact is None or not isinstance(found, dict) or found.get("value") in (None, ""):
            continue
        if same_value(found["value"], fact.value):
            if found.get("valid", False):
                fields[name] = _confirmed(found, fact)
            continue
        disagree = True
        where = _where(fact)
        reason = f"Khác dữ liệu đã xác thực của công dân: “{fact.value}” ({where})."
        fields[name] = {**found, "reason": " ".join(filter(None, [found.get("reason"),
                                                                  reason]))}
        warnings.append(f"Trường “{name}” đọc được “{found['value']}” nhưng dữ liệu đã xác "
                        f"thực của công dân {person} là “{fact.value}” ({where}); cần người "
                        "kiểm tra.")
    status = Status.REVIEW if disagree and record.status is Status.DONE else record.status
    return dataclasses.replace(record, fields=fields, warnings=tuple(warnings), status=status)


def _confirmed(found: dict[str, Any], fact: Observation) -> dict[str, Any]:
    mine = float(found.get("confidence") or 0.0)
    reference = 1.0 if fact.from_signed else fact.confidence
    boosted = min(CONFIRMED_CAP, 1 - (1 - mine) * (1 - reference))
    return {**found, "confidence": round(max(mine, boosted), 3)}


def _where(fact: Observation) -> str:
    kind = "kết quả đã ký" if fact.from_signed else f"độ tin cậy {fact.confidence:.0%}"
    page = f", trang {fact.page}" if fact.page else ""
    return f"tài liệu {fact.doc_id}{page}, {kind}"
