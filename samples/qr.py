"""QR codes printed on the samples: their payloads and their module matrices.

Two payloads, both UTF-8 in byte mode without an ECI header (OpenCV's decoder warns about
ECI and phone readers guess UTF-8 anyway):

* **One-stop documents** (Circular 01/2023/TT-VPCP asks for a QR code at the top left of
  what one-stop systems print; no national syntax is published). Ours is one compact JSON
  object, keys in this order::

    {"ma_ho_so":"000.00.22.H04-230315-0012","ma_thu_tuc":"1.001612",
     "so_dinh_danh":"006090012345","ten_giay_to":"Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
     "he_thong":"dichvucong.backan.gov.vn","thoi_gian":"2023-03-15T10:15:00+07:00",
     "ngay_hen_tra":"2023-03-24"}

  ``ma_ho_so`` dossier code, ``ma_thu_tuc`` procedure code, ``so_dinh_danh`` the applicant's
  12-digit ID, ``ten_giay_to`` the document's name, ``he_thong`` the issuing system (its
  host name), ``thoi_gian`` when the system printed it (ISO 8601, +07:00), ``ngay_hen_tra``
  the appointment date (receipts only, ISO date).
* **Chip CCCD**: the ``|``-separated record ``ID|old 9-digit CMND|FULL NAME|ddmmyyyy birth|
  Nam/Nữ|address|ddmmyyyy issue date``; the old number's slot is empty for people who never
  had one, and some card generations leave the slot out (six fields).
"""

from __future__ import annotations

import datetime as dt
import functools
import json

import segno

Matrix = tuple[tuple[bool, ...], ...]
ZONE = dt.timezone(dt.timedelta(hours=7), "ICT")


def one_stop_payload(*, dossier: str, procedure: str, applicant_id: str, document: str,
                     system: str, printed: dt.datetime, due: dt.date | None = None) -> str:
    """The JSON payload of a one-stop document's corner QR code (see the module doc)."""
    if printed.tzinfo is None:
        printed = printed.replace(tzinfo=ZONE)
    record: dict[str, str] = {
        "ma_ho_so": dossier,
        "ma_thu_tuc": procedure,
        "so_dinh_danh": applicant_id,
        "ten_giay_to": document,
        "he_thong": system,
        "thoi_gian": printed.isoformat(timespec="seconds"),
    }
    if due is not None:
        record["ngay_hen_tra"] = due.isoformat()
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def cccd_payload(*, personal_id: str, old_id: str | None, name: str, birth: dt.date,
                 sex: str, address: str, issued: dt.date, six_fields: bool = False) -> str:
    """A chip CCCD's QR record; ``old_id`` None leaves its slot empty, ``six_fields`` drops
    the slot (only for people without an old number)."""
    if six_fields and old_id:
        raise ValueError("the six-field record has no slot for the old number")
    parts = [personal_id, *(() if six_fields else (old_id or "",)), name.upper(),
             f"{birth:%d%m%Y}", sex, address, f"{issued:%d%m%Y}"]
    if any("|" in p for p in parts):
        raise ValueError("a CCCD record field contains '|'")
    return "|".join(parts)


def side(payload: str, module: float) -> float:
    """Side of the symbol holding ``payload`` with modules of ``module`` points."""
    return len(matrix(payload)) * module


@functools.lru_cache(maxsize=256)
def matrix(payload: str) -> Matrix:
    """Dark (True) and light modules of the smallest QR symbol holding ``payload`` at error
    correction level M or better, without the quiet zone."""
    code = segno.make(payload, error="l", encoding="utf-8", micro=False, boost_error=True)
    return tuple(tuple(bool(v) for v in row) for row in code.matrix)
