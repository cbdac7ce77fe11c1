"""Decree 30 documents as they come: distractors in the header, the body and the signature
block, handwriting in the blanks, and a last page read without its first."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.fields.model import FieldValue
from pipeline.fields.reader import FieldReader
from pipeline.models import PageText, TextSource, Word
from pipeline.preprocess.pixels import whiten_stamps
from pipeline.process import Pipeline
from samples.fonts import find_font_dir
from tests.test_fields import page


@pytest.fixture(scope="module")
def reader() -> FieldReader:
    return FieldReader()


def values(fields: dict[str, FieldValue]) -> dict[str, object]:
    return {k: v.value for k, v in fields.items()}


def columns(rows: Sequence[tuple[float, Sequence[tuple[int, str]]]], number: int = 1
            ) -> PageText:
    """A page from rows of ``(top, [(column, text), ...])`` (10 pixels a character), one
    OCR line per row: the recipients list and the signature block read onto one line."""
    words = []
    for line_no, (top, cells) in enumerate(rows):
        for column, text in cells:
            x = column
            for token in text.split():
                words.append(Word(token, (x * 10.0, top, (x + len(token)) * 10.0, top + 30),
                                  0.95, line_no))
                x += len(token) + 1
    text = "\n".join(" ".join(t for _, t in cells) for _, cells in rows)
    return PageText(number, 2480, 3508, 300, TextSource.OCR, tuple(words), text, 0.95)


HEADER = [
    (100, [(20, "ỦY BAN NHÂN DÂN"), (120, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
    (140, [(20, "TỈNH QUẢNG NGÃI"), (128, "Độc lập - Tự do - Hạnh phúc")]),
]

SUBMISSION = columns([
    *HEADER,
    (220, [(22, "Số: 09/TTr-UBND"), (124, "Quảng Ngãi, ngày 20 tháng 01 năm 2025")]),
    (320, [(100, "TỜ TRÌNH")]),
    (360, [(40, "Về việc ban hành Nghị quyết bãi bỏ các Nghị quyết")]),
    (440, [(30, "Kính gửi: Hội đồng nhân dân tỉnh")]),
    (500, [(20, "Ủy ban nhân dân tỉnh kính trình Hội đồng nhân dân tỉnh xem xét./.")]),
    (580, [(20, "Nơi nhận:"), (130, "TM. ỦY BAN NHÂN DÂN")]),
    (620, [(20, "- Như trên;"), (140, "KT. CHỦ TỊCH")]),
    (660, [(20, "- Lưu: VT, KGVX."), (140, "PHÓ CHỦ TỊCH")]),
    (900, [(138, "Trần Hoàng Tuấn")]),
])
DRAFT = columns([
    (100, [(20, "HỘI ĐỒNG NHÂN DÂN"), (120, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
    (140, [(20, "TỈNH QUẢNG NGÃI"), (128, "Độc lập - Tự do - Hạnh phúc")]),
    (220, [(22, "Số: /2025/NQ-HĐND"), (124, "Quảng Ngãi, ngày tháng năm 2025")]),
    (280, [(30, "DỰ THẢO")]),
    (320, [(100, "NGHỊ QUYẾT")]),
    (400, [(20, "Nghị quyết này có hiệu lực từ ngày ký./.")]),
    (480, [(20, "Nơi nhận:"), (140, "CHỦ TỊCH")]),
    (520, [(20, "- UBTV Quốc hội;")]),
    (700, [(136, "Bùi Thị Quỳnh Vân")]),
], number=2)


def test_signer_is_the_documents_not_its_attached_drafts(reader: FieldReader) -> None:
    """Class: a tờ trình with the draft resolution it submits attached after it (the draft
    has its own header and a typed, unsigned signer block)."""
    result = reader.read([SUBMISSION, DRAFT])
    assert result.doc_type == "to_trinh"
    got = values(result.fields)
    assert got["nguoi_ky"] == "Trần Hoàng Tuấn"
    assert got["chuc_vu"] == "Phó Chủ tịch"  # the line under "KT. CHỦ TỊCH"
    assert got["so_ky_hieu"] == "09/TTr-UBND"  # not the draft's blank "/2025/NQ-HĐND"


def test_subject_citing_another_document_leaves_the_blank_number_blank(
        reader: FieldReader) -> None:
    """Class: a document whose own number is still blank (to be handwritten) and whose
    subject cites another document's number and date."""
    decision = page("""
ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số: /QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Ngãi, ngày tháng 3 năm 2025
QUYẾT ĐỊNH
Về việc sửa đổi danh mục theo Quyết định số 12/QĐ-UBND ngày 01/02/2024
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI
Căn cứ Quyết định số 12/QĐ-UBND ngày 01 tháng 02 năm 2024 của Ủy ban nhân dân tỉnh;
QUYẾT ĐỊNH:
Điều 1. Sửa đổi danh mục ban hành kèm theo Quyết định số 12/QĐ-UBND.
""")
    result = reader.read([decision])
    number = result.fields.get("so_ky_hieu")
    assert number is None or (number.value != "12/QĐ-UBND" and number.confidence < 0.6)
    date = result.fields.get("ngay_ban_hanh")
    assert date is None or date.value != "2024-02-01"
    assert any("so_ky_hieu" in p for p in result.problems)


