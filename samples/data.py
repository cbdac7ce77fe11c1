"""Seeded synthetic Vietnamese data: people, places, identifiers, dates and money.

Every generator takes a ``random.Random`` so that one seed reproduces one document exactly.
Identifiers follow the real formats and check rules (12-digit personal ID, 10-digit tax
code, one-stop dossier code), but the values are random and belong to nobody. Places use the
administrative map before the 2025 merger (province / district / commune), which is what the
paper archives being digitised carry.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass

# ---------------------------------------------------------------- places


@dataclass(frozen=True)
class District:
    """A district-level unit and some of its communes/wards as (kind, name)."""

    kind: str  # "Quận", "Huyện", "Thành phố", "Thị xã"
    name: str
    wards: tuple[tuple[str, str], ...]

    @property
    def label(self) -> str:
        """Lower-case form used inside addresses: "huyện Chợ Mới", "quận 1"."""
        return f"{self.kind.lower()} {self.name}"


@dataclass(frozen=True)
class Province:
    """A province or centrally-run city.

    ``code`` is the 3-digit code of the 12-digit personal ID (Circular 07/2016/TT-BCA).
    ``agency_code`` is the level-1 code of the electronic agency identifier used in dossier
    codes (QCVN 102:2016); ``tax_prefix`` the first two digits of local tax codes. Those two
    are illustrative: only H04 (Bắc Kạn) and the usual tax prefixes are known-real.
    """

    name: str
    code: str
    city: bool
    agency_code: str
    tax_prefix: str
    districts: tuple[District, ...]
    streets: tuple[str, ...]

    @property
    def full_name(self) -> str:
        """ "Tỉnh Bắc Kạn" / "Thành phố Hà Nội"."""
        return f"{'Thành phố' if self.city else 'Tỉnh'} {self.name}"

    @property
    def label(self) -> str:
        """Lower-case form used inside sentences and addresses: "tỉnh Bắc Kạn"."""
        return f"{'thành phố' if self.city else 'tỉnh'} {self.name}"

    @property
    def place(self) -> str:
        """Place name on the date line (Decree 30: the city's full name for HCMC)."""
        return "Thành phố Hồ Chí Minh" if self.name == "Hồ Chí Minh" else self.name


def _d(kind: str, name: str, *wards: str) -> District:
    pairs = []
    for w in wards:
        ward_kind, _, ward_name = w.partition(" ")
        if ward_kind == "Thị":  # "Thị trấn X"
            ward_kind, ward_name = "Thị trấn", ward_name.removeprefix("trấn ")
        pairs.append((ward_kind, ward_name))
    return District(kind, name, tuple(pairs))


PROVINCES: tuple[Province, ...] = (
    Province("Hà Nội", "001", True, "H26", "01", (
        _d("Quận", "Ba Đình", "Phường Kim Mã", "Phường Điện Biên", "Phường Ngọc Hà"),
        _d("Quận", "Cầu Giấy", "Phường Dịch Vọng", "Phường Nghĩa Đô", "Phường Yên Hòa"),
        _d("Quận", "Hoàn Kiếm", "Phường Hàng Bạc", "Phường Tràng Tiền"),
        _d("Huyện", "Gia Lâm", "Thị trấn Trâu Quỳ", "Xã Bát Tràng"),
    ), ("phố Kim Mã", "đường Láng", "phố Trần Duy Hưng", "phố Huế", "đường Cầu Giấy")),
    Province("Bắc Kạn", "006", False, "H04", "47", (
        _d("Thành phố", "Bắc Kạn", "Phường Đức Xuân", "Phường Sông Cầu", "Phường Phùng Chí Kiên"),
        _d("Huyện", "Chợ Mới", "Thị trấn Đồng Tâm", "Xã Yên Đĩnh", "Xã Thanh Thịnh"),
        _d("Huyện", "Ba Bể", "Thị trấn Chợ Rã", "Xã Nam Mẫu"),
    ), ("đường Trường Chinh", "đường Kon Tum", "đường Nguyễn Văn Tố", "đường Hùng Vương")),
    Province("Thái Nguyên", "019", False, "H54", "46", (
        _d("Thành phố", "Thái Nguyên", "Phường Hoàng Văn Thụ", "Phường Quang Trung",
           "Phường Phan Đình Phùng"),
        _d("Thành phố", "Sông Công", "Phường Mỏ Chè", "Phường Thắng Lợi"),
        _d("Huyện", "Đại Từ", "Thị trấn Hùng Sơn", "Xã Hoàng Nông"),
    ), ("đường Hoàng Văn Thụ", "đường Lương Ngọc Quyến", "đường Quang Trung")),
    Province("Quảng Ninh", "022", False, "H49", "57", (
        _d("Thành phố", "Hạ Long", "Phường Bạch Đằng", "Phường Hồng Gai", "Phường Bãi Cháy"),
        _d("Thành phố", "Cẩm Phả", "Phường Cẩm Thủy", "Phường Cẩm Trung"),
        _d("Thành phố", "Uông Bí", "Phường Quang Trung", "Phường Yên Thanh"),
    ), ("đường Nguyễn Văn Cừ", "đường Hạ Long", "đường Trần Hưng Đạo")),
    Province("Bắc Ninh", "027", False, "H06", "23", (
        _d("Thành phố", "Bắc Ninh", "Phường Suối Hoa", "Phường Kinh Bắc", "Phường Tiền An"),
        _d("Thành phố", "Từ Sơn", "Phường Đông Ngàn", "Phường Đình Bảng"),
        _d("Huyện", "Tiên Du", "Thị trấn Lim", "Xã Phật Tích"),
    ), ("đường Lý Thái Tổ", "đường Nguyễn Đăng Đạo", "đường Ngô Gia Tự")),
    Province("Hải Phòng", "031", True, "H27", "02", (
        _d("Quận", "Hồng Bàng", "Phường Hoàng Văn Thụ", "Phường Minh Khai"),
        _d("Quận", "Lê Chân", "Phường An Biên", "Phường Trần Nguyên Hãn"),
        _d("Quận", "Ngô Quyền", "Phường Máy Tơ", "Phường Lạch Tray"),
        _d("Huyện", "Thủy Nguyên", "Thị trấn Núi Đèo", "Xã Thủy Sơn"),
    ), ("đường Lạch Tray", "đường Trần Phú", "đường Tô Hiệu", "đường Lê Lợi")),
    Province("Thanh Hóa", "038", False, "H56", "28", (
        _d("Thành phố", "Thanh Hóa", "Phường Điện Biên", "Phường Lam Sơn", "Phường Ba Đình"),
        _d("Thị xã", "Bỉm Sơn", "Phường Ba Đình", "Phường Ngọc Trạo"),
        _d("Huyện", "Hoằng Hóa", "Thị trấn Bút Sơn", "Xã Hoằng Quỳ"),
    ), ("đường Lê Lợi", "đường Hạc Thành", "đường Trần Phú")),
    Province("Nghệ An", "040", False, "H40", "29", (
        _d("Thành phố", "Vinh", "Phường Hưng Bình", "Phường Lê Mao", "Phường Quang Trung"),
        _d("Thị xã", "Cửa Lò", "Phường Nghi Thủy", "Phường Thu Thủy"),
        _d("Huyện", "Nam Đàn", "Thị trấn Nam Đàn", "Xã Kim Liên"),
    ), ("đường Lê Hồng Phong", "đường Nguyễn Thị Minh Khai", "đường Trường Thi")),
    Province("Thừa Thiên Huế", "046", False, "H57", "33", (
        _d("Thành phố", "Huế", "Phường Vĩnh Ninh", "Phường Phú Hội", "Phường Thuận Thành"),
        _d("Thị xã", "Hương Thủy", "Phường Phú Bài", "Phường Thủy Dương"),
    ), ("đường Lê Lợi", "đường Hùng Vương", "đường Bà Triệu")),
    Province("Đà Nẵng", "048", True, "H17", "04", (
        _d("Quận", "Hải Châu", "Phường Thạch Thang", "Phường Hòa Cường Bắc"),
        _d("Quận", "Sơn Trà", "Phường An Hải Bắc", "Phường Mân Thái"),
        _d("Quận", "Thanh Khê", "Phường Chính Gián", "Phường Thạc Gián"),
        _d("Huyện", "Hòa Vang", "Xã Hòa Tiến", "Xã Hòa Phong"),
    ), ("đường Bạch Đằng", "đường Nguyễn Văn Linh", "đường Lê Duẩn", "đường Trần Phú")),
    Province("Khánh Hòa", "056", False, "H34", "42", (
        _d("Thành phố", "Nha Trang", "Phường Lộc Thọ", "Phường Vĩnh Hải", "Phường Tân Lập"),
        _d("Thành phố", "Cam Ranh", "Phường Cam Lộc", "Phường Cam Thuận"),
    ), ("đường Trần Phú", "đường Yersin", "đường Thống Nhất")),
    Province("Lâm Đồng", "068", False, "H38", "58", (
        _d("Thành phố", "Đà Lạt", "Phường 1", "Phường 10"),
        _d("Thành phố", "Bảo Lộc", "Phường 1", "Phường Lộc Sơn"),
    ), ("đường Trần Hưng Đạo", "đường Phan Đình Phùng", "đường Bùi Thị Xuân")),
    Province("Bình Dương", "074", False, "H09", "37", (
        _d("Thành phố", "Thủ Dầu Một", "Phường Phú Cường", "Phường Hiệp Thành"),
        _d("Thành phố", "Dĩ An", "Phường Dĩ An", "Phường Đông Hòa"),
        _d("Thành phố", "Thuận An", "Phường Lái Thiêu", "Phường An Phú"),
    ), ("đường Yersin", "đường Cách Mạng Tháng Tám", "đại lộ Bình Dương")),
    Province("Đồng Nai", "075", False, "H20", "36", (
        _d("Thành phố", "Biên Hòa", "Phường Tân Phong", "Phường Trung Dũng", "Phường Tam Hiệp"),
        _d("Thành phố", "Long Khánh", "Phường Xuân Trung", "Phường Xuân An"),
    ), ("đường Phạm Văn Thuận", "đường Võ Thị Sáu", "đường Đồng Khởi")),
    Province("Hồ Chí Minh", "079", True, "H29", "03", (
        _d("Quận", "1", "Phường Bến Nghé", "Phường Đa Kao", "Phường Bến Thành"),
        _d("Quận", "3", "Phường Võ Thị Sáu", "Phường 9"),
        _d("Quận", "Bình Thạnh", "Phường 25", "Phường 13"),
        _d("Thành phố", "Thủ Đức", "Phường Linh Trung", "Phường Thảo Điền"),
        _d("Huyện", "Củ Chi", "Thị trấn Củ Chi", "Xã Tân Thông Hội"),
    ), ("đường Lê Lợi", "đường Nguyễn Thị Minh Khai", "đường Điện Biên Phủ",
        "đường Võ Văn Ngân")),
    Province("An Giang", "089", False, "H01", "16", (
        _d("Thành phố", "Long Xuyên", "Phường Mỹ Bình", "Phường Mỹ Long", "Phường Mỹ Xuyên"),
        _d("Thành phố", "Châu Đốc", "Phường Châu Phú A", "Phường Núi Sam"),
    ), ("đường Trần Hưng Đạo", "đường Hai Bà Trưng", "đường Nguyễn Huệ")),
    Province("Cần Thơ", "092", True, "H14", "18", (
        _d("Quận", "Ninh Kiều", "Phường Tân An", "Phường An Hòa", "Phường Xuân Khánh"),
        _d("Quận", "Cái Răng", "Phường Lê Bình", "Phường Hưng Phú"),
    ), ("đường 30 Tháng 4", "đường Trần Hưng Đạo", "đường Mậu Thân")),
)

PROVINCE_BY_CODE = {p.code: p for p in PROVINCES}
_SOUTH = {"074", "075", "079", "089", "092"}


@dataclass(frozen=True)
class Place:
    """A commune-level place: ward, district, province."""

    province: Province
    district: District
    ward: tuple[str, str]

    @property
    def ward_label(self) -> str:
        kind, name = self.ward
        return f"{kind.lower()} {name}"

    def tail(self) -> str:
        """ "phường Đức Xuân, thành phố Bắc Kạn, tỉnh Bắc Kạn"."""
        return f"{self.ward_label}, {self.district.label}, {self.province.label}"


def random_place(rng: random.Random, province: Province | None = None) -> Place:
    """A random ward/commune, optionally within ``province``."""
    province = province or rng.choice(PROVINCES)
    district = rng.choice(province.districts)
    return Place(province, district, rng.choice(district.wards))


def street_address(rng: random.Random, place: Place) -> str:
    """A full postal address in official style ("Số 12, đường ..., phường ..., ...")."""
    kind = place.ward[0]
    if kind == "Xã":
        hamlet = "Ấp" if place.province.code in _SOUTH else rng.choice(("Thôn", "Xóm"))
        head = f"{hamlet} {rng.randint(1, 12)}"
    elif rng.random() < 0.25:
        head = f"Tổ dân phố {rng.randint(1, 25)}"
    else:
        number = f"Số {rng.randint(1, 240)}"
        if rng.random() < 0.3:
            number += f", ngõ {rng.randint(2, 180)}"
        head = f"{number}, {rng.choice(place.province.streets)}"
    return f"{head}, {place.tail()}"


def hometown(place: Place) -> str:
    """Quê quán in the short style of the citizen card: "Yên Đĩnh, Chợ Mới, Bắc Kạn"."""
    kind, ward = place.ward
    ward = f"{kind} {ward}" if ward.isdigit() else ward
    district = place.district.name
    district = f"{place.district.kind} {district}" if district.isdigit() else district
    return f"{ward}, {district}, {place.province.name}"


# ---------------------------------------------------------------- people

FAMILY_NAMES = (
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh",
    "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh",
    "Lương", "Mai", "Triệu", "Hà", "Đào", "Lò", "Nông", "Lục",
)
MIDDLE_MALE = ("Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Ngọc",
               "Đình", "Tuấn", "Gia", "Trọng", "Mạnh", "Hoàng")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Kim", "Phương", "Bích",
                 "Minh", "Khánh", "Thùy", "Diệu", "Mỹ", "Quỳnh")
