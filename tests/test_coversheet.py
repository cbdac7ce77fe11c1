"""Cover sheets split a stack scanned as one file into documents, each linked to its dossier.

The rule is checked on plain :class:`PageText` objects (no OCR); the store side on a small
real PDF with text-layer pages; and the whole spine once with Tesseract on the generated
stack (cover A, A's two-page receipt carrying A's QR code too, cover B, B's form).
"""

from __future__ import annotations

import hashlib
import io
import json
import random
from pathlib import Path

import pikepdf
import pytest

from pipeline.batch import BatchItem
from pipeline.fields.model import FieldValue
from pipeline.fields.reader import FieldsResult
from pipeline.intake.coversheet import COVER_MAX_WORDS, Part, cover_of, split
from pipeline.intake.hints import IntakeHints
from pipeline.models import (
    DocumentRecord,
    FileKind,
    PageText,
    PartInfo,
    SourceFile,
    Status,
    TextSource,
    Variant,
    Word,
)
from pipeline.process import Pipeline, doc_type_of, with_dossier
from pipeline.store import document_id
from samples.content import make_document
from samples.render import render_pdf
from samples.stack import StackInfo, write_stack

CODE_A = "000.00.22.H04-230315-0012"
CODE_B = "000.00.22.H04-230315-0013"


def one_stop(code: str, procedure: str = "1.001612") -> str:
    return json.dumps({"ma_ho_so": code, "ma_thu_tuc": procedure, "ten_giay_to": "Phiếu bìa"},
                      ensure_ascii=False)


