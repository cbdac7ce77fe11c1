"""Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Circular 01/2018/TT-VPCP) and the receipts
one-stop systems print."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from samples import data, phrases
from samples.content.common import (
    Agency,
    agency_motto_header,
    centred,
    district_ubnd,
    fields_row,
    labelled,
    make_room_for_qr,
    para,
    pick_province,
    printed_at,
    scribble_seed,
    service_centre,
    signature_column,
    system_host,
    ward_ubnd,
)
from samples.content.forms import columns_table, grid, kv_table, pick
from samples.layout import (
    MM,
    Block,
    Columns,
    FieldValue,
    Layout,
    Run,
    SampleDocument,
    Table,
)
from samples.qr import one_stop_payload

RECEIPT_NAME = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"


def giay_tiep_nhan(rng: random.Random, pages: int | None = None,
                   qr: bool | None = None) -> SampleDocument:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01, Circular 01/2018/TT-VPCP);
    with ``pages=2`` the dossier's control slip (Mẫu 02) follows. Printed by the one-stop
    system, it carries the corner QR code unless ``qr`` is False."""
    p = pick_province(rng)
    proc = rng.choice(phrases.PROCEDURES)
    if proc.level == "tinh":
        agency = service_centre(rng, p)
        office = agency.full
    elif proc.level == "huyen":
        agency = district_ubnd(rng, p)
        office = f"Bộ phận Một cửa {agency.full.split(',')[0]}"
    else:
        agency = ward_ubnd(rng, data.random_place(rng, p))
        office = f"Bộ phận Một cửa {agency.full.split(',')[0]}"
    received = data.working_day(rng)
    due = data.add_working_days(received, proc.days)
    code = data.dossier_code(rng, agency.code, received)
    person = data.make_person(rng, received, p)
    clerk = data.full_name(rng)
    hour = rng.choice((7, 8, 9, 10, 11, 13, 14, 15, 16))
    minute = rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50))
    due_hour = rng.choice((8, 9, 10, 14, 15, 16))
    size = 13.0
    corner = None if qr is False else one_stop_payload(
        dossier=code, procedure=proc.code, applicant_id=person.personal_id,
        document=RECEIPT_NAME, system=system_host(p),
        printed=printed_at(received, hour, minute), due=due)
    header = agency_motto_header(agency)
    blocks: list[Block] = [
        header if corner is None else make_room_for_qr(header, corner),
        centred("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", bold=True, size=14, after=2),
        centred(f"Mã hồ sơ: {code}", bold=True, size=13, after=2),
        centred("(Liên: Giao khách hàng)", italic=True, size=13, after=10),
        para(f"{office} tiếp nhận hồ sơ của:", align="left", size=size, after=3),
        labelled(person.honorific, person.name, bold_value=True),
        labelled("Địa chỉ", person.address),
        fields_row(("Số điện thoại", person.phone), ("Email", person.email), stops=(0.0, 0.42)),
        labelled("Nội dung yêu cầu giải quyết", proc.name),
        labelled("Mã thủ tục", proc.code, after=6),
        para("1. Thành phần hồ sơ nộp gồm:", align="left", size=size, after=4),
    ]
    papers = list(proc.papers)
    rows = []
    for i, paper in enumerate(papers, start=1):
        kind = rng.choice(("Bản chính", "Bản sao", "Bản chụp")) if i > 1 else "Bản chính"
        rows.append((str(i), paper, kind, f"{rng.randint(1, 2):02d}"))
    blocks.append(Table((0.08, 0.56, 0.2, 0.16), ("TT", "Tên giấy tờ", "Hình thức", "Số lượng"),
                        tuple(rows), size=12, centred_columns=(0, 2, 3)))
    blocks += [
        para("2. Số lượng hồ sơ: 01 (bộ)", align="left", size=size, after=3),
        para(f"3. Thời gian giải quyết hồ sơ theo quy định là: {proc.days:02d} ngày làm việc",
             align="left", size=size, after=3),
        para(f"4. Thời gian nhận hồ sơ: {hour:02d} giờ {minute:02d} phút, ngày "
             f"{data.form_date(received)}", align="left", size=size, after=3),
        para(f"5. Thời gian trả kết quả giải quyết hồ sơ: {due_hour:02d} giờ 00 phút, ngày "
             f"{data.form_date(due)}", align="left", size=size, after=3),
        para(f"6. Đăng ký nhận kết quả tại: {rng.choice((office, 'Dịch vụ bưu chính công ích'))}",
             align="left", size=size, after=3),
        para(f"Vào Sổ theo dõi hồ sơ, Quyển số: {rng.randint(1, 9):02d}, Số thứ tự: "
             f"{code[-4:]}", align="left", size=size, after=4),
        Columns(
            signature_column(["NGƯỜI NỘP HỒ SƠ"], person.name, scribble_seed(rng),
                             note="(Ký và ghi rõ họ tên)"),
            signature_column(["NGƯỜI TIẾP NHẬN HỒ SƠ"], clerk, scribble_seed(rng),
                             note="(Ký và ghi rõ họ tên)"),
            split=0.5, space_before=6,
        ),
    ]
    doc_pages: list[tuple[Block, ...]] = [tuple(blocks)]
    if pages == 2 or (pages is None and rng.random() < 0.3):
        doc_pages.append(tuple(_control_slip(agency, office, proc.handler, code, received, due,
                                             hour, minute)))
    fields: dict[str, FieldValue] = {
        "ma_ho_so": code,
        "ma_thu_tuc": proc.code,
        "ten_thu_tuc": proc.name,
        "ngay_nhan": received.isoformat(),
        "ngay_hen_tra": due.isoformat(),
        "nguoi_nop": person.name,
        "noi_thuong_tru": person.address,
        "so_dien_thoai": person.phone,
        "email": person.email,
        "co_quan_ban_hanh": office,
    }
    return SampleDocument("giay_tiep_nhan", f"Giấy tiếp nhận hồ sơ {code}", tuple(doc_pages),
                          fields, size, corner_qr=corner)


