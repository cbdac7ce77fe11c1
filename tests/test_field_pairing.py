"""The label lexicon and the pairing of labels with values, on small synthetic pages (no OCR).

Words sit on a 10-pixels-per-character grid, 30 pixels tall (see ``tests.test_fields``):
cells more than three characters apart are separate columns, as a table's cells are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.fields import lexicon
from pipeline.fields.lines import document_lines
from pipeline.fields.pairing import COLON_BESIDE, GAP_BESIDE, LABEL_OVER, candidates, scan
from pipeline.fields.reader import FieldReader
from pipeline.fields.template import load
from tests.test_fields import TODAY, page, placed, values


@pytest.fixture(scope="module")
def reader() -> FieldReader:
    return FieldReader(today=TODAY, calibrate=False)  # the extractor's own scores


def _form(*rows: str, title: str = "TỜ KHAI ĐĂNG KÝ KHAI SINH") -> str:
    return "\n".join(("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", title, *rows))


def test_lexicon_lists_label_variants_and_templates_read_them() -> None:
    words = lexicon.load()
    assert {"Họ, chữ đệm và tên", "Họ và tên", "Họ tên"} <= set(words.labels("ho_ten"))
    assert "Cấp ngày" in words.every_label and "Dân tộc" in words.stop
    templates = load()
    assert "Họ tên" in templates["to_khai"].fields["ho_ten"].labels
    # a field reads another entry's labels when its template says so
    assert "Họ và tên" in templates["giay_chung_nhan_dkdn"].fields["nguoi_dai_dien"].labels
    assert "Ngày thu" in templates["bien_lai"].fields["ngay_thu"].labels


@pytest.mark.parametrize("label", ["Họ, chữ đệm và tên", "Họ và tên", "Họ tên",
                                   "1. Họ, chữ đệm, tên người yêu cầu"])
def test_name_label_variants(reader: FieldReader, label: str) -> None:
    got = values(reader.read([page(_form(f"{label}: NGUYỄN VĂN AN",
                                         "Ngày, tháng, năm sinh: 04/07/1990"))]).fields)
    assert got["ho_ten"] == "Nguyễn Văn An"


def test_value_stops_at_the_next_label_even_glued_to_it(reader: FieldReader) -> None:
    text = _form("Họ và tên: TRẦN THỊ BÌNH",
                 "Giấy tờ tùy thân: 001155941585Cấpngày:06/06/2023 Nơi cấp: Cục Cảnh sát",
                 "Giới tính: Nữ   Dân tộc: Kinh")
    got = values(reader.read([page(text)]).fields)
    assert got["so_dinh_danh"] == "001155941585"
    assert got["gioi_tinh"] == "Nữ"


def test_labels_with_footnotes_leaders_and_bilingual_halves(reader: FieldReader) -> None:
    text = _form("Họ, chữ đệm, tên người yêu cầu.........NGUYỄN VĂN AN",
                 "Nơi cư trú(2): Số 12, đường Lê Lợi, phường Bến Thành ......................",
                 "Quốc tịch / Nationality: Việt Nam")
    got = values(reader.read([page(text)]).fields)
    assert got["ho_ten"] == "Nguyễn Văn An"
    assert got["noi_cu_tru"] == "Số 12, đường Lê Lợi, phường Bến Thành"
    assert got["quoc_tich"] == "Việt Nam"


def test_label_value_table_rows_without_colons(reader: FieldReader) -> None:
    form = placed([
        (0, [(30, "TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN")]),
        (60, [(2, "Mã thủ tục"), (40, "1.004873")]),
        (100, [(2, "Họ và tên"), (40, "LÊ THỊ HOA")]),
        (140, [(2, "Nơi cư trú"), (40, "Số 3, đường Trần Phú, phường Lộc Thọ, thành phố")]),
        (180, [(40, "Nha Trang, tỉnh Khánh Hòa")]),
        (220, [(2, "Ngày sinh"), (40, "02/09/1988")]),
    ])
    result = reader.read([form])
    got = values(result.fields)
    assert got["ma_thu_tuc"] == "1.004873" and got["ho_ten"] == "Lê Thị Hoa"
    assert got["noi_cu_tru"] == ("Số 3, đường Trần Phú, phường Lộc Thọ, thành phố Nha Trang, "
                                 "tỉnh Khánh Hòa")
    assert got["ngay_sinh"] == "1988-09-02"
    # a column gap says less than a colon does
    assert result.fields["ho_ten"].confidence == pytest.approx(0.95 * GAP_BESIDE)


def test_wrapped_label_cell_is_not_read_into_the_value() -> None:
    lines = document_lines([placed([
        (0, [(2, "Địa chỉ thường"), (40, "Số 3, đường Trần Phú, phường Lộc Thọ,")]),
        (40, [(2, "trú"), (40, "thành phố Nha Trang")]),
        (80, [(2, "Email"), (40, "hoa@gmail.com")]),
    ])])
    hits = scan(lines, lexicon.load().every_label)
    found = candidates(["Địa chỉ"], lines, lines, hits, continuation=1)
    assert not found  # "Địa chỉ thường" is no label of its own, and no value follows a gap
    found = candidates(["Email"], lines, lines, hits, continuation=1)
    assert [line.text[a:b] for line, a, b in found[0].parts] == ["hoa@gmail.com"]


def test_grid_cells_hold_a_label_over_its_value(reader: FieldReader) -> None:
    receipt = placed([
        (0, [(30, "GIẤY BIÊN NHẬN HỒ SƠ")]),
        (60, [(2, "Mã hồ sơ"), (50, "Ngày tiếp nhận")]),
        (100, [(2, "000.00.24.H40-240912-0034"), (50, "12/09/2024 08:30")]),
        (140, [(2, "Người nộp hồ sơ"), (50, "Số điện thoại")]),
        (180, [(2, "NGÔ QUỲNH NGA"), (50, "0321074269")]),
        (260, [(2, "NGƯỜI NỘP HỒ SƠ"), (50, "NGƯỜI TIẾP NHẬN")]),
        (300, [(2, "(Ký, ghi rõ họ tên)")]),
    ])
    result = reader.read([receipt])
    got = values(result.fields)
    assert result.doc_type == "giay_tiep_nhan"
    assert got["ma_ho_so"] == "000.00.24.H40-240912-0034"
    assert got["ngay_nhan"] == "2024-09-12" and got["so_dien_thoai"] == "0321074269"
    assert got["nguoi_nop"] == "Ngô Quỳnh Nga"
    assert result.fields["nguoi_nop"].confidence == pytest.approx(0.95 * LABEL_OVER)


def test_header_row_over_centred_heads_and_left_aligned_values(reader: FieldReader) -> None:
    receipt = placed([
        (0, [(30, "BIÊN LAI THU PHÍ, LỆ PHÍ")]),
        (40, [(2, "Người nộp tiền: Đỗ Kim Nhung")]),
        (80, [(2, "STT"), (16, "Tên phí, lệ phí"), (60, "Đơn vị tính"), (80, "Thành tiền")]),
        (120, [(3, "1"), (8, "Lệ phí cấp Giấy chứng nhận quyền sử"), (60, "Lần"),
               (80, "50.000")]),
        (160, [(8, "dụng đất")]),
        (200, [(2, "Tổng cộng: 50.000 đồng")]),
    ])
    got = values(reader.read([receipt]).fields)
    assert got["noi_dung_thu"] == "Lệ phí cấp Giấy chứng nhận quyền sử dụng đất"
    assert got["so_tien"] == 50_000


def test_all_capital_signature_titles_are_not_labels() -> None:
    lines = document_lines([placed([(0, [(2, "NGƯỜI NỘP HỒ SƠ"), (50, "NGƯỜI TIẾP NHẬN")])])])
    assert scan(lines, lexicon.load().every_label) == {0: []}


def test_misread_label_is_recognised_by_its_letters(reader: FieldReader) -> None:
    text = _form("Họ và tên: TRẦN VĂN BA",
                 "Giấy:tờ tùy thân(3): Căn cước công dân số 038181073773, cấp ngày 15/03/2022")
    result = reader.read([page(text)])
    assert result.fields["so_dinh_danh"].value == "038181073773"
    # picked out of a sentence: believed less than an ID printed alone after its label
    assert result.fields["so_dinh_danh"].confidence < 0.95 * COLON_BESIDE


def test_dates_with_times_and_genders_among_specks(reader: FieldReader) -> None:
    receipt = placed([
        (0, [(30, "PHIẾU TIẾP NHẬN VÀ HẸN TRẢ KẾT QUẢ")]),
        (40, [(2, "Mã hồ sơ"), (40, "000.00.24.H40-240912-0034")]),
        (80, [(2, "Ngày tiếp nhận"), (40, "16 giờ 45 phút, ngày 12/09/2024")]),
        (120, [(2, "Ngày hẹn trả"), (40, "23/09/2024 15:00")]),
        (160, [(2, "Giới tính"), (40, "mm. NỮ")]),
    ])
    result = reader.read([receipt])
    got = values(result.fields)
    assert got["ngay_nhan"] == "2024-09-12" and got["ngay_hen_tra"] == "2024-09-23"
    assert got["gioi_tinh"] == "Nữ"
    assert result.fields["gioi_tinh"].confidence < 0.8  # found among specks


def test_an_invalid_id_where_its_label_is_is_not_replaced(reader: FieldReader) -> None:
    form = placed([
        (0, [(30, "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ")]),
        (40, [(2, "1. Họ, chữ đệm và tên: LÊ VĂN AN")]),
        (80, [(2, "4. Số định danh cá nhân: 0010900123O5")]),  # O read for 0
        (120, [(2, "TT"), (10, "Họ, chữ đệm và tên"), (40, "Số định danh cá nhân")]),
        (160, [(2, "1"), (10, "LÊ VĂN BÌNH"), (40, "001215012345")]),
    ])
    found = reader.read([form]).fields["so_dinh_danh"]
    assert found.value == "0010900123O5" and not found.valid  # not the member's valid ID


def test_place_of_the_date_line(reader: FieldReader) -> None:
    decision = page("ỦY BAN NHÂN DÂN\nHUYỆN CHỢ MỚI\nSố: 12/QĐ-UBND\nQUYẾT ĐỊNH\n"
                    "Về việc trợ cấp xã hội\nChợ Mới, ngày 04 tháng 7 năm 2023\nĐiều 1. Trợ cấp.")
    got = values(reader.read([decision]).fields)
    assert got["dia_danh"] == "Chợ Mới" and got["ngay_ban_hanh"] == "2023-07-04"


def test_receipt_fields_never_found_before(reader: FieldReader) -> None:
    text = """
