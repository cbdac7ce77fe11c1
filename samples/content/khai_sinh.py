"""Trích lục khai sinh (Circular 04/2020/TT-BTP) and its other printed forms."""

from __future__ import annotations

import random

from samples import data, phrases
from samples.content.common import (
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
from samples.layout import (
    Block,
    Columns,
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


KHAI_SINH_LAYOUTS: dict[str, Layout] = {
    "tt04-2020": trich_luc_khai_sinh,
}
