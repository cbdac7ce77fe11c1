"""Công văn and thông báo (Decree 30/2020/NĐ-CP)."""

from __future__ import annotations

import datetime as dt
import random

from samples import data, phrases
from samples.content.common import (
    DEPT_HOME,
    DEPT_ICT,
    DEPT_JUSTICE,
    DEPT_PLANNING,
    MM,
    body,
    body_size,
    centred,
    common_fields,
    department,
    district_ubnd,
    fmt,
    footer,
    official_header,
    para,
    pick_province,
    province_ubnd,
    scribble_seed,
    signature_column,
    signer_lines,
    ward_ubnd,
)
from samples.layout import (
    Block,
    SampleDocument,
    Spacer,
)


def cong_van(rng: random.Random, pages: int | None = None,
             qr: bool | None = None) -> SampleDocument:
    """Công văn: "V/v ..." under the number, Kính gửi, numbered requests, closing."""
    del pages, qr
    p = pick_province(rng)
    vv_t, intro_t, items, closing_kind, issuers = rng.choice(phrases.CV_SUBJECTS)
    issuer = rng.choice(issuers)
    if issuer == "ubnd":
        agency = province_ubnd(rng, p)
    elif issuer == "district":
        agency = district_ubnd(rng, p)
    else:
        which = {"justice": DEPT_JUSTICE, "planning": DEPT_PLANNING, "home": DEPT_HOME,
                 "ict": DEPT_ICT}[issuer]
        agency = department(rng, p, which)
    day = data.working_day(rng)
    number = f"{data.doc_number(rng)}/{agency.abbr}-{agency.unit}"
    plan_day = data.working_day(rng, day - dt.timedelta(days=120), day - dt.timedelta(days=10))
    values: dict[str, object] = {
        "short": agency.short,
        "quarter": rng.choice(("I", "II", "III", "IV")),
        "year": day.year,
        "field": rng.choice(phrases.PROCEDURES).field.lower(),
        "deadline": data.short_date(data.add_working_days(day, rng.randint(5, 12))),
        "email": agency.email,
        "pl_short": "tỉnh" if not p.city else "thành phố",
        "plan": f"{data.doc_number(rng)}/KH-UBND ngày {data.short_date(plan_day)}",
    }
    vv = fmt(vv_t, **values)
    size = body_size(rng)
    lines, title = signer_lines(rng, agency, delegated=agency.collective and rng.random() < 0.3)
    signer = data.full_name(rng)
    blocks: list[Block] = [official_header(agency, number, data.date_line(agency.place, day),
                                           subject=vv)]
    recipients = [fmt(r, **values) for r in rng.choice(phrases.CV_RECIPIENTS)]
    kinh_gui = 58 * MM
    blocks.append(para("Kính gửi:", f"- {recipients[0]}", align="left", size=size,
                       left=kinh_gui - 17 * MM, after=0, before=4))
    for r in recipients[1:]:
        blocks.append(para(f"- {r}", align="left", size=size, left=kinh_gui + 4 * MM, after=0))
    blocks.append(Spacer(10))
    blocks.append(body(fmt(intro_t, **values), size=size))
    for i, item in enumerate(items, start=1):
        blocks.append(body(f"{i}. {fmt(item, **values)}", size=size))
    blocks.append(body(fmt(phrases.CV_CLOSINGS[closing_kind], **values), size=size))
    receivers = ["- Như trên;", "- Lưu: VT, " + agency.unit + "."]
    if agency.collective:
        receivers.insert(1, "- CT, các PCT UBND;")
    else:
        receivers.insert(1, f"- UBND {p.label} (b/c);")
    blocks.append(footer(receivers, signature_column(lines, signer, scribble_seed(rng))))
    fields = common_fields(agency, number, day, vv.removeprefix("V/v "), signer, title)
    return SampleDocument("cong_van", f"Công văn {number}", (tuple(blocks),), fields, size)


def thong_bao(rng: random.Random, pages: int | None = None,
              qr: bool | None = None) -> SampleDocument:
    """Thông báo: notice of an office move, a system outage, citizen reception, conclusions."""
    del pages, qr
    p = pick_province(rng)
    roll = rng.random()
    agency = (province_ubnd(rng, p) if roll < 0.35 else district_ubnd(rng, p) if roll < 0.7
              else ward_ubnd(rng, data.random_place(rng, p)))
    day = data.working_day(rng)
    number = f"{data.doc_number(rng)}/TB-{agency.abbr}"
    subject_t, paragraphs = rng.choice(phrases.TB_SUBJECTS)
    d1 = data.add_working_days(day, rng.randint(2, 12))
    values: dict[str, object] = {
        "short": agency.short,
        "d1": data.short_date(d1) if rng.random() < 0.5 else data.long_date(d1)[5:],
        "d2": data.short_date(data.add_working_days(d1, rng.randint(1, 3))),
        "phone": f"0{rng.randint(200, 299)}{rng.randint(0, 9_999_999):07d}",
        "email": agency.email,
        "address": data.street_address(rng, data.random_place(rng, p)),
        "month": d1.month,
        "year": d1.year,
        "pct": f"{rng.randint(950, 999) / 10:.1f}".replace(".", ","),
    }
    subject = fmt(subject_t, **values)
    size = body_size(rng)
    lines, title = signer_lines(rng, agency)
    signer = data.full_name(rng)
    blocks: list[Block] = [
        official_header(agency, number, data.date_line(agency.place, day)),
        centred("THÔNG BÁO", bold=True, size=14, after=2),
        centred(subject, bold=True, size=14, rule=0.33, after=12),
    ]
    blocks += [body(fmt(t, **values), size=size) for t in paragraphs]
    receivers = ["- Như trên;", "- Cổng thông tin điện tử;", "- Lưu: VT."]
    blocks.append(footer(receivers, signature_column(lines, signer, scribble_seed(rng))))
    fields = common_fields(agency, number, day, subject, signer, title)
    return SampleDocument("thong_bao", f"Thông báo {number}", (tuple(blocks),), fields, size)

