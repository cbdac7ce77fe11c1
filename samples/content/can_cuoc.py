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
from samples.layout import (
    Block,
    Columns,
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


CAN_CUOC_LAYOUTS: dict[str, Layout] = {
    "cccd-chip": can_cuoc,
}
