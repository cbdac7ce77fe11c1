"""Identity cards: the 2016 and chip citizen identity cards and the 2024 căn cước."""

from __future__ import annotations

import datetime as dt
import random

from samples import data
from samples.content.common import (
    MM,
    MOTTO_1,
    MOTTO_2,
    centred,
    para,
    pick_province,
    scribble_seed,
)
from samples.content.forms import leader, line
from samples.layout import (
    Block,
    Columns,
    FieldRow,
    FieldValue,
    Layout,
    PageSetup,
    Placeholder,
    QrCode,
    Run,
    SampleDocument,
    Signature,
)
from samples.qr import cccd_payload

# ---------------------------------------------------------------- identity card

CARD = PageSetup(85.6 * MM, 54 * MM, 3 * MM, 3 * MM, 2.5 * MM, 2 * MM, numbered=False)
CARD_ISSUED = (dt.date(2021, 1, 4), dt.date(2024, 6, 28))  # the chip CCCD's years
CARD_SIGNER_TITLE = "CỤC TRƯỞNG CỤC CẢNH SÁT\nQUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"
CARD_SIGNER_TITLE_EN = ("DIRECTOR GENERAL OF THE POLICE DEPARTMENT\n"
                        "FOR ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER")
CARD_ISSUER = "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
CARD_FEATURES = (
    "Nốt ruồi C:1cm dưới trước đầu mày trái",
    "Nốt ruồi C:1,5cm trên sau mép phải",
    "Sẹo chấm C:2cm dưới sau đuôi mắt trái",
    "Sẹo chấm C:1cm trên trước đầu mày phải",
    "Nốt ruồi C:2cm dưới sau cánh mũi trái",
)


def can_cuoc(rng: random.Random, pages: int | None = None,
             qr: bool | None = None) -> SampleDocument:
    """Chip citizen identity card (thẻ Căn cước công dân, 2021 model), ID-1 size: the front;
    with ``pages=2`` (by default about half the time) the back with the QR code as well.
    ``qr`` is ignored: the card's code comes with its back."""
    del qr
    with_back = pages == 2 or (pages is None and rng.random() < 0.5)
    p = pick_province(rng)
    issued = data.working_day(rng, *CARD_ISSUED)
    person = data.make_person(rng, issued, p, min_age=14, max_age=57)
    expiry = data.cccd_expiry(person.birth_date, issued)  # issued before 58: never None
    old_id = (data.old_id_number(rng) if person.birth_date.year < 2003 and rng.random() < 0.7
              else None)
    six_fields = old_id is None and rng.random() < 0.5
    feature = rng.choice(CARD_FEATURES)
    director = data.full_name(rng, True)
    sig = scribble_seed(rng)
    birth = data.form_date(person.birth_date)
    front: list[Block] = [
        Columns((Placeholder(11 * MM, 11 * MM, "circle"),),
                (centred(MOTTO_1, bold=True, size=6.5),
                 centred(MOTTO_2, bold=True, size=6.5, after=1.5),
                 centred("CĂN CƯỚC CÔNG DÂN", bold=True, size=10)),
                split=0.17, space_after=4),
        Columns((Placeholder(20 * MM, 25 * MM, space_after=2),
                 centred("Có giá trị đến / Date of expiry:", size=4.6),
                 centred(data.form_date(expiry) if expiry else "Không thời hạn", bold=True,
                         size=6.5)),
                (para(Run("Số / No.:"), Run(person.personal_id, bold=True), align="left",
                      size=8.5, after=1.5),
                 para("Họ và tên / Full name:", align="left", after=0),
                 para(Run(person.upper_name, bold=True), align="left", size=8, after=1.5),
                 para(f"Ngày sinh / Date of birth: {birth}", align="left", after=1),
                 para(f"Giới tính / Sex: {person.gender}", "Quốc tịch / Nationality: Việt Nam",
                      align="left", after=1),
                 para("Quê quán / Place of origin:", align="left", after=0),
                 para(person.hometown, align="left", after=1),
                 para("Nơi thường trú / Place of residence:", person.address, align="left",
                      after=0)),
                split=0.3),
    ]
    doc_pages: list[tuple[Block, ...]] = [tuple(front)]
    fields: dict[str, FieldValue] = {
        "so_dinh_danh": person.personal_id,
        "ho_ten": person.name,
        "ngay_sinh": person.birth_date.isoformat(),
        "gioi_tinh": person.gender,
        "quoc_tich": "Việt Nam",
        "que_quan": person.hometown,
        "noi_thuong_tru": person.address,
    }
    if expiry:
        fields["co_gia_tri_den"] = expiry.isoformat()
    if with_back:
        payload = cccd_payload(personal_id=person.personal_id, old_id=old_id, name=person.name,
                               birth=person.birth_date, sex=person.gender,
                               address=person.address, issued=issued, six_fields=six_fields)
        doc_pages.append((
            Columns((para("Đặc điểm nhân dạng / Personal identification:", align="left",
                          size=5.5, after=0),
                     para(feature, align="left", after=3),
                     para(f"Ngày, tháng, năm / Date, month, year: {data.form_date(issued)}",
                          align="left", size=5.5, after=2),
                     centred(CARD_SIGNER_TITLE, bold=True, size=5),
                     centred(CARD_SIGNER_TITLE_EN, size=4.2),
                     Signature(16.0, sig),
                     centred(director, bold=True, size=6.5)),
                    (QrCode(payload, 21 * MM, space_after=3 * MM),
                     Placeholder(11 * MM, 8.5 * MM)),
                    split=0.64),
        ))
        fields |= {"ngay_ban_hanh": issued.isoformat(), "co_quan_ban_hanh": CARD_ISSUER,
                   "nguoi_ky": director, "chuc_vu": f"Cục trưởng {CARD_ISSUER}"}
    return SampleDocument("can_cuoc", f"Căn cước công dân {person.personal_id}",
                          tuple(doc_pages), fields, 6.0, page=CARD, scan_scale=2)


