"""Unit tests of the sample generator (fast; no Tesseract)."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import re
import unicodedata
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from PIL import Image

from samples import Level, SampleInfo, generate
from samples import data as vn
from samples.content import CITIZEN_TYPES, DOC_TYPES, HOLDOUT, layouts_of, make_document
from samples.degrade import CapturePlan, degrade
from samples.fonts import (
    ENV_FONT_DIR,
    VIETNAMESE_LETTERS,
    FontError,
    check_vietnamese_coverage,
    find_font_dir,
    register_fonts,
)
from samples.generate import main, write_examples
from samples.layout import FieldValue
from samples.metrics import bag_of_words_error, cer, normalise, wer
from samples.render import extract_text, rasterise, render_pdf

FIELD_KEYS = {
    "ho_ten", "ngay_sinh", "gioi_tinh", "so_dinh_danh", "quoc_tich", "que_quan",
    "noi_thuong_tru", "noi_cu_tru", "noi_sinh", "ho_ten_cha", "ho_ten_me", "so_dien_thoai",
    "email", "co_gia_tri_den", "ma_ho_so", "ma_thu_tuc", "ten_thu_tuc",
    "ngay_nhan", "ngay_hen_tra", "nguoi_nop", "so_ky_hieu", "ngay_ban_hanh", "co_quan_ban_hanh",
    "trich_yeu", "nguoi_ky", "chuc_vu", "ma_so_doanh_nghiep", "ten_doanh_nghiep",
    "dia_chi_tru_so", "nguoi_dai_dien", "ngay_dang_ky", "so_tien", "noi_dung_thu",
    "ngay_thu", "so_bien_lai", "ky_hieu", "dia_danh", "noi_dang_ky_khai_sinh",
}
ISO_DATE_KEYS = {"ngay_sinh", "ngay_nhan", "ngay_hen_tra", "ngay_ban_hanh", "ngay_dang_ky",
                 "co_gia_tri_den", "ngay_thu"}
NAME_KEYS = {"ho_ten", "nguoi_nop", "nguoi_ky", "nguoi_dai_dien", "ho_ten_cha", "ho_ten_me"}
PRINTED_AS_IS = {"so_ky_hieu", "ma_ho_so", "ma_thu_tuc", "so_dinh_danh", "ma_so_doanh_nghiep",
                 "so_dien_thoai", "email", "ten_doanh_nghiep", "que_quan", "noi_sinh",
                 "noi_thuong_tru", "noi_cu_tru", "dia_chi_tru_so", "quoc_tich", "so_bien_lai",
                 "ky_hieu", "dia_danh", "noi_dang_ky_khai_sinh"}
EXAMPLES = Path(__file__).resolve().parent.parent / "samples" / "examples"
TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def _assert_id_agrees(fields: dict[str, FieldValue]) -> None:
    """The 12-digit ID encodes a known province, the century and sex, the birth year."""
    pid, birth = str(fields["so_dinh_danh"]), dt.date.fromisoformat(str(fields["ngay_sinh"]))
    assert re.fullmatch(r"\d{12}", pid) and pid[:3] in vn.PROVINCE_BY_CODE, pid
    male = fields["gioi_tinh"] == "Nam"
    assert int(pid[3]) == 2 * (birth.year // 100 - 19) + (0 if male else 1), (pid, birth)
    assert pid[4:6] == f"{birth.year % 100:02d}", (pid, birth)


def _in_order(value: str, text: str) -> bool:
    """The words of ``value`` appear in ``text`` in their order (cells of a table row are
    read line by line across the row)."""
    words = iter(text.split())
    return all(any(w == got for got in words) for w in value.split())


def _tax_code_ok(code: str) -> bool:
    """Independent re-implementation of the 10-digit check."""
    if not re.fullmatch(r"\d{10}", code):
        return False
    total = sum(int(d) * w for d, w in zip(code[:9], TAX_WEIGHTS, strict=True))
    return 10 - total % 11 == int(code[9])


# ---------------------------------------------------------------- identifiers


@pytest.mark.parametrize(
    ("code", "name"),
    [("001", "Hà Nội"), ("079", "Hồ Chí Minh"), ("027", "Bắc Ninh"), ("006", "Bắc Kạn"),
     ("022", "Quảng Ninh"), ("074", "Bình Dương"), ("019", "Thái Nguyên"), ("031", "Hải Phòng"),
     ("048", "Đà Nẵng"), ("040", "Nghệ An")],
)
def test_province_codes(code: str, name: str) -> None:
    assert vn.PROVINCE_BY_CODE[code].name == name


def test_province_table_is_consistent() -> None:
    codes = [p.code for p in vn.PROVINCES]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"\d{3}", c) for c in codes)
    assert all(re.fullmatch(r"H\d{2}", p.agency_code) for p in vn.PROVINCES)


def test_personal_ids_agree_with_birth_date_sex_and_province() -> None:
    centuries = set()
    for seed in range(300):
        person = vn.make_person(random.Random(seed), dt.date(2024, 6, 3), min_age=16,
                                max_age=90)
        pid = person.personal_id
        assert re.fullmatch(r"\d{12}", pid)
        assert vn.PROVINCE_BY_CODE[pid[:3]] == person.birth_province
        century = person.birth_date.year // 100
        expected = {(19, True): "0", (19, False): "1", (20, True): "2", (20, False): "3"}
        assert pid[3] == expected[(century, person.male)]
        assert pid[4:6] == f"{person.birth_date.year % 100:02d}"
        centuries.add(century)
        assert person.gender == ("Nam" if person.male else "Nữ")
    assert centuries == {19, 20}


def test_century_digit_rejects_unencodable_years() -> None:
    assert vn.century_sex_digit(2001, male=False) == 3
    with pytest.raises(ValueError, match="1900-2399"):
        vn.century_sex_digit(1899, male=True)


def test_tax_codes_pass_the_check_digit() -> None:
    assert _tax_code_ok("0100109106")  # a real, published enterprise code
    assert vn.tax_check_digit("010010910") == 6
    assert vn.tax_check_digit("000000000") is None  # would need a check digit of 10
    for seed in range(200):
        province = random.Random(seed).choice(vn.PROVINCES)
        code = vn.tax_code(random.Random(seed), province)
        assert _tax_code_ok(code), code
        assert code.startswith(province.tax_prefix)


def test_codes_dates_phones_and_money_formats() -> None:
    rng = random.Random(7)
    day = dt.date(2023, 3, 15)
    province = vn.PROVINCE_BY_CODE["006"]
    code = vn.dossier_code(rng, vn.agency_code(rng, province), day)
    assert re.fullmatch(r"000\.00\.\d{2}\.H04-230315-\d{4}", code)
    for _ in range(100):
        assert re.fullmatch(r"0[35789]\d{8}", vn.phone_number(rng))
    assert vn.date_line("Bắc Kạn", dt.date(2023, 7, 4)) == "Bắc Kạn, ngày 04 tháng 7 năm 2023"
    assert vn.long_date(dt.date(2024, 2, 15)) == "ngày 15 tháng 02 năm 2024"
    assert vn.short_date(dt.date(2023, 7, 4)) == "04/7/2023"
    assert vn.add_working_days(dt.date(2023, 3, 17), 1) == dt.date(2023, 3, 20)  # Fri -> Mon
    assert vn.format_money(1_500_000) == "1.500.000"
    assert vn.ascii_fold("Đặng Thị Ánh") == "Dang Thi Anh"


@pytest.mark.parametrize(
    ("amount", "words"),
    [(0, "Không đồng"), (8_000, "Tám nghìn đồng"), (10_000, "Mười nghìn đồng"),
     (15_000, "Mười lăm nghìn đồng"), (21_000, "Hai mươi mốt nghìn đồng"),
     (75_000, "Bảy mươi lăm nghìn đồng"), (105_000, "Một trăm linh năm nghìn đồng"),
     (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
     (2_000_000_000, "Hai tỷ đồng")],
)
def test_money_in_words(amount: int, words: str) -> None:
    assert vn.money_words(amount) == words


# ---------------------------------------------------------------- documents


EVERY_LAYOUT = [(t, name) for t in DOC_TYPES for name in layouts_of(t)]


@pytest.mark.parametrize(("doc_type", "layout"), EVERY_LAYOUT)
def test_documents_have_consistent_fields(doc_type: str, layout: str) -> None:
    for seed in range(6):
        doc = make_document(doc_type, random.Random(seed), layout=layout)
        rendered = render_pdf(doc)
        text = normalise(rendered.text)
        assert doc.doc_type == doc_type and doc.layout == layout
        assert doc.fields and set(doc.fields) <= FIELD_KEYS
        for key, value in doc.fields.items():
            if key == "so_tien":
                assert isinstance(value, int)
                assert vn.format_money(value) in text
                continue
            assert isinstance(value, str)
            assert unicodedata.is_normalized("NFC", value)
            if key in ISO_DATE_KEYS:
                dt.date.fromisoformat(value)
            elif key in NAME_KEYS:
                assert value.casefold() in text.casefold()
                assert value == " ".join(w.capitalize() for w in value.split()), value
            elif key in PRINTED_AS_IS:
                assert value in text or _in_order(value, text), (key, value)  # table cells
        if "gioi_tinh" in doc.fields:
            assert doc.fields["gioi_tinh"] in {"Nam", "Nữ"}
        if {"so_dinh_danh", "ngay_sinh", "gioi_tinh"} <= set(doc.fields):
            _assert_id_agrees(doc.fields)
        if "ma_so_doanh_nghiep" in doc.fields:
            assert _tax_code_ok(str(doc.fields["ma_so_doanh_nghiep"]))
        if "ngay_hen_tra" in doc.fields:
            assert str(doc.fields["ngay_hen_tra"]) > str(doc.fields["ngay_nhan"])


def test_content_varies_with_seed() -> None:
    sentences = set()
    for seed in range(20):
        for doc_type in ("quyet_dinh", "cong_van", "thong_bao"):
            rendered = render_pdf(make_document(doc_type, random.Random(seed)))
            sentences |= {s for s in re.split(r"(?<=[.;:])\s", normalise(rendered.text))
                          if len(s) > 60}
    assert len(sentences) >= 40


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_pdf_text_matches_ground_truth(doc_type: str) -> None:
    doc = make_document(doc_type, random.Random(11), pages=2)
    rendered = render_pdf(doc)
    expected_pages = 2 if doc_type in {"quyet_dinh", "giay_tiep_nhan", "can_cuoc"} else 1
    assert rendered.page_count == expected_pages
    extracted = extract_text(rendered.pdf)
    assert len(extracted) == expected_pages
    for index, page_text in enumerate(extracted):
        truth = rendered.page_text(index)
        assert cer(truth, page_text) < 0.02
        flat = normalise(page_text)
        for line in rendered.pages[index]:  # every drawn line is there, in one piece
            assert normalise(line) in flat
        assert all(unicodedata.is_normalized("NFC", line) for line in rendered.pages[index])
    assert "\f" not in rendered.page_text(0)
    assert rendered.text.count("\f") == expected_pages - 1
    with pikepdf.open(io.BytesIO(rendered.pdf)) as pdf:
        assert str(pdf.docinfo["/Title"]) == doc.title
        assert len(pdf.pages) == expected_pages


@pytest.mark.parametrize(("doc_type", "layout"), [
    (t, name) for t, name in EVERY_LAYOUT if name != layouts_of(t, "classic")[0]])
def test_other_layouts_draw_their_ground_truth(doc_type: str, layout: str) -> None:
    rendered = render_pdf(make_document(doc_type, random.Random(4), pages=2, layout=layout))
    for index, page_text in enumerate(extract_text(rendered.pdf)):
        assert cer(rendered.page_text(index), page_text) < 0.02
        flat = normalise(page_text)
        assert all(normalise(line) in flat for line in rendered.pages[index])


def test_citizen_types_have_three_layouts_and_one_hold_out() -> None:
    assert set(CITIZEN_TYPES) == {"to_khai", "giay_tiep_nhan", "quyet_dinh",
                                  "giay_chung_nhan_dkdn", "trich_luc_khai_sinh", "can_cuoc",
                                  "bien_lai"}
    for doc_type in CITIZEN_TYPES:
        assert len(layouts_of(doc_type)) >= 3
        assert layouts_of(doc_type, "holdout") == (HOLDOUT[doc_type],)
        assert HOLDOUT[doc_type] not in layouts_of(doc_type, "train")
    assert layouts_of("cong_van", "holdout") == ()
    with pytest.raises(ValueError, match="layout"):
        make_document("to_khai", random.Random(1), layout="khong-co")


def test_generator_selects_layouts(tmp_path: Path) -> None:
    held = generate(tmp_path / "h", 7, levels=["clean"], formats=["pdf"], layouts="holdout")
    assert {(s.doc_type, s.layout) for s in held} == set(HOLDOUT.items())
    meta = json.loads(held[0].gt_json_path.read_text(encoding="utf-8"))
    assert meta["layout"] == HOLDOUT[meta["doc_type"]]
    train = generate(tmp_path / "t", 27, levels=["clean"], formats=["pdf"], layouts="train")
    assert not {(s.doc_type, s.layout) for s in train} & set(HOLDOUT.items())
    assert len({s.layout for s in train if s.doc_type == "to_khai"}) == 3
    with pytest.raises(ValueError, match="holdout"):
        generate(tmp_path / "x", 1, doc_types=["cong_van"], layouts="holdout")


def test_second_page_is_numbered() -> None:
    rendered = render_pdf(make_document("quyet_dinh", random.Random(2), pages=2))
    assert rendered.pages[1][0] == "2"
    assert rendered.pages[0][0] != "1"


def test_render_is_deterministic() -> None:
    first = render_pdf(make_document("giay_tiep_nhan", random.Random(5), pages=2))
    again = render_pdf(make_document("giay_tiep_nhan", random.Random(5), pages=2))
    other = render_pdf(make_document("giay_tiep_nhan", random.Random(6), pages=2))
    assert first.pdf == again.pdf
    assert first.pages == again.pages
    assert first.pages != other.pages


# ---------------------------------------------------------------- degradations


@pytest.fixture(scope="module")
def receipt_pdf() -> bytes:
    return render_pdf(make_document("bien_lai", random.Random(1))).pdf


def test_raster_sizes_follow_dpi(receipt_pdf: bytes) -> None:
    (full,) = rasterise(receipt_pdf, 300)
    (half,) = rasterise(receipt_pdf, 150)
    assert full.shape == (3508, 2481) and full.dtype == np.uint8
    assert abs(half.shape[0] / full.shape[0] - 0.5) < 0.01
    assert abs(half.shape[1] / full.shape[1] - 0.5) < 0.01
    (rgb,) = rasterise(receipt_pdf, 100, colour=True)
    assert rgb.ndim == 3 and rgb.shape[2] == 3


def _num(value: object) -> float:
    assert isinstance(value, int | float)
    return float(value)


def test_degradations_produce_documented_sizes(receipt_pdf: bytes) -> None:
    (page300,) = rasterise(receipt_pdf, 300)
    (page150,) = rasterise(receipt_pdf, 150)
    rng = random.Random(0)
    hard300, _ = degrade(page300, CapturePlan(Level.HARD, 300, effects=("blur_noise",)), rng)
    hard150, rec = degrade(page150, CapturePlan(Level.HARD, 150, effects=("blur_noise",)), rng)
    assert hard300.shape == page300.shape and hard150.shape == page150.shape
    assert abs(hard150.shape[0] / hard300.shape[0] - 0.5) < 0.01
    assert rec["low_resolution"] is True
    scanned, rec = degrade(page150, CapturePlan(Level.SCANNED, 150), rng)
    assert scanned.shape == page150.shape and 0.3 <= abs(_num(rec["skew_deg"])) <= 2.0
    rotated, rec = degrade(page150, CapturePlan(Level.HARD, 150, effects=("rotation",)), rng)
    assert rec["rotation"] in (90, 180, 270)
    expected = page150.shape[::-1] if rec["rotation"] in (90, 270) else page150.shape
    assert rotated.shape == expected
    skewed, rec = degrade(page150, CapturePlan(Level.HARD, 150, effects=("skew",)), rng)
    assert 2.0 <= abs(_num(rec["skew_deg"])) <= 8.0
    assert skewed.shape[0] > page150.shape[0] and skewed.shape[1] > page150.shape[1]
    photo, rec = degrade(page150, CapturePlan(Level.HARD, 150, colour=True, photo=True), rng)
    assert photo.ndim == 3 and [photo.shape[1], photo.shape[0]] == rec["image_size"]
    clean, rec = degrade(page150, CapturePlan(Level.CLEAN, 150), rng)
    assert clean is page150 and rec["level"] == "clean"


@pytest.mark.parametrize(
    "plan",
    [CapturePlan(Level.SCANNED, 100), CapturePlan(Level.SCANNED, 100, clean_background=True),
     CapturePlan(Level.HARD, 100, effects=("illumination", "jpeg", "skew")),
     CapturePlan(Level.HARD, 100, colour=True, photo=True, mild=True)],
)
def test_degradations_are_seeded(receipt_pdf: bytes, plan: CapturePlan) -> None:
    (page,) = rasterise(receipt_pdf, 100, colour=plan.colour)
    a, rec_a = degrade(page, plan, random.Random(3))
    b, rec_b = degrade(page, plan, random.Random(3))
    c, _ = degrade(page, plan, random.Random(4))
    assert np.array_equal(a, b) and rec_a == rec_b
    assert not np.array_equal(a, c)
    assert a.dtype == np.uint8
    json.dumps(rec_a)  # records are JSON-ready


# ---------------------------------------------------------------- generator


def _tree(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def _generate_small(out: Path) -> list[SampleInfo]:
    return generate(out, 3, ["clean", "scanned", "hard"], seed=4,
                    doc_types=["bien_lai", "to_khai", "giay_tiep_nhan"],
                    formats=["pdf", "png", "tiff", "image-pdf"], dpi=100)


def test_generate_is_deterministic_and_complete(tmp_path: Path) -> None:
    infos = _generate_small(tmp_path / "a")
    _generate_small(tmp_path / "b")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")

    assert all(isinstance(i, SampleInfo) for i in infos)
    assert {i.format for i in infos} == {"pdf", "png", "tiff", "image-pdf"}
    assert {i.level for i in infos} == set(Level)
    born = [i for i in infos if i.born_digital]
    assert len(born) == 3 and all(i.level is Level.CLEAN for i in born)
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))
    assert [s["file"] for s in manifest["samples"]] == [i.path.name for i in infos]
    for info in infos:
        assert info.path.is_file() and info.path.stat().st_size > 0
        text = info.gt_text_path.read_text(encoding="utf-8")
        assert text == info.gt_text and unicodedata.is_normalized("NFC", text)
        assert text.count("\f") == info.pages - 1
        meta = json.loads(info.gt_json_path.read_text(encoding="utf-8"))
        assert meta["doc_type"] == info.doc_type and meta["level"] == info.level
        assert meta["pages"] == info.pages == len(meta["degradations"])
        assert meta["fields"] == info.fields and meta["born_digital"] == info.born_digital
        if info.format == "png":
            with Image.open(info.path) as img:
                assert info.dpi is not None
                assert round(img.info["dpi"][0]) == info.dpi == 100
        if info.format == "tiff":
            with Image.open(info.path) as img:
                assert getattr(img, "n_frames", 1) == info.pages
        if info.format == "image-pdf":
            with pikepdf.open(info.path) as pdf:
                assert len(pdf.pages) == info.pages
                width_in = float(pdf.pages[0].mediabox[2]) / 72  # A4 at the image's dpi
                assert abs(width_in - 8.27) < 0.1 or info.level is Level.HARD


def test_generate_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="doc_types"):
        generate(tmp_path, 1, doc_types=["hop_dong"])
    with pytest.raises(ValueError, match="raster format"):
        generate(tmp_path, 1, levels=[Level.HARD], formats=["pdf"])


def test_cli_writes_born_digital_pdfs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--count", "2", "--levels", "clean", "--formats", "pdf",
                 "--types", "thong_bao,cong_van", "--seed", "9"]) == 0
    assert "wrote 2 samples" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [
        "0000-thong-bao-born-digital.pdf", "0001-cong-van-born-digital.pdf"]


def test_committed_examples_are_small_and_described() -> None:
    files = [p for p in EXAMPLES.iterdir() if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 2_000_000
    manifest = json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))
    samples = {s["file"]: s for s in manifest["samples"]}
    assert set(samples) == {"quyet-dinh-born-digital.pdf", "to-khai-scanned-200dpi.png",
                            "giay-tiep-nhan-scanned.pdf", "cong-van-phone-photo.jpg",
                            "bien-lai-scanned.tiff"}
    assert samples["quyet-dinh-born-digital.pdf"]["pages"] == 2
    assert samples["giay-tiep-nhan-scanned.pdf"]["pages"] == 2
    for name, entry in samples.items():
        assert (EXAMPLES / name).is_file()
        assert (EXAMPLES / entry["gt_text"]).is_file() and (EXAMPLES / entry["gt_json"]).is_file()


def test_examples_are_reproducible(tmp_path: Path) -> None:
    write_examples(tmp_path)
    for name in ("quyet-dinh-born-digital.pdf", "quyet-dinh-born-digital.gt.txt",
                 "bien-lai-scanned.gt.json", "to-khai-scanned-200dpi.gt.txt"):
        assert (tmp_path / name).read_bytes() == (EXAMPLES / name).read_bytes(), name


# ---------------------------------------------------------------- fonts


def test_installed_font_covers_vietnamese() -> None:
    assert len(VIETNAMESE_LETTERS) == 134  # 67 letters x 2 cases
    fonts = register_fonts()
    for path in fonts.directory.glob("LiberationSerif-*.ttf"):
        check_vietnamese_coverage(path)


def test_font_without_vietnamese_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = find_font_dir()
    options = subset.Options()
    options.name_IDs = ["*"]
    for name in ("Regular", "Bold", "Italic", "BoldItalic"):
        font = TTFont(str(source / f"LiberationSerif-{name}.ttf"))
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=range(0x20, 0x250))  # Latin, but nothing from U+1EA0
        subsetter.subset(font)
        font.save(str(tmp_path / f"LiberationSerif-{name}.ttf"))
    with pytest.raises(FontError, match="Vietnamese letters"):
        check_vietnamese_coverage(tmp_path / "LiberationSerif-Regular.ttf")
    monkeypatch.setenv(ENV_FONT_DIR, str(tmp_path))
    with pytest.raises(FontError, match="lacks 90 Vietnamese letters"):
        register_fonts()


# ---------------------------------------------------------------- metrics


def test_metrics() -> None:
    assert cer("abc", "abd") == pytest.approx(1 / 3)
    nfc = "Nguyễn Thị Ánh"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd and cer(nfc, nfd) == 0.0
    assert normalise(" a\t b\n\fc  ") == "a b c"
    assert cer("", "") == 0.0 and cer("", "x") == 1.0
    assert wer("một hai ba bốn", "một hai ba năm") == pytest.approx(0.25)
    assert bag_of_words_error("a b\nc d", "c d a b") == 0.0
    assert bag_of_words_error("a b c d", "a b c") == pytest.approx(0.25)
