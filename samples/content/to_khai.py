"""Tờ khai: citizens' application forms, in the layouts of the circulars that define them."""

from __future__ import annotations

import datetime as dt
import random

from samples import data, phrases
from samples.content.common import (
    body,
    centred,
    department,
    fields_row,
    labelled,
    motto_header,
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
    SampleDocument,
)


def to_khai(rng: random.Random, pages: int | None = None,
            qr: bool | None = None) -> SampleDocument:
    """A citizen's application form (tờ khai / đơn đề nghị) filled in with typed values."""
    del pages, qr
    p = pick_province(rng)
    day = data.working_day(rng)
    person = data.make_person(rng, day, p)
    variant = rng.randrange(3)
    size = 13.0
    sig = scribble_seed(rng)
    place = data.random_place(rng, p)
    fields: dict[str, FieldValue] = {
        "ho_ten": person.name,
        "ngay_sinh": person.birth_date.isoformat(),
        "gioi_tinh": person.gender,
        "so_dinh_danh": person.personal_id,
    }
    ethnic = rng.choice(phrases.ETHNICITIES)
    if variant == 0:
        proc = phrases.PROCEDURES[0]
        target = department(rng, p, which=0)
        blocks: list[Block] = motto_header("Mẫu số 03/2013/TT-LLTP")
        blocks += [
            centred("TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP", bold=True, size=14),
            centred("(Dùng cho cá nhân có yêu cầu cấp Phiếu lý lịch tư pháp)", italic=True,
                    size=13, after=8),
            centred(f"Kính gửi: {target.full}", size=14, after=12),
            labelled("1. Họ, chữ đệm, tên người yêu cầu", person.upper_name, bold_value=True),
            fields_row(("2. Giới tính", person.gender),
                       ("3. Ngày, tháng, năm sinh", data.form_date(person.birth_date)),
                       stops=(0.0, 0.38)),
            labelled("4. Nơi sinh", person.birth_province.full_name),
            fields_row(("5. Quốc tịch", "Việt Nam"), ("6. Dân tộc", ethnic), stops=(0.0, 0.38)),
            labelled("7. Nơi thường trú", person.address),
            labelled("8. Nơi tạm trú", "Không"),
            labelled("9. Số định danh cá nhân", person.personal_id),
            fields_row(("Ngày cấp", data.form_date(data.working_day(rng, dt.date(2021, 3, 1),
                                                                     dt.date(2022, 12, 30)))),
                       ("Nơi cấp", "Cục Cảnh sát QLHC về TTXH"), stops=(0.0, 0.38)),
            fields_row(("10. Số điện thoại", person.phone), ("Email", person.email),
                       stops=(0.0, 0.38)),
        ]
        father = data.full_name(rng, True)
        mother = data.full_name(rng, False)
        blocks += [
            labelled("11. Họ và tên cha", father.upper()),
            labelled("12. Họ và tên mẹ", mother.upper()),
            labelled("13. Mục đích sử dụng Phiếu lý lịch tư pháp",
                     rng.choice(("Bổ sung hồ sơ xin việc", "Xuất khẩu lao động",
                                 "Bổ sung hồ sơ du học", "Đăng ký hành nghề luật sư"))),
            labelled("14. Số lượng Phiếu lý lịch tư pháp yêu cầu cấp",
                     f"{rng.randint(1, 3):02d} Phiếu", after=8),
            body("Tôi xin cam đoan những lời khai trên là đúng sự thật và chịu trách nhiệm "
                 "trước pháp luật về lời khai của mình.", italic=True, size=size),
        ]
        fields |= {"quoc_tich": "Việt Nam", "noi_sinh": person.birth_province.full_name,
                   "noi_thuong_tru": person.address, "so_dien_thoai": person.phone,
                   "email": person.email, "ho_ten_cha": father, "ho_ten_me": mother}
        signer_title, note = "NGƯỜI KHAI", "(Ký, ghi rõ họ tên)"
    elif variant == 1:
        proc = phrases.PROCEDURES[6]
        target = ward_ubnd(rng, place)
        blocks = motto_header()
        status = rng.choice(("Hiện tại chưa đăng ký kết hôn với ai",
                             "Đã ly hôn, hiện tại chưa đăng ký kết hôn với ai",
                             "Chưa đăng ký kết hôn với ai"))
        blocks += [
            centred("TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", bold=True, size=14,
                    after=8),
            centred(f"Kính gửi: {target.full}", size=14, after=12),
            labelled("Họ, chữ đệm, tên người yêu cầu", person.upper_name, bold_value=True),
            labelled("Nơi cư trú", person.address),
            labelled("Giấy tờ tùy thân", f"Căn cước công dân số {person.personal_id}"),
            labelled("Quan hệ với người được cấp Giấy xác nhận tình trạng hôn nhân", "Bản thân",
                     after=8),
            para("Đề nghị cấp Giấy xác nhận tình trạng hôn nhân cho người có tên dưới đây:",
                 align="left", size=size, after=6),
            fields_row(("Họ, chữ đệm, tên", person.upper_name), ("Giới tính", person.gender),
                       stops=(0.0, 0.66)),
            fields_row(("Ngày, tháng, năm sinh", data.form_date(person.birth_date)),
                       ("Dân tộc", ethnic), ("Quốc tịch", "Việt Nam"),
                       stops=(0.0, 0.42, 0.66)),
            labelled("Quê quán", person.hometown),
            labelled("Số định danh cá nhân", person.personal_id),
            labelled("Nơi cư trú", person.address),
            labelled("Tình trạng hôn nhân", status),
            labelled("Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân",
                     rng.choice(("Để đăng ký kết hôn", "Để bổ sung hồ sơ vay vốn ngân hàng",
                                 "Để làm thủ tục chuyển nhượng quyền sử dụng đất")), after=8),
            body("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách "
                 "nhiệm trước pháp luật về cam đoan của mình.", italic=True, size=size),
        ]
        fields |= {"quoc_tich": "Việt Nam", "que_quan": person.hometown,
                   "noi_cu_tru": person.address}
        signer_title, note = "NGƯỜI YÊU CẦU", "(Ký, ghi rõ họ, chữ đệm, tên)"
    else:
        proc = phrases.PROCEDURES[7]
        target_place = place
        head = data.make_person(rng, day, p, min_age=35)
        relation = rng.choice(("Chồng", "Con", "Cháu", "Em") if person.male
                              else ("Vợ", "Con", "Cháu", "Em"))
        blocks = motto_header("Mẫu CT01")
        blocks += [
            centred("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", bold=True, size=14, after=8),
            centred(f"Kính gửi: Công an {target_place.ward_label}, {target_place.district.label}",
                    size=14, after=12),
            labelled("1. Họ, chữ đệm và tên", person.upper_name, bold_value=True),
            fields_row(("2. Ngày, tháng, năm sinh", data.form_date(person.birth_date)),
                       ("3. Giới tính", person.gender), stops=(0.0, 0.55)),
            labelled("4. Số định danh cá nhân", person.personal_id),
            fields_row(("5. Số điện thoại liên hệ", person.phone), ("6. Email", person.email),
                       stops=(0.0, 0.48)),
            labelled("7. Họ, chữ đệm và tên chủ hộ", head.upper_name),
            labelled("8. Mối quan hệ với chủ hộ", relation),
            labelled("9. Số định danh cá nhân của chủ hộ", head.personal_id),
            labelled("10. Nội dung đề nghị", f"Đăng ký thường trú vào hộ gia đình tại "
                     f"{data.street_address(rng, target_place)}"),
            labelled("11. Những thành viên trong hộ gia đình cùng thay đổi", "Không", after=8),
        ]
        fields |= {"so_dien_thoai": person.phone, "email": person.email}
        signer_title, note = "NGƯỜI KÊ KHAI", "(Ký, ghi rõ họ tên)"
    if variant:  # the marital-status and residence forms name their procedure
        fields["ten_thu_tuc"] = proc.name
    right = (centred(data.date_line(p.place, day), italic=True, size=13, after=2),
             *signature_column([signer_title], person.name, sig, note=note))
    blocks.append(Columns((), right, split=0.42, space_before=6))
    return SampleDocument("to_khai", f"Tờ khai - {proc.name}", (tuple(blocks),), fields, size)


TO_KHAI_LAYOUTS: dict[str, Layout] = {
    "dong-ke": to_khai,
}