GIVEN_MALE = ("An", "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Hải", "Hiếu", "Hùng",
              "Huy", "Khoa", "Khôi", "Long", "Mạnh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân",
              "Sơn", "Thắng", "Thịnh", "Toàn", "Trung", "Tú", "Tuấn", "Việt", "Vũ", "Lộc",
              "Đức", "Hưng", "Kiên", "Lâm", "Nhật", "Quyết", "Thái", "Vượng")
GIVEN_FEMALE = ("Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Huyền",
                "Hương", "Lan", "Linh", "Loan", "Mai", "Ngân", "Nga", "Ngọc", "Nhung", "Oanh",
                "Phương", "Quỳnh", "Thảo", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Yến",
                "Ánh", "Diệp", "Hậu", "Lụa", "Thư", "Trâm", "Xuân")
MOBILE_PREFIXES = ("032", "033", "034", "035", "036", "037", "038", "039", "056", "058",
                   "059", "070", "076", "077", "078", "079", "081", "082", "083", "084",
                   "085", "086", "088", "089", "090", "091", "092", "093", "094", "096",
                   "097", "098", "099")
MAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com",
                "yahoo.com.vn")


@dataclass(frozen=True)
class Person:
    """A synthetic citizen whose identifiers agree with each other."""

    family: str
    middle: str
    given: str
    male: bool
    birth_date: dt.date
    birth_province: Province
    personal_id: str
    hometown: str
    address: str
    phone: str
    email: str

    @property
    def name(self) -> str:
        return f"{self.family} {self.middle} {self.given}"

    @property
    def upper_name(self) -> str:
        return self.name.upper()

    @property
    def gender(self) -> str:
        return "Nam" if self.male else "Nữ"

    @property
    def honorific(self) -> str:
        return "Ông" if self.male else "Bà"


