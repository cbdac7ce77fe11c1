"""Classification, templates and field reading on page text, without OCR."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.fields.model import FieldValue
from pipeline.fields.qr import parse_cccd, parse_one_stop
from pipeline.fields.reader import FieldReader
from pipeline.fields.template import TemplateError, load, parse
from pipeline.models import PageText, TextSource, Word

TODAY = date(2026, 11, 21)


def page(text: str, number: int = 1, confidence: float = 0.95,
         codes: tuple[str, ...] = ()) -> PageText:
    """A page whose words sit on a 10-pixels-per-character grid, one line per text line."""
    words = []
    for line_no, line in enumerate(ln for ln in text.strip().splitlines() if ln.strip()):
        x = 0
        for token in line.split():
            words.append(Word(token, (x * 10.0, line_no * 40.0, (x + len(token)) * 10.0,
                                      line_no * 40.0 + 30), confidence, line_no))
            x += len(token) + 1
    return PageText(number, 2480, 3508, 300, TextSource.OCR, tuple(words), text, confidence,
                    codes=codes)


RECEIPT = """
UBND QUẬN BÌNH THẠNH
ỦY BAN NHÂN DÂN
PHƯỜNG 25
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ
Mã hồ sơ: 000.00.13.H29-230529-0096
Bộ phận Một cửa Ủy ban nhân dân phường 25 tiếp nhận hồ sơ của:
Bà: VÕ QUỲNH LINH
Địa chỉ: Tổ dân phố 4, phường 25, quận Bình Thạnh, thành phố Hồ
Chí Minh
Số điện thoại: 0768953492 Email: volinh1984@yahoo.com
Nội dung yêu cầu giải quyết: Cấp bản sao trích lục hộ tịch
Mã thủ tục: 2.000635
4. Thời gian nhận hồ sơ: 10 giờ 15 phút, ngày 29/05/2023
5. Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 30/05/2023
"""

DECISION = """
ỦY BAN NHÂN DÂN
THÀNH PHỐ HÀ NỘI
Số: 347/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 22 tháng 8 năm 2024
QUYẾT ĐỊNH
Về việc công bố Danh mục thủ tục hành chính được tiếp nhận và trả kết
quả tại Trung tâm Phục vụ hành chính công thành phố Hà Nội
CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI
Căn cứ Quyết định số 1188/QĐ-UBND ngày 04 tháng 7 năm 2023 của Ủy ban nhân dân tỉnh;
QUYẾT ĐỊNH:
Điều 1. Công bố kèm theo Quyết định này Danh mục thủ tục hành chính.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trịnh Khánh Phương
"""


@pytest.fixture(scope="module")
def reader() -> FieldReader:
    return FieldReader(today=TODAY)


def values(result_fields: dict[str, FieldValue]) -> dict[str, object]:
    return {k: v.value for k, v in result_fields.items()}


def test_receipt_is_classified_and_read(reader: FieldReader) -> None:
    result = reader.read([page(RECEIPT)])
    assert result.doc_type == "giay_tiep_nhan" and result.confidence > 0.8
    got = values(result.fields)
    assert got["ma_ho_so"] == "000.00.13.H29-230529-0096"
    assert got["ma_thu_tuc"] == "2.000635"
    assert got["ngay_nhan"] == "2023-05-29" and got["ngay_hen_tra"] == "2023-05-30"
    assert got["nguoi_nop"] == "Võ Quỳnh Linh"
    assert got["noi_thuong_tru"] == ("Tổ dân phố 4, phường 25, quận Bình Thạnh, thành phố Hồ "
                                     "Chí Minh")
    assert got["so_dien_thoai"] == "0768953492" and got["email"] == "volinh1984@yahoo.com"
    assert got["ten_thu_tuc"] == "Cấp bản sao trích lục hộ tịch"
    code = result.fields["ma_ho_so"]
    assert code.valid and code.page == 1 and code.bbox is not None and code.raw
    assert result.problems == ()


def test_decision_ignores_cited_numbers_and_dates(reader: FieldReader) -> None:
    result = reader.read([page(DECISION)])
    assert result.doc_type == "quyet_dinh"
    got = values(result.fields)
    assert got["so_ky_hieu"] == "347/QĐ-UBND"  # not the cited 1188/QĐ-UBND
    assert got["ngay_ban_hanh"] == "2024-08-22"  # not the cited 04/07/2023
    assert got["co_quan_ban_hanh"] == "Ủy ban nhân dân thành phố Hà Nội"
    assert str(got["trich_yeu"]).startswith("Về việc công bố Danh mục")
    assert got["nguoi_ky"] == "Trịnh Khánh Phương"
    assert got["chuc_vu"] == "Phó Chủ tịch"


def test_invalid_values_are_reported_not_corrected(reader: FieldReader) -> None:
    broken = RECEIPT.replace("230529-0096", "231329-0096")  # month 13
    result = reader.read([page(broken)])
    code = result.fields["ma_ho_so"]
    assert not code.valid and code.reason
    assert code.value == "000.00.13.H29-231329-0096"  # reported as read, never "fixed"
    assert any("ma_ho_so" in p for p in result.problems)


def test_dossier_date_must_agree_with_receipt_date(reader: FieldReader) -> None:
    result = reader.read([page(RECEIPT.replace("ngày 29/05/2023", "ngày 28/05/2023"))])
    assert not result.fields["ma_ho_so"].valid


def test_unknown_document(reader: FieldReader) -> None:
    result = reader.read([page("Một trang ghi chú không có tiêu đề")])
    assert result.doc_type == "unknown" and result.fields == {}


def test_low_ocr_confidence_sends_to_review(reader: FieldReader) -> None:
    result = reader.read([page(RECEIPT, confidence=0.4)])
    assert any("chưa chắc chắn" in p for p in result.problems)


CCCD_QR = ("046051368130|197123456|TRỊNH VĂN THÁI|21121951|Nam|"
           "Tổ dân phố 14, phường Thuận Thành, thành phố Huế|16032021")


def test_cccd_qr_records_of_both_generations() -> None:
    seven = parse_cccd(CCCD_QR)
    six = parse_cccd(CCCD_QR.replace("|197123456", ""))
    assert seven == six
    assert seven is not None
    assert seven["so_dinh_danh"] == "046051368130" and seven["ngay_sinh"] == "1951-12-21"
    assert seven["ho_ten"] == "Trịnh Văn Thái" and seven["gioi_tinh"] == "Nam"
    assert parse_cccd("not|a|card") is None


def test_one_stop_qr_payloads() -> None:
    assert parse_one_stop('{"ma_ho_so": "000.00.13.H29-230529-0096", "ma_thu_tuc": "2.000635"}'
                          ) == {"ma_ho_so": "000.00.13.H29-230529-0096",
                                "ma_thu_tuc": "2.000635"}
    assert parse_one_stop("MaHoSo: 000.00.13.H29-230529-0096\nMaThuTuc: 2.000635") == {
        "ma_ho_so": "000.00.13.H29-230529-0096", "ma_thu_tuc": "2.000635"}


def test_qr_wins_over_print_and_disagreement_is_reviewed(reader: FieldReader) -> None:
    qr = '{"ma_ho_so": "000.00.13.H29-230529-0097"}'
    result = reader.read([page(RECEIPT, codes=(qr,))])
    assert result.fields["ma_ho_so"].value == "000.00.13.H29-230529-0097"
    assert result.fields["ma_ho_so"].source == "qr"
    assert any("Mã QR" in p for p in result.problems)
    agreeing = reader.read([page(RECEIPT, codes=(qr.replace("0097", "0096"),))])
    assert agreeing.fields["ma_ho_so"].source == "qr+ocr" and not agreeing.problems


def test_a_template_added_as_a_data_file_only(tmp_path: Path) -> None:
    (tmp_path / "giay_xac_nhan_cu_tru.toml").write_text('''
doc_type = "giay_xac_nhan_cu_tru"
title = "Giấy xác nhận thông tin về cư trú"
extends = ["_ca_nhan"]
required = ["ho_ten", "so_dinh_danh"]

[classify]
titles = ["XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ"]
keywords = ["Nơi thường trú"]

[fields.ngay_xac_nhan]
kind = "date"
patterns = ['xác nhận ngày\\s*(?P<value>\\d{2}/\\d{2}/\\d{4})']
''', encoding="utf-8")
    text = """
