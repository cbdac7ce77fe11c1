"""The real development documents (``../shared/real-dev``, public documents of state
bodies) through real OCR: the distractors each stands for. Skipped where the folder is not
laid beside the repository. Values come from ``bench/data/real-dev.json``."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Settings
from pipeline.fields.reader import FieldReader, FieldsResult
from pipeline.intake import probe
from pipeline.models import PageText
from pipeline.ocr.reader import PageReader

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT.parent / "shared" / "real-dev"
TRUTH: dict[str, Any] = json.loads(
    (ROOT / "bench" / "data" / "real-dev.json").read_text(encoding="utf-8"))["files"]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not FOLDER.is_dir(), reason=f"{FOLDER} is not here (development set "
                       "laid beside the repository only)"),
]


@pytest.fixture(scope="module")
def read(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    settings = Settings(home=tmp_path_factory.mktemp("home"))
    fields = FieldReader()
    with PageReader(settings) as pages_reader:
        def run(name: str, numbers: Collection[int] | None = None
                ) -> tuple[list[PageText], FieldsResult]:
            work = tmp_path_factory.mktemp(name.replace(".", "-"))
            pages = pages_reader.read(probe(FOLDER / name, settings, None), work,
                                      numbers=numbers)
            return pages, fields.read(pages)

        yield run


def test_incoming_stamp_on_the_prime_ministers_decision(read: Any) -> None:
    """dev-07 (bitonal, "ĐẾN" register stamp with its own handwritten date)."""
    truth = TRUTH["dev-07.pdf"]
    _, result = read("dev-07.pdf", numbers={1})
    got = result.fields
    assert got["so_ky_hieu"].value == truth["fields"]["so_ky_hieu"]
    assert got["ngay_ban_hanh"].value == truth["fields"]["ngay_ban_hanh"]
    assert got["ngay_ban_hanh"].value != truth["distractors"]["den_stamp_date"]


def test_signer_of_a_submission_not_of_its_attached_draft(read: Any) -> None:
    """dev-02 (tờ trình; pages 4-5 a draft resolution with a typed, unsigned signer)."""
    truth = TRUTH["dev-02.pdf"]["fields"]
    pages, result = read("dev-02.pdf")
    assert len(pages) == 5 and result.doc_type == "to_trinh"
    assert result.fields["nguoi_ky"].value == truth["nguoi_ky"]
    assert result.fields["chuc_vu"].value == truth["chuc_vu"]  # not "Chủ tịch" of "KT."


def test_blank_pages_with_seal_bleed_through_have_no_words(read: Any) -> None:
    """dev-03 and dev-05 (a page blank but for the seal showing through the paper)."""
    blank, _ = read("dev-03.pdf", numbers={2})
    assert blank[0].words == () and blank[0].text.strip() == ""
    pages, result = read("dev-05.pdf")
    assert pages[1].words == () and pages[1].text.strip() == ""
    assert result.fields["nguoi_ky"].value == TRUTH["dev-05.pdf"]["fields"]["nguoi_ky"]


def test_last_page_image_with_the_seal_over_the_name(read: Any) -> None:
    """dev-10 (the last page of a chỉ thị alone; the seal over the name: "Nguyên")."""
    truth = TRUTH["dev-10.png"]["fields"]
    _, result = read("dev-10.png")
    assert result.doc_type == "chi_thi" and result.confidence < 0.6
    assert result.fields["nguoi_ky"].value == truth["nguoi_ky"]
    assert result.fields["chuc_vu"].value == truth["chuc_vu"]