def test_handwritten_number_read_apart_from_its_symbol_is_joined_noise_is_doubted(
        reader: FieldReader) -> None:
    """Class: the number handwritten into the printed "Số: /QĐ-UBND" blank."""
    rows = [*HEADER, (220, [(22, "Số: 47 /QĐ-UBND"),
                            (124, "Quảng Ngãi, ngày 17 tháng 01 năm 2025")]),
            (320, [(100, "QUYẾT ĐỊNH")]), (360, [(40, "Về việc giao kinh phí")])]
    got = reader.read([columns(rows)]).fields
    assert got["so_ky_hieu"].value == "47/QĐ-UBND" and got["so_ky_hieu"].valid
    rows[2] = (220, [(22, "Số: 4† /QĐÐ-UBND"), (124, "Quảng Ngãi, ngày8 tháng 01 năm 2025")])
    got = reader.read([columns(rows)]).fields
    assert not got["so_ky_hieu"].valid and got["so_ky_hieu"].confidence < 0.6
    assert got["ngay_ban_hanh"].confidence < 0.6  # a day glued to "ngày": handwriting


def test_central_government_header_and_deputy_signing_for_the_prime_minister(
        reader: FieldReader) -> None:
    """Class: documents of the Prime Minister ("THỦ TƯỚNG CHÍNH PHỦ", "KT. THỦ TƯỚNG")."""
    rows = [(100, [(20, "THỦ TƯỚNG CHÍNH PHỦ"), (120, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
            (140, [(128, "Độc lập - Tự do - Hạnh phúc")]),
            (220, [(24, "Số: 1009/QĐ-TTg"), (124, "Hà Nội, ngày 19 tháng 9 năm 2024")]),
            (320, [(100, "QUYẾT ĐỊNH")]),
            (360, [(40, "Phê duyệt nhiệm vụ điều chỉnh quy hoạch")]),
            (440, [(20, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký./.")]),
            (520, [(20, "Nơi nhận:"), (140, "KT. THỦ TƯỚNG")]),
            (560, [(20, "- Thủ tướng, các Phó Thủ tướng;"), (138, "PHÓ THỦ TƯỚNG")]),
            (800, [(140, "Trần Hồng Hà")])]
    got = values(reader.read([columns(rows)]).fields)
    assert got["co_quan_ban_hanh"] == "Thủ tướng Chính phủ"
    assert got["chuc_vu"] == "Phó Thủ tướng" and got["nguoi_ky"] == "Trần Hồng Hà"


def test_two_level_header_names_the_body_under_its_superior(reader: FieldReader) -> None:
    """Class: a steering committee under a province ("UBND TỈNH QUẢNG NGÃI" over "BAN CHỈ
    ĐẠO 138")."""
    rows = [(100, [(20, "UBND TỈNH QUẢNG NGÃI"), (120, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
            (140, [(22, "BAN CHỈ ĐẠO 138"), (128, "Độc lập - Tự do - Hạnh phúc")]),
            (220, [(22, "Số: 15/TB-BCĐ"), (124, "Quảng Ngãi, ngày 02 tháng 4 năm 2024")]),
            (320, [(100, "THÔNG BÁO")]), (360, [(40, "Kết luận của Trưởng ban")])]
    result = reader.read([columns(rows)])
    assert result.doc_type == "thong_bao"
    assert result.fields["co_quan_ban_hanh"].value == "Ban chỉ đạo 138 tỉnh Quảng Ngãi"


def _last_page(title_line: str, name: str) -> PageText:
    return columns([
        (100, [(20, "đôn đốc, tổ chức triển khai thực hiện nghiêm các nội dung Chỉ thị")]),
        (140, [(20, "này; chịu trách nhiệm trước Chủ tịch UBND tỉnh./.")]),
        (220, [(20, "Nơi nhận:"), (140, title_line)]),
        (260, [(20, "- Văn phòng Chính phủ;")]),
        (300, [(20, "- Thường trực Tỉnh ủy;")]),
        (520, [(20, "- Lưu: VT, KTTH."), (138, name)]),
    ])


def test_last_page_alone_is_named_by_its_closing_and_its_signer_read(
        reader: FieldReader) -> None:
    """Class: the last page of a document photographed alone (no title, no number)."""
    result = reader.read([_last_page("CHỦ TỊCH", "Nguyên Hoàng Giang")])
    assert result.doc_type == "chi_thi" and result.confidence < 0.6  # "... Chỉ thị này"
    signer = result.fields["nguoi_ky"]
    # Seal over the name: "Nguyễn" read as "Nguyên", repaired from the family-name list.
    assert signer.value == "Nguyễn Hoàng Giang" and signer.raw == "Nguyên Hoàng Giang"
    assert signer.reason and "Nguyên" in signer.reason and signer.confidence < 0.9
    assert result.fields["chuc_vu"].value == "Chủ tịch"


def test_title_hidden_by_the_seal_is_inferred_from_kt_with_low_confidence(
        reader: FieldReader) -> None:
    """Class: "KT. CHỦ TỊCH" read, the "PHÓ CHỦ TỊCH" line under it lost under the seal."""
    result = reader.read([_last_page("KT. CHỦ TỊCH", "Trần Hoàng Tuấn")])
    title = result.fields["chuc_vu"]
    assert title.value == "Phó Chủ tịch" and title.confidence <= 0.5 and title.reason


def test_red_seal_is_whitened_and_print_under_it_kept() -> None:
    """Class: colour scans with the red seal pressed over the signer's title and name."""
    pixels = np.full((200, 200, 3), 255, np.uint8)
    pixels[5:35, 5:35] = (220, 40, 50)  # seal ink
    pixels[18:22, 0:40] = (20, 20, 25)  # a printed stroke across it
    pixels[30:34, 0:4] = (40, 60, 170)  # blue ink (handwriting) stays
    grey = np.full((200, 200), 128, np.uint8)
    out = whiten_stamps(pixels, grey)
    assert (out[8:15, 8:30] == 255).all()
    assert (out[18:22, 10:30] == 128).all() and (out[31:33, 1:3] == 128).all()
    tinted = np.full((200, 200, 3), (230, 150, 120), np.uint8)  # a reddish desk or light
    assert (whiten_stamps(tinted, grey) == 128).all()
    assert whiten_stamps(grey, grey) is grey  # nothing to do on a grey page


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    return ImageFont.truetype(str(find_font_dir() / name), size)


def _stamped_page(path: Path) -> Path:
    """A Decree 30 first page at 200 dpi with a boxed incoming-mail stamp ("ĐẾN / Số: 123 /
    Ngày: 20/9/2024") pressed in black on the header's left, as a bitonal scan shows it."""
    page_image = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page_image)
    bold, regular = _font(30, bold=True), _font(30)
    draw.text((190, 150), "ỦY BAN NHÂN DÂN", font=bold, fill=0)
    draw.text((190, 195), "TỈNH QUẢNG NGÃI", font=bold, fill=0)
    draw.text((230, 260), "Số: 347/QĐ-UBND", font=regular, fill=0)
    draw.text((760, 150), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=bold, fill=0)
    draw.text((880, 195), "Độc lập - Tự do - Hạnh phúc", font=bold, fill=0)
    draw.text((820, 260), "Quảng Ngãi, ngày 22 tháng 8 năm 2024", font=_font(30), fill=0)
    # The stamp, over the top of the left column and the lines under the number.
    draw.rectangle((120, 330, 600, 560), outline=0, width=4)
    draw.text((150, 345), "UBND HUYỆN BÌNH SƠN", font=_font(26, bold=True), fill=0)
    draw.text((150, 390), "ĐẾN", font=_font(40, bold=True), fill=0)
    draw.text((260, 395), "Số: 123", font=_font(30), fill=0)
    draw.text((150, 450), "Ngày: 20/9/2024", font=_font(30), fill=0)
    draw.text((150, 500), "Chuyển: Phòng Tư pháp", font=_font(26), fill=0)
    draw.text((700, 650), "QUYẾT ĐỊNH", font=_font(34, bold=True), fill=0)
    draw.text((330, 710), "Về việc công bố danh mục thủ tục hành chính", font=bold, fill=0)
    draw.text((420, 800), "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", font=bold, fill=0)
    draw.text((230, 870), "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
              font=regular, fill=0)
    draw.text((700, 940), "QUYẾT ĐỊNH:", font=bold, fill=0)
    draw.text((230, 1010), "Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục.",
              font=regular, fill=0)
    target = path / "quyet-dinh-den.png"
    page_image.point(lambda v: 0 if v < 128 else 255).convert("1").save(target,
                                                                        dpi=(200, 200))
    return target


@pytest.mark.integration
def test_incoming_stamp_number_and_date_are_not_the_documents(tmp_path: Path,
                                                              pipeline: Pipeline) -> None:
    """Class: a scan with the receiving office's "ĐẾN" stamp on the header (its own number
    and date), read with real Tesseract."""
    record = pipeline.ingest(_stamped_page(tmp_path))[0]
    fields = record.fields
    assert record.doc_type == "quyet_dinh"
    assert "123" in record.text  # the stamp is read, and then set aside
    assert fields["so_ky_hieu"]["value"] == "347/QĐ-UBND"
    assert fields["ngay_ban_hanh"]["value"] == "2024-08-22"
    assert fields["co_quan_ban_hanh"]["value"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"


def test_a_mangled_kind_in_the_symbol_is_repaired_or_doubted() -> None:
    """Scans of every Decree 30 kind: OCR doubles or swaps the letters of the symbol's kind
    part; the kind of the document says what it must be."""
    from pipeline.fields.model import FieldValue
    from pipeline.fields.symbols import check_symbol

    read = FieldValue("47/QĐÐ-UBND", 0.9, 1, (0, 0, 1, 1), "47 /QĐÐ-UBND")
    fixed = check_symbol("quyet_dinh", read)
    assert fixed.value == "47/QĐ-UBND" and fixed.confidence < read.confidence
    assert fixed.reason is not None and "QĐÐ" in fixed.reason
    assert check_symbol("to_trinh", FieldValue("09/TTR-UBND", 0.9, 1, None, "")).value \
        == "09/TTr-UBND"
    other = check_symbol("quyet_dinh", FieldValue("12/CT-UBND", 0.95, 1, None, ""))
    assert other.value == "12/CT-UBND" and other.confidence < 0.6
    law = FieldValue("61/2018/NĐ-CP", 0.95, 1, None, "")
    assert check_symbol("nghi_dinh", law) == law
    letter = FieldValue("574/UBND-KTTH", 0.95, 1, None, "")
    assert check_symbol("cong_van", letter) == letter


def test_a_place_and_date_line_wrapped_before_its_year_is_read() -> None:
    """Long place names ("Thành phố Hồ Chí Minh") push the year of the date line onto the next
    line, in print and in scans alike."""
    from pipeline.fields.header import place_date
    from pipeline.fields.lines import document_lines

    words = []
    for line, (y, texts) in enumerate(((100, ["Thành", "phố", "Hồ", "Chí", "Minh,", "ngày",
                                              "27", "tháng", "01", "năm"]),
                                       (130, ["2023"]))):
        x = 600.0
        for text in texts:
            words.append(Word(text, (x, y, x + 12 * len(text), y + 22), 0.95, line))
            x += 12 * len(text) + 10
    page = PageText(number=1, width=1700, height=2400, dpi=200, text_source=TextSource.OCR,
                    words=tuple(words), text="", mean_confidence=0.95)
    lines = document_lines([page])
    found = place_date(lines, None)
    assert found, "the wrapped date line gives a candidate"
    value = " ".join(ln.text[a:b] for ln, a, b in found[0])
    assert value == "ngày 27 tháng 01 năm 2023"
