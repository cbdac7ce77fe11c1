"""Validators for identifiers and dates: each says whether a normalised value can be true and,
if not, why, in Vietnamese for the reviewer. They never repair a value.

Arguments that cross-check a value (a birth date, a gender, a date of receipt) are themselves
normalised values - ISO dates, "Nam"/"Nữ" - and anything else there is a caller's bug, so it
raises ValueError instead of blaming the value being checked.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline.fields.model import Check
from pipeline.fields.provinces import province_name

# Personal ID, Circular 07/2016/TT-BCA Art. 7: the 4th digit is 2 x century + sex, the
# century counted from 1900 (0/1: 1900-1999 male/female, 2/3: 2000-2099, 4/5: 2100-2199,
# 6/7: 2200-2299, 8/9: 2300-2399).
_ID_FIRST_CENTURY = 1900

# Tax code: weights of the first nine digits; check digit = 10 - (weighted sum mod 11).
TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_TAX_CODE = re.compile(r"([0-9]{10})(?:-([0-9]{3}))?")

# Dossier code, Circular 01/2018/TT-VPCP Art. 19: V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX, the
# agency part being the QCVN 102:2016/BTTTT electronic agency identifier whose level-1 code
# is a letter and two digits (G.. ministries, H.. provinces, other letters other bodies).
_DOSSIER_CODE = re.compile(r"([0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2})-([0-9]{6})-([0-9]{4})")
_DOSSIER_EXAMPLE = "000.00.22.H04-230315-0012"
_PROCEDURE_CODE = re.compile(r"[0-9]\.[0-9]{6}")

# Document number and symbol, Decree 30/2020/NĐ-CP Appendix I: number, the year for legal
# normative documents, then abbreviations joined by "-": kind-issuer ("QĐ-UBND", "TTr-SNV",
# "NĐ-CP") or issuer-unit for official letters ("UBND-TTHC"); a law has just "QH15".
_DOC_NUMBER = re.compile(r"([0-9]{1,5})(?:/([0-9]{4}))?/(.+)")

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MOBILE = re.compile(r"0[35789][0-9]{8}")
_LANDLINE = re.compile(r"02[0-9]{8,9}")  # 11 digits since 2017; 10 in older papers (0281 …)
_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",
    re.IGNORECASE,
)


def _date(iso: str) -> dt.date:
    # fromisoformat alone also takes "20230704" and week dates since Python 3.11
    if not isinstance(iso, str) or not _ISO_DATE.fullmatch(iso):
        raise ValueError(f"not an ISO date: {iso!r}")
    return dt.date.fromisoformat(iso)


def _vn(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _digits_problem(what: str, value: str, length: int) -> str | None:
    if not value.isascii() or not value.isdigit():
        return f"{what} chỉ gồm chữ số, đọc được «{value}»"
    if len(value) != length:
        return f"{what} phải gồm {length} chữ số, đọc được {len(value)}"
    return None


def personal_id(number: str, birth_date: str | None = None, gender: str | None = None) -> Check:
    """12-digit personal ID: a known province code, and - when given - a century/sex digit,
    and birth-year digits, that agree with the ISO birth date and the gender ("Nam"/"Nữ")."""
    problem = _digits_problem("Số định danh cá nhân", number, 12)
    if problem:
        return Check.bad(problem)
    problems: list[str] = []
    if province_name(number[:3]) is None:
        problems.append(f"Mã tỉnh {number[:3]} không có trong bảng mã tỉnh "
                        "(Thông tư 07/2016/TT-BCA)")
    digit = int(number[3])
    first_year = _ID_FIRST_CENTURY + 100 * (digit // 2)
    male = digit % 2 == 0
    if birth_date is not None:
        year = _date(birth_date).year
        if not first_year <= year < first_year + 100:
            problems.append(f"Chữ số thứ 4 ({digit}) là mã của người sinh từ năm {first_year} "
                            f"đến {first_year + 99}, nhưng năm sinh là {year}")
        if number[4:6] != f"{year % 100:02d}":
            problems.append(f"Chữ số thứ 5-6 ({number[4:6]}) phải là hai số cuối của năm "
                            f"sinh {year}")
    if gender is not None:
        if gender not in ("Nam", "Nữ"):
            raise ValueError(f"gender must be 'Nam' or 'Nữ', not {gender!r}")
        if male != (gender == "Nam"):
            problems.append(f"Chữ số thứ 4 ({digit}) là mã của {'nam' if male else 'nữ'}, "
                            f"nhưng giới tính ghi là {gender}")
    return Check.bad("; ".join(problems)) if problems else Check.ok()


def old_id_number(number: str) -> Check:
    """The 9-digit identity card number (CMND) of cards issued before the CCCD."""
    problem = _digits_problem("Số chứng minh nhân dân", number, 9)
    return Check.bad(problem) if problem else Check.ok()


def tax_check_digit(first_nine: str) -> int | None:
    """10th digit of a tax code, or None when the weighted sum is divisible by 11: the check
    would be 10, which is not a digit, so such numbers are never issued."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, TAX_WEIGHTS, strict=True)) % 11
    return None if remainder == 0 else 10 - remainder


def tax_code(code: str) -> Check:
    """Tax / enterprise code: 10 digits, or 10 + "-" + 3 for a dependent unit (branch)."""
    match = _TAX_CODE.fullmatch(code)
    if match is None:
        return Check.bad(f"Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và "
                         f"3 chữ số của đơn vị phụ thuộc; đọc được «{code}»")
    main, branch = match.groups()
    if main[2:9] == "0000000":
        return Check.bad("Chữ số thứ 3-9 của mã số thuế là số thứ tự, không thể là 0000000")
    if branch == "000":
        return Check.bad("Số thứ tự đơn vị phụ thuộc trong mã số thuế bắt đầu từ 001, "
                         "không thể là 000")
    expected = tax_check_digit(main[:9])
    if expected is None:
        return Check.bad(f"Mã số thuế {main} không thể được cấp: chín chữ số đầu cho chữ số "
                         "kiểm tra bằng 10")
    if int(main[9]) != expected:
        return Check.bad(f"Chữ số kiểm tra của mã số thuế không đúng: phải là {expected}, "
                         f"đọc được {main[9]}")
    return Check.ok()


