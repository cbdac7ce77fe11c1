"""Born-digital documents whose number and date were added after export, and the signatures a
document arrives with as evidence beside the paper (issue 13)."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from reportlab.pdfgen import canvas

from pipeline.config import Settings
from pipeline.fields.esign import parse_stamp
from pipeline.fields.reader import FieldReader
from pipeline.intake.hints import IntakeHints
from pipeline.models import DocumentRecord, SignatureEvidence, Status, TextSource, Variant
from pipeline.ocr.reader import plan_pdf_page
from pipeline.ocr.textlayer import page_words, read_text_layer
from pipeline.pdf.signatures import embedded_signatures
from pipeline.process import Pipeline
from pipeline.sign.authority import at_terminal
from pipeline.sign.batch import sign_batch
from pipeline.sign.profiles import Level, load_profile
from pipeline.store import open_store
from pipeline.work.stages import assemble, read_page, store_original
from tests.born_digital import INSERTERS, add_stamp_widget, slotted_quyet_dinh
from tests.sign_env import sign_env
from tests.test_fields import page

ZONE = "Asia/Ho_Chi_Minh"
#: The real development set (see its README): ../shared/real-dev beside the repository.
REAL_DEV = Path(__file__).resolve().parents[2] / "shared" / "real-dev"


def _ingest(settings: Settings, path: Path) -> DocumentRecord:
    with Pipeline(settings) as pipeline:
        (record,) = pipeline.ingest(path)
    return record


@pytest.mark.parametrize("method", sorted(INSERTERS))
def test_number_and_date_added_after_export_are_read(settings: Settings, tmp_path: Path,
                                                      method: str) -> None:
    seed = {"annotation": 3, "incremental": 5, "appended": 8}[method]
    slotted = slotted_quyet_dinh(seed)
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(slotted.blank)
    filled = tmp_path / f"{method}.pdf"
    filled.write_bytes(INSERTERS[method](slotted))
    record = _ingest(settings, filled)
    truth = slotted.sample.fields
    assert [p.text_source for p in record.pages] == [TextSource.TEXT_LAYER]
    for name in ("so_ky_hieu", "ngay_ban_hanh", "co_quan_ban_hanh", "nguoi_ky"):
        got = record.fields[name]
        assert got["value"] == truth[name], (name, got)
        assert got["confidence"] >= 0.9 and got["source"] == "text-layer", (name, got)
    assert record.status is Status.DONE, record.warnings
    # The number reads on its own line, the date on its own: the text is the page's.
    digits, symbol = str(truth["so_ky_hieu"]).split("/", 1)
    assert f"Số: {digits} /{symbol}" in record.text.splitlines()
    # Born-digital: the original is its own searchable copy, as it came.
    assert record.artifacts[Variant.SEARCHABLE.value] == record.artifacts[Variant.ORIGINAL.value]
    # The exported file with its slots still empty gets no number or date invented.
    empty = _ingest(settings, blank)
    assert empty.status is Status.REVIEW
    assert "ngay_ban_hanh" not in empty.fields
    assert not empty.fields["so_ky_hieu"]["valid"]


def test_hidden_annotations_and_signature_stamps_are_not_the_page(tmp_path: Path) -> None:
    slotted = slotted_quyet_dinh(3)
    pdf = pikepdf.open(io.BytesIO(INSERTERS["annotation"](slotted)))
    page = pdf.pages[0]
    slot = slotted.slots[0]
    helv = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))

    def annot(text: str, extra: dict[str, pikepdf.Object | int]) -> pikepdf.Object:
        form = pdf.make_stream(f"BT /H 13 Tf 0 3 Td ({text}) Tj ET".encode(), {
            "/Type": pikepdf.Name.XObject, "/Subtype": pikepdf.Name.Form,
            "/BBox": [0, 0, 80, 16],
            "/Resources": pikepdf.Dictionary(Font=pikepdf.Dictionary(H=helv))})
        return pdf.make_indirect(pikepdf.Dictionary({
            "/Type": pikepdf.Name.Annot, "/AP": pikepdf.Dictionary(N=form),
            "/Rect": [slot.x, slot.baseline - 30, slot.x + 80, slot.baseline - 14], **extra}))

    page.Annots.append(annot("999", {"/Subtype": pikepdf.Name.FreeText, "/F": 2}))  # hidden
    stamp = annot("Ky boi: 777", {"/Subtype": pikepdf.Name.Widget, "/FT": pikepdf.Name.Sig})
    page.Annots.append(stamp)
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[stamp])
    path = tmp_path / "decoys.pdf"
    pdf.save(path)
    with pdfplumber.open(path) as plumber, pikepdf.open(path) as again:
        plan, words = plan_pdf_page(plumber.pages[0], again, 0, Settings().ocr)
    texts = [w["text"] for w in words]
    assert plan.text_source is TextSource.TEXT_LAYER
    assert slot.text in texts and "999" not in texts and "777" not in texts


def test_a_number_stamped_in_another_font_stays_on_its_line() -> None:
    """Lines are grouped by baseline: a number drawn last, in a font whose box top sits
    4 points lower than the line's, is a word of its line, not a line of its own."""
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(595, 842))
    pdf.setFont("Times-Roman", 13)
    for y, text in ((700, "UY BAN NHAN DAN"), (668, "QUYET DINH")):
        pdf.drawString(100, y, text)
    pdf.drawString(100, 684, "So:")
    pdf.drawString(150, 684, "/QD-UBND")
    pdf.setFont("Helvetica", 8)
    pdf.drawString(124, 684, "542")
    pdf.save()
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as doc:
        plumber = doc.pages[0]
        text = read_text_layer(1, (0, 0, 595, 842), page_words(plumber)).text
    assert text.splitlines() == ["UY BAN NHAN DAN", "So: 542 /QD-UBND", "QUYET DINH"]