ỦY BAN NHÂN DÂN PHƯỜNG ĐÔNG NGÀN
Ký hiệu: AD-24E
Số: 7081941
BIÊN LAI THU TIỀN PHÍ, LỆ PHÍ
Họ tên người nộp tiền: Đỗ Hồng Hằng
Nội dung thu: Phí cấp bản sao trích lục hộ tịch
Số tiền thu: 8.000 đồng
Ngày thu: 30/04/2024
"""
    got = values(reader.read([page(text)]).fields)
    assert got["so_tien"] == 8_000 and got["ngay_thu"] == "2024-04-30"
    assert got["so_bien_lai"] == "7081941" and got["ky_hieu"] == "AD-24E"
    assert got["noi_dung_thu"] == "Phí cấp bản sao trích lục hộ tịch"


def test_a_broken_lexicon_is_refused_in_vietnamese(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.toml"
    bad.write_text('[ho_ten]\nlabels = ["Họ và tên", 3]\n', encoding="utf-8")
    with pytest.raises(lexicon.LexiconError, match="danh sách chuỗi"):
        lexicon.load(bad)
    bad.write_text('[ho_ten]\nlabels = ["Họ và tên"]\nprefer = ["Họ tên"]\n', encoding="utf-8")
    with pytest.raises(lexicon.LexiconError, match="prefer"):
        lexicon.load(bad)
