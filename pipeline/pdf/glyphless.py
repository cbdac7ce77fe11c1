"""A font with one empty glyph, for text that is searchable but never drawn.

Every character code maps to the same blank glyph of half an em; words are stretched to
their boxes with horizontal scaling, so the font's real shapes never matter. It is embedded
(PDF/A requires it) and carries a ToUnicode map so extraction yields the original text.
"""

from __future__ import annotations

import io
import zlib
from functools import cache

import pikepdf
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

UNITS_PER_EM = 1000
ADVANCE = 500  # glyph width in text-space thousandths, used when scaling words to boxes
FONT_NAME = "SohoaGlyphless"


@cache
def font_program() -> bytes:
    """TrueType bytes: glyph 0 (.notdef) and glyph 1 (blank), both empty."""
    fb = FontBuilder(UNITS_PER_EM, isTTF=True)
    names = [".notdef", "blank"]
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({0x20: "blank"})
    empty = TTGlyphPen(None).glyph()
    fb.setupGlyf({name: empty for name in names})
    fb.setupHorizontalMetrics({name: (ADVANCE, 0) for name in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": FONT_NAME, "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    out = io.BytesIO()
    fb.save(out)
    return out.getvalue()


def _to_unicode_cmap() -> bytes:
    """Identity map from 2-byte codes to UTF-16; ranges vary only in the last byte, as the
    CMap spec requires, and skip the surrogate block."""
    ranges = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256)
              if not 0xD8 <= hi <= 0xDF]
    blocks = []
    for start in range(0, len(ranges), 100):
        chunk = ranges[start:start + 100]
        blocks.append(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange")
    body = "\n".join(blocks)
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def add_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """Add the Type 0 font to ``pdf`` once and return it (an indirect object)."""
    ttf = font_program()
    font_file = pikepdf.Stream(pdf, ttf)
    font_file[pikepdf.Name.Length1] = len(ttf)
    # Every CID (= UTF-16 code unit) shows glyph 1, the blank.
    cid_to_gid = pikepdf.Stream(pdf, zlib.compress(b"\x00\x01" * 65536))
    cid_to_gid[pikepdf.Name.Filter] = pikepdf.Name.FlateDecode
    descriptor = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name("/" + FONT_NAME),
        Flags=4,  # symbolic
        FontBBox=[0, -200, ADVANCE, 800],
        ItalicAngle=0,
        Ascent=800,
        Descent=-200,
        CapHeight=700,
        StemV=80,
        FontFile2=font_file,
    ))
    descendant = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name("/" + FONT_NAME),
        CIDSystemInfo=pikepdf.Dictionary(
            Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
        ),
        FontDescriptor=descriptor,
        DW=ADVANCE,
        CIDToGIDMap=pdf.make_indirect(cid_to_gid),
    ))
    to_unicode = pikepdf.Stream(pdf, _to_unicode_cmap())
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type0,
        BaseFont=pikepdf.Name("/" + FONT_NAME),
        Encoding=pikepdf.Name("/Identity-H"),
        DescendantFonts=[descendant],
        ToUnicode=pdf.make_indirect(to_unicode),
    ))
