"""Validators and normalisers of pipeline.fields, against the samples generator's own values
(so generator and validators are proven to agree) and hand-written wrong ones."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

import pytest

from pipeline.fields import normalize, validate
from pipeline.fields.provinces import PROVINCE_CODES, province_name
from samples import content, data, phrases

TODAY = dt.date(2025, 11, 21)


def _people(n: int, seed: int = 7) -> list[data.Person]:
    rng = random.Random(seed)
    return [data.make_person(rng, data.working_day(rng), min_age=0, max_age=90)
            for _ in range(n)]


# ---------------------------------------------------------------- provinces


def test_province_table_is_the_63_units_of_circular_07_2016() -> None:
    assert len(PROVINCE_CODES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_CODES)
    assert len(set(PROVINCE_CODES.values())) == 63
    assert all(unicodedata.is_normalized("NFC", name) for name in PROVINCE_CODES.values())
    assert min(PROVINCE_CODES) == "001" and max(PROVINCE_CODES) == "096"
    assert province_name("001") == "Hà Nội"
    assert province_name("006") == "Bắc Kạn"
    assert province_name("046") == "Thừa Thiên Huế"
    assert province_name("077") == "Bà Rịa - Vũng Tàu"
    assert province_name("079") == "Hồ Chí Minh"
    assert province_name("096") == "Cà Mau"
    for unused in ("000", "003", "005", "099", "1", "0010"):
        assert province_name(unused) is None


def test_samples_generator_uses_the_same_province_codes() -> None:
    disagreements = {p.code: (p.name, province_name(p.code)) for p in data.PROVINCES
                     if province_name(p.code) != p.name}
    assert disagreements == {}


# ---------------------------------------------------------------- personal ID


def test_generated_personal_ids_validate_with_birth_date_and_gender() -> None:
    people = _people(200)
    bad = {p.personal_id: validate.personal_id(p.personal_id, p.birth_date.isoformat(),
                                               p.gender).reason
           for p in people
           if not validate.personal_id(p.personal_id, p.birth_date.isoformat(),
                                       p.gender).valid}
    assert bad == {}
    assert {p.personal_id[3] for p in people} == {"0", "1", "2", "3"}  # both centuries seen


@pytest.mark.parametrize("year", [1900, 1999, 2000, 2099, 2100, 2250, 2399])
def test_every_century_digit_of_the_circular(year: int) -> None:
    rng = random.Random(year)
    province = data.PROVINCE_BY_CODE["006"]
    for male, gender in ((True, "Nam"), (False, "Nữ")):
        number = data.personal_id(rng, province, dt.date(year, 6, 1), male)
        assert validate.personal_id(number, f"{year}-06-01", gender).valid, number


def test_personal_id_checks_without_cross_fields() -> None:
    assert validate.personal_id("001090012345").valid
    assert validate.personal_id("079301000999").valid


@pytest.mark.parametrize(("number", "needle"), [
    ("00109001234", "12 chữ số, đọc được 11"),
    ("0010900123456", "12 chữ số, đọc được 13"),
    ("O01090012345", "chỉ gồm chữ số"),
    ("001 90012345", "chỉ gồm chữ số"),
    ("０01090012345", "chỉ gồm chữ số"),  # full-width digit
])
def test_personal_id_format(number: str, needle: str) -> None:
    check = validate.personal_id(number)
    assert not check.valid
    assert needle in (check.reason or "")


@pytest.mark.parametrize("code", ["000", "003", "099", "097", "100"])
def test_personal_id_unknown_province(code: str) -> None:
    check = validate.personal_id(f"{code}090012345")
    assert not check.valid
    assert check.reason == (f"Mã tỉnh {code} không có trong bảng mã tỉnh "
                            "(Thông tư 07/2016/TT-BCA)")


def test_personal_id_gender_digit_contradicts_gender() -> None:
    check = validate.personal_id("001190012345", "1990-03-02", "Nam")
    assert not check.valid
    assert "là mã của nữ, nhưng giới tính ghi là Nam" in (check.reason or "")
    check = validate.personal_id("001290012345", None, "Nữ")
    assert not check.valid
    assert "là mã của nam, nhưng giới tính ghi là Nữ" in (check.reason or "")


def test_personal_id_century_contradicts_birth_year() -> None:
    check = validate.personal_id("001003012345", "2003-05-01", "Nam")
    assert not check.valid
    assert "từ năm 1900 đến 1999, nhưng năm sinh là 2003" in (check.reason or "")
    check = validate.personal_id("001290012345", "1990-05-01")
    assert not check.valid
    assert "từ năm 2000 đến 2099" in (check.reason or "")


def test_personal_id_birth_year_digits_mismatch() -> None:
    check = validate.personal_id("001091012345", "1990-05-01", "Nam")
    assert not check.valid
    assert check.reason == "Chữ số thứ 5-6 (91) phải là hai số cuối của năm sinh 1990"


def test_personal_id_reports_every_contradiction() -> None:
    reason = validate.personal_id("099191012345", "1990-07-04", "Nam").reason or ""
    assert "Mã tỉnh 099" in reason and "(91)" in reason and "mã của nữ" in reason


def test_personal_id_cross_arguments_must_be_normalised() -> None:
    with pytest.raises(ValueError):
        validate.personal_id("001090012345", "04/07/1990")
    with pytest.raises(ValueError):
        validate.personal_id("001090012345", None, "nam")


def test_old_id_number() -> None:
    assert validate.old_id_number("125478963").valid
    for bad in ("12547896", "1254789631", "12547896a", ""):
        assert not validate.old_id_number(bad).valid, bad
    assert "9 chữ số, đọc được 8" in (validate.old_id_number("12547896").reason or "")


# ---------------------------------------------------------------- tax code


def test_generated_tax_codes_validate() -> None:
    rng = random.Random(11)
    codes = [data.tax_code(rng, rng.choice(data.PROVINCES)) for _ in range(200)]
    assert [c for c in codes if not validate.tax_code(c).valid] == []
    branches = [f"{c}-{rng.randint(1, 999):03d}" for c in codes[:50]]
    assert [c for c in branches if not validate.tax_code(c).valid] == []
    doc = content.giay_chung_nhan_dkdn(random.Random(3))
    assert validate.tax_code(str(doc.fields["ma_so_doanh_nghiep"])).valid


def test_check_digit_rule_matches_the_generator() -> None:
    rng = random.Random(5)
    prefixes = [f"{rng.randint(0, 999_999_999):09d}" for _ in range(3000)]
    mismatched = [p for p in prefixes
                  if validate.tax_check_digit(p) != data.tax_check_digit(p)]
    assert mismatched == []
    assert any(validate.tax_check_digit(p) is None for p in prefixes)  # rule 10 exercised


def test_real_published_tax_codes() -> None:
    assert validate.tax_code("0100233488").valid  # python-stdnum's vn.mst examples
    assert validate.tax_code("0314409058-002").valid


def test_wrong_tax_check_digit_names_the_right_one() -> None:
    check = validate.tax_code("0100233480")
    assert not check.valid
    assert check.reason == "Chữ số kiểm tra của mã số thuế không đúng: phải là 8, đọc được 0"
    assert not validate.tax_code("0314409053-002").valid


def test_non_issuable_tax_code() -> None:
    assert validate.tax_check_digit("010023352") is None
    for last in "0123456789":
        check = validate.tax_code(f"010023352{last}")
        assert not check.valid
        assert "không thể được cấp" in (check.reason or "")


@pytest.mark.parametrize("code", [
    "010023348", "01002334888", "0100233488-02", "0100233488-0021", "0100233488/001",
    "0100233488001", "01OO233488", "", "0100233488 -001",
])
def test_malformed_tax_codes(code: str) -> None:
    check = validate.tax_code(code)
    assert not check.valid
    assert "Mã số thuế phải gồm 10 chữ số" in (check.reason or "")


def test_tax_code_sequence_and_branch_zero() -> None:
    assert "0000000" in (validate.tax_code("0100000000").reason or "")
    assert "000" in (validate.tax_code("0100233488-000").reason or "")
    assert not validate.tax_code("0100233488-000").valid


# ---------------------------------------------------------------- dossier and procedure


def test_generated_dossier_codes_validate_against_their_receipt_day() -> None:
    rng = random.Random(13)
    pairs = []
    for _ in range(200):
        received = data.working_day(rng)
        agency = data.agency_code(rng, rng.choice(data.PROVINCES))
        pairs.append((data.dossier_code(rng, agency, received), received.isoformat()))
    doc = content.giay_tiep_nhan(random.Random(2))
    pairs.append((str(doc.fields["ma_ho_so"]), str(doc.fields["ngay_nhan"])))
    assert [p for p in pairs if not validate.dossier_code(*p).valid] == []


def test_dossier_code_example_and_other_agency_letters() -> None:
    assert validate.dossier_code("000.00.22.H04-230315-0012", "2023-03-15").valid
    assert validate.dossier_code("000.00.18.G12-240229-0001").valid  # leap day
    assert validate.dossier_code("000.06.20.H29-191231-0350").valid


@pytest.mark.parametrize("code", [
    "000.00.22.H04-2303150012", "00.00.22.H04-230315-0012", "000.00.22.H04-230315-12",
    "000.00.22.h04-230315-0012", "000.00.22.H4-230315-0012", "000.00.22.H04-23031-0012",
    "000.00.22.H04–230315–0012", "H04.22-230315-0012", "000.00.22.H04-230315-0012-KQ1",
])
def test_malformed_dossier_codes(code: str) -> None:
    check = validate.dossier_code(code)
    assert not check.valid
    assert "000.00.22.H04-230315-0012" in (check.reason or "")


@pytest.mark.parametrize("yymmdd", ["230231", "231301", "230000", "230229", "230431"])
def test_dossier_code_with_impossible_date(yymmdd: str) -> None:
    check = validate.dossier_code(f"000.00.22.H04-{yymmdd}-0012")
    assert not check.valid
    assert check.reason == (f"Phần ngày {yymmdd} của mã hồ sơ (năm tháng ngày) không phải "
                            "ngày có thật")


def test_dossier_code_date_must_equal_day_received() -> None:
    check = validate.dossier_code("000.00.22.H04-230315-0012", "2023-03-16")
    assert not check.valid
    assert check.reason == ("Mã hồ sơ ghi ngày tiếp nhận 15/03/2023, nhưng ngày nhận hồ sơ "
                            "là 16/03/2023")
    assert not validate.dossier_code("000.00.22.H04-230315-0012", "2013-03-15").valid


def test_procedure_codes() -> None:
    assert [p.code for p in phrases.PROCEDURES if not validate.procedure_code(p.code).valid] == []
    assert validate.procedure_code("2.000908").valid
    for bad in ("1001612", "1.00161", "1.0016123", "A.001612", "1,001612", "12.001612", ""):
        check = validate.procedure_code(bad)
        assert not check.valid, bad
        assert "1.001612" in (check.reason or "")


# ---------------------------------------------------------------- document numbers


def test_generated_document_numbers_validate() -> None:
    rng = random.Random(17)
    numbers = [str(make(rng).fields["so_ky_hieu"])
               for _ in range(30) for make in (content.quyet_dinh, content.cong_van,
                                              content.thong_bao)]
    assert [n for n in numbers if not validate.document_number(n).valid] == []


@pytest.mark.parametrize("text", [
    "1188/QĐ-UBND", "299/UBND-TTHC", "04/QĐ-BCĐ138", "753/KH-DCT", "12/2024/NĐ-CP",
    "61/2018/NĐ-CP", "01/2018/TT-VPCP", "20/2023/QH15", "79/CT-TTg", "15/TTr-SNV",
    "245/STP-HCTP", "3/SKHĐT-ĐKKD", "10234/BTC-TCT",
])
def test_real_document_numbers(text: str) -> None:
    assert validate.document_number(text).valid


@pytest.mark.parametrize(("text", "needle"), [
    ("1188QĐ-UBND", "<số>/<ký hiệu>"),
    ("/QĐ-UBND", "<số>/<ký hiệu>"),
    ("1188/", "<số>/<ký hiệu>"),
    ("123456/QĐ-UBND", "<số>/<ký hiệu>"),
    ("1188 / QĐ-UBND", "<số>/<ký hiệu>"),
    ("12/24/NĐ-CP", "chữ viết tắt"),
    ("1188/qđ-ubnd", "chữ viết tắt"),
    ("1188/QĐ-", "chữ viết tắt"),
    ("1188/QĐ--UBND", "chữ viết tắt"),
    ("1188/QĐ-UBND.VP", "chữ viết tắt"),
    ("1188/QĐ-UB-ND-VP-X", "chữ viết tắt"),
    ("0/QĐ-UBND", "không thể là 0"),
    ("12/1800/NĐ-CP", "Năm 1800"),
    ("1188/UBND", "thiếu phần tên cơ quan"),
])
def test_malformed_document_numbers(text: str, needle: str) -> None:
    check = validate.document_number(text)
    assert not check.valid
    assert needle in (check.reason or "")


# ---------------------------------------------------------------- dates


def test_date_order() -> None:
    assert validate.date_order("2023-03-15", "2023-03-15", "ngày hẹn trả").valid
    assert validate.date_order("2023-03-15", "2023-03-29", "ngày hẹn trả").valid
    check = validate.date_order("2023-03-15", "2023-03-10", "ngày hẹn trả")
    assert not check.valid
    assert check.reason == "Ngày hẹn trả 10/03/2023 trước ngày 15/03/2023"
    for not_iso in ("15/03/2023", "20230315", "2023-02-30"):
        with pytest.raises(ValueError):
            validate.date_order(not_iso, "2023-03-10", "ngày hẹn trả")


def test_generated_receipts_keep_dates_in_order() -> None:
    rng = random.Random(19)
    docs = [content.giay_tiep_nhan(rng) for _ in range(20)]
    assert all(validate.date_order(str(d.fields["ngay_nhan"]), str(d.fields["ngay_hen_tra"]),
                                   "ngày hẹn trả").valid for d in docs)


def test_date_not_future() -> None:
    assert validate.date_not_future("2025-11-21", TODAY).valid
    assert validate.date_not_future("1990-07-04", TODAY).valid
    check = validate.date_not_future("2030-01-05", TODAY)
    assert not check.valid
    assert check.reason == "Ngày 05/01/2030 chưa tới (hôm nay là 21/11/2025)"


# ---------------------------------------------------------------- phone and e-mail


def test_generated_contacts_validate() -> None:
    people = _people(200, seed=23)
    assert [p.phone for p in people if not validate.phone(p.phone).valid] == []
    assert [p.email for p in people if not validate.email(p.email).valid] == []


@pytest.mark.parametrize("number", ["0912345678", "0321234567", "0587654321", "0701234567",
                                    "0812345678", "02438251234", "02093871234", "0281387123"])
def test_good_phones(number: str) -> None:
    assert validate.phone(number).valid


@pytest.mark.parametrize(("number", "needle"), [
    ("091234567", "di động phải gồm 10 chữ số, đọc được 9"),
    ("09123456789", "đọc được 11"),
    ("024382512", "cố định phải gồm 10-11 chữ số, đọc được 9"),
    ("024382512345", "đọc được 12"),
    ("01234567890", "Đầu số 01"),
    ("0412345678", "Đầu số 04"),
    ("0612345678", "Đầu số 06"),
    ("9123456789", "Đầu số 91"),
    ("091234567a", "chỉ gồm chữ số"),
    ("", "chỉ gồm chữ số"),
])
def test_bad_phones(number: str, needle: str) -> None:
    check = validate.phone(number)
    assert not check.valid
    assert needle in (check.reason or "")


@pytest.mark.parametrize("address", ["vpubnd@backan.gov.vn", "an.nguyen+hs@gmail.com",
                                     "nghiact91@yahoo.com.vn", "hcc@thanh-hoa.gov.vn"])
def test_good_emails(address: str) -> None:
    assert validate.email(address).valid


@pytest.mark.parametrize(("address", "needle"), [
    ("nguyenvanan", "thiếu dấu @"),
    ("an@gmail", "Tên miền"),
    ("an@.com", "không hợp lệ"),
    ("an..b@gmail.com", "không hợp lệ"),
    ("@gmail.com", "không hợp lệ"),
    ("an@gmail.c", "không hợp lệ"),
    ("an@gm ail.com", "không hợp lệ"),
    ("an@@gmail.com", "không hợp lệ"),
])
def test_bad_emails(address: str, needle: str) -> None:
    check = validate.email(address)
    assert not check.valid
    assert needle in (check.reason or "")


# ---------------------------------------------------------------- normalisers


@pytest.mark.parametrize(("text", "iso"), [
    ("04/07/2023", "2023-07-04"),
    ("4/7/2023", "2023-07-04"),
    ("04-07-2023", "2023-07-04"),
    ("04.07.2023", "2023-07-04"),
    ("04071990", "1990-07-04"),
    ("2023-07-04", "2023-07-04"),
    ("ngày 04 tháng 7 năm 2023", "2023-07-04"),
    ("Ngày 4 tháng 07 năm 2023", "2023-07-04"),
    ("ngày 04/7/2023", "2023-07-04"),
    ("Bắc Kạn, ngày 04 tháng 7 năm 2023", "2023-07-04"),
    ("Bắc Kạn,  ngày04   tháng 7năm 2023.", "2023-07-04"),
    ("ngay 15 thang 02 nam 2024", "2024-02-15"),
    (" 04 /07/ 2023 ", "2023-07-04"),
    ("04/07 /2023", "2023-07-04"),
    ("29/02/2024", "2024-02-29"),
    ("01/01/1900", "1900-01-01"),
    ("31/12/2100", "2100-12-31"),
    (unicodedata.normalize("NFD", "Ngày 04 tháng 7 năm 2023"), "2023-07-04"),
])
def test_parse_date(text: str, iso: str) -> None:
    assert normalize.parse_date(text) == iso


@pytest.mark.parametrize("text", [
    "31/02/2023", "29/02/2023", "04/13/2023", "00/07/2023", "04/07/23", "4/7/23",
    "31/12/1899", "01/01/2101", "20230704", "0407199", "ngày 31 tháng 4 năm 2023",
    "từ ngày 01/3/2023 đến ngày 05/3/2023", "04 07 2023", "2023-07-04x", "2023-02-30",
    "2023-7-4", "", "tháng 7/2023",
])
def test_parse_date_rejects(text: str) -> None:
    assert normalize.parse_date(text) is None


def test_generated_dates_round_trip() -> None:
    rng = random.Random(29)
    days = [data.working_day(rng, dt.date(1930, 1, 1), dt.date(2030, 12, 31))
            for _ in range(200)]
    forms = (data.form_date, data.short_date, data.long_date,
             lambda d: data.date_line("Bắc Kạn", d), lambda d: f"{d:%d%m%Y}")
    wrong = [(form(d), normalize.parse_date(form(d))) for d in days for form in forms
             if normalize.parse_date(form(d)) != d.isoformat()]
    assert wrong == []


def test_digits_only() -> None:
    assert normalize.digits_only("001 090 012 345") == "001090012345"
    assert normalize.digits_only("001.090.012.345") == "001090012345"
    assert normalize.digits_only("0100233488-001") == "0100233488001"
    assert normalize.digits_only("O01090012345") == "O01090012345"  # kept: not repaired


def test_person_names() -> None:
    people = _people(100, seed=31)
    wrong = [p.name for p in people
             if normalize.normalise_person_name(p.upper_name) != p.name
             or normalize.normalise_person_name(p.name.lower()) != p.name]
    assert wrong == []
    assert normalize.normalise_person_name("  ĐẶNG   THỊ  ƯNG. ") == "Đặng Thị Ưng"
    assert normalize.normalise_person_name("đỗ ưng") == "Đỗ Ưng"
    assert normalize.normalise_person_name("H'HEN NIÊ") == "H'Hen Niê"
    name = normalize.normalise_person_name(unicodedata.normalize("NFD", "NGUYỄN VĂN AN"))
    assert name == "Nguyễn Văn An" and unicodedata.is_normalized("NFC", name)


def test_places() -> None:
    assert (normalize.normalise_place("  Phường  Đức Xuân,\nthành phố Bắc Kạn. ")
            == "Phường Đức Xuân, thành phố Bắc Kạn")
    assert normalize.normalise_place("Yên Đĩnh, Chợ Mới, Bắc Kạn;:") == "Yên Đĩnh, Chợ Mới, Bắc Kạn"
    place = normalize.normalise_place(unicodedata.normalize("NFD", "Thừa Thiên Huế"))
    assert place == "Thừa Thiên Huế" and unicodedata.is_normalized("NFC", place)
    assert normalize.normalise_place("TỈNH BẮC KẠN") == "TỈNH BẮC KẠN"


@pytest.mark.parametrize(("text", "amount"), [
    ("20.000 đồng", 20_000), ("1.500.000 đ", 1_500_000), ("1,500,000 VNĐ", 1_500_000),
    ("20.000đ", 20_000), ("500000", 500_000), ("0 đồng", 0), ("1.500. 000 đồng.", 1_500_000),
    ("200.000 VND", 200_000), ("8.000 dong", 8_000),
])
def test_parse_money(text: str, amount: int) -> None:
    assert normalize.parse_money(text) == amount


@pytest.mark.parametrize("text", [
    "1,500 đ", "1.5", "1.500,50", "20.000,00 đồng", "1,500.000", "1.50.000", "20.000 USD",
    "-20.000", "020000", "Miễn phí", "", "1 500 000 đồng", "20.000 đồng/hồ sơ",
])
def test_parse_money_rejects(text: str) -> None:
    assert normalize.parse_money(text) is None


def test_generated_amounts_round_trip() -> None:
    rng = random.Random(37)
    amounts = [rng.randint(0, 50_000_000) for _ in range(200)]
    wrong = [a for a in amounts
             if normalize.parse_money(f"{data.format_money(a)} đồng") != a
             or normalize.parse_money(f"{data.format_money(a)}đ") != a]
    assert wrong == []


@pytest.mark.parametrize(("text", "number"), [
    ("+84 912 345 678", "0912345678"), ("0912.345.678", "0912345678"),
    ("0912-345-678", "0912345678"), ("84912345678", "0912345678"),
    ("+84 (0) 912 345 678", "0912345678"), ("0084 912 345 678", "0912345678"),
    ("(+84) 24 3825 1234", "02438251234"), ("(024) 3825 1234", "02438251234"),
])
def test_normalise_phone(text: str, number: str) -> None:
    assert normalize.normalise_phone(text) == number


@pytest.mark.parametrize("text", ["+1 202 555 0100", "ĐT: 0912345678", "0912 345 67x", "",
                                  "09+12345678"])
def test_normalise_phone_rejects(text: str) -> None:
    assert normalize.normalise_phone(text) is None


def test_normalise_email() -> None:
    assert normalize.normalise_email(" An.Nguyen @Gmail.com. ") == "an.nguyen@gmail.com"
    assert normalize.normalise_email("<vpubnd@backan.gov.vn>") == "vpubnd@backan.gov.vn"
    assert normalize.normalise_email("nguyenvanan") is None
    assert normalize.normalise_email("a@b@c.vn") is None


@pytest.mark.parametrize(("text", "gender"), [
    ("Nam", "Nam"), ("nam", "Nam"), ("NAM", "Nam"), ("Nữ", "Nữ"), ("NỮ", "Nữ"), ("nữ.", "Nữ"),
    ("Nu", "Nữ"), ("NU", "Nữ"), (unicodedata.normalize("NFD", "Nữ"), "Nữ"),
])
def test_normalise_gender(text: str, gender: str) -> None:
    assert normalize.normalise_gender(text) == gender


@pytest.mark.parametrize("text", ["Male", "Female", "Năm", "Nư", "", "Nam Định", "Giới tính"])
def test_normalise_gender_rejects(text: str) -> None:
    assert normalize.normalise_gender(text) is None
