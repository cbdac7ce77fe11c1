"""What each kind of field is normalised to and checked against, in one table."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.fields import normalize, validate
from pipeline.fields.match import fold
from pipeline.fields.model import Check

Value = str | int


@dataclass(frozen=True)
class Kind:
    #: Raw text -> normalised value, or None when the text is not a value of this kind.
    normalise: Callable[[str], Value | None]
    check: Callable[[Value], Check] = lambda _value: Check.ok()


def _text(raw: str) -> str | None:
    text = normalize.normalise_place(raw)
    return text or None


def _digits(raw: str) -> str | None:
    digits = normalize.digits_only(raw)
    return digits or None


def _code(raw: str) -> str | None:
    """Codes keep their punctuation; OCR's stray spaces inside them are dropped."""
    code = re.sub(r"\s+", "", raw).strip(".,;:")
    return code or None


#: Titles of signers, written as documents write them. A title read with a tone mark lost
#: ("Chủ tich") is recognised by its letters and given its written form.
JOB_TITLES = ("Chủ tịch", "Phó Chủ tịch", "Giám đốc", "Phó Giám đốc", "Trưởng phòng",
              "Phó Trưởng phòng", "Bộ trưởng", "Thứ trưởng", "Cục trưởng", "Phó Cục trưởng",
              "Chánh Văn phòng", "Phó Chánh Văn phòng", "Trưởng ban", "Phó Trưởng ban",
              "Chi cục trưởng", "Tổng cục trưởng", "Chánh án", "Viện trưởng", "Hiệu trưởng",
              "Trưởng Công an", "Người thu tiền", "Thủ trưởng")
_TITLES_BY_LETTERS = {fold(t): t for t in JOB_TITLES}


def _title_case_job(raw: str) -> str | None:
    """"PHÓ CHỦ TỊCH" -> "Phó Chủ tịch": a known title in its written form, else sentence
    case with the word after "Phó" capitalised."""
    known = _TITLES_BY_LETTERS.get(fold(raw))
    if known:
        return known
    words = normalize.normalise_place(raw).lower().split()
    if not words:
        return None
    words[0] = words[0].capitalize()
    if words[0] == "Phó" and len(words) > 1:
        words[1] = words[1].capitalize()
    return " ".join(words)


def _agency(raw: str) -> str | None:
    """Sentence case for an all-capitals agency name; proper names after an administrative
    unit word ("phường Nghi Thủy") keep capitals on every syllable."""
    text = normalize.normalise_place(raw)
    if not text:
        return None
    if text != text.upper():
        return text
    words = text.lower().split()
    out: list[str] = []
    proper = False
    units = {"tỉnh", "phố", "quận", "huyện", "xã", "phường", "trấn"}
    for i, word in enumerate(words):
        out.append(word.capitalize() if i == 0 or proper else word)
        if word in units and not (word == "xã" and i + 1 < len(words) and
                                  words[i + 1] == "hội"):
            proper = True
    return " ".join(out)


def _email(raw: str) -> str | None:
    """OCR reads "@" in small print as "(@" or "@)": brackets cannot be in an address."""
    return normalize.normalise_email(re.sub(r"\(\s*@|@\s*\)", "@", raw))


def _str_check(check: Callable[[str], Check]) -> Callable[[Value], Check]:
    return lambda value: check(str(value))


KINDS: dict[str, Kind] = {
    "text": Kind(_text),
    "place": Kind(_text),
    "person_name": Kind(lambda raw: normalize.normalise_person_name(raw) or None),
    "agency": Kind(_agency),
    "job_title": Kind(_title_case_job),
    "date": Kind(normalize.parse_date),
    "gender": Kind(normalize.normalise_gender),
    "nationality": Kind(_text),
    "personal_id": Kind(_digits, _str_check(lambda v: validate.personal_id(v))),
    "tax_code": Kind(_code, _str_check(validate.tax_code)),
    "dossier_code": Kind(_code, _str_check(lambda v: validate.dossier_code(v))),
    "procedure_code": Kind(_code, _str_check(validate.procedure_code)),
    "document_number": Kind(_code, _str_check(validate.document_number)),
    "phone": Kind(normalize.normalise_phone, _str_check(validate.phone)),
    "email": Kind(_email, _str_check(validate.email)),
    "money": Kind(normalize.parse_money),
}