CÔNG AN PHƯỜNG THUẬN THÀNH
XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ
Họ, chữ đệm và tên: TRỊNH VĂN THÁI
Ngày, tháng, năm sinh: 21/12/1951 Giới tính: Nam
Số định danh cá nhân: 046051368130
Nơi thường trú: Tổ dân phố 14, phường Thuận Thành
Công an phường xác nhận ngày 02/03/2024
"""
    result = FieldReader([tmp_path], today=TODAY).read([page(text)])
    assert result.doc_type == "giay_xac_nhan_cu_tru"
    got = values(result.fields)
    assert got["so_dinh_danh"] == "046051368130" and got["ngay_xac_nhan"] == "2024-03-02"
    assert result.fields["so_dinh_danh"].valid  # 046 Huế, 0 = male 1900s, 51 = 1951


def test_broken_templates_are_refused_in_vietnamese(tmp_path: Path) -> None:
    bad = tmp_path / "sai.toml"
    bad.write_text('doc_type = "sai"\n[fields.x]\nkind = "ngay"\nlabels = ["X"]\n',
                   encoding="utf-8")
    with pytest.raises(TemplateError, match="không hỗ trợ"):
        parse(bad)
    bad.write_text('doc_type = "sai"\n[fields.x]\nkind = "date"\npatterns = ["(\\\\d+"]\n',
                   encoding="utf-8")
    with pytest.raises(TemplateError, match="sai"):
        parse(bad)
    bad.write_text('doc_type = "sai"\nrequired = ["x"]\n[classify]\ntitles = ["SAI"]\n',
                   encoding="utf-8")
    with pytest.raises(TemplateError, match="bắt buộc"):
        load([tmp_path])


def test_builtin_templates_cover_the_decree_30_kinds() -> None:
    templates = load()
    for kind in ("quyet_dinh", "cong_van", "chi_thi", "thong_bao", "bao_cao", "to_trinh",
                 "ke_hoach", "nghi_dinh", "to_khai", "giay_tiep_nhan", "giay_chung_nhan_dkdn",
                 "trich_luc_khai_sinh", "can_cuoc", "bien_lai"):
        assert kind in templates
    assert {"so_ky_hieu", "trich_yeu", "nguoi_ky"} <= set(templates["chi_thi"].fields)


# ---------------------------------------------------------------- layout-aware reading


def placed(rows: list[tuple[float, list[tuple[int, str]]]], height: float = 30.0) -> PageText:
    """A page from rows of ``(top, [(column, text), ...])``: each text starts at ``column``
    characters (10 pixels each), one OCR line per row; for columns OCR put on one line."""
    words = []
    for line_no, (top, cells) in enumerate(rows):
        for column, text in cells:
            x = column
            for token in text.split():
                words.append(Word(token, (x * 10.0, top, (x + len(token)) * 10.0,
                                          top + height), 0.95, line_no))
                x += len(token) + 1
    text = "\n".join(" ".join(t for _, t in cells) for _, cells in rows)
    return PageText(1, 2480, 3508, 300, TextSource.OCR, tuple(words), text, 0.95)


def test_card_front_values_under_labels_and_beside_the_photo_column(
        reader: FieldReader) -> None:
    card = placed([
        (0, [(60, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
        (40, [(66, "Độc lập - Tự do - Hạnh phúc")]),
        (80, [(64, "CĂN CƯỚC CÔNG DÂN")]),
        (140, [(60, "Số / No.: 027095344287")]),
        (180, [(60, "Họ và tên / Full name:")]),
        (220, [(60, "NÔNG MINH QUÂN")]),
        (260, [(60, "Ngày sinh / Date of birth: 12/06/1995")]),
        (300, [(60, "Giới tính /'Sex: Nam Quốc tịch / Nationality: Việt Nam")]),
        (340, [(60, "Quê quán / Place of origin:")]),
        (380, [(60, "Đông Ngàn, Từ Sơn, Bắc Ninh")]),
        (420, [(60, "Nơi thường trú / Place of residence: Số 15, đường Ngô Gia Tự,")]),
        # OCR reads the photo column's label into the address's second line.
        (460, [(2, "Có giá trị đến / Date of expiry:"),
               (60, "Phường Tiền An, thành phố Bắc Ninh, tỉnh Bắc Ninh")]),
        (500, [(10, "12/06/2035")]),
    ])
    result = reader.read([card])
    assert result.doc_type == "can_cuoc"
    got = values(result.fields)
    assert got["ho_ten"] == "Nông Minh Quân"
    assert got["gioi_tinh"] == "Nam" and got["quoc_tich"] == "Việt Nam"
    assert got["que_quan"] == "Đông Ngàn, Từ Sơn, Bắc Ninh"
    assert got["noi_thuong_tru"] == ("Số 15, đường Ngô Gia Tự, phường Tiền An, thành phố Bắc "
                                     "Ninh, tỉnh Bắc Ninh")
    assert got["co_gia_tri_den"] == "2035-06-12"
    assert result.fields["so_dinh_danh"].valid


def test_card_back_names_issue_date_agency_and_signer(reader: FieldReader) -> None:
    front = page("CĂN CƯỚC CÔNG DÂN\nSố / No.: 027095344287\nHọ và tên / Full name: NÔNG MINH "
                 "QUÂN\nNgày sinh / Date of birth: 12/06/1995\nGiới tính / Sex: Nam")
    back = page("""