def dossier_code(code: str, received: str | None = None) -> Check:
    """Dossier code ``<agency>-<yymmdd>-<4-digit sequence>``; the date is the day of receipt,
    so it must exist and equal ``received`` (ISO) when that is known."""
    match = _DOSSIER_CODE.fullmatch(code)
    if match is None:
        return Check.bad("Mã hồ sơ phải có dạng <mã cơ quan>-<năm tháng ngày yymmdd>-<số thứ "
                         f"tự 4 chữ số>, ví dụ {_DOSSIER_EXAMPLE}; đọc được «{code}»")
    yymmdd = match.group(2)
    try:
        day = dt.date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return Check.bad(f"Phần ngày {yymmdd} của mã hồ sơ (năm tháng ngày) không phải ngày "
                         "có thật")
    if received is not None and day != _date(received):
        return Check.bad(f"Mã hồ sơ ghi ngày tiếp nhận {_vn(day)}, nhưng ngày nhận hồ sơ là "
                         f"{_vn(_date(received))}")
    return Check.ok()


def procedure_code(code: str) -> Check:
    """Procedure code of the national database: a digit, a dot, six digits ("1.001612")."""
    if _PROCEDURE_CODE.fullmatch(code):
        return Check.ok()
    return Check.bad(f"Mã thủ tục phải có dạng một chữ số, dấu chấm và 6 chữ số (ví dụ "
                     f"1.001612); đọc được «{code}»")


def _abbreviation(part: str) -> bool:
    """Letters and digits, a capital first: "QĐ", "TTg", "TTr", "BCĐ138", "QH15"."""
    return part[:1].isupper() and part.isalnum()


def document_number(text: str) -> Check:
    """Số, ký hiệu: "1188/QĐ-UBND", "299/UBND-TTHC", "04/QĐ-BCĐ138", "61/2018/NĐ-CP",
    "20/2023/QH15". Without a year the symbol needs at least two parts (kind-issuer)."""
    match = _DOC_NUMBER.fullmatch(text)
    example = "ví dụ 1188/QĐ-UBND hoặc 61/2018/NĐ-CP"
    if match is None:
        return Check.bad(f"Số, ký hiệu văn bản phải có dạng <số>/<ký hiệu>, {example}; "
                         f"đọc được «{text}»")
    number, year, symbol = match.groups()
    if int(number) == 0:
        return Check.bad(f"Số văn bản không thể là {number}")
    if year is not None and not 1945 <= int(year) <= 2100:
        return Check.bad(f"Năm {year} trong số, ký hiệu văn bản không hợp lý")
    parts = symbol.split("-")
    if not all(_abbreviation(part) for part in parts) or len(parts) > 4:
        return Check.bad(f"Ký hiệu văn bản «{symbol}» phải gồm các chữ viết tắt bắt đầu bằng "
                         f"chữ in hoa, nối bằng dấu gạch ngang, {example}")
    if year is None and len(parts) < 2:
        return Check.bad(f"Ký hiệu văn bản «{symbol}» thiếu phần tên cơ quan (dạng QĐ-UBND)")
    return Check.ok()


def date_order(earlier: str, later: str, what: str) -> Check:
    """``later`` (ISO, named ``what``, e.g. "ngày hẹn trả") must not precede ``earlier``."""
    first, second = _date(earlier), _date(later)
    if second >= first:
        return Check.ok()
    return Check.bad(f"{what[:1].upper()}{what[1:]} {_vn(second)} trước ngày {_vn(first)}")


def date_not_future(iso: str, today: dt.date) -> Check:
    """A date that has already happened (a birth, an issue date) cannot lie after today."""
    day = _date(iso)
    if day <= today:
        return Check.ok()
    return Check.bad(f"Ngày {_vn(day)} chưa tới (hôm nay là {_vn(today)})")


def phone(number: str) -> Check:
    """Digits only: a 10-digit mobile (03, 05, 07, 08, 09) or a landline starting 02 with 11
    digits (10 in papers older than the 2017 area-code change)."""
    if not number.isascii() or not number.isdigit():
        return Check.bad(f"Số điện thoại chỉ gồm chữ số, đọc được «{number}»")
    if _MOBILE.fullmatch(number) or _LANDLINE.fullmatch(number):
        return Check.ok()
    if number.startswith("02"):
        return Check.bad(f"Số điện thoại cố định phải gồm 10-11 chữ số, đọc được {len(number)}")
    if re.match(r"0[35789]", number):
        return Check.bad(f"Số điện thoại di động phải gồm 10 chữ số, đọc được {len(number)}")
    return Check.bad(f"Đầu số {number[:2]} không phải đầu số di động (03, 05, 07, 08, 09) "
                     "hay cố định (02)")


def email(text: str) -> Check:
    """An address with a local part, "@" and a domain with a dot ("ten@gmail.com")."""
    if _EMAIL.fullmatch(text):
        return Check.ok()
    if "@" not in text:
        return Check.bad(f"Địa chỉ thư điện tử thiếu dấu @: «{text}»")
    domain = text.rpartition("@")[2]
    if "." not in domain:
        return Check.bad(f"Tên miền của địa chỉ thư điện tử không đầy đủ: «{domain}»")
    return Check.bad(f"Địa chỉ thư điện tử không hợp lệ: «{text}»")
