"""Scans the tuning never saw: turned, upside down, skewed, low resolution, phone photos.

The bench tunes on seed 2024; these pages come from another seed. The bound is the one the
benchmark holds sohoa to on its hard level, with room for a single unlucky page.
"""

from __future__ import annotations

import pytest

from pipeline.process import Pipeline
from samples import Level, SampleInfo, generate
from samples.metrics import cer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def hard_pages(tmp_path_factory: pytest.TempPathFactory) -> list[SampleInfo]:
    out = tmp_path_factory.mktemp("hard")
    # Seed 78 gives phone photos, 150 dpi pages, an upside-down scan and 4-5° skews.
    return generate(out, 6, levels=[Level.HARD], seed=78,
                    doc_types=["cong_van", "to_khai", "bien_lai", "thong_bao", "quyet_dinh",
                               "giay_chung_nhan_dkdn"])


def test_hard_pages_are_read(hard_pages: list[SampleInfo], pipeline: Pipeline) -> None:
    from pipeline.batch import process_many

    items = list(process_many(pipeline, [s.path for s in hard_pages]))
    rates = {s.path.name: cer(s.gt_text, i.record.text if i.record else "")
             for s, i in zip(hard_pages, items, strict=True)}
    assert max(rates.values()) < 0.08, rates
    assert sum(rates.values()) / len(rates) < 0.03, rates
