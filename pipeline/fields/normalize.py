"""Text as read from a page -> the canonical value a record stores.

Pure functions. Parsers return None when the text is not unambiguously a value of their kind:
a wrong value passed downstream as data costs more than a field left for a person to read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

#: Oldest and latest years accepted in a date: older or later ones are misreadings here.
MIN_YEAR, MAX_YEAR = 1900, 2100

_SEP = r"\s*[/.\-]\s*"
_NUMERIC_DATE = re.compile(rf"(?:ngay\s*)?(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})")
_COMPACT_DATE = re.compile(r"(\d{2})(\d{2})(\d{4})")  # ddmmyyyy, as in CCCD QR codes
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")  # one-stop QR payloads and records
# Dates inside running text, found by their words: "Bắc Kạn, ngày 04 tháng 7 năm 2023".
_WORDED_DATES = (
    re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*,?\s*nam\s*(\d{4})(?!\d)"),
    re.compile(rf"ngay\s*(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})(?!\d)"),
)
_ID_SEPARATORS = re.compile(r"[\s.\-–]")
_CURRENCY = re.compile(r"\s*(?:vnd|dong|d)$")
_MONEY_FORMS = (
    (re.compile(r"0|[1-9]\d*"), ""),
    (re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+"), "."),  # Vietnamese print: 1.500.000
    # Commas only with two or more groups: "1,500" alone may be 1.5 in Vietnamese notation.
    (re.compile(r"[1-9]\d{0,2}(?:,\d{3}){2,}"), ","),
)
_GENDERS = {"nam": "Nam", "nữ": "Nữ", "nu": "Nữ"}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _squash(text: str) -> str:
    return " ".join(_nfc(text).split())


def _fold(text: str) -> str:
    """Lower case without diacritics ("Ngày" -> "ngay"): OCR drops and swaps tone marks, and
    keywords must still be found. Only used to find digits, never to build a value."""
    text = _nfc(text).lower().replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _iso(day: str, month: str, year: str) -> str | None:
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        return None
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:  # 31/02, month 13
        return None


def parse_date(text: str) -> str | None:
    """ISO ``YYYY-MM-DD`` from ``dd/mm/yyyy`` (also ``-`` or ``.``, one-digit day and month),
    ``ddmmyyyy``, ISO itself, or a worded date ``ngày 04 tháng 7 năm 2023`` /
    ``ngày 04/7/2023`` inside a line. None for two-digit years, impossible dates, years
    outside 1900-2100, and text holding two different dates (which one is meant is not ours
    to guess)."""
    folded = _squash(_fold(text)).strip(" .,;:")
    iso = _ISO_DATE.fullmatch(folded)
    if iso:
        return _iso(*reversed(iso.groups()))
    whole = _NUMERIC_DATE.fullmatch(folded) or _COMPACT_DATE.fullmatch(folded)
    if whole:
        return _iso(*whole.groups())
    found = {_iso(*m.groups()) for pattern in _WORDED_DATES for m in pattern.finditer(folded)}
    return found.pop() if len(found) == 1 else None


def digits_only(text: str) -> str:
    """An ID number without the spaces, dots and dashes printing and OCR put inside it.
    Anything else (a letter O read for 0) is kept, so the validator rejects it instead of a
    silent repair."""
    return _ID_SEPARATORS.sub("", _nfc(text))


def normalise_person_name(text: str) -> str:
    """NFC, single spaces, every syllable capitalised ("NGUYỄN VĂN AN" -> "Nguyễn Văn An").
    Parts after a hyphen or apostrophe are capitalised too, as in Ê Đê names ("H'Hen Niê")."""
    text = _squash(text).strip(" .,;:").lower()
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), text)


def normalise_place(text: str) -> str:
    """NFC, single spaces, trailing ``.,;:`` removed; capitalisation is left as printed,
    since administrative words ("phường", "tỉnh") are lower case only inside addresses."""
    return _squash(text).rstrip(" .,;:")


def parse_money(text: str) -> int | None:
    """Whole đồng from "20.000 đồng", "1.500.000 đ", "1,500,000 VNĐ", "20.000đ", "500000".
    None for decimals, mixed separators, a single comma group ("1,500") and other currencies."""
    folded = _squash(_fold(text)).strip(" ,;:").rstrip(".")
    number = re.sub(r"\s*([.,])\s*", r"\1", _CURRENCY.sub("", folded))
    for pattern, separator in _MONEY_FORMS:
        if pattern.fullmatch(number):
            return int(number.replace(separator, "") if separator else number)
    return None


def normalise_phone(text: str) -> str | None:
    """Domestic digits ("+84 912 345 678" -> "0912345678"); None for text that is not a phone
    number or a foreign number. Length and prefix are the validator's business."""
    text = _nfc(text).strip()
    if not text or re.search(r"[^\d\s+().\-]", text) or "+" in text.lstrip("(")[1:]:
        return None
    digits = re.sub(r"\D", "", text)
    international = text.lstrip("(").startswith("+")
    if digits.startswith("00"):
        international, digits = True, digits[2:]
    if international or (digits.startswith("84") and len(digits) in (11, 12)):
        if not digits.startswith("84"):
            return None
        digits = digits[2:]  # "+84 (0) 912..." keeps its own 0
        digits = digits if digits.startswith("0") else "0" + digits
    return digits or None


def normalise_email(text: str) -> str | None:
    """Lower case, without the spaces OCR inserts and surrounding punctuation; None without
    exactly one "@"."""
    text = re.sub(r"\s+", "", _nfc(text)).lower().removeprefix("mailto:").strip("<>()[].,;:")
    return text if text.count("@") == 1 else None


def normalise_gender(text: str) -> str | None:
    """"Nam" or "Nữ" from any case, and "Nu" with its diacritic lost; None otherwise (English
    forms and partial marks such as "Nư" are left for review)."""
    return _GENDERS.get(_nfc(text).strip(" .,;:").lower())