Đặc điểm nhân dạng / Personal identification:
Nốt ruồi C:1cm dưới trước đầu mày trái
Ngay, tháng, năm / Date, mohth, year: 12/04/2024
CỤC TRƯỞNG CỤC CÁNH SÁT
QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI
DIRECTOR GENERAL OF THE POLICE DEPARTMENT
Vũ Đức Vũ
""", number=2)
    got = values(reader.read([front, back]).fields)
    assert got["ngay_ban_hanh"] == "2024-04-12"
    assert got["co_quan_ban_hanh"] == "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
    assert got["chuc_vu"] == "Cục trưởng Cục Cảnh sát quản lý hành chính về trật tự xã hội"
    assert got["nguoi_ky"] == "Vũ Đức Vũ"


def test_header_columns_read_onto_one_line_are_split_at_the_motto(reader: FieldReader) -> None:
    decision = placed([
        (0, [(30, "BỊ")]),
        (160, [(20, "ỦY BAN NHÂN DÂN"), (120, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
        (200, [(14, "cua HUYỆN THỦY NGUYÊN"), (128, "Độc lập - Tự do - Hạnh phúc")]),
        (260, [(22, "Số: 3471/QĐ-UBND"), (124, "Thủy Nguyên, ngày 02 tháng 8 năm 2023")]),
        (340, [(100, "QUYẾT ĐỊNH")]),
        (380, [(40, "Về việc công bố Danh mục thủ tục hành chính")]),
        (460, [(50, "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN THỦY NGUYÊN")]),
    ])
    got = values(reader.read([decision]).fields)
    assert got["co_quan_ban_hanh"] == "Ủy ban nhân dân huyện Thủy Nguyên"
    assert got["ngay_ban_hanh"] == "2023-08-02"
    assert got["so_ky_hieu"] == "3471/QĐ-UBND"


def test_business_certificate_agency_with_its_superior_and_representative(
        reader: FieldReader) -> None:
    text = """
