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
from samples.content.forms import (
    columns_table,
    kv_table,
    leader,
    line,
    pick,
    signed,
    system_header,
)
from samples.layout import (
    MM,
    Block,
    Columns,
    FieldRow,
    FieldValue,
    Layout,
    Run,
    SampleDocument,
    Signature,
    Spacer,
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


RESIDENCE = phrases.PROCEDURES[7]  # Đăng ký thường trú (form CT01)
BIRTH = phrases.PROCEDURES[1]  # Đăng ký khai sinh
MARRIAGE = phrases.PROCEDURES[6]  # Cấp Giấy xác nhận tình trạng hôn nhân
RECORD = phrases.PROCEDURES[0]  # Cấp Phiếu lý lịch tư pháp
POLICE_ISSUER = "Cục Cảnh sát QLHC về TTXH"


def _relation(rng: random.Random, person: data.Person) -> str:
    return rng.choice(("Chồng", "Con", "Cháu", "Em") if person.male
                      else ("Vợ", "Con", "Cháu", "Em"))


def ct01_2023(rng: random.Random, pages: int | None = None,
              qr: bool | None = None) -> SampleDocument:
    """Form CT01 (tờ khai thay đổi thông tin cư trú) of Circular 66/2023/TT-BCA, filled in
    by a word processor: numbered labels, footnote marks, the form's dotted leaders left
    after the values, the household members' table and two signatures."""
    del pages, qr
    p = pick_province(rng)
    day = data.working_day(rng)
    person = data.make_person(rng, day, p)
    head = data.make_person(rng, day, p, min_age=35)
    place = data.random_place(rng, p)
    dots = rng.random() < 0.6
    size = rng.choice((12.0, 13.0))

    def tail() -> str:
        return leader(rng, 1.0 if dots else 0.0)

    content = f"Đăng ký thường trú vào hộ gia đình tại {data.street_address(rng, place)}"
    blocks: list[Block] = [
        para(Run("Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA ngày 17/11/2023 "
                 "của Bộ trưởng Bộ Công an", italic=True), align="right", size=10, after=4,
             left=60 * MM),
        *motto_header(),
        centred("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", bold=True, size=14, after=8),
        centred(f"Kính gửi(1): Công an {place.ward_label}, {place.district.label}",
                size=size, after=10),
        line("1. Họ, chữ đệm và tên", person.upper_name, tail=tail(), size=size),
        FieldRow(((Run("2. Ngày, tháng, năm sinh:"), Run(data.form_date(person.birth_date))),
                  (Run("3. Giới tính:"), Run(person.gender))), stops=(0.0, 0.6), size=size,
                 space_after=3),
        line("4. Số định danh cá nhân", person.personal_id, tail=tail(), size=size),
        FieldRow(((Run("5. Số điện thoại liên hệ:"), Run(person.phone)),
                  (Run("6. Email:"), Run(person.email))), stops=(0.0, 0.5), size=size,
                 space_after=3),
        line("7. Họ, chữ đệm và tên chủ hộ", head.upper_name, tail=tail(), size=size),
        line("8. Mối quan hệ với chủ hộ", _relation(rng, person), size=size),
        line("9. Số định danh cá nhân của chủ hộ", head.personal_id, size=size),
        line("10. Nội dung đề nghị(2)", content, size=size),
        para("11. Những thành viên trong hộ gia đình cùng thay đổi:", align="left", size=size,
             after=4),
    ]
    members = []
    for i in range(rng.randint(0, 2)):
        child = data.make_person(rng, day, p, min_age=2, max_age=17)
        name = f"{head.family} {child.middle} {child.given}".upper()
        members.append((str(i + 1), name, data.form_date(child.birth_date),
                        child.gender, child.personal_id, "Con"))
    if members:
        blocks.append(columns_table(
            ("TT", "Họ, chữ đệm và tên", "Ngày, tháng, năm sinh", "Giới tính",
             "Số định danh cá nhân", "Mối quan hệ với chủ hộ"), members,
            (0.06, 0.28, 0.16, 0.11, 0.21, 0.18), size=10, centred=(0, 2, 3)))
    opinion = (centred("Ý KIẾN CỦA CHỦ HỘ(3)", bold=True, size=12),
               centred("(Ghi rõ nội dung và ký, ghi rõ họ tên)", italic=True, size=11),
               Signature(50.0, scribble_seed(rng)), centred(head.name, bold=True, size=13))
    blocks.append(signed(data.date_line(p.place, day), ["NGƯỜI KÊ KHAI"], person.name,
                         scribble_seed(rng), left=(Spacer(16), *opinion), split=0.5))
    fields: dict[str, FieldValue] = {
        "ho_ten": person.name, "ngay_sinh": person.birth_date.isoformat(),
        "gioi_tinh": person.gender, "so_dinh_danh": person.personal_id,
        "so_dien_thoai": person.phone, "email": person.email,
        "ten_thu_tuc": RESIDENCE.name,
    }
    return SampleDocument("to_khai", f"Tờ khai - {RESIDENCE.name}", (tuple(blocks),), fields,
                          size)


def khai_sinh_tt04(rng: random.Random, pages: int | None = None,
                   qr: bool | None = None) -> SampleDocument:
    """Tờ khai đăng ký khai sinh of Circular 04/2020/TT-BTP: the person asking, then the
    child and both parents, whose labels repeat ("Nơi cư trú"); submitted online, the
    one-stop system prints the dossier and procedure codes above it."""
    del pages, qr
    p = pick_province(rng)
    day = data.working_day(rng)
    parent = data.make_person(rng, day, p, min_age=20, max_age=45)
    child = data.make_person(rng, day, p, min_age=0, max_age=1)
    other_name = data.full_name(rng, not parent.male)
    father = parent.name if parent.male else other_name
    place = data.random_place(rng, p)
    target = ward_ubnd(rng, place)
    issued = data.working_day(rng, dt.date(2021, 3, 1), dt.date(2022, 12, 30))
    ethnic = rng.choice(phrases.ETHNICITIES)
    size = rng.choice((12.0, 13.0))
    dots = rng.random() < 0.5

    def tail() -> str:
        return leader(rng, 1.0 if dots else 0.0)

    blocks: list[Block] = []
    fields: dict[str, FieldValue] = {}
    if rng.random() < 0.6:
        code = data.dossier_code(rng, target.code, day)
        blocks.append(FieldRow(((Run("Mã hồ sơ:"), Run(code)),
                                (Run("Mã thủ tục:"), Run(BIRTH.code))), stops=(0.0, 0.6),
                               size=10, space_after=6))
        fields["ma_thu_tuc"] = BIRTH.code
    blocks += [
        *motto_header(),
        centred("TỜ KHAI ĐĂNG KÝ KHAI SINH", bold=True, size=14, after=8),
        centred(f"Kính gửi(1): {target.full}", size=size, after=10),
        line(pick(rng, "Họ, chữ đệm, tên người yêu cầu", "Họ, chữ đệm và tên người yêu cầu"),
             parent.upper_name, tail=tail(), size=size),
        line("Nơi cư trú(2)", parent.address, tail=tail(), size=size),
        line("Giấy tờ tùy thân(3)", f"Căn cước công dân số {parent.personal_id}, cấp ngày "
             f"{data.form_date(issued)}, nơi cấp: {POLICE_ISSUER}", size=size),
        line("Quan hệ với người được khai sinh", "Cha" if parent.male else "Mẹ", size=size,
             after=6),
        para("Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", align="left", size=size,
             after=4),
        line("Họ, chữ đệm, tên", f"{father.split()[0]} {child.middle} {child.given}".upper(),
             tail=tail(), size=size),
        line("Ngày, tháng, năm sinh", f"{data.form_date(child.birth_date)}, ghi bằng chữ: "
             f"{data.date_words(child.birth_date)}", size=size),
        FieldRow(((Run("Giới tính:"), Run(child.gender)), (Run("Dân tộc:"), Run(ethnic)),
                  (Run("Quốc tịch:"), Run("Việt Nam"))), stops=(0.0, 0.3, 0.6), size=size,
                 space_after=3),
        line("Nơi sinh(4)", f"Bệnh viện Đa khoa {p.label}", size=size),
        line("Quê quán", child.hometown, size=size, after=6),
    ]
    for relation, name, year in (("mẹ" if parent.male else "cha", other_name,
                                  parent.birth_date.year + rng.randint(-3, 3)),
                                 ("cha" if parent.male else "mẹ", parent.name,
                                  parent.birth_date.year)):
        blocks += [
            line(f"Họ, chữ đệm, tên người {relation}", name.upper(), size=size),
            FieldRow(((Run("Năm sinh(5):"), Run(str(year))), (Run("Dân tộc:"), Run(ethnic)),
                      (Run("Quốc tịch:"), Run("Việt Nam"))), stops=(0.0, 0.3, 0.6),
                     size=size, space_after=3),
            line("Nơi cư trú(2)", parent.address, size=size, after=6),
        ]
    blocks += [
        body("Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, "
             "được sự thỏa thuận nhất trí của các bên liên quan theo quy định pháp luật.",
             italic=True, size=size),
        para(f"Đề nghị cấp bản sao(6): Có [x], Không [ ]; số lượng: {rng.randint(1, 3):02d} "
             "bản", align="left", size=size, after=4),
        signed(f"Làm tại: {p.place}, {data.long_date(day)}", ["Người yêu cầu"], parent.name,
               scribble_seed(rng), note="(Ký, ghi rõ họ, chữ đệm, tên)"),
    ]
    fields |= {"ho_ten": parent.name, "noi_cu_tru": parent.address,
               "so_dinh_danh": parent.personal_id, "ten_thu_tuc": BIRTH.name}
    return SampleDocument("to_khai", f"Tờ khai - {BIRTH.name}", (tuple(blocks),), fields, size)


def dvc_truc_tuyen(rng: random.Random, pages: int | None = None,
                   qr: bool | None = None) -> SampleDocument:
    """A form submitted on the public-service portal and printed from it: the dossier's and
    procedure's codes, then the applicant's data in a label | value table, in Arial."""
    del pages, qr
    p = pick_province(rng)
    day = data.working_day(rng)
    person = data.make_person(rng, day, p)
    place = data.random_place(rng, p)
    proc = rng.choice((MARRIAGE, RESIDENCE, RECORD))
    target = department(rng, p, which=0) if proc is RECORD else ward_ubnd(rng, place)
    code = data.dossier_code(rng, target.code, day)
    title = {MARRIAGE.code: "TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
             RESIDENCE.code: "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
             RECORD.code: "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP"}[proc.code]
    purpose = {MARRIAGE.code: "Để đăng ký kết hôn",
               RESIDENCE.code: "Đăng ký thường trú vào hộ gia đình",
               RECORD.code: "Bổ sung hồ sơ xin việc"}[proc.code]
    size = 11.0
    blocks: list[Block] = [
        system_header(["CỔNG DỊCH VỤ CÔNG QUỐC GIA", "HỒ SƠ NỘP TRỰC TUYẾN"]),
        centred(title, bold=True, size=14, after=8),
        kv_table((("Mã hồ sơ", code), ("Mã thủ tục", proc.code), ("Tên thủ tục", proc.name),
                  ("Cơ quan tiếp nhận", target.full), ("Ngày nộp", data.form_date(day))),
                 size=size),
        para(Run("THÔNG TIN NGƯỜI YÊU CẦU", bold=True), align="left", size=12, after=4),
        kv_table((("Họ và tên", person.upper_name),
                  ("Ngày sinh", data.form_date(person.birth_date)),
                  ("Giới tính", person.gender),
                  ("Số định danh cá nhân", person.personal_id),
                  ("Nơi cư trú", person.address),
                  ("Số điện thoại", person.phone),
                  ("Email", person.email)), size=size),
        para(Run("NỘI DUNG ĐỀ NGHỊ", bold=True), align="left", size=12, after=4),
        kv_table((("Mục đích", purpose), ("Số lượng bản", f"{rng.randint(1, 3):02d}")),
                 size=size),
        body("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm "
             "trước pháp luật về cam đoan của mình.", italic=True, size=size),
        signed(data.date_line(p.place, day), ["NGƯỜI YÊU CẦU"], person.name,
               scribble_seed(rng), note="(Đã ký điện tử)"),
    ]
    fields: dict[str, FieldValue] = {
        "ho_ten": person.name, "ngay_sinh": person.birth_date.isoformat(),
        "gioi_tinh": person.gender, "so_dinh_danh": person.personal_id,
        "noi_cu_tru": person.address, "so_dien_thoai": person.phone, "email": person.email,
        "ma_thu_tuc": proc.code, "ten_thu_tuc": proc.name,
    }
    return SampleDocument("to_khai", f"Tờ khai - {proc.name}", (tuple(blocks),), fields, size,
                          font="sans")


TO_KHAI_LAYOUTS: dict[str, Layout] = {
    "dong-ke": to_khai,
    "ct01-2023": ct01_2023,
    "khai-sinh-tt04": khai_sinh_tt04,
    "dvc-truc-tuyen": dvc_truc_tuyen,
}
