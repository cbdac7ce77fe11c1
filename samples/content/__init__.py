"""Document templates: seeded Vietnamese administrative documents with their field truth.

Each document type has one or more layouts: the Decree 30/2020/NĐ-CP layout of the
administrative documents, and for the citizen-facing types the layouts of the circulars
that define their forms and of the systems that print them (one-stop software, e-receipts,
the national registration portals, the identity cards of 2016, 2021 and 2024). One layout
of each citizen-facing type is held out (:data:`HOLDOUT`): the field extractor is measured
on it, never tuned on it. Content varies with the seed over pools of real-sounding but
fictitious subjects, procedures and people. Procedure codes follow the national format
(``1.001612``) but are illustrative, not looked up in the national database.
"""

from __future__ import annotations

import random
from dataclasses import replace

from samples.content.bien_lai import BIEN_LAI_LAYOUTS, bien_lai
from samples.content.can_cuoc import CAN_CUOC_LAYOUTS, can_cuoc
from samples.content.decisions import QUYET_DINH_LAYOUTS, quyet_dinh
from samples.content.dkdn import DKDN_LAYOUTS, giay_chung_nhan_dkdn
from samples.content.khai_sinh import KHAI_SINH_LAYOUTS, trich_luc_khai_sinh
from samples.content.letters import cong_van, thong_bao
from samples.content.tiep_nhan import TIEP_NHAN_LAYOUTS, giay_tiep_nhan
from samples.content.to_khai import TO_KHAI_LAYOUTS, to_khai
from samples.layout import Layout, SampleDocument

Template = Layout

#: Every layout of every type; the first of a type is its original ("classic") layout.
LAYOUTS: dict[str, dict[str, Template]] = {
    "quyet_dinh": QUYET_DINH_LAYOUTS,
    "cong_van": {"nd30": cong_van},
    "to_khai": TO_KHAI_LAYOUTS,
    "giay_tiep_nhan": TIEP_NHAN_LAYOUTS,
    "thong_bao": {"nd30": thong_bao},
    "giay_chung_nhan_dkdn": DKDN_LAYOUTS,
    "bien_lai": BIEN_LAI_LAYOUTS,
    "can_cuoc": CAN_CUOC_LAYOUTS,
    "trich_luc_khai_sinh": KHAI_SINH_LAYOUTS,
}
#: The layout of each citizen-facing type the field extractor was not tuned on.
HOLDOUT: dict[str, str] = {
    "to_khai": "dvc-truc-tuyen",
    "giay_tiep_nhan": "bien-nhan-doc",
    "quyet_dinh": "chu-ky-so",
    "giay_chung_nhan_dkdn": "tt68-bang",
    "trich_luc_khai_sinh": "ban-chinh-cu",
    "can_cuoc": "can-cuoc-2024",
    "bien_lai": "bien-lai-giay",
}
CITIZEN_TYPES: tuple[str, ...] = tuple(HOLDOUT)
#: Which layouts a generator run draws from.
LAYOUT_SETS = ("classic", "train", "holdout", "all")

TEMPLATES: dict[str, Template] = {t: next(iter(ls.values())) for t, ls in LAYOUTS.items()}
DOC_TYPES: tuple[str, ...] = tuple(TEMPLATES)
QR_DOC_TYPES = ("giay_tiep_nhan", "quyet_dinh", "giay_chung_nhan_dkdn")  # corner codes


def layouts_of(doc_type: str, selection: str = "all") -> tuple[str, ...]:
    """The layouts of ``doc_type`` in ``selection``: "classic" (the original one), "train"
    (all but the hold-out), "holdout" (the hold-out, none for types without one), "all"."""
    names = tuple(LAYOUTS[doc_type])
    held = HOLDOUT.get(doc_type)
    if selection == "classic":
        return names[:1]
    if selection == "train":
        return tuple(n for n in names if n != held)
    if selection == "holdout":
        return (held,) if held else ()
    if selection == "all":
        return names
    raise ValueError(f"unknown layout set {selection!r}; choose from {LAYOUT_SETS}")


def make_document(doc_type: str, rng: random.Random, pages: int | None = None, *,
                  qr: bool | None = None, layout: str | None = None) -> SampleDocument:
    """Build one document of ``doc_type`` in ``layout`` (default: the type's original
    layout); ``pages`` asks for 1 or 2 pages where the type allows it (quyet_dinh annex,
    giay_tiep_nhan control slip, can_cuoc back), otherwise it is ignored. ``qr`` None
    follows the type's habit for the corner QR code (giay_tiep_nhan always, quyet_dinh and
    giay_chung_nhan_dkdn about half the time, seeded), False leaves it out, True forces it
    on those three types; the ID card's code comes with its back."""
    try:
        layouts = LAYOUTS[doc_type]
    except KeyError:
        raise ValueError(f"unknown doc_type {doc_type!r}; choose from {DOC_TYPES}") from None
    name = layout or next(iter(layouts))
    if name not in layouts:
        raise ValueError(f"unknown layout {name!r} of {doc_type}; choose from "
                         f"{tuple(layouts)}")
    return replace(layouts[name](rng, pages, qr), layout=name)


__all__ = [
    "CITIZEN_TYPES", "DOC_TYPES", "HOLDOUT", "LAYOUTS", "LAYOUT_SETS", "QR_DOC_TYPES",
    "TEMPLATES", "Template", "bien_lai", "can_cuoc", "cong_van", "giay_chung_nhan_dkdn",
    "giay_tiep_nhan", "layouts_of", "make_document", "quyet_dinh", "thong_bao", "to_khai",
    "trich_luc_khai_sinh",
]