SỞKẾ HOẠCH VÀ ĐẦUTƯ
TỈNH NGHỆ AN
PHÒNG ĐĂNG KÝ KINH DOANH
GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP:
Mã số doanh nghiệp: 0100109106
Đăng ký lần đầu: ngày 09 tháng 01 năm 2008
4. Người đại diện theo pháp luật của công ty
Họ và tên: HÀ THỊ LOAN Giới tính: Nữ
Sinh ngày: 22/12/1974 Dân tộc: Kinh Quốc tịch: Việt Nam
Địa chỉ thường trú: Số 160, đường Nguyễn Thị Minh Khai, phường Nghi Thủy, thị xã Cửa Lò,
tỉnh Nghệ An
"""
    result = reader.read([page(text)])
    assert result.doc_type == "giay_chung_nhan_dkdn"  # despite the colon after the title
    got = values(result.fields)
    assert got["co_quan_ban_hanh"] == ("Phòng đăng ký kinh doanh, Sở Kế hoạch và Đầu tư tỉnh "
                                       "Nghệ An")
    assert got["ngay_sinh"] == "1974-12-22" and got["gioi_tinh"] == "Nữ"
    assert got["quoc_tich"] == "Việt Nam" and got["ngay_dang_ky"] == "2008-01-09"
    assert got["noi_thuong_tru"] == ("Số 160, đường Nguyễn Thị Minh Khai, phường Nghi Thủy, "
                                     "thị xã Cửa Lò, tỉnh Nghệ An")


def test_notice_subject_ends_with_its_block(reader: FieldReader) -> None:
    notice = placed([
        (0, [(20, "ỦY BAN NHÂN DÂN"), (120, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
        (40, [(22, "HUYỆN HÒA VANG"), (128, "Độc lập - Tự do - Hạnh phúc")]),
        (100, [(22, "Số: 15/TB-UBND"), (126, "Hòa Vang, ngày 27 tháng 6 năm 2024")]),
        (160, [(100, "THÔNG BÁO")]),
        (200, [(30, "Về việc thay đổi địa điểm tiếp nhận và trả kết quả giải quyết")]),
        (240, [(80, "thủ tục hành chính")]),
        # the space under the subject, then the body's first sentence
        (330, [(40, "Kể từ ngày 04 tháng 7 năm 2024, Bộ phận tiếp nhận và trả kết quả")]),
        (370, [(30, "chuyển về làm việc tại Tổ dân phố 4, phường Thạc Gián.")]),
    ])
    result = reader.read([notice])
    assert result.doc_type == "thong_bao"
    assert result.fields["trich_yeu"].value == ("Về việc thay đổi địa điểm tiếp nhận và trả kết "
                                                "quả giải quyết thủ tục hành chính")


def test_wrapped_address_keeps_its_comma() -> None:
    text = RECEIPT.replace("thành phố Hồ\nChí Minh", "\nthành phố Hồ Chí Minh").replace(
        "quận Bình Thạnh, \n", "quận Bình Thạnh,\n")
    got = values(FieldReader(today=TODAY).read([page(text)]).fields)
    assert got["noi_thuong_tru"] == ("Tổ dân phố 4, phường 25, quận Bình Thạnh, thành phố Hồ "
                                     "Chí Minh")


BIRTH_EXTRACT = """
UBND THÀNH PHỐ BẢO LỘC
ỦY BAN NHÂN DÂN
PHƯỜNG LỘC SƠN
Số: 67/2019, Quyển số: 03
"TRÍCH LUỤC KHAI SINH
(Bản sao)
Họ, chữ đệm, tên: VŨ HOÀNG VŨ
Ngày, tháng, năm sinh: 03/04/2019, ghi bằng chữ: Ngày mồng ba, tháng tư, năm hai
nghìn không trăm mười chín
Giới tính: Nam Dân tộc: Tày Quốc tịch: Việt Nam
Nơi sinh: Bệnh viện Sản - Nhi tỉnh Lâm Đồng
Họ, chữ đệm, tên người mẹ: TRẦN THỊ PHƯƠNG
Năm sinh: 1995 Dân tộc: Tày Quốc tịch: Việt Nam
Nơi cư trú: Số 65, ngõ 54, đường Phan Đình Phùng, phường Lộc Sơn, thành phố Bảo Lộc
Họ, chữ đệm, tên người cha: VŨ HỮU LỘC
Ngày, tháng, năm đăng ký: 07/05/2019
"""


def test_birth_extract_parents_dates_and_misread_title(reader: FieldReader) -> None:
    result = reader.read([page(BIRTH_EXTRACT)])
    assert result.doc_type == "trich_luc_khai_sinh"  # "LUỤC": one letter misread
    got = values(result.fields)
    assert got["ho_ten"] == "Vũ Hoàng Vũ"
    assert got["ngay_sinh"] == "2019-04-03"  # not spoilt by the date in words after it
    assert got["ho_ten_me"] == "Trần Thị Phương" and got["ho_ten_cha"] == "Vũ Hữu Lộc"
    assert got["ngay_dang_ky"] == "2019-05-07"
    assert got["co_quan_ban_hanh"] == "Ủy ban nhân dân phường Lộc Sơn, thành phố Bảo Lộc"
    assert "noi_thuong_tru" not in got  # the parents' "Nơi cư trú" is not a permanent address


def test_marital_status_form_names_its_procedure_and_residence(reader: FieldReader) -> None:
    form = """
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN
Kính gửi: Ủy ban nhân dân phường 10, thành phố Đà Lạt
Họ, chữ đệm, tên người yêu cầu: NGUYỄN THỊ MAI
Nơi cư trú: Số 176, đường Trần Hưng Đạo, phường 10, thành phố Đà Lạt, tỉnh
Lâm Đồng
Ngày, tháng, năm sinh: 14/02/1990
"""
    got = values(reader.read([page(form)]).fields)
    assert got["ten_thu_tuc"] == "Cấp Giấy xác nhận tình trạng hôn nhân"
    assert got["noi_cu_tru"] == ("Số 176, đường Trần Hưng Đạo, phường 10, thành phố Đà Lạt, "
                                 "tỉnh Lâm Đồng")
    assert "noi_thuong_tru" not in got


def test_body_line_starting_with_a_title_word_is_not_the_title(reader: FieldReader) -> None:
    letter = """