def test_embedded_signature_of_a_signed_result_is_evidence(tmp_path: Path) -> None:
    with sign_env(tmp_path / "sign") as env:
        (doc_id,) = env.ingest_results(tmp_path / "in", 1, seed=4)
        official = dataclasses.replace(load_profile(env.settings, "official"), level=Level.B_B)
        assert sign_batch(env.settings, env.store, official, [doc_id],
                          mandate=at_terminal(official)).ok
        source = env.store.get_record(doc_id)
        signed = tmp_path / "signed.pdf"
        signed.write_bytes(env.store.read(env.store.artifact(source, Variant.SIGNED)))
        record = _ingest(env.settings, signed)
    (found,) = [e for e in record.evidence if e.source == "pdf-signature"]
    assert found.signer == env.pki.official_name and found.problem is None
    assert datetime.fromisoformat(found.signed_at) == \
        datetime.fromisoformat(source.signatures[0].signed_at)
    assert found.covers_whole_file is True
    # In the JSON contract, and back.
    data = record.to_dict()
    assert data["evidence"][0]["signer"] == env.pki.official_name
    assert DocumentRecord.from_dict(data).evidence == record.evidence
    # A signature made after the issue date by someone else bounds nothing, doubts nothing.
    assert record.fields["ngay_ban_hanh"]["value"] == source.fields["ngay_ban_hanh"]["value"]
    assert record.fields["ngay_ban_hanh"]["confidence"] >= 0.9
    # A file without signatures has none, and its record has no evidence key.
    assert "evidence" not in source.to_dict()


def test_damaged_signature_is_a_reason_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    slotted = slotted_quyet_dinh(3)
    pdf = pikepdf.open(io.BytesIO(slotted.blank))
    sig = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Sig, Filter=pikepdf.Name("/Adobe.PPKLite"),
        SubFilter=pikepdf.Name("/adbe.pkcs7.detached"), ByteRange=[0, 10, 20, 30],
        Contents=pikepdf.String(b"\x30\x03garbage"), M=pikepdf.String("D:20240102030405+07'00'")))
    widget = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Sig,
        T=pikepdf.String("Signature1"), V=sig, Rect=[0, 0, 0, 0], P=pdf.pages[0].obj))
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([widget]))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[widget], SigFlags=3)
    pdf.save(path)
    (found,) = embedded_signatures(path)
    assert found.field_name == "Signature1" and found.problem
    assert found.signed_at == "2024-01-02T03:04:05+07:00"


def test_stamp_texts_are_parsed() -> None:
    issuer = parse_stamp(["Ký bởi: Ủy ban nhân dân tỉnh Quảng", "Ngãi",
                          "Cơ quan: Tỉnh Quảng Ngãi", "Thời gian ký: 19/01/2025 10:13:06"], ZONE)
    assert issuer is not None and issuer.signer == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert issuer.organization == "Tỉnh Quảng Ngãi"
    assert issuer.signed_at is not None
    assert issuer.signed_at.isoformat() == "2025-01-19T10:13:06+07:00"
    portal = parse_stamp(["Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ",
                          "Email: thongtinchinhphu@chinhphu.vn", "Cơ quan: VĂN PHÒNG CHÍNH PHỦ",
                          "Thời gian ký: 20.09.2024 16:40:43 +07:00"], ZONE)
    assert portal is not None and portal.organization == "VĂN PHÒNG CHÍNH PHỦ"
    assert portal.signer == "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ"
    assert portal.signed_at is not None and portal.signed_at.isoformat() == \
        "2024-09-20T16:40:43+07:00"
    gazette = ["TRUNG TÂM CÔNG", "BÁO VÀ TIN HỌC", "ttcbth@quangngai.gov.vn",
               "18.03.2024 09:29:39", "+07:00"]
    assert parse_stamp(gazette, ZONE) is None  # unlabelled: only a known stamp's block
    block = parse_stamp(gazette, ZONE, labelled_only=False)
    assert block is not None and block.signer == "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC"
    assert block.signed_at is not None
    assert block.signed_at.isoformat() == "2024-03-18T09:29:39+07:00"
    assert parse_stamp(["Căn cứ Luật Tổ chức chính quyền địa phương"], ZONE) is None


