"""Biên lai thu phí, lệ phí: paper forms and the e-receipts of Decree 123/2020/NĐ-CP."""

from __future__ import annotations

import random

from samples import data, phrases
from samples.content.common import (
    MM,
    agency_lines,
    centred,
    department,
    district_ubnd,
    labelled,
    para,
    pick_province,
    scribble_seed,
    signature_column,
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


def bien_lai(rng: random.Random, pages: int | None = None,
             qr: bool | None = None) -> SampleDocument:
    """Biên lai thu phí, lệ phí (Decree 11/2020/NĐ-CP form 01BLP)."""
    del pages, qr
    p = pick_province(rng)
    proc = rng.choice([pr for pr in phrases.PROCEDURES if pr.fee > 0])
    place = data.random_place(rng, p)
    if proc.level == "xa":
        agency = ward_ubnd(rng, place)
    elif proc.level == "huyen":
        agency = district_ubnd(rng, p)
    else:
        agency = department(rng, p, which=0 if proc.field == "Lý lịch tư pháp" else 1)
    day = data.working_day(rng)
    person = data.make_person(rng, day, p)
    copies = rng.randint(1, 3) if proc.fee <= 10_000 else 1
    amount = proc.fee * copies
    serial = f"{rng.randint(1, 9_999_999):07d}"
    symbol = f"{rng.choice('ABCDEGHK')}{rng.choice('ABCDEGHK')}-{day.year % 100}E"
    dossier = data.dossier_code(rng, agency.code, day)
    size = 13.0
    collector = data.full_name(rng)
    unit_name = agency.full.split(",")[0]
    blocks: list[Block] = [
        Columns(
            left=tuple(agency_lines(agency)),
            right=(para("Mẫu số: 01BLP2-001", align="left", size=12, left=22 * MM, after=0),
                   para(f"Ký hiệu: {symbol}", align="left", size=12, left=22 * MM, after=0),
                   para(Run("Số: "), Run(serial, bold=True), align="left", size=12,
                        left=22 * MM, after=0)),
            split=0.52, bleed_left=8 * MM, space_after=14,
        ),
        centred("BIÊN LAI THU PHÍ, LỆ PHÍ", bold=True, size=16, after=2),
        centred("(Liên 2: Giao cho người nộp tiền)", italic=True, size=13, after=12),
        labelled("Tên đơn vị thu phí, lệ phí", unit_name),
        labelled("Mã số thuế", data.tax_code(rng, p)),
        labelled("Tên người nộp tiền", person.name),
        labelled("Địa chỉ", person.address),
        labelled("Mã hồ sơ", dossier),
        labelled("Tên loại phí, lệ phí", proc.fee_name),
        labelled("Số tiền", f"{data.format_money(amount)} đồng", bold_value=True),
        para(f"(Viết bằng chữ: {data.money_words(amount)})", align="left", size=size, after=3),
        labelled("Hình thức thanh toán", rng.choice(("Tiền mặt", "Chuyển khoản")), after=8),
        para(Run(data.long_date(day).capitalize(), italic=True), align="right", size=13,
             after=4),
        Columns(
            signature_column(["NGƯỜI NỘP TIỀN"], person.name, scribble_seed(rng),
                             note="(Ký, ghi rõ họ tên)"),
            signature_column(["NGƯỜI THU TIỀN"], collector, scribble_seed(rng),
                             note="(Ký, ghi rõ họ tên)"),
            split=0.5,
        ),
    ]
    fields: dict[str, FieldValue] = {
        "nguoi_nop": person.name,
        "so_tien": amount,
        "noi_dung_thu": proc.fee_name,
        "ngay_ban_hanh": day.isoformat(),
        "co_quan_ban_hanh": unit_name,
        "ma_ho_so": dossier,
        "noi_thuong_tru": person.address,
    }
    return SampleDocument("bien_lai", f"Biên lai thu phí, lệ phí số {serial}", (tuple(blocks),),
                          fields, size)


BIEN_LAI_LAYOUTS: dict[str, Layout] = {
    "01blp": bien_lai,
}
