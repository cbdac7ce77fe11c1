"""QR codes, read before OCR: their values are exact where printed text is not.

Two payloads matter. The back of a chip CCCD holds a ``|``-separated record: 12-digit ID,
sometimes the old 9-digit number, full name, birth date ``ddmmyyyy``, sex, address, issue
date - the field count varies between card generations, so it is parsed by pattern, not by
position. Documents printed by one-stop systems (Circular 01/2023/TT-VPCP) carry a QR code at
the top left with the dossier code, procedure code and applicant ID; no national syntax is
published, so JSON objects and ``key: value`` / ``key=value`` lines are both read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import cv2
import numpy as np

from pipeline.fields import normalize

#: Part of the page searched first: the top-left corner where one-stop systems print theirs.
CORNER = (0.45, 0.3)
_DIGITS12 = re.compile(r"^\d{12}$")
_DIGITS9 = re.compile(r"^\d{9}$")
_DATE8 = re.compile(r"^\d{8}$")
_KEYS = {
    "ma_ho_so": "ma_ho_so", "mahoso": "ma_ho_so", "ma_thu_tuc": "ma_thu_tuc",
    "mathutuc": "ma_thu_tuc", "so_dinh_danh": "so_dinh_danh", "sodinhdanh": "so_dinh_danh",
    "ngay_hen_tra": "ngay_hen_tra", "ngayhentra": "ngay_hen_tra",
}


def decode(pixels: np.ndarray) -> list[str]:
    """Payloads of the QR codes on a page: the top-left corner first, then the whole page
    for small images (an ID card's back), which is where they are printed."""
    detector = cv2.QRCodeDetector()
    height, width = pixels.shape[:2]
    regions = [pixels[: int(height * CORNER[1]), : int(width * CORNER[0])]]
    if max(height, width) <= 2400:
        regions.append(pixels)
    for region in regions:
        ok, texts, _points, _ = detector.detectAndDecodeMulti(region)
        found = [t for t in (texts if ok else ()) if t]
        if found:
            return found
    return []


def parse_cccd(payload: str) -> dict[str, str] | None:
    """Fields of a chip CCCD's QR record, or None if the payload is not one."""
    parts = [p.strip() for p in payload.split("|")]
    if len(parts) < 5 or not _DIGITS12.match(parts[0]):
        return None
    out = {"so_dinh_danh": parts[0]}
    rest = parts[1:]
    if rest and (rest[0] == "" or _DIGITS9.match(rest[0])):
        rest = rest[1:]  # the old 9-digit number, or its empty slot
    texts = [p for p in rest if p and not _DATE8.match(p)]
    dates = [p for p in rest if _DATE8.match(p)]
    if texts:
        out["ho_ten"] = normalize.normalise_person_name(texts[0])
    gender = next((normalize.normalise_gender(t) for t in texts
                   if normalize.normalise_gender(t)), None)
    if gender:
        out["gioi_tinh"] = gender
    addresses = [t for t in texts[1:] if not normalize.normalise_gender(t)]
    if addresses:
        out["noi_thuong_tru"] = normalize.normalise_place(addresses[0])
    if dates:
        birth = normalize.parse_date(dates[0])
        if birth:
            out["ngay_sinh"] = birth
    return out


def parse_one_stop(payload: str) -> dict[str, str]:
    """Dossier fields from a one-stop system's QR code (JSON, or key: value lines)."""
    try:
        data = json.loads(payload)
    except ValueError:
        data = {}
        for line in re.split(r"[\n;]", payload):
            key, sep, value = line.partition(":") if ":" in line else line.partition("=")
            if sep:
                data[key.strip()] = value.strip()
    if not isinstance(data, dict):
        return {}
    out: dict[str, str] = {}
    for key, value in data.items():
        name = _KEYS.get(re.sub(r"[\s-]", "_", str(key)).lower())
        if name and isinstance(value, str | int):
            out[name] = str(value)
    return out


def parse(payloads: Sequence[str]) -> dict[str, str]:
    """Every field any of the page's codes gives (a CCCD record or a one-stop code)."""
    out: dict[str, str] = {}
    for payload in payloads:
        out.update(parse_cccd(payload) or parse_one_stop(payload))
    return out
