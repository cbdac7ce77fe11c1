"""Vietnamese syllables and the repair of OCR misreadings in names, agencies and titles."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pytest

from pipeline.fields.provinces import PROVINCE_CODES
from pipeline.text.lexicon import admin_phrases, name_syllables, surnames, syllables_of
from pipeline.text.repair import (
    LEFT_INVALID,
    SAME_LETTERS,
    repair_name,
    repair_words,
)
from pipeline.text.syllable import is_valid, is_word, parse


def test_syllables_of_the_language_are_valid() -> None:
    for word in ("Nguyễn", "Nguyên", "quốc", "giếng", "gì", "khuya", "thuở", "xoong", "ngoài",
                 "kỳ", "TỈNH", "Quảng", "Ngãi", "uỷ", "quên", "Đắk", "Lắk", "ĐỊNH", "yêu"):
        assert is_valid(word), word
    parts = parse("Nguyễn")
    assert parts is not None and (parts.onset, parts.rhyme, parts.tone) == ("ng", "uyên", "ngã")


def test_misreadings_outside_the_closed_set_are_invalid() -> None:
    for word in ("huvện", "Đeứnh", "Nguyen", "cinh", "ge", "coa", "tíct", "ạcx", "bàc",
                 "ngié", "Uỷy", "4T", "quâc"):
        assert not is_valid(word), word
    # A stop-final rhyme takes only the rising or the heavy tone.
    assert is_valid("tiếp") and is_valid("tiệp") and not is_valid("tiềp")
    # Spelling rules: k/gh/ngh before front vowels, c/g/ng elsewhere.
    assert is_valid("kê") and not is_valid("cê") and is_valid("ghi") and not is_valid("gha")


def test_a_word_is_a_valid_syllable_in_a_written_case() -> None:
    assert is_word("Ký") and is_word("KÝ") and is_word("ký")
    assert not is_word("sẾ")  # read from a seal's bleed-through
    assert not is_word("huvện")


def test_tesseract_dictionary_words_are_nearly_all_valid() -> None:
    """The rules accept the Vietnamese words of Tesseract's own dictionary (its vie model):
    a check of the rules against a word list they were not written from."""
    traineddata = next(Path("/usr/share/tesseract-ocr").glob("*/tessdata/vie.traineddata"),
                       None)
    if traineddata is None or not shutil.which("combine_tessdata") \
            or not shutil.which("dawg2wordlist"):
        pytest.skip("Tesseract's vie model or its tools are not installed")
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "vie."
        subprocess.run(["combine_tessdata", "-u", str(traineddata), str(prefix)], check=True,
                       capture_output=True)
        words = Path(tmp) / "words.txt"
        subprocess.run(["dawg2wordlist", f"{prefix}lstm-unicharset", f"{prefix}lstm-word-dawg",
                        str(words)], check=True, capture_output=True)
        listed = [unicodedata.normalize("NFC", w.strip())
                  for w in words.read_text(encoding="utf-8").splitlines()]
    # Words with a Vietnamese letter, in a word's case: abbreviations ("HĐND") and words run
    # together ("MinhQuận") are not syllables.
    vietnamese = [w for w in listed if w.isalpha() and any(ord(c) > 127 for c in w)
                  and (w.islower() or (w[0].isupper() and w[1:].islower()))]
    rejected = [w for w in vietnamese if not is_valid(w)]
    assert len(vietnamese) > 3000
    assert len(rejected) / len(vietnamese) < 0.01, rejected[:40]


def test_lists_are_loaded_with_their_sources() -> None:
    assert surnames().words[0] == "Nguyễn" and "Nguyên" not in surnames()
    assert "Hằng" in name_syllables() and "Thị" in name_syllables()
    assert "Trần" in name_syllables()  # a family name may be a middle name
    for path in Path("pipeline/text/data").glob("*.txt"):
        head = path.read_text(encoding="utf-8").splitlines()[0]
        assert head.startswith("#"), f"{path.name} must say where its words come from"
    assert all(is_valid(w) for w in surnames().words)


def test_family_name_is_repaired_from_its_closed_list() -> None:
    fix = repair_name("Nguyên Hoàng Giang")
    assert fix.text == "Nguyễn Hoàng Giang" and fix.changes == (("Nguyên", "Nguyễn"),)
    assert fix.factor == SAME_LETTERS and fix.reason() and "Nguyên" in str(fix.reason())
    assert repair_name("Trân Phước Hiền").text == "Trần Phước Hiền"


def test_nguyen_is_a_valid_given_name_and_is_kept() -> None:
    fix = repair_name("Nguyễn Nguyên")
    assert fix.text == "Nguyễn Nguyên" and not fix.touched
    assert not repair_name("Võ Phiên").touched  # a rare name is no error


def test_invalid_syllables_are_repaired_and_valid_doubts_only_flagged() -> None:
    fix = repair_name("Lê Văn Huvện")
    assert fix.text == "Lê Văn Huyền" and fix.factor < SAME_LETTERS
    doubt = repair_name("Nguyễn Thị Hãng")  # valid, but "Hằng" is the name
    assert doubt.text == "Nguyễn Thị Hãng" and doubt.doubts == (("Hãng", "Hằng"),)
    assert doubt.factor < 0.6 and "Hằng" in str(doubt.reason())
    left = repair_name("Đeứnh Xqz Ab")
    assert left.invalid and left.factor <= LEFT_INVALID


def test_agency_and_title_words_are_repaired_from_the_administrative_vocabulary() -> None:
    lexicon = syllables_of([*admin_phrases(), *PROVINCE_CODES.values()])
    fix = repair_words("UBND HUVỆN BÌNH SƠN", lexicon)
    assert fix.text == "UBND HUYỆN BÌNH SƠN" and fix.changes == (("HUVỆN", "HUYỆN"),)
    assert repair_words("PHÓ CHỦ TICH", lexicon).text == "PHÓ CHỦ TỊCH"
    same = repair_words("Ủy ban nhân dân huyện Tĩnh Gia", lexicon)  # a valid proper name
    assert same.text == "Ủy ban nhân dân huyện Tĩnh Gia" and not same.touched
    assert not repair_words("BAN CHỈ ĐẠO 138, QĐ-UBND", lexicon).touched