OLD_CARD_ISSUED = (dt.date(2016, 3, 1), dt.date(2020, 12, 28))  # the barcode CCCD's years
OLD_CARD_SIGNER_TITLE = "CỤC TRƯỞNG CỤC CẢNH SÁT\nĐKQL CƯ TRÚ VÀ DLQG VỀ DÂN CƯ"
NEW_CARD_ISSUED = (dt.date(2024, 7, 1), dt.date(2025, 6, 30))  # the Law on Identification


def cccd_2016(rng: random.Random, pages: int | None = None,
              qr: bool | None = None) -> SampleDocument:
    """The barcode citizen identity card of 2016-2020: Vietnamese labels only, each value
    typed after its label on the card's dotted lines, the expiry under the photo; the
    back with the issue date written out and the fingerprints."""
    del qr
    with_back = pages == 2 or (pages is None and rng.random() < 0.5)
    p = pick_province(rng)
    issued = data.working_day(rng, *OLD_CARD_ISSUED)
    person = data.make_person(rng, issued, p, min_age=14, max_age=57)
    expiry = data.cccd_expiry(person.birth_date, issued)
    dots = rng.random() < 0.5

    def tail() -> str:
        return leader(rng, 1.0 if dots else 0.0)

    front: list[Block] = [
        Columns((Placeholder(11 * MM, 11 * MM, "circle"),),
                (centred(MOTTO_1, bold=True, size=6.5),
                 centred(MOTTO_2, bold=True, size=6.5, after=1.5),
                 centred("CĂN CƯỚC CÔNG DÂN", bold=True, size=10.5)),
                split=0.17, space_after=4),
        Columns((Placeholder(20 * MM, 25 * MM, space_after=2),
                 centred("Có giá trị đến: " + (data.form_date(expiry) if expiry
                                                else "Không thời hạn"), size=5.5)),
                (para(Run("Số:"), Run(person.personal_id, bold=True), align="left", size=9,
                      after=1.5),
                 line("Họ và tên", person.upper_name, tail=tail(), size=6.5, bold_value=True,
                      after=1),
                 line("Ngày, tháng, năm sinh", data.form_date(person.birth_date), tail=tail(),
                      size=6, after=1),
                 FieldRow(((Run("Giới tính:"), Run(person.gender)),
                           (Run("Quốc tịch:"), Run("Việt Nam"))), stops=(0.0, 0.45), size=6,
                          space_after=1),
                 line("Quê quán", person.hometown, tail=tail(), size=6, after=1),
                 line("Nơi thường trú", person.address, size=6, after=0)),
                split=0.3),
    ]
    fields: dict[str, FieldValue] = {
        "so_dinh_danh": person.personal_id, "ho_ten": person.name,
        "ngay_sinh": person.birth_date.isoformat(), "gioi_tinh": person.gender,
        "quoc_tich": "Việt Nam", "que_quan": person.hometown, "noi_thuong_tru": person.address,
    }
    if expiry:
        fields["co_gia_tri_den"] = expiry.isoformat()
    doc_pages: list[tuple[Block, ...]] = [tuple(front)]
    if with_back:
        director = data.full_name(rng, True)
        doc_pages.append((
            Columns((Placeholder(14 * MM, 17 * MM, space_after=1),
                     centred("Ngón trỏ trái", size=5, after=2),
                     Placeholder(14 * MM, 17 * MM, space_after=1),
                     centred("Ngón trỏ phải", size=5)),
                    (para("Đặc điểm nhân dạng:", align="left", size=6, after=0),
                     para(rng.choice(CARD_FEATURES), align="left", size=6, after=3),
                     centred(data.long_date(issued).capitalize(), italic=True, size=6,
                             after=1),
                     centred(OLD_CARD_SIGNER_TITLE, bold=True, size=5.5),
                     Signature(16.0, scribble_seed(rng)),
                     centred(director, bold=True, size=6.5)),
                    split=0.3),
        ))
        fields |= {"ngay_ban_hanh": issued.isoformat(), "nguoi_ky": director}
    return SampleDocument("can_cuoc", f"Căn cước công dân {person.personal_id}",
                          tuple(doc_pages), fields, 6.0, page=CARD, scan_scale=2)


