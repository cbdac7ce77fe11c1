"""Quyết định: the Decree 30 decision with its annexes, and the layouts other systems print."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from samples import data, phrases
from samples.content.common import (
    INDENT,
    MM,
    Agency,
    body,
    body_size,
    centred,
    common_fields,
    district_ubnd,
    fmt,
    footer,
    make_room_for_qr,
    official_header,
    para,
    pick_province,
    province_ubnd,
    result_qr,
    scribble_seed,
    signature_column,
    signer_lines,
    ward_ubnd,
)
from samples.layout import (
    Block,
    ColumnItem,
    Layout,
    Run,
    SampleDocument,
    Spacer,
    Table,
)


def quyet_dinh(rng: random.Random, pages: int | None = None,
               qr: bool | None = None) -> SampleDocument:
    """Quyết định: bases, "QUYẾT ĐỊNH:", Điều 1-3; with ``pages=2`` an annex page. As a
    dossier's result printed by the one-stop system it may carry the corner QR code."""
    p = pick_province(rng)
    agency = province_ubnd(rng, p) if rng.random() < 0.7 else district_ubnd(rng, p)
    day = data.working_day(rng)
    number = f"{data.doc_number(rng)}/QĐ-{agency.abbr}"
    subject_t, bases, articles, annex = rng.choice(phrases.QD_SUBJECTS)
    provincial = agency.area == p.label
    office_unit = ("Văn phòng Ủy ban nhân dân " + ("thành phố" if p.city else "tỉnh")
                   if provincial else
                   f"Văn phòng Hội đồng nhân dân và {agency.short}")
    values: dict[str, object] = {
        "pl": agency.area,
        "short": agency.short,
        "office_unit": office_unit,
        "office": f"Chánh {office_unit}",
        "centre": (f"Trung tâm Phục vụ hành chính công {agency.area}" if provincial
                   else f"Bộ phận Một cửa {agency.area}"),
        "award": "Bằng khen" if provincial else "Giấy khen",
        "justice": "Sở Tư pháp" if provincial else "Phòng Tư pháp",
        "heads": ("Giám đốc các sở, Thủ trưởng các ban, ngành" if provincial
                  else "Trưởng các phòng, ban chuyên môn"),
        "lower": ("Chủ tịch Ủy ban nhân dân các huyện, thị xã, thành phố" if provincial
                  else "Chủ tịch Ủy ban nhân dân các xã, phường, thị trấn"),
        "prev": day.year - 1,
        "year": day.year,
        "n": f"{rng.randint(6, 9):02d}",
        "a": f"{rng.randint(2, 4):02d}",
        "b": f"{rng.randint(4, 7):02d}",
        "m1": data.format_money(rng.choice((1_500_000, 2_000_000, 2_500_000))),
        "m2": data.format_money(rng.choice((800_000, 1_000_000, 1_200_000))),
        "old": f"{data.doc_number(rng)}/QĐ-{agency.abbr}",
        "old_date": data.short_date(data.working_day(rng, dt.date(2019, 1, 2),
                                                      dt.date(2022, 12, 28))),
    }
    subject = fmt(subject_t, **values)
    with_annex = pages == 2 or (pages is None and rng.random() < 0.4)
    lines, title = signer_lines(rng, agency, on_behalf=False)
    signer = data.full_name(rng)
    size = body_size(rng)
    if with_annex:
        size = 13.0  # keep the decision itself on the first page

    header = official_header(agency, number, data.date_line(agency.place, day))
    first: list[Block] = [
        header,
        centred("QUYẾT ĐỊNH", bold=True, size=14, after=2),
        centred(subject, bold=True, size=14, rule=0.33, after=10),
        centred(f"{agency.head} {agency.name}", bold=True, size=14, after=8),
    ]
    chosen = [phrases.LEGAL_BASES[k] for k in bases]
    if rng.random() < 0.5:
        chosen = chosen[:3]
    proposer, report = rng.choice(phrases.PROPOSERS_PROVINCE if provincial
                                  else phrases.PROPOSERS_DISTRICT)
    proposal = "Theo đề nghị của " + fmt(proposer, **values)
    if report:
        report_day = day - dt.timedelta(days=rng.randint(3, 20))
        proposal += f" tại Tờ trình số {data.doc_number(rng)}/{report} {data.long_date(report_day)}"
    first += [body(b, italic=True, size=size) for b in chosen]
    first.append(body(proposal + ".", italic=True, size=size))
    first.append(centred("QUYẾT ĐỊNH:", bold=True, size=14, before=4, after=8))
    texts = [fmt(a, **values) for a in articles] + [
        fmt(rng.choice(phrases.QD_EXECUTION), **values)
    ]
    for i, text in enumerate(texts, start=1):
        first.append(para(Run(f"Điều {i}.", bold=True), text, size=size, indent=INDENT))
    receivers = ["Như Điều 3;", f"TT HĐND {agency.area};", "CT, các PCT UBND;",
                 f"Lưu: VT, {agency.unit}."]
    first.append(footer([f"- {r}" for r in receivers],
                        signature_column(lines, signer, scribble_seed(rng))))
    annex_blocks = _qd_annex(rng, annex, agency, number, day, values) if with_annex else None
    level = "tinh" if provincial else "huyen"
    corner = result_qr(rng, qr, agency, day, f"Quyết định số {number}",
                        [pr for pr in phrases.PROCEDURES if pr.level == level])
    if corner is not None:
        first[0] = make_room_for_qr(header, corner)
    doc_pages: list[tuple[Block, ...]] = [tuple(first)]
    if annex_blocks is not None:
        doc_pages.append(tuple(annex_blocks))
    fields = common_fields(agency, number, day, subject, signer, title)
    fields["dia_danh"] = agency.place
    return SampleDocument("quyet_dinh", f"Quyết định {number}", tuple(doc_pages), fields, size,
                          corner_qr=corner)


