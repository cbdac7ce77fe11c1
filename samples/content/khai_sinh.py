"""Trích lục khai sinh (Circular 04/2020/TT-BTP) and its other printed forms."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from samples import data, phrases
from samples.content.common import (
    Agency,
    agency_lines,
    centred,
    fields_row,
    header_columns,
    labelled,
    national_motto,
    para,
    pick_province,
    scribble_seed,
    signature_column,
    signer_lines,
    ward_ubnd,
)
from samples.content.forms import kv_table, leader, line, pick, signed
from samples.layout import (
    Block,
    Columns,
    FieldRow,
    FieldValue,
    Layout,
    Run,
    SampleDocument,
)

# ---------------------------------------------------------------- civil status


def _birth_place(rng: random.Random, place: data.Place) -> str:
    """Where a child was born: a hospital of the province or a commune health station."""
    p = place.province
    roll = rng.random()
    if roll < 0.45:
        return f"Bệnh viện Đa khoa {p.label}"
    if roll < 0.7:
        return f"Bệnh viện Sản - Nhi {p.label}"
    if roll < 0.9:
        return f"Trạm Y tế {place.tail()}"
    return f"Trung tâm Y tế {place.district.label}, {p.label}"


def trich_luc_khai_sinh(rng: random.Random, pages: int | None = None,
                        qr: bool | None = None) -> SampleDocument:
    """Trích lục khai sinh (bản sao): a copy from the commune's birth register (form of
    Circular 04/2020/TT-BTP), with the birth date also in words."""
    del pages, qr
    p = pick_province(rng)
    day = data.working_day(rng)
    child = data.make_person(rng, day, p, min_age=1, max_age=17)
    place = data.random_place(rng, child.birth_province)  # registered where the ID says
    agency = ward_ubnd(rng, place)
    registered = data.add_working_days(child.birth_date, rng.randint(2, 40))
    number, book = rng.randint(1, 380), rng.randint(1, 3)
    ethnic = rng.choice(phrases.ETHNICITIES)
    father = " ".join((child.family, *data.person_name(rng, True)[1:]))
    mother = data.full_name(rng, False)
    father_year = child.birth_date.year - rng.randint(22, 42)
    mother_year = child.birth_date.year - rng.randint(19, 38)
    residence = data.street_address(rng, place)
    birth_place = _birth_place(rng, place)
    home = data.random_place(rng, child.birth_province).tail()
    home = home[0].upper() + home[1:]
    lines, title = signer_lines(rng, agency)
    signer = data.full_name(rng)
    size = 13.0
    register_office = f"{agency.full}, {place.province.label}"
    left = agency_lines(agency)
    left.append(centred(f"Số: {number}/{registered.year}, Quyển số: {book:02d}", size=13,
                        before=8))
    blocks: list[Block] = [
        header_columns(left, national_motto()),
        centred("TRÍCH LỤC KHAI SINH", bold=True, size=15, after=0),
        centred("(Bản sao)", bold=True, size=14, after=12),
        labelled("Họ, chữ đệm, tên", child.upper_name, bold_value=True),
        labelled("Ngày, tháng, năm sinh", f"{data.form_date(child.birth_date)}, ghi bằng chữ: "
                 f"{data.date_words(child.birth_date)}"),
        fields_row(("Giới tính", child.gender), ("Dân tộc", ethnic), ("Quốc tịch", "Việt Nam"),
                   stops=(0.0, 0.3, 0.6)),
        labelled("Nơi sinh", birth_place),
        labelled("Quê quán", home),
        labelled("Số định danh cá nhân", child.personal_id, after=8),
    ]
    for relation, name, year in (("mẹ", mother, mother_year), ("cha", father, father_year)):
        blocks += [
            labelled(f"Họ, chữ đệm, tên người {relation}", name.upper()),
            fields_row(("Năm sinh", str(year)), ("Dân tộc", ethnic), ("Quốc tịch", "Việt Nam"),
                       stops=(0.0, 0.3, 0.6)),
            labelled("Nơi cư trú", residence, after=8),
        ]
    blocks += [
        labelled("Nơi đăng ký khai sinh", register_office),
        labelled("Ngày, tháng, năm đăng ký", data.form_date(registered), after=8),
        para(Run("Sao từ Sổ đăng ký khai sinh.", italic=True), align="left", size=size, after=6),
        Columns((), (centred(data.date_line(agency.place, day), italic=True, size=13, after=2),
                     *signature_column(lines, signer, scribble_seed(rng))), split=0.42),
    ]
    fields: dict[str, FieldValue] = {
        "ho_ten": child.name,
        "ngay_sinh": child.birth_date.isoformat(),
        "gioi_tinh": child.gender,
        "so_dinh_danh": child.personal_id,
        "quoc_tich": "Việt Nam",
        "noi_sinh": birth_place,
        "que_quan": home,
        "ho_ten_me": mother,
        "ho_ten_cha": father,
        "ngay_dang_ky": registered.isoformat(),
        "co_quan_ban_hanh": agency.issuer,
        "nguoi_ky": signer,
        "chuc_vu": title,
        "ngay_ban_hanh": day.isoformat(),
    }
    return SampleDocument("trich_luc_khai_sinh", f"Trích lục khai sinh số {number}/"
                          f"{registered.year}", (tuple(blocks),), fields, size)


@dataclass(frozen=True)
class _Birth:
    """One entry of a commune's birth register and the copy issued from it."""

    child: data.Person
    agency: Agency
    registered: dt.date
    issued: dt.date
    number: int
    book: int
    ethnic: str
    father: str
    mother: str
    father_year: int
    mother_year: int
    residence: str
    birth_place: str
    home: str
    lines: list[str]
    title: str
    signer: str


