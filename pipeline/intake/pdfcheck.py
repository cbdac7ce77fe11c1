"""Find, without decoding anything, an image in a PDF that is too large to decode safely.

A few hundred bytes of compressed data can claim a 35000×35000 image; PDFium and OpenCV would
try to allocate it. Only the images' dictionaries (and a JPEG's own header, which may claim
more than its dictionary) are read here. Every place a page can draw an image from is
walked: its resources and those of the forms, tiling patterns, Type 3 glyphs, soft masks and
annotation appearances it uses, and inline images in their content. Each object is visited
once, so cyclic references (a form drawing itself) end the walk instead of looping.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf

#: Inline images are found by parsing content, which is slow: only streams holding both
#: operators are parsed.
_INLINE_MARKERS = (b"BI", b"ID")
#: JPEG start-of-frame markers (baseline, progressive, lossless...), which hold the size.
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


@dataclass(frozen=True)
class LargeImage:
    page: int
    width: int
    height: int


def oversized_image(pdf: pikepdf.Pdf, max_pixels: int) -> LargeImage | None:
    """The first image (in page order) with more than ``max_pixels`` pixels, if any."""
    walk = _Walk()
    for number, page in enumerate(pdf.pages, 1):
        for width, height in walk.page_images(page):
            if width * height > max_pixels:
                return LargeImage(number, width, height)
    return None


class _Walk:
    def __init__(self) -> None:
        self._seen: set[tuple[int, int]] = set()

    def _first_visit(self, obj: pikepdf.Object) -> bool:
        key = obj.objgen
        if key == (0, 0):  # a direct object: reached only through its (visited) holder
            return True
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def page_images(self, page: pikepdf.Page) -> Iterator[tuple[int, int]]:
        """Sizes of the images the page may draw."""
        holders: list[pikepdf.Object] = [page.obj]
        annots = page.obj.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            for annot in annots:
                appearance = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
                if isinstance(appearance, pikepdf.Dictionary):
                    for state in appearance.values():
                        holders.extend(state.values() if isinstance(state, pikepdf.Dictionary)
                                       and not isinstance(state, pikepdf.Stream) else [state])
        while holders:
            holder = holders.pop()
            if not isinstance(holder, pikepdf.Dictionary | pikepdf.Stream):
                continue
            if not self._first_visit(holder):
                continue
            yield from _inline_images(holder)
            resources = holder.get("/Resources")
            if isinstance(resources, pikepdf.Dictionary):
                yield from self._resources(resources, holders)

    def _resources(self, resources: pikepdf.Dictionary,
                   holders: list[pikepdf.Object]) -> Iterator[tuple[int, int]]:
        for group in ("/XObject", "/Pattern", "/Font", "/ExtGState"):
            entries = resources.get(group)
            if not isinstance(entries, pikepdf.Dictionary):
                continue
            for entry in entries.values():
                if not isinstance(entry, pikepdf.Dictionary | pikepdf.Stream):
                    continue
                if entry.get("/Subtype") == "/Image":
                    if self._first_visit(entry):
                        yield from _image_sizes(entry)
                elif group == "/Font":
                    procs = entry.get("/CharProcs")
                    if isinstance(procs, pikepdf.Dictionary):  # a Type 3 font's glyphs
                        glyph_resources = entry.get("/Resources")
                        for proc in procs.values():
                            yield from _inline_images(proc)
                        if isinstance(glyph_resources, pikepdf.Dictionary):
                            holders.append(entry)
                elif group == "/ExtGState":
                    mask = entry.get("/SMask")
                    if isinstance(mask, pikepdf.Dictionary) and "/G" in mask:
                        holders.append(mask.G)
                else:  # forms and tiling patterns: content with resources of their own
                    holders.append(entry)


def _image_sizes(image: pikepdf.Object) -> Iterator[tuple[int, int]]:
    """The image's size, its masks' and, for a JPEG, what its own header claims."""
    yield _number(image.get("/Width")), _number(image.get("/Height"))
    for key in ("/SMask", "/Mask"):
        mask = image.get(key)
        if isinstance(mask, pikepdf.Stream):
            yield _number(mask.get("/Width")), _number(mask.get("/Height"))
    filters = image.get("/Filter")
    if isinstance(image, pikepdf.Stream) and (
            filters == pikepdf.Name.DCTDecode
            or (isinstance(filters, pikepdf.Array) and len(filters) == 1
                and filters[0] == pikepdf.Name.DCTDecode)):
        try:
            claimed = jpeg_size(image.read_raw_bytes())
        except pikepdf.PdfError:  # data that cannot be read decodes to nothing
            claimed = None
        if claimed is not None:
            yield claimed


def _inline_images(holder: pikepdf.Object) -> Iterator[tuple[int, int]]:
    """Sizes of the inline images in a page's or a form's content."""
    try:
        if not _may_hold_inline_image(holder):
            return
        instructions = pikepdf.parse_content_stream(holder, "BI ID EI")
    except pikepdf.PdfError:  # content that does not decode draws nothing: not refused here
        return
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            image = instruction.iimage
            yield _number(image.obj.get("/W", image.obj.get("/Width"))), _number(
                image.obj.get("/H", image.obj.get("/Height")))


def _may_hold_inline_image(holder: pikepdf.Object) -> bool:
    parts: list[pikepdf.Object]
    if isinstance(holder, pikepdf.Stream):
        parts = [holder]
    elif not isinstance(holder, pikepdf.Dictionary):
        return False
    else:
        contents = holder.get("/Contents")
        parts = (list(contents) if isinstance(contents, pikepdf.Array)
                 else [contents] if contents is not None else [])
    for part in parts:
        if isinstance(part, pikepdf.Stream):
            data = part.read_bytes()
            if all(marker in data for marker in _INLINE_MARKERS):
                return True
    return False


def _number(value: object) -> int:
    """A dimension as an integer; anything that is not a positive number counts as 0 (the
    decoders refuse such an image themselves)."""
    try:
        number: int = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return 0
    return max(0, number)


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a JPEG's start-of-frame header, or None if there is none."""
    pos = 2
    while pos + 9 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length field
            pos += 2
            continue
        if marker in _SOF:
            height = int.from_bytes(data[pos + 5:pos + 7], "big")
            width = int.from_bytes(data[pos + 7:pos + 9], "big")
            return width, height
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    return None
