"""The spine end to end on generated Vietnamese documents: real Tesseract, pdfplumber, poppler.

Bounds are stated where they are checked: born-digital text is exact (CER 0), scanned pages
at 200 dpi read with CER under 5 %, and the searchable PDF yields the document's words.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pikepdf
import pytest

from pipeline.models import Status, TextSource, Variant
from pipeline.process import Pipeline
from samples import Level, SampleInfo, generate
from samples.metrics import bag_of_words_error, cer

pytestmark = pytest.mark.integration

#: Character error rate allowed on scanned-level pages (200 dpi, noise, slight skew).
SCANNED_CER = 0.05


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SampleInfo]:
    out = tmp_path_factory.mktemp("samples")
    # Three documents cycle through the scanned formats: PNG, multi-page TIFF, image PDF.
    infos = generate(out, 3, levels=[Level.SCANNED], seed=5,
                     doc_types=["to_khai", "giay_tiep_nhan", "cong_van"], dpi=200)
    infos += generate(out / "digital", 1, levels=[Level.CLEAN], seed=5, doc_types=["to_khai"],
                      formats=["pdf"])
    return {i.path.name: i for i in infos}


def pick(corpus: dict[str, SampleInfo], *, born_digital: bool, level: Level,
         fmt: str | None = None) -> SampleInfo:
    return next(i for i in corpus.values() if i.born_digital == born_digital
                and i.level == level and (fmt is None or i.format == fmt))


def test_born_digital_pdf_is_read_from_its_text_layer_never_ocred(
        corpus: dict[str, SampleInfo], pipeline: Pipeline,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_ocr(*_a: object, **_k: object) -> None:
        raise AssertionError("a born-digital page was sent to OCR")

    monkeypatch.setattr("pipeline.ocr.reader.read_scan", no_ocr)
    sample = pick(corpus, born_digital=True, level=Level.CLEAN)
    [record] = pipeline.ingest(sample.path)
    assert {p.text_source for p in record.pages} == {TextSource.TEXT_LAYER}
    assert cer(sample.gt_text, record.text) == 0.0
    # Kept as it is: the searchable variant is the original itself.
    assert record.artifacts["searchable"] == record.artifacts["original"]


def test_scanned_page_is_ocred_in_vietnamese(corpus: dict[str, SampleInfo],
                                             pipeline: Pipeline) -> None:
    sample = pick(corpus, born_digital=False, level=Level.SCANNED)
    [record] = pipeline.ingest(sample.path)
    assert {p.text_source for p in record.pages} == {TextSource.OCR}
    assert record.text == unicodedata.normalize("NFC", record.text)
    assert cer(sample.gt_text, record.text) < SCANNED_CER
    assert all((p.mean_confidence or 0) > 0.8 for p in record.pages)
    assert record.status is Status.DONE
    words = json.loads(pipeline.store.read(record.artifacts["words"]))
    first = words[0]["words"][0]
    assert {"text", "box", "confidence", "line"} <= set(first)
    assert 0 <= first["box"][0] < first["box"][2] <= words[0]["width"]


def pdftotext(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, check=True,
                          capture_output=True).stdout.decode("utf-8")


@pytest.mark.parametrize("fmt", ["tiff", "image-pdf", "png"])
def test_searchable_pdf_carries_the_words(corpus: dict[str, SampleInfo], pipeline: Pipeline,
                                          fmt: str) -> None:
    candidates = [i for i in corpus.values() if not i.born_digital and i.format == fmt]
    if not candidates:
        pytest.skip(f"the corpus has no {fmt} sample")
    sample = candidates[0]
    [record] = pipeline.ingest(sample.path)
    pdf = pipeline.store.read(record.artifacts[Variant.SEARCHABLE.value])
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == sample.pages
    assert bag_of_words_error(sample.gt_text, pdftotext(pdf)) < 0.08


def test_mixed_pdf_decides_page_by_page(corpus: dict[str, SampleInfo], pipeline: Pipeline,
                                        tmp_path: Path) -> None:
    digital = pick(corpus, born_digital=True, level=Level.CLEAN)
    scanned = next(i for i in corpus.values() if i.format == "image-pdf")
    mixed = pikepdf.new()
    for source in (digital, scanned):
        with pikepdf.open(source.path) as src:
            mixed.pages.extend(src.pages)
    path = tmp_path / "hon-hop.pdf"
    mixed.save(path)
    [record] = pipeline.ingest(path)
    kinds = [p.text_source for p in record.pages]
    assert kinds == [TextSource.TEXT_LAYER] * digital.pages + [TextSource.OCR] * scanned.pages
    text = pdftotext(pipeline.store.read(record.artifacts["searchable"]))
    assert bag_of_words_error(digital.gt_text + "\n" + scanned.gt_text, text) < 0.08


def test_duplicate_bytes_return_the_existing_document(corpus: dict[str, SampleInfo],
                                                      pipeline: Pipeline, tmp_path: Path) -> None:
    sample = pick(corpus, born_digital=True, level=Level.CLEAN)
    [first] = pipeline.ingest(sample.path)
    copy = tmp_path / "ban-sao.pdf"
    copy.write_bytes(sample.path.read_bytes())
    [again] = pipeline.ingest(copy)
    assert again.status is Status.DUPLICATE
    assert again.id == first.id
    assert len(list(pipeline.store.records())) == 1


# -- the command line, as a user runs it -------------------------------------------------

def sohoa(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "SOHOA_HOME": str(home)}
    exe = Path(sys.executable).with_name("sohoa")
    result = subprocess.run([str(exe), *args], capture_output=True, env=env)
    if check and result.returncode != 0:
        raise AssertionError(result.stderr.decode())
    return result


def test_cli_ingest_json_get_round_trip(corpus: dict[str, SampleInfo], tmp_path: Path) -> None:
    home = tmp_path / "home"
    scan = pick(corpus, born_digital=False, level=Level.SCANNED)
    out = sohoa(home, "ingest", str(scan.path), "--station", "tram-07", "--json")
    record = json.loads(out.stdout)
    assert set(record) >= {"id", "status", "doc_type", "source", "pages", "text", "fields",
                           "artifacts"}
    assert record["status"] in ("done", "review")
    assert record["doc_type"] == scan.doc_type
    fields = record["fields"]
    for name in ("ho_ten", "ngay_sinh", "so_dinh_danh"):
        assert fields[name]["value"] == scan.fields[name], name
        assert fields[name]["valid"] and fields[name]["page"] == 1
    some = next(iter(fields.values()))
    assert {"value", "confidence", "page", "bbox", "raw", "valid", "source"} <= set(some)
    assert record["source"]["station"] == "tram-07"
    assert record["source"]["received_at"].endswith("+07:00")
    assert set(record["pages"][0]) == {"number", "width", "height", "dpi", "text_source",
                                       "mean_confidence"}
    assert {"original", "searchable", "text"} <= set(record["artifacts"])

    original = tmp_path / "goc"
    sohoa(home, "get", record["id"], "--variant", "original", "-o", str(original))
    assert original.read_bytes() == scan.path.read_bytes()
    searchable = sohoa(home, "get", record["id"], "--variant", "searchable").stdout
    assert bag_of_words_error(scan.gt_text, pdftotext(searchable)) < 0.08
    text = sohoa(home, "get", record["id"], "--variant", "text").stdout.decode()
    assert text == record["text"]
    assert json.loads(sohoa(home, "get", record["id"], "--json").stdout) == record

    again = json.loads(sohoa(home, "ingest", str(scan.path), "--json").stdout)
    assert (again["id"], again["status"]) == (record["id"], "duplicate")


def test_cli_refuses_bad_files_with_a_reason_and_exit_code(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = tmp_path / "bao-cao.pdf"
    bad.write_bytes("Không phải PDF".encode())
    result = sohoa(home, "ingest", str(bad), "--json", check=False)
    assert result.returncode == 3
    failure = json.loads(result.stdout)
    assert failure["status"] == "failed" and failure["id"] is None
    assert "không phải" in failure["error"]["message"].lower()
    assert bad.read_bytes() == "Không phải PDF".encode()

    missing = sohoa(home, "get", "a" * 24, "--json", check=False)
    assert missing.returncode == 4
    assert "Không tìm thấy" in missing.stderr.decode()


def test_batch_runs_documents_side_by_side_and_spots_twins(
        corpus: dict[str, SampleInfo], pipeline: Pipeline, tmp_path: Path) -> None:
    from pipeline.batch import process_many

    scans = [i for i in corpus.values() if not i.born_digital][:2]
    twin = tmp_path / "ban-sao-cung-noi-dung.png"
    twin.write_bytes(scans[0].path.read_bytes())
    items = list(process_many(pipeline, [scans[0].path, twin, scans[1].path]))
    assert [i.path for i in items] == [scans[0].path, twin, scans[1].path]  # input order
    statuses = sorted(i.record.status.value for i in items[:2] if i.record)
    assert statuses == ["done", "duplicate"]
    assert items[0].record and items[1].record and items[0].record.id == items[1].record.id
    assert len(list(pipeline.store.records())) == 2
