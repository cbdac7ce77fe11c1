"""Reading order: Decree 30 column blocks read column by column, forms and tables by rows."""

from __future__ import annotations

from pipeline.models import Word
from pipeline.ocr.layout import arrange, is_speck, mean_confidence, words_to_text

H = 20.0  # line height in pixels


def line(index: int, *cells: tuple[float, str]) -> list[Word]:
    """Words of one line; each cell is (x0, text), words 10 px per character apart."""
    words = []
    for x0, text in cells:
        x = x0
        for token in text.split():
            words.append(Word(token, (x, index * 30.0, x + 10 * len(token), index * 30.0 + H),
                              0.9, index))
            x += 10 * len(token) + 8
    return words


def text_of(lines: list[list[Word]]) -> list[str]:
    words, breaks = arrange([w for ln in lines for w in ln])
    return [t for t in words_to_text(words, breaks).split("\n") if t]


def test_header_block_reads_column_by_column() -> None:
    lines = [
        line(0, (100, "UBND TỈNH"), (600, "CỘNG HÒA XÃ HỘI")),
        line(1, (80, "SỞ TƯ PHÁP XYZ"), (620, "Độc lập Tự"),),
        line(2, (110, "Số: 12/QĐ"),),
        line(3, (50, "Điều 1. Phê duyệt danh sách kèm theo quyết định này và giao thực hiện")),
    ]
    assert text_of(lines) == ["UBND TỈNH", "SỞ TƯ PHÁP XYZ", "Số: 12/QĐ", "CỘNG HÒA XÃ HỘI",
                              "Độc lập Tự",
                              "Điều 1. Phê duyệt danh sách kèm theo quyết định này và giao "
                              "thực hiện"]


def test_form_rows_keep_their_order() -> None:
    lines = [
        line(0, (50, "Ngày sinh: 15/02/1967"), (500, "Giới tính: Nam")),
        line(1, (50, "Số định danh: 001")),
        line(2, (50, "Điện thoại: 0912"), (500, "Email: a@b.vn")),
    ]
    assert text_of(lines) == ["Ngày sinh: 15/02/1967 Giới tính: Nam", "Số định danh: 001",
                              "Điện thoại: 0912 Email: a@b.vn"]


def test_table_rows_keep_their_order() -> None:
    lines = [line(i, (50, f"{i} Ông Văn A{i}"), (400, "Chuyên viên" + " x" * i))
             for i in range(1, 5)]
    assert text_of(lines)[0] == "1 Ông Văn A1 Chuyên viên x"
    assert len(text_of(lines)) == 4


def test_recipients_list_beside_the_signer() -> None:
    lines = [
        line(0, (50, "Nơi nhận:"), (560, "KT. CHỦ TỊCH")),
        line(1, (50, "- Như Điều 3;"), (560, "PHÓ CHỦ TỊCH")),
        line(2, (50, "- Lưu: VT.")),
    ]
    assert text_of(lines) == ["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT.", "KT. CHỦ TỊCH",
                              "PHÓ CHỦ TỊCH"]


def test_specks_go_but_dashes_and_words_stay() -> None:
    assert is_speck(Word("_", (0, 0, 5, 4), 0.31, 0), 40)
    assert not is_speck(Word("-", (0, 20, 10, 24), 0.93, 0), 40)
    assert not is_speck(Word("Ký", (0, 0, 30, 40), 0.03, 0), 40)
    # What a seal's bleed-through on a blank page reads as: no word, and not believed.
    assert is_speck(Word("sẾ", (0, 0, 30, 40), 0.0, 0), 40)


def test_confidence_is_weighted_by_characters() -> None:
    words = [Word("Nghị", (0, 0, 1, 1), 1.0, 0), Word(".", (0, 0, 1, 1), 0.0, 0)]
    assert mean_confidence(words) == 0.8
    assert mean_confidence([]) is None


def test_rule_fragments_and_scribbles_are_dropped() -> None:
    from pipeline.ocr.layout import clean_word

    assert clean_word("2.000815_") == "2.000815"
    assert clean_word("|Giấy") == "Giấy"
    assert clean_word("—") == ""
    assert is_speck(Word("", (0, 0, 5, 40), 0.9, 0), 40)
    assert is_speck(Word("C", (0, 0, 20, 40), 0.04, 0), 40)
    assert not is_speck(Word("ở", (0, 0, 20, 40), 0.85, 0), 40)
