"""The index (issue 6) on SQLite and on a real PostgreSQL: lookups by ID, citizen, dossier and
portal result name, revocation, and a rebuild from the bucket alone after the index is lost.

Records are built as the pipeline and the signing batch write them (fields with
provenance, signatures with the versions they produced), and stored through
``DocumentStore.put_record`` so the index is updated the way production updates it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.errors import NotFound
from pipeline.index import Index, read_revocation, reindex, resolve, revoke
from pipeline.index.revocation import NotAResult
from pipeline.models import (
    DocumentRecord,
    PageInfo,
    SignatureInfo,
    SourceInfo,
    Status,
    TextSource,
)
from pipeline.store import DocumentStore, LocalObjectStore, document_id

DOSSIER = "000.00.22.H04-230315-0012"
OTHER_DOSSIER = "000.00.22.H04-230401-0007"
CITIZEN = "001090012345"  # Hà Nội, male, born 1990
OTHER_CITIZEN = "079195001234"  # TP HCM, female, born 1995


# -- building records as the pipeline writes them ------------------------------------------
FieldSpec = str | tuple[str, float] | tuple[str, float, bool]


def make_fields(values: dict[str, FieldSpec], page: int = 1) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, spec in values.items():
        if isinstance(spec, str):
            value, confidence, valid = spec, 0.93, True
        elif len(spec) == 2:
            value, confidence, valid = spec[0], spec[1], True
        else:
            value, confidence, valid = spec
        out[name] = {"value": value, "confidence": confidence, "page": page,
                     "bbox": [100.0, 200.0, 900.0, 240.0], "raw": value, "valid": valid,
                     "source": "ocr"}
    return out


def make_record(seed: str, doc_type: str, values: dict[str, FieldSpec], *,
                created_at: str = "2024-03-15T09:00:00+07:00") -> DocumentRecord:
    sha = hashlib.sha256(seed.encode()).hexdigest()
    return DocumentRecord(
        id=document_id(sha), status=Status.DONE, doc_type=doc_type,
        source=SourceInfo(f"{seed}.pdf", sha, 1234, "application/pdf", "tram-01", created_at),
        pages=(PageInfo(1, 2480, 3508, 300, TextSource.OCR, 0.91),),
        text=f"{doc_type} {seed}", fields=make_fields(values), created_at=created_at,
        doc_type_confidence=0.9)


def sign(store: DocumentStore, record: DocumentRecord, role: str,
         signed_at: str) -> DocumentRecord:
    """What ``sign batch`` does to a record: a new write-once version and a signature."""
    import dataclasses

    n = len(record.signatures) + 1
    field_name = {"official": "sohoa-official", "seal": "sohoa-seal", "copy": "sohoa-copy"}[role]
    data = f"%PDF-1.7 signed {record.id} #{n} by {role}\n".encode()
    artifact = store.put_signed(store.signed_key(record.id, n, field_name), data)
    info = SignatureInfo(field_name=field_name, profile=role, role=role, level="B-LT",
                         signer=f"CN=Nguyễn Văn {role.title()}", certificate_sha256="ab" * 32,
                         algorithm="RSASSA-PSS 3072, SHA256", signed_at=signed_at,
                         key=artifact.key, sha256=artifact.sha256, size=artifact.size)
    signed = dataclasses.replace(record, signatures=(*record.signatures, info),
                                 artifacts={**record.artifacts, "signed": artifact})
    store.put_record(signed)
    return signed


# -- the store with its index, on each backend ---------------------------------------------
def index_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'index.sqlite3'}"
    url: str = request.getfixturevalue("pg_server")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    found = index_url(request, tmp_path)
    yield found
    if request.param == "postgresql":
        Index(found).drop_all()  # the next test starts from an empty database


@pytest.fixture
def store(url: str, tmp_path: Path) -> DocumentStore:
    return DocumentStore(LocalObjectStore(tmp_path / "store"), Index(url))


@pytest.fixture
def cli_env(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DocumentStore:
    """The same store the ``sohoa`` command opens (``SOHOA_HOME``, ``SOHOA_INDEX_URL``)."""
    monkeypatch.setenv("SOHOA_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("SOHOA_INDEX_URL", url)
    monkeypatch.delenv("SOHOA_S3_ENDPOINT", raising=False)
    monkeypatch.delenv("SOHOA_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return DocumentStore(LocalObjectStore(tmp_path / "var" / "store"), Index(url))


def sohoa(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result


def populate(store: DocumentStore) -> dict[str, DocumentRecord]:
    """One dossier of a citizen: receipt, form, CCCD, two signed results (signed in the
    opposite order to their ingest), plus an unrelated citizen's dossier."""
    docs = {
        "receipt": make_record("receipt", "giay_tiep_nhan", {
            "ma_ho_so": DOSSIER, "so_dinh_danh": CITIZEN, "nguoi_nop": "Trần Văn Bình",
            "ngay_nhan": "2023-03-15"}, created_at="2024-03-15T08:00:00+07:00"),
        "form": make_record("form", "to_khai", {
            "so_dinh_danh": CITIZEN, "ho_ten": "Trần Văn Bình", "ngay_sinh": "1990-05-12",
            "ma_ho_so": DOSSIER}, created_at="2024-03-15T08:05:00+07:00"),
        "cccd": make_record("cccd", "can_cuoc", {
            "so_dinh_danh": (CITIZEN, 0.99), "ho_ten": ("Trần Văn Bình", 0.99),
            "ngay_sinh": ("1990-05-12", 0.99)}, created_at="2024-03-15T08:06:00+07:00"),
        "decision": make_record("decision", "quyet_dinh", {
            "ma_ho_so": DOSSIER, "so_dinh_danh": CITIZEN, "so_ky_hieu": "125/QĐ-UBND"},
            created_at="2024-03-18T10:00:00+07:00"),
        "extract": make_record("extract", "trich_luc_khai_sinh", {
            "ma_ho_so": DOSSIER, "so_dinh_danh": CITIZEN, "ho_ten": "Trần Văn Bình"},
            created_at="2024-03-18T10:01:00+07:00"),
        "other": make_record("other", "giay_tiep_nhan", {
            "ma_ho_so": OTHER_DOSSIER, "so_dinh_danh": OTHER_CITIZEN,
            "nguoi_nop": "Lê Thị Hoa"}, created_at="2024-04-01T08:00:00+07:00"),
    }
    for record in docs.values():
        store.put_record(record)
    # The extract was signed first, so it is KQ01 although it was ingested later.
    docs["extract"] = sign(store, docs["extract"], "official", "2024-03-19T08:00:00+07:00")
    docs["decision"] = sign(store, docs["decision"], "official", "2024-03-19T09:30:00+07:00")
    docs["decision"] = sign(store, docs["decision"], "seal", "2024-03-19T09:40:00+07:00")
    # A digitised copy ("SAO Y") is not a result.
    docs["form"] = sign(store, docs["form"], "copy", "2024-03-15T09:00:00+07:00")
    return docs


