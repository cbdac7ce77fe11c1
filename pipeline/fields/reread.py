"""A second, narrower look at a field that did not read as a valid value.

Small print such as the "@" of an e-mail or the digits of a code is often misread when the
whole page is read at once. The line the value sits on is cut from the page image Tesseract
read and read again as one line, with the characters the kind allows; the new reading is
used only if it validates, and keeps its own (lower) confidence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pipeline.models import PageText
from pipeline.ocr.tesseract import read_line

#: Characters each kind may contain, and the model that reads them best.
_DIGITS = "0123456789"
PROFILES: Mapping[str, tuple[str, str | None]] = {
    "email": ("eng", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.@_-+"),
    "phone": ("eng", _DIGITS + " .+"),
    "personal_id": ("eng", _DIGITS + " "),
    "tax_code": ("eng", _DIGITS + "- "),
    "dossier_code": ("eng", _DIGITS + ".-ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "procedure_code": ("eng", _DIGITS + "."),
    "money": ("vie", None),
    "date": ("vie", None),
}

Rereader = Callable[[int, tuple[float, float, float, float], str], tuple[str, float]]


def page_rereader(pages: Sequence[PageText]) -> Rereader:
    """A re-reader over the kept page images of ``pages``."""
    by_number = {p.number: p for p in pages}

    def reread(page: int, bbox: tuple[float, float, float, float], kind: str
               ) -> tuple[str, float]:
        found = by_number.get(page)
        if found is None or found.ocr_image is None or kind not in PROFILES:
            return "", 0.0
        scale = found.ocr_scale
        pad = 6 * scale
        x0, y0, x1, y1 = bbox
        box = (int(x0 * scale - pad), int(y0 * scale - pad), int(x1 * scale + pad),
               int(y1 * scale + pad))
        languages, whitelist = PROFILES[kind]
        return read_line(Path(found.ocr_image), box, found.ocr_dpi or found.dpi, languages,
                         whitelist)

    return reread