def ascii_fold(text: str) -> str:
    """Strip Vietnamese diacritics ("Đặng Thị Ánh" -> "Dang Thi Anh") for e-mails and
    foreign-language company names."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def person_name(rng: random.Random, male: bool) -> tuple[str, str, str]:
    """(family, middle, given)."""
    middle = rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE)
    given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    while given == middle:
        given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    return rng.choice(FAMILY_NAMES), middle, given


def full_name(rng: random.Random, male: bool | None = None) -> str:
    """A random full name (sex random unless given)."""
    male = rng.random() < 0.5 if male is None else male
    return " ".join(person_name(rng, male))


def century_sex_digit(birth_year: int, male: bool) -> int:
    """4th digit of the personal ID: 0/1 for 1900s male/female, 2/3 for 2000s, and so on."""
    century = birth_year // 100 - 19
    if not 0 <= century <= 4:
        raise ValueError(f"personal IDs encode birth years 1900-2399, not {birth_year}")
    return 2 * century + (0 if male else 1)


def personal_id(rng: random.Random, province: Province, birth_date: dt.date, male: bool) -> str:
    """12-digit personal ID: province of birth registration, century/sex, year, 6 random."""
    serial = rng.randint(0, 999_999)
    digit = century_sex_digit(birth_date.year, male)
    return f"{province.code}{digit}{birth_date.year % 100:02d}{serial:06d}"


def phone_number(rng: random.Random) -> str:
    """A 10-digit Vietnamese mobile number (03x/05x/07x/08x/09x)."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 9_999_999):07d}"