ỦY BAN NHÂN DÂN
THÀNH PHỐ ĐÀ NẴNG
Số: 2876/UBND-VP
V/v báo cáo tình hình giải quyết thủ tục hành chính
Kính gửi: Bộ phận Một cửa các cấp.
Đề nghị các cơ quan báo cáo kết quả giải quyết thủ tục hành chính.
Báo cáo gửi về Ủy ban nhân dân thành phố trước ngày 10/5/2024.
"""
    assert reader.read([page(letter)]).doc_type == "cong_van"


def test_place_and_agency_words_take_their_written_form() -> None:
    from pipeline.fields.kinds import KINDS

    place = KINDS["place"].normalise
    assert place("Số 15, đường Ngô Gia Tự, Phường Tiền An, thành phổ Bắc Ninh, tĩnh Bắc "
                 "Ninh") == ("Số 15, đường Ngô Gia Tự, phường Tiền An, thành phố Bắc Ninh, "
                             "tỉnh Bắc Ninh")
    assert place("Tố dân phố 22, phường Lộc Sơn") == "Tổ dân phố 22, phường Lộc Sơn"
    assert place("Thị trấn Tĩnh Gia, huyện Tĩnh Gia") == "Thị trấn Tĩnh Gia, huyện Tĩnh Gia"
    agency = KINDS["agency"].normalise
    assert agency("Sơ tư phap tĩnh Nghệ An") == "Sở Tư pháp tỉnh Nghệ An"
    assert agency("ỦY BANNHÂNDÂN TỈNH AN GIANG") == "Ủy ban nhân dân tỉnh An Giang"
    assert KINDS["procedure_name"].normalise("ĐĂNG KÝ THƯỜNG TRÚ") == "Đăng ký thường trú"


def test_small_print_of_a_text_layer_is_split_into_words(tmp_path: Path) -> None:
    import pdfplumber
    from reportlab.pdfgen import canvas

    from pipeline.ocr.textlayer import page_words

    path = tmp_path / "the.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(243, 153))  # an ID card, 4.6 pt print
    pdf.setFont("Times-Roman", 4.6)
    pdf.drawString(76, 100, "Place of residence: No 11, 30 April street, Le Binh ward")
    pdf.setFont("Times-Roman", 13)
    pdf.drawString(10, 60, "Body text stays as it was")
    pdf.save()
    with pdfplumber.open(path) as doc:
        words = [w["text"] for w in page_words(doc.pages[0])]
    assert words == ["Place", "of", "residence:", "No", "11,", "30", "April", "street,", "Le",
                     "Binh", "ward", "Body", "text", "stays", "as", "it", "was"]


def test_bilingual_label_with_its_english_half_misread(reader: FieldReader) -> None:
    card = page("""