def _birth(rng: random.Random) -> _Birth:
    p = pick_province(rng)
    day = data.working_day(rng)
    child = data.make_person(rng, day, p, min_age=1, max_age=17)
    place = data.random_place(rng, child.birth_province)
    agency = ward_ubnd(rng, place)
    home = data.random_place(rng, child.birth_province).tail()
    lines, title = signer_lines(rng, agency)
    return _Birth(
        child, agency, data.add_working_days(child.birth_date, rng.randint(2, 40)), day,
        rng.randint(1, 380), rng.randint(1, 3), rng.choice(phrases.ETHNICITIES),
        " ".join((child.family, *data.person_name(rng, True)[1:])), data.full_name(rng, False),
        child.birth_date.year - rng.randint(22, 42), child.birth_date.year - rng.randint(19, 38),
        data.street_address(rng, place), _birth_place(rng, place), home[0].upper() + home[1:],
        lines, title, data.full_name(rng))


def _birth_truth(b: _Birth) -> dict[str, FieldValue]:
    return {"ho_ten": b.child.name, "ngay_sinh": b.child.birth_date.isoformat(),
            "gioi_tinh": b.child.gender, "so_dinh_danh": b.child.personal_id,
            "quoc_tich": "Việt Nam", "noi_sinh": b.birth_place, "que_quan": b.home,
            "ho_ten_me": b.mother, "ho_ten_cha": b.father,
            "ngay_dang_ky": b.registered.isoformat(), "co_quan_ban_hanh": b.agency.issuer,
            "nguoi_ky": b.signer, "chuc_vu": b.title, "ngay_ban_hanh": b.issued.isoformat()}


def _birth_header(b: _Birth, number: str) -> Columns:
    left = agency_lines(b.agency)
    left.append(centred(number, size=13, before=8))
    return header_columns(left, national_motto())


