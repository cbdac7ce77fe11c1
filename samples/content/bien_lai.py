"""Biên lai thu phí, lệ phí: paper forms and the e-receipts of Decree 123/2020/NĐ-CP."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from samples import data, phrases
from samples.content.common import (
    MM,
    Agency,
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
from samples.content.forms import columns_table, leader, line, pick
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
        "ngay_thu": day.isoformat(),
        "so_bien_lai": serial,
        "ky_hieu": symbol,
        "co_quan_ban_hanh": unit_name,
        "ma_ho_so": dossier,
        "noi_thuong_tru": person.address,
    }
    return SampleDocument("bien_lai", f"Biên lai thu phí, lệ phí số {serial}", (tuple(blocks),),
                          fields, size)


@dataclass(frozen=True)
class _Payment:
    """One fee paid: who paid what to whom, and the receipt's numbers."""

    proc: phrases.Procedure
    agency: Agency
    unit: str
    day: dt.date
    person: data.Person
    copies: int
    serial: str
    dossier: str
    collector: str

    @property
    def amount(self) -> int:
        return self.proc.fee * self.copies


def _payment(rng: random.Random) -> _Payment:
    p = pick_province(rng)
    proc = rng.choice([pr for pr in phrases.PROCEDURES if pr.fee > 0])
    if proc.level == "xa":
        agency = ward_ubnd(rng, data.random_place(rng, p))
    elif proc.level == "huyen":
        agency = district_ubnd(rng, p)
    else:
        agency = department(rng, p, which=0 if proc.field == "Lý lịch tư pháp" else 1)
    day = data.working_day(rng)
    return _Payment(proc, agency, agency.full.split(",")[0], day,
                    data.make_person(rng, day, p),
                    rng.randint(1, 3) if proc.fee <= 10_000 else 1,
                    f"{rng.randint(1, 9_999_999):07d}",
                    data.dossier_code(rng, agency.code, day), data.full_name(rng))


def _signatures(pay: _Payment, rng: random.Random, note: str) -> Columns:
    return Columns(
        signature_column(["NGƯỜI NỘP TIỀN"], pay.person.name, scribble_seed(rng),
                         note="(Ký, ghi rõ họ tên)"),
        signature_column(["NGƯỜI THU TIỀN"], pay.collector, scribble_seed(rng), note=note),
        split=0.5, space_before=6)


def _truth(pay: _Payment, symbol: str) -> dict[str, FieldValue]:
    return {"nguoi_nop": pay.person.name, "so_tien": pay.amount,
            "noi_dung_thu": pay.proc.fee_name, "ngay_thu": pay.day.isoformat(),
            "so_bien_lai": pay.serial, "ky_hieu": symbol, "co_quan_ban_hanh": pay.unit,
            "noi_thuong_tru": pay.person.address}


