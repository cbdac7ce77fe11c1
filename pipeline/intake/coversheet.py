"""Cover sheets: separator pages naming a dossier split a stack scanned as one file.

At the counter a stack of dossiers is often scanned in one go, with a cover sheet (phiếu
bìa hồ sơ) printed by the one-stop system in front of each dossier. A page is a **cover
sheet** when both hold:

1. one of its QR codes is a one-stop payload whose ``ma_ho_so`` normalises and validates
   as a dossier code (the fields stage's own parser and validator), and
2. it carries little else: at most :data:`COVER_MAX_WORDS` words of text, and it was read
   without trouble (a page whose OCR failed is never taken for a blank separator).

Rule 2 is what keeps the dossier receipt (giấy tiếp nhận hồ sơ) in its dossier: the receipt
and the results printed by the one-stop system carry the very same corner QR code, but with a
full page of text. Splitting at every page with a dossier QR would cut a receipt off the
forms filed with it, and would split files that are one document today; a receipt of
another dossier in a stack without cover sheets is left for a person to see, not guessed.

Parts: the pages before the first cover sheet form a part without a dossier code; each
cover sheet opens a part carrying its code, running to the next cover sheet. The cover page
is not in its part by default (it is the centre's separator, not a paper submitted; the
stored original still holds it), so a cover sheet followed directly by another makes no
part. A file with no cover sheet is one part, the whole file, as before; so is a file of
cover sheets only (named by the first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.fields.kinds import KINDS
from pipeline.fields.qr import parse_one_stop
from pipeline.models import PageText

#: Most words a cover sheet may carry besides its QR code (its title, the dossier code, the
#: procedure's name, OCR noise from the code's modules); a receipt carries well over 100.
COVER_MAX_WORDS = 40


@dataclass(frozen=True)
class Cover:
    """What a cover sheet says: its dossier code and, when its code gives one, procedure."""

    page: int
    ma_ho_so: str
    ma_thu_tuc: str | None = None


@dataclass(frozen=True)
class Part:
    """Pages of the original (1-based, in order) that make one document."""

    pages: tuple[int, ...]
    #: The dossier code of the cover sheet that opened the part; None before the first one.
    ma_ho_so: str | None = None
    #: The procedure code the cover sheet's QR code gives, if any.
    ma_thu_tuc: str | None = None
    #: Page number of that cover sheet in the original.
    cover: int | None = None
    #: Whether the cover page is one of ``pages``.
    cover_kept: bool = False
    #: False when the part is the whole file (no cover sheet): the document is as before.
    cut: bool = True

    @property
    def key(self) -> str:
        """Stable part name for :func:`pipeline.store.document_id`: "" for the whole file,
        else the original's page range, e.g. "p3-7"."""
        return f"p{self.pages[0]}-{self.pages[-1]}" if self.cut else ""


def dossier_codes(page: PageText) -> tuple[str | None, str | None]:
    """The valid dossier code (and procedure code) one of the page's QR codes gives."""
    for payload in page.codes:
        found = parse_one_stop(payload)
        code = _valid("dossier_code", found.get("ma_ho_so"))
        if code is not None:
            return code, _valid("procedure_code", found.get("ma_thu_tuc"))
    return None, None


def cover_of(page: PageText) -> Cover | None:
    """The cover sheet ``page`` is, or None when it is an ordinary page (see module doc)."""
    if page.warnings or len(page.words) > COVER_MAX_WORDS:
        return None
    code, procedure = dossier_codes(page)
    return None if code is None else Cover(page.number, code, procedure)


def split(pages: Sequence[PageText], keep_cover: bool = False) -> list[Part]:
    """Cut a file's pages into documents at cover sheets; ``keep_cover`` puts each cover
    page at the head of its part instead of leaving it out."""
    numbers = tuple(p.number for p in pages)
    covers = {p.number: c for p in pages if (c := cover_of(p)) is not None}
    if not covers:
        return [Part(numbers, cut=False)]
    parts: list[Part] = []
    current: list[int] = []
    opened: Cover | None = None

    def close() -> None:
        if current:
            parts.append(Part(tuple(current), opened.ma_ho_so if opened else None,
                              opened.ma_thu_tuc if opened else None,
                              opened.page if opened else None,
                              keep_cover and opened is not None))

    for number in numbers:
        cover = covers.get(number)
        if cover is None:
            current.append(number)
            continue
        close()
        opened, current = cover, ([number] if keep_cover else [])
    close()
    if not parts:  # only cover sheets: keep the file whole, named by its first cover
        first = covers[min(covers)]
        return [Part(numbers, first.ma_ho_so, first.ma_thu_tuc, first.page, True, cut=False)]
    return parts


def _valid(kind_name: str, raw: str | None) -> str | None:
    if not raw:
        return None
    kind = KINDS[kind_name]
    value = kind.normalise(raw)
    if value is None or not kind.check(value).valid:
        return None
    return str(value)