def dien_tu(rng: random.Random, pages: int | None = None,
            qr: bool | None = None) -> SampleDocument:
    """The copy printed from the electronic civil-status register: every entry in a
    label | value table, the parents' rows after the child's."""
    del pages, qr
    b = _birth(rng)
    c = b.child
    name_label = pick(rng, "Họ, chữ đệm và tên", "Họ, chữ đệm, tên")
    rows = [
        (name_label, c.upper_name),
        ("Ngày, tháng, năm sinh", f"{data.form_date(c.birth_date)} "
         f"({data.date_words(c.birth_date)})"),
        ("Giới tính", c.gender), ("Dân tộc", b.ethnic), ("Quốc tịch", "Việt Nam"),
        ("Nơi sinh", b.birth_place), ("Quê quán", b.home),
        ("Số định danh cá nhân", c.personal_id),
    ]
    for relation, name, year in (("mẹ", b.mother, b.mother_year),
                                 ("cha", b.father, b.father_year)):
        rows += [(f"{name_label} người {relation}", name.upper()), ("Năm sinh", str(year)),
                 ("Nơi cư trú", b.residence)]
    rows += [("Nơi đăng ký khai sinh", f"{b.agency.full}, {b.agency.province.label}"),
             ("Ngày, tháng, năm đăng ký", data.form_date(b.registered))]
    blocks: list[Block] = [
        _birth_header(b, f"Số: {b.number}/TLKS-BS"),
        centred("TRÍCH LỤC KHAI SINH", bold=True, size=15, after=0),
        centred("(Bản sao)", bold=True, size=13, after=10),
        kv_table(rows, widths=(0.28, 0.72), size=12.0),  # long labels wrap in their cells
        para(Run(f"Sao từ Sổ đăng ký khai sinh điện tử, số {b.number}, quyển số "
                 f"{b.book:02d}.", italic=True), align="left", size=12, after=4),
        signed(data.date_line(b.agency.place, b.issued), b.lines, b.signer, scribble_seed(rng),
               note=None),
    ]
    return SampleDocument("trich_luc_khai_sinh", f"Trích lục khai sinh số {b.number}",
                          (tuple(blocks),), _birth_truth(b), 12.0)


def ban_chinh_cu(rng: random.Random, pages: int | None = None,
                 qr: bool | None = None) -> SampleDocument:
    """An older extract's layout: "Họ và tên" labels, the parents' name and birth year on one
    line, the registration place and date after "Đăng ký tại", values on dotted lines."""
    del pages, qr
    b = _birth(rng)
    c = b.child
    size = 13.0

    def dots() -> str:
        return leader(rng, 0.6)

    blocks: list[Block] = [
        _birth_header(b, f"Số: {b.number}, Quyển số: {b.book:02d}"),
        centred("TRÍCH LỤC KHAI SINH", bold=True, size=15, after=0),
        centred("(Bản chính)", italic=True, size=13, after=10),
        line("Họ và tên", c.upper_name, tail=dots(), size=size, bold_value=True),
        line("Ngày, tháng, năm sinh", data.form_date(c.birth_date), tail=dots(), size=size),
        line("Ghi bằng chữ", data.date_words(c.birth_date), size=size),
        FieldRow(((Run("Giới tính:"), Run(c.gender)), (Run("Dân tộc:"), Run(b.ethnic)),
                  (Run("Quốc tịch:"), Run("Việt Nam"))), stops=(0.0, 0.3, 0.6), size=size,
                 space_after=3),
        line("Nơi sinh", b.birth_place, tail=dots(), size=size),
        line("Quê quán", b.home, tail=dots(), size=size),
        line("Số định danh cá nhân", c.personal_id, size=size, after=6),
        FieldRow(((Run("Họ và tên cha:"), Run(b.father.upper())),
                  (Run("Năm sinh:"), Run(str(b.father_year)))), stops=(0.0, 0.68), size=size,
                 space_after=3),
        FieldRow(((Run("Họ và tên mẹ:"), Run(b.mother.upper())),
                  (Run("Năm sinh:"), Run(str(b.mother_year)))), stops=(0.0, 0.68), size=size,
                 space_after=3),
        line("Nơi thường trú", b.residence, size=size, after=6),
        line("Đăng ký tại", f"{b.agency.full}, {b.agency.province.label}", size=size),
        line("Ngày đăng ký", data.form_date(b.registered), tail=dots(), size=size, after=8),
        signed(data.date_line(b.agency.place, b.issued), b.lines, b.signer, scribble_seed(rng),
               note=None),
    ]
    return SampleDocument("trich_luc_khai_sinh", f"Trích lục khai sinh số {b.number}",
                          (tuple(blocks),), _birth_truth(b), size)


KHAI_SINH_LAYOUTS: dict[str, Layout] = {
    "tt04-2020": trich_luc_khai_sinh,
    "dien-tu": dien_tu,
    "ban-chinh-cu": ban_chinh_cu,
}