def lookups(index: Index, docs: dict[str, DocumentRecord]) -> dict[str, Any]:
    """Everything the index answers, in a comparable form."""
    return {
        "ids": {k: index.document(r.id) for k, r in docs.items()},
        "citizen": [(d.document.id, d.role) for d in index.citizen_documents(CITIZEN)],
        "other_citizen": [d.document.id for d in index.citizen_documents(OTHER_CITIZEN)],
        "dossier": [(d.document.id, d.kind, d.result_name)
                    for d in index.dossier_documents(DOSSIER)],
        "kq01": index.resolve_result(f"{DOSSIER}-KQ01"),
        "kq02": index.resolve_result(f"{DOSSIER}-KQ02"),
        "kq03": index.resolve_result(f"{DOSSIER}-KQ03"),
        "revocation": index.revocation(docs["decision"].id),
        "fields": sorted((f.doc_id, f.name, f.value, f.from_signed)
                         for f in index.fields_of([r.id for r in docs.values()])),
    }


# -- the tests -------------------------------------------------------------------------
def test_lookup_by_id_citizen_and_dossier(store: DocumentStore) -> None:
    docs = populate(store)
    index = store.index
    assert index is not None
    decision = index.document(docs["decision"].id)
    assert decision is not None
    assert decision.doc_type == "quyet_dinh" and decision.signed and decision.result
    assert decision.latest_signed_key == docs["decision"].artifacts["signed"].key
    assert decision.result_signed_at == "2024-03-19T02:30:00+00:00"
    form = index.document(docs["form"].id)
    assert form is not None and form.signed and not form.result  # a copy, not a result

    mine = {d.document.id: d.role for d in index.citizen_documents(CITIZEN)}
    assert mine == {docs["receipt"].id: "applicant", docs["form"].id: "subject",
                    docs["cccd"].id: "subject", docs["decision"].id: "subject",
                    docs["extract"].id: "subject"}
    assert [d.document.id for d in index.citizen_documents(OTHER_CITIZEN)] == [
        docs["other"].id]
    assert index.citizen_documents("001090099999") == []

    listed = [(d.document.id, d.kind) for d in index.dossier_documents(DOSSIER)]
    assert listed == [(docs["receipt"].id, "receipt"), (docs["form"].id, "form"),
                      (docs["extract"].id, "result"), (docs["decision"].id, "result")]
    assert index.count() == 6