DECISION = """
ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số: 47/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Ngãi, ngày {day} tháng 01 năm 2025
QUYẾT ĐỊNH
Về việc phân bổ kinh phí
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
QUYẾT ĐỊNH:
Điều 1. Phân bổ kinh phí.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Hoàng Giang
"""
ISSUER = SignatureEvidence("pdf-signature", "Ủy ban nhân dân tỉnh Quảng Ngãi",
                           "Tỉnh Quảng Ngãi", "2025-01-17T17:06:30+07:00",
                           field_name="Signature1")


def _read(day: str, *evidence: SignatureEvidence, text: str = DECISION) -> tuple[
        dict[str, dict[str, object]], tuple[str, ...]]:
    found = FieldReader(today=date(2025, 6, 1)).read(
        [page(text.format(day=day), confidence=0.85)], evidence)
    return {k: v.to_dict() for k, v in found.fields.items()}, found.problems


def test_signature_confirms_the_agency_and_bounds_the_date() -> None:
    fields, problems = _read("17", ISSUER)
    assert fields["ngay_ban_hanh"]["value"] == "2025-01-17" and fields["ngay_ban_hanh"]["valid"]
    agency = fields["co_quan_ban_hanh"]
    assert agency["confirmed_by"] == ["pdf-signature"]
    assert float(agency["confidence"]) >= 0.97  # type: ignore[arg-type]
    assert not any("ký số" in p for p in problems)
    plain, _ = _read("17")
    assert "confirmed_by" not in plain["co_quan_ban_hanh"]
    assert float(plain["co_quan_ban_hanh"]["confidence"]) < 0.9  # type: ignore[arg-type]


def test_issue_date_after_the_signing_time_goes_to_review() -> None:
    fields, problems = _read("18", ISSUER)
    issued = fields["ngay_ban_hanh"]
    assert issued["value"] == "2025-01-18"  # what is printed stays
    assert not issued["valid"] and "sau thời điểm ký số" in str(issued["reason"])
    assert float(issued["confidence"]) < 0.6  # type: ignore[arg-type]
    assert any("ngay_ban_hanh" in p and "sau thời điểm ký số" in p for p in problems)


def test_issue_date_months_before_the_issuers_signature_is_doubtful() -> None:
    late = dataclasses.replace(ISSUER, signed_at="2025-06-17T09:00:00+07:00")
    fields, problems = _read("17", late)
    assert fields["ngay_ban_hanh"]["valid"]
    assert float(fields["ngay_ban_hanh"]["confidence"]) < 0.6  # type: ignore[arg-type]
    assert any("hơn 3 tháng" in p for p in problems)
    # A gazette centre publishing months later says nothing about the date.
    gazette = SignatureEvidence("pdf-signature", "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC",
                                "Sở Thông tin", "2025-06-17T09:00:00+07:00")
    fields, problems = _read("17", gazette)
    assert float(fields["ngay_ban_hanh"]["confidence"]) >= 0.8  # type: ignore[arg-type]
    assert not any("ký số" in p for p in problems)


def test_unread_day_is_flagged_not_filled_and_the_signers_own_signature_bounds_nothing(
        ) -> None:
    fields, problems = _read("  ", ISSUER)
    assert "ngay_ban_hanh" not in fields or fields["ngay_ban_hanh"]["value"] is None
    assert any("không muộn hơn ngày 17/01/2025" in p for p in problems)
    leader = SignatureEvidence("pdf-signature", "Nguyễn Hoàng Giang", "Tỉnh Quảng Ngãi",
                               "2025-01-16T20:00:00+07:00")
    fields, problems = _read("17", leader)
    assert fields["ngay_ban_hanh"]["valid"], problems
    assert fields["nguoi_ky"]["confirmed_by"] == ["pdf-signature"]


