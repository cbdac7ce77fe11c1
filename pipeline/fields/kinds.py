"""What each kind of field is normalised to and checked against, in one table."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.fields import normalize, spelling, validate
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


#: Words that open a part of an address, written lower case inside it ("..., phường Tân
#: Lập, thành phố Nha Trang").
ADDRESS_UNITS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "phường", "xã",
                 "tổ dân phố", "khu phố", "thôn", "ấp", "ngõ", "ngách", "đường", "phố")
_UNITS_BY_LETTERS = {fold(u): u for u in ADDRESS_UNITS}


def _unit_words(part: str, first: bool) -> str:
    """The administrative word opening one comma-separated part of an address, in its
    written form: lower case inside the address ("Phường" -> "phường"), and its tone marks
    when OCR misread them on a lower-case word ("thành phổ", "tĩnh"). A capitalised word
    with other marks is a name, not a unit ("Tĩnh Gia") and stays as printed."""
    words = part.split(" ")
    for size in (3, 2, 1):
        if len(words) <= size:
            continue
        head = " ".join(words[:size])
        unit = _UNITS_BY_LETTERS.get(fold(head))
        if unit is None:
            continue
        if size == 1 and head.lower() != unit and not head[:1].islower():
            return part
        written = unit[0].upper() + unit[1:] if first and head[:1].isupper() else unit
        return " ".join([written, *words[size:]])
    return part


def _place(raw: str) -> str | None:
    text = normalize.normalise_place(raw)
    if not text:
        return None
    parts = text.split(", ")
    return ", ".join(_unit_words(part, i == 0) for i, part in enumerate(parts))


def _digits(raw: str) -> str | None:
    digits = normalize.digits_only(raw)
    return digits or None


#: A personal ID inside a sentence: "Căn cước công dân số 0010 9001 2345, cấp ngày ...".
_ID_IN_TEXT = re.compile(r"(?<![\d.])\d(?:[ .]?\d){11}(?![\d])")


def _personal_id(raw: str) -> str | None:
    """The ID's digits; from a line naming the paper it is on ("Giấy tờ tùy thân: Căn cước
    công dân số ..."), the one 12-digit number in it."""
    digits = _digits(raw)
    if digits is None or digits.isdigit() or not re.search(r"[^\W\d_]{2}", raw):
        return digits
    found = {normalize.digits_only(m.group(0)) for m in _ID_IN_TEXT.finditer(raw)}
    return found.pop() if len(found) == 1 else digits


#: A time of day printed with a date ("14:30 ngày 12/03/2024", "16 giờ 45 phút").
_TIME = re.compile(r"\b\d{1,2}\s*(?:giờ|gio|h|:)\s*\d{1,2}(?:\s*(?:phút|phut|p)\b|:\d{2})?|"
                   r"\blúc\b", re.IGNORECASE)
_SOME_DATE = re.compile(r"(?<!\d)\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}(?!\d)")


def _date(raw: str) -> str | None:
    """A date, also from a date-and-time ("12/03/2024 08:30") or a value holding one date
    and other words ("12/03/2024 (Ngày mười hai tháng ba năm ...)")."""
    found = normalize.parse_date(raw)
    if found is not None:
        return found
    bare = _TIME.sub(" ", raw)
    found = normalize.parse_date(bare)
    if found is not None:
        return found
    dates = {normalize.parse_date(m.group(0)) for m in _SOME_DATE.finditer(bare)}
    return dates.pop() if len(dates) == 1 else None


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
    return snap_agency_names(" ".join(words))


#: Names of agencies every province has, as they are written: recognised by their letters
#: however OCR spaced or accented them ("SỞKẾ HOẠCH VÀ ĐẦUTƯ", "Sơ tư phap").
AGENCY_NAMES = (
    "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Nội vụ", "Sở Thông tin và Truyền thông",
    "Sở Tài chính", "Sở Xây dựng", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Công Thương",
    "Sở Tài nguyên và Môi trường", "Sở Giao thông vận tải", "Sở Khoa học và Công nghệ",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch", "Phòng Đăng ký kinh doanh",
    "Trung tâm Phục vụ hành chính công", "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
    "Ủy ban nhân dân", "Hội đồng nhân dân", "Thủ tướng Chính phủ", "Văn phòng Chính phủ",
    "Chính phủ",
)
AGENCY_LETTERS = sorted(((fold(n).replace(" ", ""), n) for n in AGENCY_NAMES),
                         key=lambda pair: -len(pair[0]))


def snap_agency_names(text: str) -> str:
    """Known agency names in ``text`` written as they are written; the word after one that
    reads as a misaccented "tỉnh" is "tỉnh" ("Sở Tư pháp tĩnh Nghệ An")."""
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        for letters, name in AGENCY_LETTERS:
            squashed, j = "", i
            while j < len(words) and len(squashed) < len(letters):
                squashed += fold(words[j]).replace(" ", "")
                j += 1
            if squashed == letters:
                out += name.split()
                if j < len(words) and fold(words[j]) == "tinh" and words[j][:1].islower():
                    words[j] = "tỉnh"
                i = j
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


#: "Ủy ban nhân dân" however OCR spaced it ("ỦY BANNHÂNDÂN").
_UBND_WORDS = re.compile(r"[UỦ]Y\s*BAN\s*NH[ÂA]N\s*D[ÂA]N", re.IGNORECASE)