def test_results_are_named_kq01_kq02_in_signing_order(store: DocumentStore) -> None:
    docs = populate(store)
    index = store.index
    assert index is not None
    assert index.resolve_result(f"{DOSSIER}-KQ01") == docs["extract"].id
    assert index.resolve_result(f"{DOSSIER}-KQ02") == docs["decision"].id
    assert index.resolve_result(f"{DOSSIER}-kq2") is None  # two digits, as the portal writes
    assert index.resolve_result(f"{DOSSIER}-kq02") == docs["decision"].id
    assert index.resolve_result(f"{DOSSIER}-KQ03") is None
    assert index.resolve_result(f"{OTHER_DOSSIER}-KQ01") is None  # receipt only
    assert resolve(store, f"{DOSSIER}-KQ02") == docs["decision"].id
    # Names stay put when a result is re-recorded (the seal signed after the official).
    store.put_record(docs["decision"])
    assert index.result_names([docs["decision"].id, docs["extract"].id]) == {
        docs["decision"].id: f"{DOSSIER}-KQ02", docs["extract"].id: f"{DOSSIER}-KQ01"}
    # A third result signed later becomes KQ03 and leaves the others as they were.
    late = make_record("late", "quyet_dinh", {"ma_ho_so": DOSSIER, "so_dinh_danh": CITIZEN},
                       created_at="2024-03-10T08:00:00+07:00")
    store.put_record(late)
    late = sign(store, late, "official", "2024-03-20T08:00:00+07:00")
    assert index.resolve_result(f"{DOSSIER}-KQ03") == late.id
    assert index.resolve_result(f"{DOSSIER}-KQ01") == docs["extract"].id


def test_revoked_result_stays_fetchable_and_is_marked(store: DocumentStore) -> None:
    docs = populate(store)
    index = store.index
    assert index is not None
    name = f"{DOSSIER}-KQ02"
    done = revoke(store, resolve(store, name), "Cấp sai đối tượng", "Chủ tịch UBND",
                  "2024-04-02T10:00:00+07:00")
    assert (done.doc_id, done.name, done.reason) == (docs["decision"].id, name,
                                                     "Cấp sai đối tượng")
    # Write-once, in the bucket: a second revocation returns the first one.
    again = revoke(store, docs["decision"].id, "lý do khác", "x", "2024-05-01T00:00:00+07:00")
    assert again == done == read_revocation(store, docs["decision"].id)
    # Marked in the index; re-recording the result (e.g. a later signature) keeps the mark.
    store.put_record(docs["decision"])
    indexed = index.document(docs["decision"].id)
    assert indexed is not None and indexed.revoked
    assert index.revocation(docs["decision"].id) == done
    # Still fetchable by its portal name, with a warning; the signed bytes are intact.
    warnings: list[str] = []
    doc_id = resolve(store, name, warn=warnings.append)
    record = store.get_record(doc_id)
    assert store.read(record.artifacts["signed"]).startswith(b"%PDF-1.7 signed")
    assert len(warnings) == 1 and "THU HỒI" in warnings[0] and "Cấp sai đối tượng" in warnings[0]
    # Only signed results can be revoked.
    with pytest.raises(NotAResult):
        revoke(store, docs["form"].id, "x", "y", "2024-04-02T10:00:00+07:00")