def email_for(rng: random.Random, family: str, middle: str, given: str, year: int) -> str:
    """A plausible personal address built from the name."""
    f, m, g = (ascii_fold(x).lower() for x in (family, middle, given))
    local = rng.choice((f"{g}{f}{year % 100:02d}", f"{f}{m}{g}", f"{g}.{f}",
                        f"{f}{g}{year}", f"{g}{m[0]}{f[0]}{rng.randint(1, 99)}"))
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


def make_person(
    rng: random.Random,
    on: dt.date,
    residence: Province | None = None,
    *,
    min_age: int = 18,
    max_age: int = 75,
    male: bool | None = None,
) -> Person:
    """A citizen aged ``min_age``-``max_age`` on ``on``, living in ``residence``."""
    male = rng.random() < 0.5 if male is None else male
    family, middle, given = person_name(rng, male)
    age_days = rng.randint(min_age * 365 + 5, max_age * 365)
    birth = on - dt.timedelta(days=age_days)
    birth_place = random_place(rng, residence if rng.random() < 0.6 else None)
    home = random_place(rng, birth_place.province)
    living = random_place(rng, residence)
    return Person(
        family=family,
        middle=middle,
        given=given,
        male=male,
        birth_date=birth,
        birth_province=birth_place.province,
        personal_id=personal_id(rng, birth_place.province, birth, male),
        hometown=hometown(home),
        address=street_address(rng, living),
        phone=phone_number(rng),
        email=email_for(rng, family, middle, given, birth.year),
    )