def _control_slip(agency: Agency, office: str, handler: str, code: str,
                  received: dt.date, due: dt.date, hour: int, minute: int) -> list[Block]:
    handling = handler
    mid = data.add_working_days(received, max(1, (due - received).days // 3))
    rows = (
        (f"1. Giao: {office}\n2. Nhận: {handling}",
         f"{hour:02d} giờ {minute:02d} phút, ngày {data.form_date(received)}", "", ""),
        (f"1. Giao: {handling}\n2. Nhận: Lãnh đạo phê duyệt",
         f"10 giờ 00 phút, ngày {data.form_date(mid)}", "", ""),
        (f"1. Giao: Lãnh đạo phê duyệt\n2. Nhận: {office}",
         f"15 giờ 30 phút, ngày {data.form_date(due)}", "", ""),
        ("1. Giao: Bộ phận trả kết quả\n2. Nhận: Tổ chức, cá nhân", "", "", ""),
    )
    return [
        agency_motto_header(agency),
        centred("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", bold=True, size=14, after=2),
        centred(f"Mã hồ sơ: {code}", bold=True, size=13, after=2),
        centred("(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)", italic=True, size=13,
                after=10),
        labelled("Cơ quan (bộ phận) giải quyết hồ sơ", handling),
        labelled("Cơ quan phối hợp giải quyết hồ sơ", "Không", after=8),
        Table((0.36, 0.28, 0.22, 0.14),
              ("Tên cơ quan", "Thời gian giao, nhận hồ sơ", "Kết quả giải quyết", "Ghi chú"),
              rows, size=12, centred_columns=(1,)),
    ]


@dataclass(frozen=True)
class _Dossier:
    """What every receipt of one dossier says, whichever system prints it."""

    proc: phrases.Procedure
    agency: Agency
    office: str
    received: dt.datetime
    due: dt.datetime
    code: str
    person: data.Person
    clerk: str


def _dossier(rng: random.Random) -> _Dossier:
    p = pick_province(rng)
    proc = rng.choice(phrases.PROCEDURES)
    if proc.level == "tinh":
        agency = service_centre(rng, p)
        office = agency.full
    else:
        agency = (district_ubnd(rng, p) if proc.level == "huyen"
                  else ward_ubnd(rng, data.random_place(rng, p)))
        office = f"Bộ phận Một cửa {agency.full.split(',')[0]}"
    day = data.working_day(rng)
    due = data.add_working_days(day, proc.days)
    return _Dossier(proc, agency, office,
                    printed_at(day, rng.choice((7, 8, 9, 10, 13, 14, 15, 16)),
                               rng.choice((0, 10, 15, 20, 30, 45, 50))),
                    printed_at(due, rng.choice((8, 9, 10, 14, 15, 16)), 0),
                    data.dossier_code(rng, agency.code, day),
                    data.make_person(rng, day, p), data.full_name(rng))


def _corner(d: _Dossier, qr: bool | None) -> str | None:
    if qr is False:
        return None
    return one_stop_payload(dossier=d.code, procedure=d.proc.code,
                            applicant_id=d.person.personal_id, document=RECEIPT_NAME,
                            system=system_host(d.agency.province), printed=d.received,
                            due=d.due.date())


def _papers(rng: random.Random, proc: phrases.Procedure) -> list[tuple[str, str, str, str]]:
    rows = []
    for i, paper in enumerate(proc.papers, start=1):
        kind = rng.choice(("Bản chính", "Bản sao", "Bản chụp")) if i > 1 else "Bản chính"
        rows.append((str(i), paper, kind, f"{rng.randint(1, 2):02d}"))
    return rows


def _stamp(moment: dt.datetime, style: int) -> str:
    """A date and time as one-stop systems print them."""
    if style == 0:
        return f"{moment:%H:%M} ngày {moment:%d/%m/%Y}"
    if style == 1:
        return f"{moment:%d/%m/%Y %H:%M}"
    return f"{moment:%H} giờ {moment:%M} phút, ngày {moment:%d/%m/%Y}"


def _both_signatures(d: _Dossier, rng: random.Random) -> Columns:
    return Columns(
        signature_column(["NGƯỜI NỘP HỒ SƠ"], d.person.name, scribble_seed(rng),
                         note="(Ký, ghi rõ họ tên)"),
        signature_column(["NGƯỜI TIẾP NHẬN"], d.clerk, scribble_seed(rng),
                         note="(Ký, ghi rõ họ tên)"),
        split=0.5, space_before=6)


def _truth(d: _Dossier) -> dict[str, FieldValue]:
    return {"ma_ho_so": d.code, "ma_thu_tuc": d.proc.code, "ten_thu_tuc": d.proc.name,
            "ngay_nhan": d.received.date().isoformat(), "ngay_hen_tra": d.due.date().isoformat(),
            "nguoi_nop": d.person.name, "noi_thuong_tru": d.person.address,
            "so_dien_thoai": d.person.phone, "email": d.person.email}


def phan_mem_mot_cua(rng: random.Random, pages: int | None = None,
                     qr: bool | None = None) -> SampleDocument:
    """The receipt as provincial one-stop software prints it: the dossier in a label | value
    table in Arial, label wordings of its own, dates with the time."""
    del pages
    d = _dossier(rng)
    style = rng.randrange(3)
    corner = _corner(d, qr)
    header = agency_motto_header(d.agency)
    rows = (
        ("Mã hồ sơ", d.code),
        (pick(rng, "Người nộp hồ sơ", "Tên tổ chức, cá nhân", "Người nộp"), d.person.upper_name),
        (pick(rng, "Số định danh cá nhân", "Số CCCD"), d.person.personal_id),
        (pick(rng, "Địa chỉ", "Địa chỉ thường trú"), d.person.address),
        (pick(rng, "Điện thoại", "Số điện thoại"), d.person.phone),
        ("Email", d.person.email),
        (pick(rng, "Thủ tục hành chính", "Tên thủ tục"), d.proc.name),
        ("Mã thủ tục", d.proc.code),
        ("Lĩnh vực", d.proc.field),
        (pick(rng, "Ngày tiếp nhận", "Ngày nhận hồ sơ", "Thời gian tiếp nhận"),
         _stamp(d.received, style)),
        (pick(rng, "Ngày hẹn trả", "Ngày hẹn trả kết quả", "Hẹn trả kết quả"),
         _stamp(d.due, style)),
        ("Nơi trả kết quả", d.office),
    )
    blocks: list[Block] = [
        header if corner is None else make_room_for_qr(header, corner),
        centred(pick(rng, "PHIẾU TIẾP NHẬN VÀ HẸN TRẢ KẾT QUẢ",
                     "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), bold=True, size=14, after=10),
        kv_table(rows, size=11.0),
        para(Run("Thành phần hồ sơ:", bold=True), align="left", size=11, after=4),
        columns_table(("STT", "Tên giấy tờ", "Hình thức", "Số lượng"), _papers(rng, d.proc),
                      (0.08, 0.56, 0.2, 0.16), size=10.5, centred=(0, 2, 3)),
        _both_signatures(d, rng),
    ]
    return SampleDocument("giay_tiep_nhan", f"Giấy tiếp nhận hồ sơ {d.code}", (tuple(blocks),),
                          _truth(d), 11.0, corner_qr=corner, font="sans")


def bien_nhan_doc(rng: random.Random, pages: int | None = None,
                  qr: bool | None = None) -> SampleDocument:
    """A receipt whose dossier data sit in a bordered grid, each cell a label over its
    value; the due date written out in words under it."""
    del pages
    d = _dossier(rng)
    corner = _corner(d, qr)
    header = agency_motto_header(d.agency)
    received = (f"{d.received:%d/%m/%Y} lúc {d.received:%H} giờ {d.received:%M}"
                if rng.random() < 0.5 else f"{d.received:%d/%m/%Y}")
    cells = [
        [("Mã hồ sơ", d.code), ("Ngày tiếp nhận", received)],
        [("Người nộp hồ sơ", d.person.upper_name), ("Số điện thoại", d.person.phone)],
        [("Địa chỉ thường trú", d.person.address), ("Thư điện tử", d.person.email)],
        [("Tên thủ tục hành chính", d.proc.name), ("Mã thủ tục", d.proc.code)],
    ]
    blocks: list[Block] = [
        header if corner is None else make_room_for_qr(header, corner),
        centred("GIẤY BIÊN NHẬN HỒ SƠ", bold=True, size=14, after=0),
        centred("VÀ HẸN TRẢ KẾT QUẢ", bold=True, size=14, after=10),
        grid(cells, (0.6, 0.4), size=12.0),
        para(f"Thời hạn giải quyết: {d.proc.days:02d} ngày làm việc.", align="left",
             size=13, after=3),
        para(f"Ngày hẹn trả kết quả: {data.long_date(d.due.date())}.", align="left", size=13,
             after=6),
        para("Giấy tờ đã nhận:", align="left", size=13, after=2),
    ]
    for number, paper, kind, count in _papers(rng, d.proc):
        blocks.append(para(f"{number}. {paper} ({kind}: {count})", align="left", size=12,
                           left=6 * MM, after=1))
    blocks.append(_both_signatures(d, rng))
    return SampleDocument("giay_tiep_nhan", f"Giấy tiếp nhận hồ sơ {d.code}", (tuple(blocks),),
                          _truth(d), 13.0, corner_qr=corner)


TIEP_NHAN_LAYOUTS: dict[str, Layout] = {
    "mau-01": giay_tiep_nhan,
    "phan-mem-mot-cua": phan_mem_mot_cua,
    "bien-nhan-doc": bien_nhan_doc,
}