def test_get_and_versions_accept_portal_names(cli_env: DocumentStore, tmp_path: Path) -> None:
    docs = populate(cli_env)
    name = f"{DOSSIER}-KQ02"
    result = sohoa("result", "revoke", name, "--reason", "Cấp sai đối tượng", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["document"] == docs["decision"].id

    out = tmp_path / "kq02.pdf"
    result = sohoa("get", name, "--variant", "signed", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == cli_env.read(docs["decision"].artifacts["signed"])
    assert "THU HỒI" in result.stderr

    result = sohoa("get", name, "--json")
    assert json.loads(result.stdout)["id"] == docs["decision"].id

    result = sohoa("store", "versions", docs["decision"].id, "--json")
    assert result.exit_code == 0, result.output
    versions = json.loads(result.stdout)["versions"]
    assert [v["version"] for v in versions] == ["signed-01", "signed-02"]  # no files stored
    assert [v["role"] for v in versions] == ["official", "seal"]
    first = tmp_path / "ban-ky-1.pdf"
    result = sohoa("store", "get", name, "signed-01", "-o", str(first))
    assert result.exit_code == 0, result.output
    assert first.read_bytes().endswith(b"#1 by official\n")

    with pytest.raises(NotFound, match="Không tìm thấy kết quả"):  # exit 4 in `sohoa`
        sohoa("get", f"{DOSSIER}-KQ09", "--json")


def test_reindex_restores_every_lookup(cli_env: DocumentStore, url: str) -> None:
    docs = populate(cli_env)
    index = cli_env.index
    assert index is not None
    revoke(cli_env, docs["decision"].id, "Cấp sai đối tượng", "UBND",
           "2024-04-02T10:00:00+07:00")
    before = lookups(index, docs)
    assert before["kq02"] == docs["decision"].id and before["revocation"] is not None

    # The index is lost: the SQLite file deleted, or the PostgreSQL tables dropped.
    index.close()
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        Index(url).drop_all()
    empty = Index(url)
    assert empty.count() == 0 and empty.resolve_result(f"{DOSSIER}-KQ01") is None

    result = sohoa("store", "reindex")
    assert result.exit_code == 0, result.output
    assert "6 tài liệu, 1 kết quả bị thu hồi" in result.stderr
    after = lookups(Index(url), docs)
    assert after == before
    revoked = after["ids"]["decision"]
    assert revoked is not None and revoked.revoked


def test_reindex_function_reports_progress(store: DocumentStore) -> None:
    populate(store)
    assert store.index is not None
    seen: list[int] = []
    assert reindex(store, store.index, seen.append) == 6
    assert sum(seen) == 6


def test_an_unreachable_index_never_loses_a_record(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    store = DocumentStore(LocalObjectStore(tmp_path / "store"),
                          Index("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"))
    record = make_record("x", "to_khai", {"so_dinh_danh": CITIZEN})
    store.put_record(record)
    assert store.get_record(record.id) == record
    assert "sohoa store reindex" in caplog.text


def test_sqlite_lookups_use_indexes(tmp_path: Path) -> None:
    """Each lookup is a B-tree search, never a scan, so 100,000 documents stay fast."""
    index = Index(f"sqlite:///{tmp_path / 'i.sqlite3'}")
    index.count()  # creates the tables
    plans = {
        "id": "SELECT * FROM documents WHERE id = 'x'",
        "citizen": "SELECT * FROM citizens WHERE so_dinh_danh = 'x'",
        "dossier": "SELECT * FROM dossiers WHERE ma_ho_so = 'x'",
        "result": "SELECT * FROM results WHERE name = 'x'",
        "fields": "SELECT * FROM fields WHERE doc_id IN ('a', 'b')",
        "results_of_doc": "SELECT * FROM results WHERE doc_id = 'x'",
    }
    for what, statement in plans.items():
        plan = " ".join(index.explain(statement))
        assert "SEARCH" in plan and "SCAN" not in plan, (what, plan)


def test_concurrent_puts_are_all_indexed_and_named_in_signing_order(
        store: DocumentStore) -> None:
    """Eight threads writing at once (the watcher's and the signer's pools): every record is
    indexed, and a dossier's results are numbered by signing time, not by who wrote first."""
    from concurrent.futures import ThreadPoolExecutor

    index = store.index
    assert index is not None

    def one(n: int) -> str:
        record = make_record(f"c{n}", "quyet_dinh", {"ma_ho_so": DOSSIER, "so_dinh_danh": CITIZEN})
        store.put_record(record)
        if n % 2:  # half become results, signed at a time that does not follow n's order
            record = sign(store, record, "official", f"2024-03-20T{(37 * n) % 24:02d}:00:00+07:00")
        return record.id

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(one, range(40)))
    assert index.count() == 40
    assert {d.document.id for d in index.citizen_documents(CITIZEN)} == set(ids)
    results = [d for d in index.dossier_documents(DOSSIER) if d.kind == "result"]
    assert len(results) == 20
    times = [d.document.result_signed_at or "" for d in results]
    assert times == sorted(times)
    assert [d.result_name for d in results] == [f"{DOSSIER}-KQ{n:02d}" for n in range(1, 21)]


def test_a_result_that_leaves_its_dossier_frees_its_name(store: DocumentStore) -> None:
    """Renumbering follows the dossiers the record was a result of, not only the new ones."""
    docs = populate(store)
    index = store.index
    assert index is not None
    import dataclasses

    moved = dataclasses.replace(docs["extract"], fields=make_fields(
        {"ma_ho_so": OTHER_DOSSIER, "so_dinh_danh": CITIZEN}))
    store.put_record(moved)
    assert index.resolve_result(f"{DOSSIER}-KQ01") == docs["decision"].id
    assert index.resolve_result(f"{DOSSIER}-KQ02") is None
    assert index.resolve_result(f"{OTHER_DOSSIER}-KQ01") == moved.id