def _mrz_check(text: str) -> str:
    """ICAO 9303 check digit (weights 7, 3, 1; letters A=10..., "<" = 0)."""
    def value(ch: str) -> int:
        return int(ch) if ch.isdigit() else 0 if ch == "<" else ord(ch) - 55
    return str(sum(value(ch) * (7, 3, 1)[i % 3] for i, ch in enumerate(text)) % 10)


def mrz(person: data.Person, expiry: dt.date | None) -> tuple[str, str, str]:
    """The three 30-character lines of a TD1 card's machine-readable zone."""
    number = person.personal_id[3:]
    line1 = f"IDVNM{number}{_mrz_check(number)}{person.personal_id}<<"
    birth = f"{person.birth_date:%y%m%d}"
    until = f"{expiry:%y%m%d}" if expiry else "<<<<<<"
    line2 = (f"{birth}{_mrz_check(birth)}{'M' if person.male else 'F'}{until}"
             f"{_mrz_check(until)}VNM")
    line2 = line2.ljust(29, "<") + _mrz_check(line1[5:30] + line2[:7] + line2[8:15])
    names = data.ascii_fold(person.name).upper().split()
    line3 = (f"{names[0]}<<{'<'.join(names[1:])}").ljust(30, "<")[:30]
    return line1[:30].ljust(30, "<"), line2, line3