# ---------------------------------------------------------------- identifiers

TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_check_digit(first_nine: str) -> int | None:
    """10th digit of a tax/enterprise code: 10 - (sum of digit x weight mod 11).

    The result 10 cannot be written as one digit: such numbers are never issued, so None
    tells the caller to draw another number. With this formula the result lies in 0..10;
    the 11 -> 0 rule some descriptions mention (from the 11 - r variant) cannot arise, but
    is honoured for safety.
    """
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError(f"need nine digits, got {first_nine!r}")
    remainder = sum(int(d) * w for d, w in zip(first_nine, TAX_WEIGHTS, strict=True)) % 11
    value = 10 - remainder
    if value == 10:
        return None
    return 0 if value == 11 else value


def tax_code(rng: random.Random, province: Province) -> str:
    """A valid 10-digit enterprise/tax code with the province's prefix."""
    while True:
        first = f"{province.tax_prefix}{rng.randint(0, 9_999_999):07d}"
        check = tax_check_digit(first)
        if check is not None:
            return f"{first}{check}"


def agency_code(rng: random.Random, province: Province) -> str:
    """Electronic agency identifier as printed in dossier codes, e.g. "000.00.22.H04"."""
    return f"000.00.{rng.randint(1, 40):02d}.{province.agency_code}"


def dossier_code(rng: random.Random, agency: str, received: dt.date) -> str:
    """One-stop dossier code: agency, yymmdd of receipt, 4-digit daily sequence."""
    return f"{agency}-{received:%y%m%d}-{rng.randint(1, 350):04d}"


def doc_number(rng: random.Random) -> str:
    """The running number of a document; Decree 30 pads numbers below 10 with a 0."""
    n = rng.choice((rng.randint(1, 99), rng.randint(100, 999), rng.randint(1000, 3500)))
    return f"{n:02d}"


# ---------------------------------------------------------------- dates

