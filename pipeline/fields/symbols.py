"""The kind part of a document's symbol ("QĐ" in "47/QĐ-UBND") against the document's kind.

Decree 30/2020/NĐ-CP, Appendix III, gives each kind of administrative document its
abbreviation, and the symbol of a document of that kind starts with it (a công văn has none:
"574/UBND-KTTH"). OCR often mangles the symbol's letters in a scan ("QĐÐ", "QÐ", "TTR"):
a symbol whose kind part folds to the kind's abbreviation is written as the abbreviation
(a repair that says so and costs confidence); one that names another kind is doubtful.
This serves every Decree 30 document type read from a scan, not one form.
"""

from __future__ import annotations

import dataclasses
import re

from pipeline.fields.model import FieldValue

#: Appendix III abbreviations by sohoa document type.
ABBREVIATIONS = {
    "nghi_quyet": "NQ", "quyet_dinh": "QĐ", "chi_thi": "CT", "quy_che": "QC",
    "quy_dinh": "QyĐ", "thong_cao": "TC", "thong_bao": "TB", "huong_dan": "HD",
    "chuong_trinh": "CTr", "ke_hoach": "KH", "phuong_an": "PA", "de_an": "ĐA", "du_an": "DA",
    "bao_cao": "BC", "bien_ban": "BB", "to_trinh": "TTr", "hop_dong": "HĐ", "cong_dien": "CĐ",
    "ban_ghi_nho": "BGN", "ban_thoa_thuan": "BTT", "giay_uy_quyen": "GUQ", "giay_moi": "GM",
    "giay_gioi_thieu": "GGT", "giay_nghi_phep": "GNP", "phieu_gui": "PG",
    "phieu_chuyen": "PC", "phieu_bao": "PB", "thu_cong": "TCg", "nghi_dinh": "NĐ",
    "thong_tu": "TT",
}
#: Confidence factor of a symbol repaired to its kind's abbreviation.
REPAIRED = 0.8
#: Confidence at most of a symbol whose kind part names another kind of document.
OTHER_KIND = 0.4

_SYMBOL = re.compile(r"^(?P<number>[^/]+/(?:\d{4}/)?)(?P<kind>[^-/]+)(?P<rest>-.*)?$")


def _letters(text: str) -> str:
    """The letters as OCR confuses them: Đ and its look-alikes, case, doubled letters."""
    folded = text.upper().replace("Ð", "Đ").replace("Ɖ", "Đ")
    out = ""
    for ch in folded:
        if ch.isalpha() and (not out or out[-1] != ch):
            out += ch
    return out


def check_symbol(doc_type: str, found: FieldValue) -> FieldValue:
    """``found`` (a ``so_ky_hieu``) repaired or doubted by the kind it names."""
    expected = ABBREVIATIONS.get(doc_type)
    if expected is None or not isinstance(found.value, str):
        return found
    match = _SYMBOL.match(found.value)
    if match is None or match["rest"] is None:
        return found  # no kind part (a công văn's "574/UBND-KTTH") or not a symbol
    kind = match["kind"]
    if kind == expected:
        return found
    if _letters(kind) == _letters(expected):
        value = f"{match['number']}{expected}{match['rest']}"
        return dataclasses.replace(
            found, value=value, confidence=found.confidence * REPAIRED,
            reason=_join(found.reason, f"Ký hiệu loại văn bản đọc được «{kind}», sửa thành "
                                       f"«{expected}» theo loại văn bản."))
    known = {_letters(a) for a in ABBREVIATIONS.values()}
    if _letters(kind) in known:
        return dataclasses.replace(
            found, confidence=min(found.confidence, OTHER_KIND),
            reason=_join(found.reason, f"Ký hiệu «{kind}» là của loại văn bản khác "
                                       f"(văn bản này cần «{expected}»); cần kiểm tra."))
    return found


def _join(*reasons: str | None) -> str | None:
    said = " ".join(r for r in reasons if r)
    return said or None