def _qd_annex(rng: random.Random, kind: str, agency: Agency, number: str, day: dt.date,
              values: dict[str, object]) -> list[Block]:
    ref = (f"(Kèm theo Quyết định số {number} ngày {data.short_date(day)} của "
           f"{'Chủ tịch ' if kind != 'regulation' else ''}{agency.short})")
    blocks: list[Block] = []
    if kind == "procedures":
        blocks += [centred("DANH MỤC THỦ TỤC HÀNH CHÍNH", bold=True, size=14),
                   centred(ref, italic=True, size=13, rule=0.33, after=12)]
        procs = rng.sample(phrases.PROCEDURES, k=int(str(values["n"])))
        rows = tuple((str(i), pr.code, pr.name, pr.field) for i, pr in enumerate(procs, 1))
        blocks.append(Table((0.07, 0.16, 0.52, 0.25),
                            ("TT", "Mã thủ tục", "Tên thủ tục hành chính", "Lĩnh vực"),
                            rows, size=12, centred_columns=(0, 1)))
    elif kind == "award":
        blocks += [centred("DANH SÁCH", bold=True, size=14),
                   centred(f"Tập thể, cá nhân được tặng {values['award']}", bold=True, size=14),
                   centred(ref, italic=True, size=13, rule=0.33, after=12),
                   para(Run("I. TẬP THỂ", bold=True), align="left", size=13, after=4)]
        units = rng.sample(phrases.UNITS, k=int(str(values["a"])))
        blocks.append(Table((0.08, 0.92), ("TT", "Tên tập thể"),
                            tuple((str(i), u) for i, u in enumerate(units, 1)), size=13))
        blocks.append(para(Run("II. CÁ NHÂN", bold=True), align="left", size=13, after=4))
        blocks.append(_people_table(rng, int(str(values["b"])), None))
    elif kind == "team":
        blocks += [centred("DANH SÁCH THÀNH VIÊN TỔ CÔNG TÁC", bold=True, size=14),
                   centred(ref, italic=True, size=13, rule=0.33, after=12)]
        roles = ["Tổ trưởng", "Tổ phó"] + ["Thành viên"] * rng.randint(4, 7)
        blocks.append(_people_table(rng, len(roles), roles))
    else:
        blocks += [centred("QUY CHẾ", bold=True, size=14),
                   centred("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", bold=True,
                           size=14),
                   centred(ref, italic=True, size=13, rule=0.33, after=12),
                   centred("Chương I", bold=True, size=13),
                   centred("QUY ĐỊNH CHUNG", bold=True, size=13, after=8)]
        for i, (heading, text) in enumerate(phrases.REGULATION_ARTICLES, start=1):
            blocks.append(para(Run(f"Điều {i}. {heading}", bold=True), size=13, indent=INDENT,
                               after=3))
            blocks.append(body(fmt(text, **values), size=13))
    return blocks