def page(number: int, words: int = 150, codes: tuple[str, ...] = (),
         warnings: tuple[str, ...] = ()) -> PageText:
    found = tuple(Word(f"chữ{i}", (10.0 * i, 10.0, 10.0 * i + 8, 20.0), 0.95, i // 10)
                  for i in range(words))
    return PageText(number, 1654, 2339, 200, TextSource.OCR, found,
                    " ".join(w.text for w in found), 0.95 if words else None,
                    warnings=warnings, codes=codes)


def cover(number: int, code: str = CODE_A) -> PageText:
    return page(number, words=12, codes=(one_stop(code),))


# ---------------------------------------------------------------- the rule


def test_a_file_without_cover_sheets_is_one_whole_part() -> None:
    parts = split([page(1), page(2, codes=(one_stop(CODE_A),))])
    assert parts == [Part((1, 2), cut=False)]
    assert parts[0].key == ""


def test_cover_sheets_cut_the_stack_and_are_left_out() -> None:
    pages = [cover(1, CODE_A), page(2), page(3), cover(4, CODE_B), page(5)]
    parts = split(pages)
    assert [(p.pages, p.ma_ho_so, p.cover, p.cover_kept, p.key) for p in parts] == [
        ((2, 3), CODE_A, 1, False, "p2-3"),
        ((5,), CODE_B, 4, False, "p5-5"),
    ]
    assert parts[0].ma_thu_tuc == "1.001612"


def test_a_receipt_carrying_the_dossier_qr_stays_with_its_dossier() -> None:
    """The receipt's corner code names the dossier, but the page is full of text."""
    receipt = page(2, words=180, codes=(one_stop(CODE_A),))
    assert cover_of(receipt) is None
    parts = split([cover(1, CODE_A), receipt, page(3), cover(4, CODE_B), page(5)])
    assert [p.pages for p in parts] == [(2, 3), (5,)]


def test_pages_before_the_first_cover_form_a_part_without_dossier() -> None:
    parts = split([page(1), page(2), cover(3, CODE_A), page(4)])
    assert [(p.pages, p.ma_ho_so, p.key) for p in parts] == [
        ((1, 2), None, "p1-2"), ((4,), CODE_A, "p4-4")]


def test_what_is_not_a_cover_sheet() -> None:
    bad_date = one_stop("000.00.22.H04-231345-0012")  # month 13: not a dossier code
    cccd = "006090012345||NGUYỄN VĂN AN|01011990|Nam|Bắc Kạn|04012021"
    assert cover_of(page(1, words=5, codes=(bad_date,))) is None
    assert cover_of(page(1, words=5, codes=(cccd,))) is None
    assert cover_of(page(1, words=5)) is None
    assert cover_of(page(1, words=COVER_MAX_WORDS + 1, codes=(one_stop(CODE_A),))) is None
    # A page whose OCR failed has no words, yet it is not a blank separator.
    timed_out = page(1, words=0, codes=(one_stop(CODE_A),), warnings=("quá thời gian",))
    assert cover_of(timed_out) is None
    found = cover_of(page(1, words=COVER_MAX_WORDS, codes=(one_stop(CODE_A),)))
    assert found is not None and found.ma_ho_so == CODE_A


def test_back_to_back_covers_make_no_empty_part_unless_covers_are_kept() -> None:
    pages = [cover(1, CODE_A), cover(2, CODE_B), page(3)]
    assert [(p.pages, p.ma_ho_so) for p in split(pages)] == [((3,), CODE_B)]
    kept = split(pages, keep_cover=True)
    assert [(p.pages, p.ma_ho_so, p.cover_kept) for p in kept] == [
        ((1,), CODE_A, True), ((2, 3), CODE_B, True)]


def test_a_file_of_only_a_cover_sheet_stays_whole_with_its_code() -> None:
    [part] = split([cover(1, CODE_A)])
    assert (part.pages, part.ma_ho_so, part.key) == ((1,), CODE_A, "")


# ---------------------------------------------------------------- fields from outside


def field(value: str, valid: bool = True) -> FieldValue:
    return FieldValue(value, 0.9, 1, (1.0, 2.0, 3.0, 4.0), value, valid=valid)


def test_cover_fills_the_dossier_code_and_the_page_wins_when_it_has_one() -> None:
    part = Part((2, 3), CODE_A, "1.001612", 1)
    fields, notes = with_dossier({}, part, IntakeHints(ma_ho_so=CODE_B))
    assert fields["ma_ho_so"].value == CODE_A and fields["ma_ho_so"].source == "cover"
    assert fields["ma_thu_tuc"].source == "cover" and notes == ()
    same, notes = with_dossier({"ma_ho_so": field(CODE_A)}, part, IntakeHints())
    assert same["ma_ho_so"].source == "ocr" and notes == ()
    other, notes = with_dossier({"ma_ho_so": field(CODE_B)}, part, IntakeHints())
    assert other["ma_ho_so"].value == CODE_B
    assert len(notes) == 1 and "tờ bìa" in notes[0]


def test_sidecar_fills_the_dossier_code_only_when_nothing_else_does() -> None:
    fields, notes = with_dossier({}, None, IntakeHints(ma_ho_so=CODE_B))
    assert fields["ma_ho_so"].value == CODE_B and fields["ma_ho_so"].source == "sidecar"
    assert fields["ma_ho_so"].valid and notes == ()
    bad, notes = with_dossier({}, None, IntakeHints(ma_ho_so="HS-12"))
    assert not bad["ma_ho_so"].valid and bad["ma_ho_so"].reason and len(notes) == 1
    kept, notes = with_dossier({"ma_ho_so": field(CODE_A)}, None, IntakeHints(ma_ho_so=CODE_B))
    assert kept["ma_ho_so"].value == CODE_A and len(notes) == 1


def test_station_doc_type_is_used_only_when_classification_found_none() -> None:
    hints = IntakeHints(doc_type="to_khai")
    assert doc_type_of(FieldsResult("unknown", 0.1, {}, ()), hints) == "to_khai"
    assert doc_type_of(FieldsResult("quyet_dinh", 0.9, {}, ()), hints) == "quyet_dinh"


# ---------------------------------------------------------------- records and batch items


def test_records_without_part_read_and_write_as_before() -> None:
    old = {"id": document_id("ab" * 32), "status": "done", "doc_type": "unknown",
           "source": {"filename": "a.pdf", "sha256": "ab" * 32, "size": 1,
                      "media_type": "application/pdf", "station": "s",
                      "received_at": "2024-01-01T00:00:00+07:00"},
           "pages": [], "text": ""}
    record = DocumentRecord.from_dict(old)
    assert record.part is None and record.procedure is None
    assert "part" not in record.to_dict() and "procedure" not in record.to_dict()
    info = PartInfo("p2-3", (2, 3), 1, CODE_A)
    cut = DocumentRecord.from_dict({**old, "part": info.to_dict(), "procedure": "1.001612"})
    assert cut.part == info and cut.procedure == "1.001612"
    assert DocumentRecord.from_dict(cut.to_dict()) == cut


def test_batch_item_reports_every_record_and_the_first_as_record() -> None:
    one = DocumentRecord.from_dict({
        "id": document_id("cd" * 32), "status": "done", "doc_type": "unknown",
        "source": {"filename": "a.pdf", "sha256": "cd" * 32, "size": 1,
                   "media_type": "application/pdf", "station": "s", "received_at": ""},
        "pages": [], "text": ""})
    two = DocumentRecord.from_dict({**one.to_dict(), "id": document_id("cd" * 32, "p2-2")})
    item = BatchItem(Path("a.pdf"), one, None, 0.1, (one, two))
    assert item.record is one and [d["id"] for d in item.to_dicts()] == [one.id, two.id]
    assert BatchItem(Path("a.pdf"), one, None, 0.1).records == (one,)


# ---------------------------------------------------------------- the store side, no OCR


def blank_pdf(path: Path, count: int) -> SourceFile:
    pdf = pikepdf.new()
    for _ in range(count):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.save(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return SourceFile(path, path.name, FileKind.PDF, sha, path.stat().st_size, count, "tram-01",
                      "2024-05-01T08:00:00+07:00")


def text_page(number: int, text: str, codes: tuple[str, ...] = ()) -> PageText:
    words = tuple(Word(w, (10.0 + 40 * i, 10.0, 45.0 + 40 * i, 20.0), 1.0, 0)
                  for i, w in enumerate(text.split()))
    return PageText(number, 595, 842, 72, TextSource.TEXT_LAYER, words, text, 1.0, codes=codes)


def test_keep_parts_stores_each_part_once_and_then_finds_them(tmp_path: Path,
                                                             pipeline: Pipeline) -> None:
    source = blank_pdf(tmp_path / "chong.pdf", 5)
    pages = [text_page(1, "PHIẾU BÌA HỒ SƠ", (one_stop(CODE_A),)),
             text_page(2, "Trang một của hồ sơ A"), text_page(3, "Trang hai của hồ sơ A"),
             text_page(4, "PHIẾU BÌA HỒ SƠ", (one_stop(CODE_B),)),
             text_page(5, "Tờ khai của hồ sơ B")]
    records = pipeline.keep_parts(source, pages, IntakeHints(procedure="1.001612"))
    assert [r.id for r in records] == [document_id(source.sha256, "p2-3"),
                                       document_id(source.sha256, "p5-5")]
    first, second = records
    assert [p.number for p in first.pages] == [1, 2]  # the document's own numbering
    assert first.part == PartInfo("p2-3", (2, 3), 1, CODE_A)
    assert first.text == "Trang một của hồ sơ A\fTrang hai của hồ sơ A"
    assert first.fields["ma_ho_so"]["value"] == CODE_A
    assert second.fields["ma_ho_so"]["source"] == "cover"
    assert first.procedure == "1.001612"
    assert first.artifacts["original"] == second.artifacts["original"]
    for record, count in ((first, 2), (second, 1)):
        data = pipeline.store.read(record.artifacts[Variant.SEARCHABLE.value])
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert len(pdf.pages) == count
    again = pipeline.keep_parts(source, pages)
    assert [r.id for r in again] == [r.id for r in records]
    assert {r.status for r in again} == {Status.DUPLICATE}
    assert len(list(pipeline.store.records())) == 2


# ---------------------------------------------------------------- the real spine


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> StackInfo:
    return write_stack(tmp_path_factory.mktemp("stack"))


def test_generated_stack_records_its_expected_split(stack: StackInfo) -> None:
    truth = json.loads(stack.gt_json_path.read_text(encoding="utf-8"))
    assert truth["covers"] == [1, 4] and truth["pages"] == stack.pages
    assert len(truth["qr"]) == 3  # both cover sheets and the receipt carry one
    assert [p["pages"] for p in truth["parts"]] == [[2, 3], [5]]
    assert [p["doc_type"] for p in truth["parts"]] == ["giay_tiep_nhan", "to_khai"]
    assert truth["parts"][0]["ma_ho_so"] != truth["parts"][1]["ma_ho_so"]


@pytest.mark.integration
def test_stack_is_split_into_documents_of_their_dossiers(stack: StackInfo, pipeline: Pipeline,
                                                         tmp_path: Path) -> None:
    hints = IntakeHints(ma_ho_so="000.00.01.H04-240102-0001", procedure="1.001612")
    records = pipeline.ingest(stack.path, "tram-07", hints=hints)
    sha = hashlib.sha256(stack.path.read_bytes()).hexdigest()
    assert [r.id for r in records] == [document_id(sha, f"p{p.pages[0]}-{p.pages[-1]}")
                                       for p in stack.parts]
    for record, part in zip(records, stack.parts, strict=True):
        assert record.part is not None and record.part.pages == part.pages
        assert record.part.cover_page == part.cover_page
        assert len(record.pages) == len(part.pages)
        assert record.doc_type == part.doc_type
        # The cover sheet wins over the sidecar; the receipt reads its own (same) code.
        assert record.fields["ma_ho_so"]["value"] == part.ma_ho_so
        assert record.fields["ma_ho_so"]["source"] != "sidecar"
        assert record.procedure == "1.001612"
        data = pipeline.store.read(record.artifacts[Variant.SEARCHABLE.value])
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert len(pdf.pages) == len(part.pages)
    # The receipt's own corner code was read on page 2 of the scan, and did not split it.
    assert records[0].fields["ma_ho_so"]["source"] in ("qr", "qr+ocr")
    assert records[1].fields["ma_ho_so"]["source"] == "cover"  # the form has no QR code
    assert records[0].artifacts["original"] == records[1].artifacts["original"]

    class Pages:
        read = 0

        def started(self, source: object) -> None:
            pass

        def page_done(self, source: object, page: object) -> None:
            self.read += 1

    seen = Pages()
    again = pipeline.ingest(stack.path, events=seen)
    assert [r.id for r in again] == [r.id for r in records]
    assert {r.status for r in again} == {Status.DUPLICATE}
    assert seen.read == 0  # the parts are found through the index: nothing is read again

    # A file without cover sheet: one document as before, its dossier from the sidecar.
    form = tmp_path / "to-khai.pdf"
    form.write_bytes(render_pdf(make_document("to_khai", random.Random(3))).pdf)
    [single] = pipeline.ingest(form, hints=IntakeHints(ma_ho_so=CODE_A))
    assert single.id == document_id(hashlib.sha256(form.read_bytes()).hexdigest())
    assert single.part is None
    assert single.fields["ma_ho_so"]["value"] == CODE_A
    assert single.fields["ma_ho_so"]["source"] == "sidecar"
