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