def e_bien_lai(rng: random.Random, pages: int | None = None,
               qr: bool | None = None) -> SampleDocument:
    """The printed view of an e-receipt (Decree 123/2020/NĐ-CP, Circular 78/2021/TT-BTC):
    the collecting unit and the receipt's numbers side by side, the date under the title,
    the fee in a line-items table and its total, in Arial."""
    del pages, qr
    pay = _payment(rng)
    symbol = f"{rng.randint(1, 2)}BLP-{pay.day.year % 100}E"
    unit_of = rng.choice(("Lần", "Bản", "Hồ sơ"))
    price = data.format_money(pay.proc.fee)
    total = data.format_money(pay.amount)
    dated = (f"Ngày {pay.day:%d} tháng {pay.day:%m} năm {pay.day.year}" if rng.random() < 0.6
             else f"Ngày thu: {data.form_date(pay.day)}")
    size = 11.0
    unit = (para(Run(pay.unit.upper(), bold=True), align="left", size=11, after=2)
            if rng.random() < 0.5 else
            line(pick(rng, "Tên đơn vị thu phí, lệ phí", "Đơn vị thu", "Tên tổ chức thu phí"),
                 pay.unit, size=10, after=1))
    left = (unit,
            line("Mã số thuế", data.tax_code(rng, pay.agency.province), size=10, after=1),
            line("Địa chỉ", pay.agency.province.full_name, size=10, after=1))
    right = (line("Mẫu số", "01BLP0-001", size=10, after=1),
             line("Ký hiệu", symbol, size=10, after=1),
             para(Run("Số:"), Run(pay.serial, bold=True), align="left", size=10, after=1))
    blocks: list[Block] = [
        Columns(left, right, split=0.66, space_after=10),
        centred("BIÊN LAI THU PHÍ, LỆ PHÍ", bold=True, size=15, after=1),
        centred("(Bản thể hiện của biên lai điện tử)", italic=True, size=10.5, after=1),
        centred(dated, italic=True, size=11, after=10),
        line(pick(rng, "Tên người nộp phí", "Họ tên người nộp", "Người nộp tiền"),
             pay.person.name, size=size),
        line("Địa chỉ", pay.person.address, size=size),
        line("Mã hồ sơ", pay.dossier, size=size),
        line("Hình thức thanh toán", rng.choice(("TM", "CK", "TM/CK")), size=size, after=6),
        columns_table(("STT", "Tên phí, lệ phí", "Đơn vị tính", "Số lượng", "Đơn giá",
                       "Thành tiền"),
                      (("1", pay.proc.fee_name, unit_of, str(pay.copies), price, total),),
                      (0.07, 0.41, 0.12, 0.1, 0.14, 0.16), size=10.5, centred=(0, 2, 3)),
        line(pick(rng, "Tổng tiền thanh toán", "Tổng cộng"), f"{total} đồng", size=size,
             bold_value=True),
        line("Số tiền viết bằng chữ", data.money_words(pay.amount), size=size, after=6),
        _signatures(pay, rng, "(Ký điện tử)"),
        para(f"Mã tra cứu: {rng.randrange(16**10):010X}", align="left", size=9, after=0),
    ]
    truth = _truth(pay, symbol) | {"ma_ho_so": pay.dossier}
    return SampleDocument("bien_lai", f"Biên lai thu phí, lệ phí số {pay.serial}",
                          (tuple(blocks),), truth, size, font="sans")


def bien_lai_giay(rng: random.Random, pages: int | None = None,
                  qr: bool | None = None) -> SampleDocument:
    """A pre-printed paper receipt book's leaf (biên lai thu tiền phí, lệ phí), filled in
    on the dotted lines; its symbol and number at the top right."""
    del pages, qr
    pay = _payment(rng)
    symbol = f"{rng.choice('ABCDEGHK')}{rng.choice('ABCDEGHK')}/{pay.day.year}/BLP"
    size = 13.0

    def dots() -> str:
        return leader(rng, 0.7)

    right = (para(f"Ký hiệu: {symbol}", align="left", size=12, left=18 * MM, after=0),
             para(Run("Số biên lai:"), Run(pay.serial, bold=True), align="left", size=12,
                  left=18 * MM, after=0))
    blocks: list[Block] = [
        Columns(tuple(agency_lines(pay.agency)), right, split=0.55, space_after=12),
        centred("BIÊN LAI THU TIỀN PHÍ, LỆ PHÍ", bold=True, size=15, after=2),
        centred("Liên 2: Giao cho người nộp tiền", italic=True, size=12, after=10),
        line("Đơn vị thu", pay.unit, tail=dots(), size=size),
        line("Họ tên người nộp tiền", pay.person.name, tail=dots(), size=size),
        line("Địa chỉ", pay.person.address, size=size),
        line("Nội dung thu", pay.proc.fee_name, tail=dots(), size=size),
        line("Số tiền thu", f"{data.format_money(pay.amount)} đồng", tail=dots(), size=size),
        line("(Viết bằng chữ)", data.money_words(pay.amount), size=size),
        line("Hình thức thanh toán", rng.choice(("Tiền mặt", "Chuyển khoản")), size=size,
             after=8),
        para(Run(f"Ngày thu: {data.form_date(pay.day)}" if rng.random() < 0.5
                 else data.long_date(pay.day).capitalize(), italic=True),
             align="right", size=13, after=4),
        _signatures(pay, rng, "(Ký, ghi rõ họ tên)"),
    ]
    return SampleDocument("bien_lai", f"Biên lai thu phí, lệ phí số {pay.serial}",
                          (tuple(blocks),), _truth(pay, symbol), size)


BIEN_LAI_LAYOUTS: dict[str, Layout] = {
    "01blp": bien_lai,
    "e-bien-lai": e_bien_lai,
    "bien-lai-giay": bien_lai_giay,
}
