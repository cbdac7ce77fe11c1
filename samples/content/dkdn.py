"""Giấy chứng nhận đăng ký doanh nghiệp, as the business registration offices print it."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from samples import data, phrases
from samples.content.common import (
    centred,
    department,
    fields_row,
    header_columns,
    labelled,
    make_room_for_qr,
    national_motto,
    para,
    pick_province,
    result_qr,
    scribble_seed,
    signature_column,
    title_case,
)
from samples.content.forms import columns_table, kv_table, line, pick
from samples.data import Province
from samples.layout import (
    Block,
    Columns,
    FieldRow,
    FieldValue,
    Layout,
    Run,
    SampleDocument,
    Spacer,
)


def _dkdn_header(p: Province, qr_payload: str | None = None) -> Columns:
    office = "PHÒNG ĐĂNG KÝ KINH DOANH" if qr_payload is None else "PHÒNG ĐĂNG KÝ\nKINH DOANH"
    header = header_columns(
        [centred(f"SỞ KẾ HOẠCH VÀ ĐẦU TƯ\n{p.full_name.upper()}", size=12),
         centred(office, bold=True, size=13, rule=0.4)],
        national_motto(),
    )
    return header if qr_payload is None else make_room_for_qr(header, qr_payload)


ENTERPRISE_SYSTEM = "dangkykinhdoanh.gov.vn"  # the national business registration system


def giay_chung_nhan_dkdn(rng: random.Random, pages: int | None = None,
                         qr: bool | None = None) -> SampleDocument:
    """Giấy chứng nhận đăng ký doanh nghiệp (Phòng Đăng ký kinh doanh); printed by the
    registration system it may carry the corner QR code."""
    del pages
    p = pick_province(rng)
    dept = department(rng, p, which=1)
    first_day = data.working_day(rng, dt.date(2008, 1, 2), dt.date(2023, 12, 28))
    changes = rng.choice((0, 0, 1, 2, 3))
    issue_day = first_day if changes == 0 else data.working_day(rng, first_day + dt.timedelta(
        days=90), data.WORK_END)
    code = data.tax_code(rng, p)
    short_kind, long_kind, en_kind, en_abbr = rng.choice(phrases.COMPANY_KINDS)
    line_vi, line_en = rng.choice(phrases.COMPANIES)
    brand = rng.choice(phrases.BRANDS)
    name_vi = f"{short_kind} {line_vi} {brand}"
    name_en = f"{data.ascii_fold(brand)} {line_en} {en_kind}"
    abbr = f"{data.ascii_fold(brand).replace(' ', '')} {en_abbr}"
    address = data.street_address(rng, data.random_place(rng, p))
    rep = data.make_person(rng, first_day, p, min_age=25, max_age=65)
    capital = rng.choice((500, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000)) * 1_000_000
    phone = data.phone_number(rng)
    email = (f"info@{data.ascii_fold(brand).lower().replace(' ', '')}"
             f"{rng.choice(('.vn', '.com.vn', '.com'))}")
    head_title = rng.choice(("TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"))
    signer = data.full_name(rng)
    size = 13.0
    line = data.long_date(first_day)
    blocks: list[Block] = [
        _dkdn_header(p),
        centred("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", bold=True, size=15, after=2),
        centred(long_kind, bold=True, size=14, after=8),
        centred(f"Mã số doanh nghiệp: {code}", bold=True, size=14, after=2),
        centred(f"Đăng ký lần đầu: {line}", italic=True, size=13, after=2),
    ]
    if changes:
        blocks.append(centred(f"Đăng ký thay đổi lần thứ: {changes}, "
                              f"{data.long_date(issue_day)}", italic=True, size=13, after=2))
    blocks += [
        Spacer(8),
        para(Run("1. Tên công ty", bold=True), align="left", size=size, after=2),
        labelled("Tên công ty viết bằng tiếng Việt", name_vi, bold_value=True),
        labelled("Tên công ty viết bằng tiếng nước ngoài", name_en),
        labelled("Tên công ty viết tắt", abbr, after=6),
        para(Run("2. Địa chỉ trụ sở chính", bold=True), align="left", size=size, after=2),
        para(address, align="left", size=size, after=2),
        fields_row(("Điện thoại", phone), ("Email", email), stops=(0.0, 0.45), after=6),
        para(Run("3. Vốn điều lệ:", bold=True), f"{data.format_money(capital)} đồng",
             align="left", size=size, after=2),
        labelled("Bằng chữ", data.money_words(capital), after=6),
        para(Run("4. Người đại diện theo pháp luật của công ty", bold=True), align="left",
             size=size, after=2),
        fields_row(("Họ và tên", rep.upper_name), ("Giới tính", rep.gender),
                   stops=(0.0, 0.6)),
        labelled("Chức danh", rng.choice(("Giám đốc", "Tổng giám đốc", "Chủ tịch công ty"))),
        fields_row(("Sinh ngày", data.form_date(rep.birth_date)), ("Dân tộc", "Kinh"),
                   ("Quốc tịch", "Việt Nam"), stops=(0.0, 0.4, 0.64)),
        labelled("Loại giấy tờ pháp lý của cá nhân", "Căn cước công dân"),
        labelled("Số giấy tờ pháp lý của cá nhân", rep.personal_id),
        labelled("Địa chỉ thường trú", rep.address, after=10),
        Columns((), signature_column([head_title], signer, scribble_seed(rng)), split=0.45),
    ]
    corner = result_qr(rng, qr, dept, issue_day, "Giấy chứng nhận đăng ký doanh nghiệp",
                        [pr for pr in phrases.PROCEDURES if pr.code == "2.002042"], rep,
                        ENTERPRISE_SYSTEM)
    if corner is not None:
        blocks[0] = _dkdn_header(p, corner)
    fields: dict[str, FieldValue] = {
        "ma_so_doanh_nghiep": code,
        "ten_doanh_nghiep": name_vi,
        "dia_chi_tru_so": address,
        "nguoi_dai_dien": rep.name,
        "ngay_dang_ky": first_day.isoformat(),
        "so_dinh_danh": rep.personal_id,
        "ngay_sinh": rep.birth_date.isoformat(),
        "gioi_tinh": rep.gender,
        "quoc_tich": "Việt Nam",
        "noi_thuong_tru": rep.address,
        "so_dien_thoai": phone,
        "email": email,
        "co_quan_ban_hanh": f"Phòng Đăng ký kinh doanh, {dept.full}",
        "nguoi_ky": signer,
        "chuc_vu": title_case(head_title),
    }
    return SampleDocument("giay_chung_nhan_dkdn", f"Giấy chứng nhận đăng ký doanh nghiệp {code}",
                          (tuple(blocks),), fields, size, corner_qr=corner)


@dataclass(frozen=True)
class _Company:
    """A registered enterprise and its legal representative."""

    province: Province
    code: str
    first_day: dt.date
    changes: int
    changed: dt.date
    kind: str
    name_vi: str
    name_en: str
    abbr: str
    address: str
    rep: data.Person
    role: str
    capital: int
    phone: str
    email: str
    head_title: str
    signer: str


def _company(rng: random.Random) -> _Company:
    p = pick_province(rng)
    first_day = data.working_day(rng, dt.date(2008, 1, 2), dt.date(2023, 12, 28))
    changes = rng.choice((0, 0, 1, 2, 3))
    changed = data.working_day(rng, first_day + dt.timedelta(days=90), data.WORK_END)
    short_kind, long_kind, en_kind, en_abbr = rng.choice(phrases.COMPANY_KINDS)
    line_vi, line_en = rng.choice(phrases.COMPANIES)
    brand = rng.choice(phrases.BRANDS)
    return _Company(
        p, data.tax_code(rng, p), first_day, changes, changed, long_kind,
        f"{short_kind} {line_vi} {brand}", f"{data.ascii_fold(brand)} {line_en} {en_kind}",
        f"{data.ascii_fold(brand).replace(' ', '')} {en_abbr}",
        data.street_address(rng, data.random_place(rng, p)),
        data.make_person(rng, first_day, p, min_age=25, max_age=65),
        rng.choice(("Giám đốc", "Tổng giám đốc", "Chủ tịch công ty")),
        rng.choice((500, 1_000, 2_000, 5_000, 10_000)) * 1_000_000, data.phone_number(rng),
        f"lienhe@{data.ascii_fold(brand).lower().replace(' ', '')}.vn",
        rng.choice(("TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")), data.full_name(rng))


def _finance_header(p: Province) -> Columns:
    """Since 2025 business registration offices belong to the provincial Sở Tài chính."""
    return header_columns(
        [centred(f"SỞ TÀI CHÍNH\n{p.full_name.upper()}", size=12),
         centred("PHÒNG ĐĂNG KÝ KINH DOANH", bold=True, size=13, rule=0.4)],
        national_motto())


def _company_truth(c: _Company) -> dict[str, FieldValue]:
    return {"ma_so_doanh_nghiep": c.code, "ten_doanh_nghiep": c.name_vi,
            "dia_chi_tru_so": c.address, "nguoi_dai_dien": c.rep.name,
            "ngay_dang_ky": c.first_day.isoformat(), "so_dinh_danh": c.rep.personal_id,
            "ngay_sinh": c.rep.birth_date.isoformat(), "gioi_tinh": c.rep.gender,
            "noi_thuong_tru": c.rep.address, "so_dien_thoai": c.phone, "email": c.email,
            "co_quan_ban_hanh": f"Phòng Đăng ký kinh doanh, Sở Tài chính {c.province.label}",
            "nguoi_ky": c.signer, "chuc_vu": title_case(c.head_title)}


def _changes(c: _Company) -> list[Block]:
    if not c.changes:
        return []
    return [centred(f"Đăng ký thay đổi lần thứ: {c.changes}, {data.long_date(c.changed)}",
                    italic=True, size=13, after=2)]


def tt68_2025(rng: random.Random, pages: int | None = None,
              qr: bool | None = None) -> SampleDocument:
    """The certificate of the 2025 forms (Sở Tài chính's office): "Tên doanh nghiệp" labels,
    the head office on its label's line, the representative's personal ID number."""
    del pages, qr
    c = _company(rng)
    size = 13.0
    first = (f"Ngày đăng ký lần đầu: {data.form_date(c.first_day)}" if rng.random() < 0.5
             else f"Đăng ký lần đầu: {data.long_date(c.first_day)}")
    blocks: list[Block] = [
        _finance_header(c.province),
        centred("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", bold=True, size=15, after=2),
        centred(c.kind, bold=True, size=14, after=8),
        centred(f"Mã số doanh nghiệp: {c.code}", bold=True, size=14, after=2),
        centred(first, italic=True, size=13, after=2),
        *_changes(c),
        Spacer(8),
        para(Run("1. Tên doanh nghiệp", bold=True), align="left", size=size, after=2),
        line("Tên doanh nghiệp viết bằng tiếng Việt", c.name_vi, bold_value=True, size=size),
        line("Tên doanh nghiệp viết bằng tiếng nước ngoài", c.name_en, size=size),
        line("Tên doanh nghiệp viết tắt", c.abbr, size=size, after=6),
        para(Run("2. Địa chỉ trụ sở chính:", bold=True), c.address, align="left", size=size,
             after=2),
        FieldRow(((Run("Điện thoại:"), Run(c.phone)), (Run("Fax:"),)), stops=(0.0, 0.5),
                 size=size, space_after=2),
        FieldRow(((Run("Email:"), Run(c.email)), (Run("Website:"),)), stops=(0.0, 0.5),
                 size=size, space_after=6),
        para(Run("3. Vốn điều lệ:", bold=True), f"{data.format_money(c.capital)} đồng",
             align="left", size=size, after=2),
        line("Bằng chữ", data.money_words(c.capital), size=size, after=6),
        para(Run("4. Người đại diện theo pháp luật của doanh nghiệp", bold=True),
             align="left", size=size, after=2),
        FieldRow(((Run("Họ, chữ đệm và tên:"), Run(c.rep.upper_name)),
                  (Run("Giới tính:"), Run(c.rep.gender))), stops=(0.0, 0.62), size=size,
                 space_after=2),
        line("Chức danh", c.role, size=size),
        FieldRow(((Run("Ngày, tháng, năm sinh:"), Run(data.form_date(c.rep.birth_date))),
                  (Run("Dân tộc:"), Run("Kinh")), (Run("Quốc tịch:"), Run("Việt Nam"))),
                 stops=(0.0, 0.5, 0.72), size=size, space_after=2),
        line("Số định danh cá nhân", c.rep.personal_id, size=size),
        line(pick(rng, "Nơi thường trú", "Địa chỉ thường trú"), c.rep.address, size=size),
        line("Địa chỉ liên lạc", c.rep.address if rng.random() < 0.6 else c.address,
             size=size, after=10),
        Columns((), signature_column([c.head_title], c.signer, scribble_seed(rng)),
                split=0.45),
    ]
    return SampleDocument("giay_chung_nhan_dkdn", f"Giấy chứng nhận đăng ký doanh nghiệp "
                          f"{c.code}", (tuple(blocks),),
                          _company_truth(c) | {"quoc_tich": "Việt Nam"}, size)


def tt68_bang(rng: random.Random, pages: int | None = None,
              qr: bool | None = None) -> SampleDocument:
    """The certificate as the registration portal lays it out in tables: label | value
    rows for the enterprise, the representative in a table with a header row."""
    del pages, qr
    c = _company(rng)
    size = 12.0
    rows = [("Mã số doanh nghiệp", c.code),
            ("Ngày đăng ký lần đầu", data.form_date(c.first_day))]
    if c.changes:
        rows.append(("Đăng ký thay đổi lần thứ", f"{c.changes}, ngày "
                     f"{data.form_date(c.changed)}"))
    blocks: list[Block] = [
        _finance_header(c.province),
        centred("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", bold=True, size=15, after=2),
        centred(c.kind, bold=True, size=14, after=8),
        kv_table(rows, widths=(0.42, 0.58), size=size),
        para(Run("1. Tên doanh nghiệp", bold=True), align="left", size=size, after=2),
        kv_table((("Tên doanh nghiệp viết bằng tiếng Việt", c.name_vi),
                  ("Tên doanh nghiệp viết bằng tiếng nước ngoài", c.name_en),
                  ("Tên doanh nghiệp viết tắt", c.abbr)), widths=(0.42, 0.58), size=size,
                 bold_labels=False),
        para(Run("2. Địa chỉ trụ sở chính", bold=True), align="left", size=size, after=2),
        para(c.address, align="left", size=size, after=2),
        FieldRow(((Run("Điện thoại:"), Run(c.phone)), (Run("Email:"), Run(c.email))),
                 stops=(0.0, 0.45), size=size, space_after=6),
        para(Run("3. Vốn điều lệ:", bold=True), f"{data.format_money(c.capital)} đồng",
             align="left", size=size, after=6),
        para(Run("4. Người đại diện theo pháp luật", bold=True), align="left", size=size,
             after=2),
        columns_table(("Họ, chữ đệm và tên", "Giới tính", "Ngày sinh", "Số định danh cá nhân",
                       "Chức danh"),
                      ((c.rep.upper_name, c.rep.gender, data.form_date(c.rep.birth_date),
                        c.rep.personal_id, c.role),),
                      (0.3, 0.12, 0.16, 0.24, 0.18), size=11, centred=(1, 2)),
        line("Nơi thường trú", c.rep.address, size=size, after=10),
        Columns((), signature_column([c.head_title], c.signer, scribble_seed(rng)),
                split=0.45),
    ]
    return SampleDocument("giay_chung_nhan_dkdn", f"Giấy chứng nhận đăng ký doanh nghiệp "
                          f"{c.code}", (tuple(blocks),), _company_truth(c), size)


DKDN_LAYOUTS: dict[str, Layout] = {
    "tt01-2021": giay_chung_nhan_dkdn,
    "tt68-2025": tt68_2025,
    "tt68-bang": tt68_bang,
}