def test_stamp_printed_on_the_page_is_evidence() -> None:
    stamped = "Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi\nCơ quan: Tỉnh Quảng Ngãi\n" \
        "Thời gian ký: 16/01/2025 10:13:06\n" + DECISION
    result = FieldReader(today=date(2025, 6, 1)).read([page(stamped.format(day="17"))])
    (stamp,) = result.evidence
    assert (stamp.source, stamp.page, stamp.signed_at) == \
        ("stamp-text", 1, "2025-01-16T10:13:06+07:00")
    issued = result.fields["ngay_ban_hanh"]
    assert not issued.valid and "sau thời điểm ký số" in str(issued.reason)


def _pdfsig_signers(path: Path) -> list[str]:
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    return re.findall(r"Signer Certificate Common Name: (.+)", out.stdout)


@pytest.mark.skipif(not REAL_DEV.is_dir(), reason=f"the real development set is not at "
                    f"{REAL_DEV} (see bench/data/real-dev.json)")
@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler's pdfsig is not installed")
def test_real_signatures_match_pdfsig_and_stamped_scans_stay_scans() -> None:
    for number in range(1, 8):
        path = REAL_DEV / f"dev-{number:02d}.pdf"
        found = embedded_signatures(path)
        assert [s.signer for s in found] == _pdfsig_signers(path), path.name
        assert all(s.signed_at and s.problem is None for s in found), found
        with pdfplumber.open(path) as plumber, pikepdf.open(path) as pdf:
            plan, words = plan_pdf_page(plumber.pages[0], pdf, 0, Settings().ocr)
        # The stamps' text (signature widgets) is not the page: page 1 is still OCRed.
        assert plan.text_source is TextSource.OCR and not words, path.name


@pytest.mark.skipif(not REAL_DEV.is_dir(), reason=f"the real development set is not at "
                    f"{REAL_DEV}")
def test_real_scan_record_lists_its_signatures_and_stamps(settings: Settings) -> None:
    path = REAL_DEV / "dev-04.pdf"
    record = _ingest(settings, path)
    assert all(p.text_source is TextSource.OCR for p in record.pages)
    signed = [(e.signer, e.signed_at) for e in record.evidence if e.source == "pdf-signature"]
    assert signed == [("Ủy ban nhân dân tỉnh Quảng Ngãi", "2025-01-17T17:06:30+07:00"),
                      ("TRUNG TÂM CÔNG BÁO VÀ TIN HỌC", "2025-01-17T17:17:01+07:00")]
    stamps = {(e.signer, e.signed_at) for e in record.evidence if e.source == "stamp-text"}
    assert set(signed) <= stamps
    # The day is handwritten: read or not, no valid date lies after the first signature,
    # and when there is none the reviewer learns the bound.
    issued = record.fields.get("ngay_ban_hanh") or {}
    if issued.get("value") and issued["valid"]:
        assert str(issued["value"]) <= "2025-01-17"
    else:
        assert any("17/01/2025" in w for w in record.warnings), record.warnings


def test_distributed_stages_weigh_the_same_evidence(settings: Settings, tmp_path: Path) -> None:
    """A stamp a signature widget draws (signed the day before the printed date) is found by
    the in-process pipeline and by the worker stages alike."""
    slotted = slotted_quyet_dinh(5)
    issued = date.fromisoformat(str(slotted.sample.fields["ngay_ban_hanh"]))
    before = issued.toordinal() - 1
    stamp = ("Ky boi: Uy ban nhan dan", "Co quan: Van phong",
             f"Thoi gian ky: {date.fromordinal(before):%d/%m/%Y} 10:13:06")
    path = tmp_path / "stamped.pdf"
    path.write_bytes(add_stamp_widget(INSERTERS["incremental"](slotted), stamp))
    here = _ingest(settings, path)
    distributed = dataclasses.replace(settings, home=tmp_path / "workers")
    store = open_store(distributed)
    with Pipeline(distributed, store) as pipeline:
        sub = store_original(distributed, store, path, "tram-1", IntakeHints())
        for number in range(1, sub.page_count + 1):
            read_page(distributed, store, pipeline.reader, sub, number)
        (there,) = assemble(distributed, store, pipeline, sub)
    for record in (here, there):
        (found,) = record.evidence
        assert (found.source, found.signer, found.organization, found.page) == \
            ("stamp-text", "Uy ban nhan dan", "Van phong", 1)
        assert found.signed_at == f"{date.fromordinal(before).isoformat()}T10:13:06+07:00"
        assert not record.fields["ngay_ban_hanh"]["valid"] and record.status is Status.REVIEW
        assert record.fields["so_ky_hieu"]["value"] == slotted.sample.fields["so_ky_hieu"]
    assert here.to_dict()["evidence"] == there.to_dict()["evidence"]
    assert here.fields == there.fields