WORK_START = dt.date(2023, 1, 3)
WORK_END = dt.date(2024, 12, 27)


def working_day(
    rng: random.Random, start: dt.date = WORK_START, end: dt.date = WORK_END
) -> dt.date:
    """A random Monday-Friday between ``start`` and ``end``."""
    while True:
        day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
        if day.weekday() < 5:
            return day


def add_working_days(day: dt.date, n: int) -> dt.date:
    """``day`` plus ``n`` working days (weekends skipped; public holidays ignored)."""
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def decree_day(n: int) -> str:
    """Decree 30 writes days below 10 with a leading zero."""
    return f"{n:02d}"


def decree_month(n: int) -> str:
    """Decree 30 writes months 1 and 2 with a leading zero, others without."""
    return f"{n:02d}" if n <= 2 else str(n)


def long_date(day: dt.date) -> str:
    """ "ngày 04 tháng 7 năm 2023"."""
    return f"ngày {decree_day(day.day)} tháng {decree_month(day.month)} năm {day.year}"


def date_line(place: str, day: dt.date) -> str:
    """The italic place-and-date line: "Bắc Kạn, ngày 04 tháng 7 năm 2023"."""
    return f"{place}, {long_date(day)}"


def short_date(day: dt.date) -> str:
    """Decree-style short date used in citations: "04/7/2023", "15/02/2024"."""
    return f"{decree_day(day.day)}/{decree_month(day.month)}/{day.year}"


def form_date(day: dt.date) -> str:
    """The dd/mm/yyyy date written on forms and cards: "04/07/1990"."""
    return f"{day:%d/%m/%Y}"


_MONTH_WORDS = ("một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười",
                "mười một", "mười hai")


def date_words(day: dt.date) -> str:
    """A date in words as civil-status papers write it: "Ngày mười lăm, tháng hai, năm hai
    nghìn không trăm mười chín" (days 1-10 take "mồng", April is "tư")."""
    day_words = number_words(day.day)
    if day.day <= 10:
        day_words = f"mồng {day_words}"
    return (f"Ngày {day_words}, tháng {_MONTH_WORDS[day.month - 1]}, "
            f"năm {number_words(day.year)}")


def birthday(birth: dt.date, age: int) -> dt.date:
    """The day someone born on ``birth`` turns ``age`` (29 February -> 28 February)."""
    year = birth.year + age
    try:
        return birth.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


CCCD_AGES = (25, 40, 60)


def cccd_expiry(birth: dt.date, issued: dt.date) -> dt.date | None:
    """"Có giá trị đến" of a citizen identity card (Law 59/2014/QH13, art. 21): the card is
    renewed at 25, 40 and 60; one issued within two years before such a birthday lasts
    until the next one; one issued from 58 on never expires (None)."""
    for age in CCCD_AGES:
        if issued < birthday(birth, age - 2):
            return birthday(birth, age)
    return None


def old_id_number(rng: random.Random) -> str:
    """A 9-digit number of the identity card (CMND) a citizen held before the CCCD."""
    return f"{rng.randint(10_000_000, 399_999_999):09d}"


# ---------------------------------------------------------------- money

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS = ("", "nghìn", "triệu", "tỷ")


def format_money(amount: int) -> str:
    """Thousands separated by dots, as Vietnamese documents print them: "1.500.000"."""
    return f"{amount:,}".replace(",", ".")


def _read_triple(n: int, full: bool) -> list[str]:
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(_DIGITS[units])
    return words


def number_words(n: int) -> str:
    """Read a non-negative integer in Vietnamese ("một triệu không trăm năm mươi nghìn")."""
    if n < 0:
        raise ValueError("negative amount")
    if n == 0:
        return "không"
    groups: list[int] = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        words += _read_triple(value, full=bool(words))
        # beyond tỷ the units repeat: "nghìn tỷ", "triệu tỷ"
        unit = _GROUPS[index] if index <= 3 else f"{_GROUPS[index - 3]} tỷ"
        if unit:
            words.append(unit)
    return " ".join(words)


def money_words(amount: int) -> str:
    """Amount in words as written on receipts: "Bảy mươi lăm nghìn đồng"."""
    text = number_words(amount)
    return f"{text[0].upper()}{text[1:]} đồng"