def can_cuoc_2024(rng: random.Random, pages: int | None = None,
                  qr: bool | None = None) -> SampleDocument:
    """The căn cước card of the 2023 Law on Identification (issued from 1 July 2024):
    bilingual labels with the value under each, birth date and sex side by side; the back
    with the residence, the place of birth registration, the issue and expiry dates and
    the machine-readable zone."""
    del qr
    with_back = pages == 2 or (pages is None and rng.random() < 0.6)
    p = pick_province(rng)
    issued = data.working_day(rng, *NEW_CARD_ISSUED)
    person = data.make_person(rng, issued, p, min_age=14, max_age=57)
    expiry = data.cccd_expiry(person.birth_date, issued)
    registered = data.random_place(rng, person.birth_province).tail()
    registered = registered[0].upper() + registered[1:]
    small, value = 5.0, 7.0
    front: list[Block] = [
        Columns((Placeholder(10 * MM, 10 * MM, "circle"),),
                (centred(MOTTO_1, bold=True, size=6),
                 centred("SOCIALIST REPUBLIC OF VIET NAM", size=5),
                 centred(MOTTO_2, bold=True, size=6),
                 centred("Independence - Freedom - Happiness", size=5, after=1),
                 centred("CĂN CƯỚC", bold=True, size=10),
                 centred("IDENTITY CARD", bold=True, size=6.5)),
                split=0.17, space_after=3),
        Columns((Placeholder(20 * MM, 25 * MM),),
                (para("Số định danh cá nhân/Personal identification number", align="left",
                      size=small, after=0),
                 para(Run(person.personal_id, bold=True), align="left", size=9, after=1.5),
                 para("Họ, chữ đệm và tên khai sinh/Full name", align="left", size=small,
                      after=0),
                 para(Run(person.upper_name, bold=True), align="left", size=value, after=1.5),
                 FieldRow(((Run("Ngày, tháng, năm sinh/Date of birth"),),
                           (Run("Giới tính/Sex"),)), stops=(0.0, 0.62), size=small),
                 FieldRow(((Run(data.form_date(person.birth_date), bold=True),),
                           (Run(person.gender, bold=True),)), stops=(0.0, 0.62), size=value,
                          space_after=1.5),
                 para("Quốc tịch/Nationality", align="left", size=small, after=0),
                 para(Run("Việt Nam", bold=True), align="left", size=value, after=0)),
                split=0.3),
    ]
    fields: dict[str, FieldValue] = {
        "so_dinh_danh": person.personal_id, "ho_ten": person.name,
        "ngay_sinh": person.birth_date.isoformat(), "gioi_tinh": person.gender,
        "quoc_tich": "Việt Nam",
    }
    doc_pages: list[tuple[Block, ...]] = [tuple(front)]
    if with_back:
        until = rng.choice(("Có giá trị đến/Date of expiry",
                            "Ngày, tháng, năm hết hạn/Date of expiry"))
        back: list[Block] = [
            Columns((para("Nơi cư trú/Place of residence", align="left", size=small, after=0),
                     para(person.address, align="left", size=6.5, after=1.5),
                     para("Nơi đăng ký khai sinh/Place of birth", align="left", size=small,
                          after=0),
                     para(registered, align="left", size=6.5, after=1.5),
                     FieldRow(((Run("Ngày, tháng, năm cấp/Date of issue"),), (Run(until),)),
                              stops=(0.0, 0.5), size=4.6),
                     FieldRow(((Run(data.form_date(issued), bold=True),),
                               (Run(data.form_date(expiry) if expiry else "Không thời hạn",
                                    bold=True),)), stops=(0.0, 0.5), size=6.5,
                              space_after=1.5),
                     centred("BỘ CÔNG AN", bold=True, size=6),
                     centred("MINISTRY OF PUBLIC SECURITY", size=5)),
                    (Placeholder(15 * MM, 15 * MM),),
                    split=0.76, space_after=2),
            *(para(text, align="left", size=7.5, after=0) for text in mrz(person, expiry)),
        ]
        doc_pages.append(tuple(back))
        fields |= {"noi_cu_tru": person.address, "noi_dang_ky_khai_sinh": registered,
                   "ngay_ban_hanh": issued.isoformat()}
        if expiry:
            fields["co_gia_tri_den"] = expiry.isoformat()
    return SampleDocument("can_cuoc", f"Căn cước {person.personal_id}", tuple(doc_pages),
                          fields, 6.0, page=CARD, scan_scale=2, font="sans")


CAN_CUOC_LAYOUTS: dict[str, Layout] = {
    "cccd-chip": can_cuoc,
    "cccd-2016": cccd_2016,
    "can-cuoc-2024": can_cuoc_2024,
}
