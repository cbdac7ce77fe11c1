"""Per-page choice between the text layer and OCR."""

from __future__ import annotations

from typing import Any

from pipeline.models import TextSource
from pipeline.ocr.triage import PagePlan, plan_page

A4 = (0.0, 0.0, 595.0, 842.0)


def box(x0: float, top: float, x1: float, bottom: float, **extra: Any) -> dict[str, Any]:
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom, **extra}


def plan(words: list[dict[str, Any]], images: list[dict[str, Any]],
         drawing: bool = False) -> PagePlan:
    return plan_page(1, A4, words, images, drawing, min_text_coverage=0.02, default_dpi=300,
                     min_dpi=150, max_dpi=400)


FULL_SCAN = box(0, 0, 595, 842, srcsize=(1654, 2339))  # 200 dpi A4
LINES = [box(70, 100 + i * 20, 520, 114 + i * 20, text="Quyết định") for i in range(30)]


def test_born_digital_page_reads_its_text_layer() -> None:
    assert plan(LINES, []).text_source is TextSource.TEXT_LAYER


def test_scan_is_ocred_at_its_own_resolution() -> None:
    result = plan([], [FULL_SCAN])
    assert result.text_source is TextSource.OCR
    assert result.dpi == 200


def test_a_stamp_over_a_scan_does_not_make_it_born_digital() -> None:
    stamp = [box(400, 780, 560, 790, text="Ký"), box(400, 792, 520, 802, text="12:00")]
    assert plan(stamp, [FULL_SCAN]).text_source is TextSource.OCR


def test_a_scan_already_ocred_keeps_its_text_layer() -> None:
    assert plan(LINES, [FULL_SCAN]).text_source is TextSource.TEXT_LAYER


def test_resolution_is_bounded_and_turned_images_are_understood() -> None:
    huge = box(0, 0, 595, 842, srcsize=(9917, 7016))  # 1200 dpi, stored landscape
    assert plan([], [huge]).dpi == 400
    tiny = box(0, 0, 595, 842, srcsize=(496, 702))  # 60 dpi
    assert plan([], [tiny]).dpi == 150


def test_blank_and_vector_only_pages() -> None:
    assert plan([], []).text_source is TextSource.TEXT_LAYER
    assert plan([], [], drawing=True).text_source is TextSource.OCR


def test_unreadable_text_layers_are_ocred() -> None:
    cids = [box(70, 100, 520, 114, text="(cid:12)(cid:13)(cid:14)")] * 20
    assert plan(cids, []).text_source is TextSource.OCR
    tcvn3 = [box(70, 100, 520, 114, text="Qu¶n lý")] * 20
    result = plan_page(1, A4, tcvn3, [], False, [".VnTime"] * 100 + ["Arial"] * 3,
                       min_text_coverage=0.02, default_dpi=300, min_dpi=150, max_dpi=400)
    assert result.text_source is TextSource.OCR
    assert "pre-Unicode" in result.reason
    unicode = plan_page(1, A4, [box(70, 100, 520, 114, text="Quản lý")] * 20, [], False,
                        ["ABCDEF+TimesNewRomanPSMT"] * 100, min_text_coverage=0.02,
                        default_dpi=300, min_dpi=150, max_dpi=400)
    assert unicode.text_source is TextSource.TEXT_LAYER
