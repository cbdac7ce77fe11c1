"""Checks across fields: values that are each well-formed but cannot all be true."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

from pipeline.fields import validate
from pipeline.fields.model import Check, FieldValue

#: A value that fails a cross-check keeps this share of its confidence.
CONFLICT_FACTOR = 0.4


def _value(fields: Mapping[str, FieldValue], name: str) -> str | None:
    found = fields.get(name)
    return str(found.value) if found is not None and found.valid and found.value else None


def _mark(fields: dict[str, FieldValue], name: str, check: Check) -> None:
    if check.valid or name not in fields:
        return
    found = fields[name]
    fields[name] = dataclasses.replace(found, valid=False, reason=check.reason,
                                       confidence=found.confidence * CONFLICT_FACTOR)


def crosscheck(fields: Mapping[str, FieldValue], today: date) -> dict[str, FieldValue]:
    out = dict(fields)
    pid, birth, gender = (_value(out, n) for n in ("so_dinh_danh", "ngay_sinh", "gioi_tinh"))
    if pid and (birth or gender):
        _mark(out, "so_dinh_danh", validate.personal_id(pid, birth, gender))
    if birth:
        _mark(out, "ngay_sinh", validate.date_not_future(birth, today))
    dossier, received = _value(out, "ma_ho_so"), _value(out, "ngay_nhan")
    if dossier and received:
        _mark(out, "ma_ho_so", validate.dossier_code(dossier, received))
    due = _value(out, "ngay_hen_tra")
    if received and due:
        _mark(out, "ngay_hen_tra", validate.date_order(received, due, "ngày hẹn trả"))
    expiry = _value(out, "co_gia_tri_den")
    if birth and expiry:
        _mark(out, "co_gia_tri_den", validate.date_order(birth, expiry, "ngày hết hạn"))
    return out
