"""Once-only reuse (issue 6): a citizen's merged profile with provenance and a conflict flagged,
a dossier's contents, and a new document checked against verified data when it is kept."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import cast

import pytest

from pipeline.config import Settings
from pipeline.fields.model import FieldValue
from pipeline.fields.reader import FieldReader, FieldsResult
from pipeline.index import Index
from pipeline.models import (
    FileKind,
    PageText,
    SignatureEvidence,
    SourceFile,
    Status,
    TextSource,
    Word,
)
from pipeline.ocr.reader import PageReader
from pipeline.process import Pipeline
from pipeline.reuse import citizen_profile, dossier, reconcile
from pipeline.reuse.reconcile import CONFIRMED_CAP
from pipeline.store import DocumentStore, LocalObjectStore
from tests.test_index import (
    CITIZEN,
    DOSSIER,
    OTHER_CITIZEN,
    index_url,
    make_record,
    populate,
    sign,
    sohoa,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DocumentStore]:
    url = index_url(request, tmp_path)
    yield DocumentStore(LocalObjectStore(tmp_path / "store"), Index(url))
    if request.param == "postgresql":
        Index(url).drop_all()


def add_history(store: DocumentStore) -> None:
    """Besides ``populate``: the citizen moved. A signed result gives the new address, an
    older form the old one, and a blurred scan misreads the birth date (low confidence)."""
    old = make_record("old-form", "to_khai", {
        "so_dinh_danh": CITIZEN, "ho_ten": "Trần Văn Bình",
        "noi_thuong_tru": ("Số 12 phố Hàng Bạc, phường Hàng Bạc, quận Hoàn Kiếm, Hà Nội", 0.9),
        "so_dien_thoai": "0912345678"}, created_at="2023-01-05T08:00:00+07:00")
    blurred = make_record("blurred", "to_khai", {
        "so_dinh_danh": CITIZEN, "ngay_sinh": ("1990-06-12", 0.41)},
        created_at="2024-02-01T08:00:00+07:00")
    moved = make_record("residence", "quyet_dinh", {
        "so_dinh_danh": CITIZEN, "ma_ho_so": DOSSIER, "ngay_ban_hanh": "2024-03-20",
        "noi_thuong_tru": ("Số 5 ngõ 8 phố Kim Mã, phường Kim Mã, quận Ba Đình, Hà Nội", 0.88)},
        created_at="2024-03-20T10:00:00+07:00")
    for record in (old, blurred, moved):
        store.put_record(record)
    sign(store, moved, "official", "2024-03-21T08:00:00+07:00")


def test_citizen_profile_merges_documents_with_provenance_and_flags_conflicts(
        store: DocumentStore) -> None:
    docs = populate(store)
    add_history(store)
    assert store.index is not None
    profile = citizen_profile(store.index, store, CITIZEN)

    name = profile.fields["ho_ten"]
    assert name["value"] == "Trần Văn Bình" and not name["conflict"]
    # The latest document saying it: the signed birth extract, signed before KQ02.
    assert name["document"] == docs["extract"].id and name["from_signed"] is True
    assert name["page"] == 1 and name["confidence"] == 0.93

    address = profile.fields["noi_thuong_tru"]
    assert address["value"].startswith("Số 5 ngõ 8 phố Kim Mã")  # the latest: after the move
    assert address["from_signed"] is True and address["conflict"] is True
    assert "noi_thuong_tru" in profile.conflicts
    assert sorted(v["value"][:8] for v in address["values"]) == ["Số 12 ph", "Số 5 ngõ"]
    sources = {s["document"] for v in address["values"] for s in v["sources"]}
    assert len(sources) == 2

    # The misread birth date (41 %) is listed nowhere as a conflict, and is not the value.
    birth = profile.fields["ngay_sinh"]
    assert birth["value"] == "1990-05-12" and not birth["conflict"]
    assert profile.fields["so_dien_thoai"]["value"] == "0912345678"

    ids = {d["id"] for d in profile.documents}
    assert docs["receipt"].id in ids and docs["other"].id not in ids and len(ids) == 8
    results = {r["name"]: r for r in profile.results}
    assert set(results) == {f"{DOSSIER}-KQ01", f"{DOSSIER}-KQ02", f"{DOSSIER}-KQ03"}
    assert results[f"{DOSSIER}-KQ02"]["id"] == docs["decision"].id
    assert [s["role"] for s in results[f"{DOSSIER}-KQ02"]["signers"]] == ["official", "seal"]


def test_dossier_lists_documents_and_results(store: DocumentStore) -> None:
    docs = populate(store)
    assert store.index is not None
    found = dossier(store.index, DOSSIER).to_dict()
    assert [(d["id"], d["kind"]) for d in found["documents"]] == [
        (docs["receipt"].id, "receipt"), (docs["form"].id, "form"),
        (docs["extract"].id, "result"), (docs["decision"].id, "result")]
    assert [(r["name"], r["id"]) for r in found["results"]] == [
        (f"{DOSSIER}-KQ01", docs["extract"].id), (f"{DOSSIER}-KQ02", docs["decision"].id)]


def test_citizen_and_dossier_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOHOA_HOME", str(tmp_path / "var"))
    monkeypatch.delenv("SOHOA_INDEX_URL", raising=False)  # the default: SQLite in SOHOA_HOME
    monkeypatch.delenv("SOHOA_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    store = DocumentStore(LocalObjectStore(tmp_path / "var" / "store"),
                          Index(f"sqlite:///{tmp_path / 'var' / 'index.sqlite3'}"))
    docs = populate(store)
    add_history(store)

    result = sohoa("citizen", CITIZEN, "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["so_dinh_danh"] == CITIZEN and body["conflicts"] == ["noi_thuong_tru"]
    assert body["fields"]["ho_ten"]["document"] == docs["extract"].id

    result = sohoa("citizen", CITIZEN)  # the table for people
    assert result.exit_code == 0 and "MÂU THUẪN" in result.stdout

    result = sohoa("dossier", DOSSIER, "--json")
    assert result.exit_code == 0, result.output
    names = [r["name"] for r in json.loads(result.stdout)["results"]]
    assert names == [f"{DOSSIER}-KQ01", f"{DOSSIER}-KQ02", f"{DOSSIER}-KQ03"]
    assert sohoa("dossier", DOSSIER).exit_code == 0


def test_new_document_agreeing_gains_confidence_disagreeing_goes_to_review(
        store: DocumentStore) -> None:
    populate(store)
    new = make_record("new-form", "to_khai", {
        "so_dinh_danh": CITIZEN, "ho_ten": ("TRẦN VĂN BÌNH", 0.7),
        "ngay_sinh": ("1990-05-21", 0.8), "so_dien_thoai": ("0987654321", 0.8)})
    checked = reconcile(store.index, new)

    # Agrees with the signed birth extract (reference confidence 1.0): capped.
    assert checked.fields["ho_ten"]["confidence"] == CONFIRMED_CAP
    assert checked.fields["ho_ten"]["value"] == "TRẦN VĂN BÌNH"
    # Disagrees with the CCCD read at 99 %: flagged, never corrected.
    birth = checked.fields["ngay_sinh"]
    assert birth["value"] == "1990-05-21" and birth["confidence"] == 0.8
    assert "1990-05-12" in birth["reason"]
    assert checked.status is Status.REVIEW
    assert any("ngay_sinh" in w and "1990-05-12" in w and "cần người kiểm tra" in w
               for w in checked.warnings)
    # Nothing verified about the phone: left as it was.
    assert checked.fields["so_dien_thoai"] == new.fields["so_dien_thoai"]
    # A citizen nobody knows yet: nothing to compare with.
    stranger = make_record("stranger", "to_khai", {"so_dinh_danh": "001185000777",
                                                   "ho_ten": "Lê Thị Hoa"})
    assert reconcile(store.index, stranger) == stranger
    # The applicant of the other dossier is known by the name the receipt gives.
    applicant = make_record("applicant", "to_khai", {"so_dinh_danh": OTHER_CITIZEN,
                                                     "ho_ten": ("Lê Thị Hoa", 0.5)})
    assert reconcile(store.index, applicant).fields["ho_ten"]["confidence"] > 0.9


def test_agreement_with_a_high_confidence_reading_combines_confidences(
        store: DocumentStore) -> None:
    store.put_record(make_record("card", "can_cuoc", {
        "so_dinh_danh": (CITIZEN, 0.99), "gioi_tinh": ("Nam", 0.95)}))
    new = make_record("f", "to_khai", {"so_dinh_danh": CITIZEN, "gioi_tinh": ("Nam", 0.6)})
    checked = reconcile(store.index, new)
    assert checked.fields["gioi_tinh"]["confidence"] == round(1 - 0.4 * 0.05, 3)
    assert checked.status is Status.DONE and checked.warnings == ()


class _Fields:
    """The fields stage, answering what a form of the known citizen would give."""

    def __init__(self, fields: dict[str, FieldValue]) -> None:
        self.fields = fields

    def read(self, _pages: Sequence[PageText],
             _evidence: Sequence[SignatureEvidence] = ()) -> FieldsResult:
        return FieldsResult("to_khai", 0.95, self.fields, ())


def test_pipeline_keep_reconciles_before_the_record_is_written(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "var")
    store = DocumentStore(LocalObjectStore(tmp_path / "store"),
                          Index(f"sqlite:///{tmp_path / 'index.sqlite3'}"))
    populate(store)
    pdf = tmp_path / "to-khai.pdf"
    pdf.write_bytes(b"%PDF-1.4 a born-digital form\n")
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    source = SourceFile(pdf, pdf.name, FileKind.PDF, sha, pdf.stat().st_size, 1, "tram-01",
                        "2024-05-01T08:00:00+07:00")
    words = (Word("Trần", (10, 10, 50, 20), 1.0, 0),)
    page = PageText(1, 595, 842, 72, TextSource.TEXT_LAYER, words, "Trần Văn Bình", 1.0)
    pipeline = Pipeline(settings, store=store, reader=cast(PageReader, object()))
    pipeline.fields = cast(FieldReader, _Fields({
            "so_dinh_danh": FieldValue(CITIZEN, 0.9, 1, None, CITIZEN),
            "ho_ten": FieldValue("Trần Văn Bình", 0.8, 1, None, "Trần Văn Bình"),
            "ngay_sinh": FieldValue("1991-05-12", 0.9, 1, None, "12/05/1991")}))
    record = pipeline.keep(source, [page])
    stored = store.get_record(record.id)
    assert stored == record
    assert stored.status is Status.REVIEW
    assert stored.fields["ho_ten"]["confidence"] == CONFIRMED_CAP
    assert "1990-05-12" in stored.fields["ngay_sinh"]["reason"]
    assert store.index is not None
    assert record.id in {d.document.id for d in store.index.citizen_documents(CITIZEN)}