def _people_table(rng: random.Random, count: int, roles: Sequence[str] | None) -> Table:
    """Annex table of officials: name, position and unit (and team role)."""
    rows: list[tuple[str, ...]] = []
    for i in range(count):
        male = rng.random() < 0.5
        who = f"{'Ông' if male else 'Bà'} {data.full_name(rng, male)}"
        position = rng.choice(phrases.POSITIONS)
        rows.append((str(i + 1), who, position) + ((roles[i],) if roles else ()))
    if roles:
        return Table((0.07, 0.3, 0.45, 0.18), ("TT", "Họ và tên", "Chức vụ, đơn vị công tác",
                                                  "Nhiệm vụ"), tuple(rows), size=13,
                     centred_columns=(0, 3))
    return Table((0.08, 0.34, 0.58), ("TT", "Họ và tên", "Chức vụ, đơn vị công tác"),
                 tuple(rows), size=13)


# Decisions on one citizen's matter, the results one-stop desks hand out: (subject, bases,
# the decision's first article). Placeholders: {who} "ông/bà NAME", {birth}, {address},
# {money}, {month}, {year}.
CITIZEN_DECISIONS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Về việc trợ cấp xã hội hằng tháng đối với {who}",
     ("Căn cứ Nghị định số 20/2021/NĐ-CP ngày 15 tháng 3 năm 2021 của Chính phủ quy định "
      "chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội;",),
     "Trợ cấp xã hội hằng tháng đối với {who}, sinh ngày {birth}, nơi cư trú: {address}; "
     "mức trợ cấp {money} đồng/tháng, kể từ tháng {month} năm {year}."),
    ("Về việc hỗ trợ chi phí mai táng cho gia đình {who}",
     ("Căn cứ Nghị định số 20/2021/NĐ-CP ngày 15 tháng 3 năm 2021 của Chính phủ quy định "
      "chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội;",),
     "Hỗ trợ chi phí mai táng số tiền {money} đồng cho gia đình {who}, nơi cư trú: "
     "{address}."),
    ("Về việc cho phép thay đổi họ, chữ đệm, tên đối với {who}",
     ("Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;",
      "Căn cứ Nghị định số 123/2015/NĐ-CP ngày 15 tháng 11 năm 2015 của Chính phủ quy định "
      "chi tiết một số điều và biện pháp thi hành Luật Hộ tịch;"),
     "Cho phép {who}, sinh ngày {birth}, nơi cư trú: {address} được thay đổi chữ đệm trong "
     "Sổ đăng ký khai sinh và Giấy khai sinh."),
)
LOCAL_GOV_BASE = ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật "
                  "sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức "
                  "chính quyền địa phương ngày 22 tháng 11 năm 2019;")


def _citizen_decision(rng: random.Random, agency: Agency, day: dt.date, number: str
                      ) -> tuple[str, list[Block], float]:
    """Subject and body of a decision on one citizen's matter."""
    subject_t, bases, article = rng.choice(CITIZEN_DECISIONS)
    person = data.make_person(rng, day, agency.province, min_age=20)
    values = {"who": f"{person.honorific.lower()} {person.name}",
              "birth": data.form_date(person.birth_date), "address": person.address,
              "money": data.format_money(rng.choice((360_000, 540_000, 7_200_000))),
              "month": day.month, "year": day.year}
    size = body_size(rng)
    blocks: list[Block] = [body(b, italic=True, size=size) for b in (LOCAL_GOV_BASE, *bases)]
    blocks.append(body(f"Xét đề nghị của công chức {rng.choice(CLERKS)}.", italic=True,
                       size=size))
    blocks.append(centred("QUYẾT ĐỊNH:", bold=True, size=14, before=4, after=8))
    texts = (fmt(article, **values),
             "Quyết định này có hiệu lực kể từ ngày ký.",
             f"Văn phòng - Thống kê {agency.short}, công chức {rng.choice(CLERKS)} và "
             f"{values['who']} chịu trách nhiệm thi hành Quyết định này./.")
    for i, text in enumerate(texts, start=1):
        blocks.append(para(Run(f"Điều {i}.", bold=True), text, size=size, indent=INDENT))
    del number
    return fmt(subject_t, **values), blocks, size


