"""Giấy chứng nhận đăng ký doanh nghiệp, as the business registration offices print it."""

from __future__ import annotations

import datetime as dt
import random

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
from samples.data import Province
from samples.layout import (
    Block,
    Columns,
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


DKDN_LAYOUTS: dict[str, Layout] = {
    "tt01-2021": giay_chung_nhan_dkdn,
}