CĂN CƯỚC CÔNG DÂN
Số / No.: 006198264663
Họ và tên / Eull name: TRẦN THÙY GIANG
Ngày sinh / Date of binh: 11/07/1998
Giới tính / Sex: Nữ Quốc tịch / Natlonality: Việt Nam
""")
    got = values(reader.read([card]).fields)
    assert got["ho_ten"] == "Trần Thùy Giang" and got["ngay_sinh"] == "1998-07-11"
    assert got["gioi_tinh"] == "Nữ"  # ends where the next (misread) label starts


def test_calibration_maps_scores_and_leaves_given_values_alone() -> None:
    """The shipped model (bench/calibrate.py) is applied to values read from a page; a value a
    person or a sidecar gave keeps its own confidence; a doubtful reading stays doubtful."""
    from pipeline.fields.calibration import load_calibrator

    model = load_calibrator()
    assert model is not None and model.about["sources"]
    read = FieldValue("Nguyễn Văn An", 0.97, 1, None, "Nguyễn Văn An", source="ocr")
    weak = FieldValue("Nguyễn Văn Ẩn", 0.45, 1, None, "Nguyễn Văn Ẩn", source="ocr",
                      reason="Đã sửa")
    given = FieldValue("000.00.12.H04-240115-0001", 0.9, None, None, "x", source="sidecar")
    out = model.apply({"ho_ten": read, "ten": weak, "ma_ho_so": given},
                      {"ho_ten": "person_name", "ten": "person_name",
                       "ma_ho_so": "dossier_code"}, [])
    assert out["ma_ho_so"] == given
    assert out["ho_ten"].confidence != read.confidence
    assert out["ten"].confidence < 0.6 < out["ho_ten"].confidence
