"""What the signatures a document arrived with say about its printed fields.

A signature is a second witness, never a source: the printed agency and signer that match a
signature's certificate or stamp letter for letter are confirmed (their confidence rises);
the issue date is bounded by the earliest signing time: a document is signed once its number
and date are on it, so a date read after the signing day cannot be right. The signer's own
signature is the exception: in e-office workflows the leader signs first and the clerk adds
the number and date when issuing, so it bounds nothing. The issuing body signs within days
of the issue date, so a date months before its signature is doubtful (a gazette centre or a
copy-certifying office may sign much later: their signatures do not count for that). Either
way the printed value stays what it is, and a missing date is never filled from a signature:
the reviewer gets the signing time as a hint.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pipeline.fields.crosscheck import CONFLICT_FACTOR
from pipeline.fields.model import FieldValue
from pipeline.models import SignatureEvidence

#: Confidence of a printed value a signature names letter for letter.
CONFIRMED_CONFIDENCE = 0.97
#: An issue date this many days before the first signature is doubtful.
EARLY_DAYS = 92
#: ... and keeps at most this confidence (below review.min_field_confidence's default).
EARLY_CONFIDENCE = 0.5
#: Fields a signature's name may confirm.
NAMED_FIELDS = ("co_quan_ban_hanh", "nguoi_ky")
#: Old-style tone placement ("Uỷ", "hoà") written the new way ("Ủy", "hòa").
_OLD_TONES = re.compile("([oOuU])([\u0300\u0301\u0303\u0309\u0323])([aAeEyY])")


def _canonical(text: str) -> str:
    """Case and spacing aside, the same letters and marks (tone placement normalised)."""
    decomposed = unicodedata.normalize("NFD", " ".join(text.split()).casefold())
    return unicodedata.normalize("NFC", _OLD_TONES.sub(r"\1\3\2", decomposed))


def _overlaps(value: FieldValue, ev: SignatureEvidence) -> bool:
    """The value was read on the stamp itself (OCR took the stamp for the header)."""
    if value.page != ev.page or value.bbox is None or ev.bbox is None:
        return False
    a, b = value.bbox, ev.bbox
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _names(value: FieldValue | None, ev: SignatureEvidence) -> bool:
    """The signature names this printed (valid) value, and was not where it was read."""
    if value is None or not value.valid or not isinstance(value.value, str):
        return False
    printed = _canonical(value.value)
    return not _overlaps(value, ev) and printed in (_canonical(ev.signer),
                                                    _canonical(ev.organization))


def _confirm(fields: dict[str, FieldValue], evidence: Sequence[SignatureEvidence]) -> None:
    for name in NAMED_FIELDS:
        value = fields.get(name)
        witnesses = sorted({ev.source for ev in evidence if _names(value, ev)})
        if value is not None and witnesses:
            fields[name] = dataclasses.replace(
                value, confidence=max(value.confidence, CONFIRMED_CONFIDENCE),
                confirmed_by=tuple(witnesses))


def first_signing(evidence: Sequence[SignatureEvidence], zone: str
                  ) -> tuple[datetime, SignatureEvidence] | None:
    """The earliest stated signing time (in ``zone``) and whose it is."""
    times = []
    for ev in evidence:
        if ev.signed_at and ev.problem is None:
            try:
                when = datetime.fromisoformat(ev.signed_at)
            except ValueError:
                continue
            if when.tzinfo is not None:
                times.append((when.astimezone(ZoneInfo(zone)), ev))
    return min(times, key=lambda t: t[0]) if times else None


def _vn(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _signed(when: datetime, ev: SignatureEvidence) -> str:
    """"08:41 ngày 18/03/2024 (Ủy ban nhân dân tỉnh Quảng Ngãi)"."""
    who = ev.signer or ev.organization or "không rõ người ký"
    return f"{when:%H:%M} ngày {_vn(when.date())} ({who})"


def _bound_date(fields: dict[str, FieldValue], evidence: Sequence[SignatureEvidence],
                zone: str, name: str) -> list[str]:
    signer = fields.get("nguoi_ky")
    first = first_signing([ev for ev in evidence if not _names(signer, ev)], zone)
    if first is None:
        return []
    when, ev = first
    signed = _signed(when, ev)
    value = fields.get(name)
    if value is None or not value.valid or not isinstance(value.value, str):
        return [f"Chưa đọc được ngày ban hành; văn bản được ký số lúc {signed}, nên ngày ban "
                f"hành không muộn hơn ngày {_vn(when.date())}."]
    issued = date.fromisoformat(value.value)
    if issued > when.date():
        reason = (f"Ngày ban hành {_vn(issued)} sau thời điểm ký số {signed}: văn bản không "
                  "thể ban hành sau khi được ký")
        fields[name] = dataclasses.replace(value, valid=False, reason=reason,
                                           confidence=value.confidence * CONFLICT_FACTOR)
        return []  # reported as an invalid field
    agency = fields.get("co_quan_ban_hanh")
    own = first_signing([ev for ev in evidence if _names(agency, ev)], zone)
    if own is not None and (own[0].date() - issued).days > EARLY_DAYS:
        reason = (f"Ngày ban hành {_vn(issued)} sớm hơn thời điểm ký số {_signed(*own)} hơn "
                  "3 tháng; cần kiểm tra")
        fields[name] = dataclasses.replace(
            value, reason=reason, confidence=min(value.confidence, EARLY_CONFIDENCE))
        return [reason + "."]
    return []


def attest(fields: Mapping[str, FieldValue], evidence: Sequence[SignatureEvidence],
           zone: str, date_field: str | None) -> tuple[dict[str, FieldValue], list[str]]:
    """Fields weighed against the signatures, and notes (Vietnamese) for the reviewer.
    ``date_field`` is the template's issue date, None when it has none."""
    out = dict(fields)
    if not evidence:
        return out, []
    _confirm(out, evidence)
    notes = _bound_date(out, evidence, zone, date_field) if date_field else []
    return out, notes