def _agency(raw: str) -> str | None:
    """Sentence case for an all-capitals agency name; proper names after an administrative
    unit word ("phường Nghi Thủy") keep capitals on every syllable."""
    text = normalize.normalise_place(raw)
    if not text:
        return None
    text = _UBND_WORDS.sub("Ủy ban nhân dân" if text != text.upper() else "ỦY BAN NHÂN DÂN",
                           text)
    if text != text.upper():
        return snap_agency_names(text)
    words = text.lower().split()
    out: list[str] = []
    proper = False
    units = {"tỉnh", "phố", "quận", "huyện", "xã", "phường", "trấn"}
    for i, word in enumerate(words):
        out.append(word.capitalize() if i == 0 or proper else word)
        if word in units and not (word == "xã" and i + 1 < len(words) and
                                  words[i + 1] == "hội"):
            proper = True
        elif word.endswith(","):  # the superior's locality: "..., thành phố Bảo Lộc"
            proper = False
    return snap_agency_names(" ".join(out))


#: Papers a procedure issues, capitalised in its name ("Cấp Giấy xác nhận ...").
_PAPERS = {"giấy", "phiếu", "thẻ", "sổ"}


def _procedure_name(raw: str) -> str | None:
    """A procedure's name as the national catalogue writes it: sentence case for a title
    printed in capitals, with the paper it issues capitalised ("TỜ KHAI CẤP GIẤY XÁC NHẬN
    TÌNH TRẠNG HÔN NHÂN" names "Cấp Giấy xác nhận tình trạng hôn nhân")."""
    text = normalize.normalise_place(raw)
    if not text or text != text.upper():
        return text or None
    words = text.lower().split()
    out = [words[0].capitalize()]
    for word in words[1:]:
        after_verb = fold(out[-1]) in ("cap", "doi", "lai")
        out.append(word.capitalize() if word in _PAPERS and after_verb else word)
    return " ".join(out)


def _email(raw: str) -> str | None:
    """OCR reads "@" in small print as "(@" or "@)": brackets cannot be in an address."""
    return normalize.normalise_email(re.sub(r"\(\s*@|@\s*\)", "@", raw))


def _serial(value: str) -> Check:
    """A receipt's or register's running number: digits only."""
    if value.isascii() and value.isdigit() and len(value) <= 12:
        return Check.ok()
    return Check.bad(f"Số thứ tự chỉ gồm chữ số, đọc được «{value}».")


def _gender(raw: str) -> str | None:
    """"Nam"/"Nữ", also the one such word among specks OCR read beside it ("mm. NỮ")."""
    found = normalize.normalise_gender(raw)
    if found is not None:
        return found
    words = raw.split()
    genders = {normalize.normalise_gender(w) for w in words} - {None}
    specks = [w for w in words if normalize.normalise_gender(w) is None]
    if len(genders) != 1 or any(sum(ch.isalpha() for ch in w) > 2 for w in specks):
        return None  # "Việt Nam" holds "Nam" but is no gender
    return genders.pop()


def _str_check(check: Callable[[str], Check]) -> Callable[[Value], Check]:
    return lambda value: check(str(value))


KINDS: dict[str, Kind] = {
    "text": Kind(_text),
    "place": Kind(_place),
    "person_name": Kind(lambda raw: normalize.normalise_person_name(raw) or None),
    "agency": Kind(_agency),
    "job_title": Kind(_title_case_job),
    "procedure_name": Kind(_procedure_name),
    "date": Kind(_date),
    "gender": Kind(_gender),
    "nationality": Kind(_text),
    "personal_id": Kind(_personal_id, _str_check(lambda v: validate.personal_id(v))),
    "tax_code": Kind(_code, _str_check(validate.tax_code)),
    "dossier_code": Kind(_code, _str_check(lambda v: validate.dossier_code(v))),
    "procedure_code": Kind(_code, _str_check(validate.procedure_code)),
    "document_number": Kind(_code, _str_check(validate.document_number)),
    "phone": Kind(normalize.normalise_phone, _str_check(validate.phone)),
    "email": Kind(_email, _str_check(validate.email)),
    "money": Kind(normalize.parse_money),
    "code": Kind(_code),
    "serial": Kind(_code, _str_check(_serial)),
}


#: Kinds of words, not codes: a label and its colon never belong inside them.
_WORDED = frozenset({"person_name", "place", "text", "procedure_name", "agency", "job_title",
                     "nationality"})
#: Share of confidence kept by a value that reads as its kind but does not look like a
#: typical one (a "name" of one word or with digits, an ID picked out of a sentence).
ODD_VALUE = 0.7
#: ... and one that holds a "label: value" of its own.
LABEL_INSIDE = 0.5


def plausibility(kind: str, value: Value | None, raw: str) -> float:
    """How typical ``value`` is of its kind, from 0 to 1: validators check identifiers, this
    weighs what they cannot - a person's name is two to six words of letters, a place or a
    text more than a stray word, an ID printed as one number."""
    if value is None:
        return 1.0
    text = str(value)
    if kind in _WORDED and re.search(r"\w\s*[:：]\s", raw):
        return LABEL_INSIDE  # "Mẫu số: 01BLP0-001" inside a name: labels read as the value
    if kind == "person_name":
        words = text.split()
        ok = 2 <= len(words) <= 6 and all(w.replace("'", "").replace("-", "").isalpha()
                                          for w in words)
        return (1.0 if ok else ODD_VALUE) * spelling.name_spelling(text)
    if kind in ("place", "text", "procedure_name", "agency"):
        shape = spelling.address_shape(text) if kind == "place" else 1.0
        return ((1.0 if sum(ch.isalpha() for ch in text) >= 3 else ODD_VALUE)
                * spelling.place_spelling(text) * shape)
    if kind == "personal_id" and re.search(r"[^\W\d_]{2}", raw):
        return 0.85
    if kind == "gender" and len(raw.split()) > 1:
        return ODD_VALUE
    return 1.0