CLERKS = ("Văn hóa - Xã hội", "Tư pháp - Hộ tịch", "Địa chính - Xây dựng")


def ubnd_xa(rng: random.Random, pages: int | None = None,
            qr: bool | None = None) -> SampleDocument:
    """A commune's or district's decision on one citizen's matter: the Decree 30 header,
    the place and date either in the header or on a line of its own under it, and the
    collegial signature block."""
    del pages, qr
    p = pick_province(rng)
    agency = (ward_ubnd(rng, data.random_place(rng, p)) if rng.random() < 0.7
              else district_ubnd(rng, p))
    day = data.working_day(rng)
    number = f"{data.doc_number(rng)}/QĐ-{agency.abbr}"
    date_text = data.date_line(agency.place, day)
    in_header = rng.random() < 0.5
    subject, text, size = _citizen_decision(rng, agency, day, number)
    lines, title = signer_lines(rng, agency)
    signer = data.full_name(rng)
    blocks: list[Block] = [official_header(agency, number, date_text if in_header else None)]
    if not in_header:
        blocks.append(para(Run(date_text, italic=True), align="right", size=13, after=8))
    blocks += [
        centred("QUYẾT ĐỊNH", bold=True, size=14, after=2),
        centred(subject, bold=True, size=14, rule=0.33, after=10),
        centred(f"{agency.head} {agency.name}", bold=True, size=14, after=8),
        *text,
        footer(["- Như Điều 3;", f"- {agency.superior or 'UBND ' + agency.province.label};",
                "- Lưu: VT."], signature_column(lines, signer, scribble_seed(rng))),
    ]
    fields = common_fields(agency, number, day, subject, signer, title)
    fields["dia_danh"] = agency.place
    return SampleDocument("quyet_dinh", f"Quyết định {number}", (tuple(blocks),), fields, size)


def chu_ky_so(rng: random.Random, pages: int | None = None,
              qr: bool | None = None) -> SampleDocument:
    """A decision issued electronically and printed: the agency's digital-signature stamp
    (who signed, when) in the top right corner, the signer's own stamp where the
    handwritten signature would be, no scribble."""
    del pages, qr
    p = pick_province(rng)
    agency = (ward_ubnd(rng, data.random_place(rng, p)) if rng.random() < 0.5
              else district_ubnd(rng, p))
    day = data.working_day(rng)
    number = f"{data.doc_number(rng)}/QĐ-{agency.abbr}"
    subject, text, size = _citizen_decision(rng, agency, day, number)
    lines, title = signer_lines(rng, agency)
    signer = data.full_name(rng)
    when = f"{day:%d.%m.%Y} {rng.randint(8, 16):02d}:{rng.randrange(60):02d}:" \
           f"{rng.randrange(60):02d} +07:00"
    stamp = tuple(para(Run(text, italic=True), align="left", size=8, left=95 * MM, after=0)
                  for text in (f"Ký bởi: {agency.full.split(',')[0]}", f"Email: {agency.email}",
                               f"Thời gian ký: {when}"))
    signature: tuple[ColumnItem, ...] = (
        *(centred(ln, bold=True, size=13) for ln in lines),
        Spacer(10),
        centred(f"Người ký: {signer}", italic=True, size=8),
        centred(f"Thời gian ký: {when}", italic=True, size=8, after=10),
        centred(signer, bold=True, size=14),
    )
    blocks: list[Block] = [
        *stamp,
        Spacer(6),
        official_header(agency, number, data.date_line(agency.place, day)),
        centred("QUYẾT ĐỊNH", bold=True, size=14, after=2),
        centred(subject, bold=True, size=14, rule=0.33, after=10),
        centred(f"{agency.head} {agency.name}", bold=True, size=14, after=8),
        *text,
        footer(["- Như Điều 3;", "- Lưu: VT."], signature),
    ]
    fields = common_fields(agency, number, day, subject, signer, title)
    fields["dia_danh"] = agency.place
    return SampleDocument("quyet_dinh", f"Quyết định {number}", (tuple(blocks),), fields, size)


QUYET_DINH_LAYOUTS: dict[str, Layout] = {
    "nd30": quyet_dinh,
    "ubnd-xa": ubnd_xa,
    "chu-ky-so": chu_ky_so,
}
