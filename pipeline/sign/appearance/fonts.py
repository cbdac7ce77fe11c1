"""The stamp font: prepared once on disk, loaded once per process.

Three pyHanko traps decide how (see the signing baseline, §5 item 3 and §6 item 6):

* pyHanko's ``GlyphAccumulator`` writes glyph widths and font metrics in the font's design
  units while PDF reads them as 1/1000 em, so text set in an ordinary 2048 units/em TrueType
  font comes out letter-spaced about 2x.  The prepared font is rescaled to 1000 units/em
  (``fontTools.ttLib.scaleUpem.scale_upem``), which makes design units and PDF units agree.
* the accumulator's ``font_size`` must equal the text box's (pyHanko issue #733, lines drift
  apart otherwise): :func:`font_factory` takes the size and the styles pass the same number
  to their ``TextBoxStyle``.
* pyHanko parses and subsets the whole font for every signature.  A font already cut down
  to the Vietnamese repertoire (a few hundred glyphs instead of 2,600) makes that cheap, and
  keeping its bytes in memory spares the disk read and file handle per signature.

Debian's old Liberation 1.07 has no precomposed Vietnamese letters and would silently draw
blanks: a font that does not cover the whole alphabet is refused.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import (
    CIDFontType2,
    GlyphAccumulator,
    GlyphAccumulatorFactory,
    _read_ps_name,
)
from pyhanko.pdf_utils.generic import pdf_name

from pipeline.sign.appearance.geometry import AppearanceError

#: Liberation Serif 2.x: metric-compatible with Times New Roman, which Decree 30 asks for.
DEFAULT_FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")

#: Every letter of the Vietnamese alphabet that is not plain ASCII, precomposed (NFC).
VIETNAMESE_LETTERS = (
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý"
    "ĂăĐđĨĩŨũƠơƯư"
    + "".join(chr(c) for c in range(0x1EA0, 0x1EFA))  # Ạ ạ Ả ả ... Ỹ ỹ
)

#: What the prepared font keeps: ASCII, the Vietnamese letters, the punctuation of
#: administrative text (dashes, quotes, ellipsis, numero, degree, section sign) and the
#: combining tone marks (text is normalised to NFC, but a font that has them keeps them).
REPERTOIRE = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + VIETNAMESE_LETTERS
    + "\u00a0§°·–—‘’“”…№"
    + "\u0300\u0301\u0303\u0309\u0323"
)

#: Bump when the preparation changes, so stale cached fonts are not reused.
_PREPARATION_VERSION = "2"
_TARGET_UPEM = 1000


def missing_letters(font_path: Path) -> str:
    """The Vietnamese letters the font has no glyph for (empty when it covers them all)."""
    try:
        font = TTFont(str(font_path), lazy=True)
    except Exception as exc:  # fontTools raises many kinds for a damaged/unknown file
        raise AppearanceError(f"Không đọc được phông chữ {font_path}.",
                              detail=repr(exc)) from None
    try:
        cmap = font.getBestCmap() or {}
    finally:
        font.close()
    return "".join(ch for ch in VIETNAMESE_LETTERS if ord(ch) not in cmap)


def check_vietnamese(font_path: Path) -> None:
    """Refuse a font that would draw blanks for some Vietnamese letters."""
    missing = missing_letters(font_path)
    if missing:
        raise AppearanceError(
            f"Phông chữ {font_path.name} thiếu {len(missing)} chữ cái tiếng Việt "
            f"(ví dụ: {' '.join(missing[:10])}); chữ ký sẽ hiển thị sai dấu. Hãy dùng "
            "Liberation Serif 2 (gói fonts-liberation2) hoặc Times New Roman.",
            detail=f"missing={missing!r}")


def prepare_stamp_font(cache_dir: Path, source: Path = DEFAULT_FONT) -> Path:
    """The stamp font, cut to :data:`REPERTOIRE` and rescaled to 1000 units/em, in
    ``cache_dir``; made once (the name carries a hash of the source and of this recipe), then
    reused by every process.  Written to a temporary file and renamed, so concurrent workers
    never read half a font.  Within a process the answer is remembered."""
    try:
        key = (str(cache_dir), str(source), source.stat().st_mtime_ns)
    except OSError as exc:
        raise AppearanceError(f"Không đọc được phông chữ {source}: {exc.strerror}.") from None
    known = _PREPARED.get(key)
    if known is not None and known.is_file():
        return known
    _PREPARED[key] = path = _prepare_file(cache_dir, source)
    return path


_PREPARED: dict[tuple[str, str, int], Path] = {}


def _prepare_file(cache_dir: Path, source: Path) -> Path:
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise AppearanceError(f"Không đọc được phông chữ {source}: {exc.strerror}.") from None
    check_vietnamese(source)
    digest = hashlib.sha256(data + _PREPARATION_VERSION.encode()).hexdigest()[:16]
    target = cache_dir / f"{source.stem}-vi-{_TARGET_UPEM}upem-{digest}.ttf"
    if target.is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    prepared = _prepare(data)
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=".font-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(prepared)
        Path(tmp_name).chmod(0o644)  # mkstemp makes it private; other workers read it too
        Path(tmp_name).replace(target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def _prepare(data: bytes) -> bytes:
    font = TTFont(io.BytesIO(data))
    options = subset.Options()
    options.hinting = False  # the stamp is shown at 8-10 pt on screens and printers alike
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # family and PostScript names (pyHanko reads 6)
    options.notdef_outline = True
    # FFTM: FontForge's timestamps (fontTools warns about it).  GSUB/GPOS/GDEF: pyHanko drops
    # them from what it embeds anyway, and parsing them again for every signature was a
    # third of the stamp's cost; the stamp loses only kerning pairs.
    options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(text=REPERTOIRE)
    subsetter.subset(font)
    if font["head"].unitsPerEm != _TARGET_UPEM:
        scale_upem(font, _TARGET_UPEM)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- per-process caches


@lru_cache(maxsize=8)
def _font_bytes(path: str, mtime_ns: int) -> bytes:
    del mtime_ns  # only part of the cache key: a replaced file is read again
    return Path(path).read_bytes()


def font_bytes(path: Path) -> bytes:
    try:
        return _font_bytes(str(path), path.stat().st_mtime_ns)
    except OSError as exc:
        raise AppearanceError(f"Không đọc được phông chữ {path}: {exc.strerror}.") from None


#: Glyphs every subset carries, so stamps that differ only in their signing time share one
#: cached font program.
_TIME_CHARS = "0123456789-:+T"


@lru_cache(maxsize=8)
def _always_gids(path: str, mtime_ns: int) -> frozenset[int]:
    font = TTFont(io.BytesIO(_font_bytes(path, mtime_ns)), lazy=True)
    cmap = font.getBestCmap() or {}
    return frozenset(font.getGlyphID(cmap[ord(ch)]) for ch in _TIME_CHARS if ord(ch) in cmap)


@lru_cache(maxsize=64)
def _subset_program(path: str, mtime_ns: int, gids: frozenset[int]) -> bytes:
    """The embedded font program for a glyph set, made as pyHanko makes it (same fontTools
    options, glyph ids kept) but once per process and glyph set instead of per signature."""
    font = TTFont(io.BytesIO(_font_bytes(path, mtime_ns)))
    options = subset.Options(layout_closure=False)
    options.drop_tables += ["GPOS", "GDEF", "GSUB"]
    options.retain_gids = True
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(gids=sorted(gids | _always_gids(path, mtime_ns)))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class _CachedProgramFont(CIDFontType2):
    """pyHanko's TrueType CIDFont, embedding a cached subset instead of saving its own
    (which pyHanko subsets in place, destroying the parsed font, for every signature)."""

    def __init__(self, engine: _CachedSubsetAccumulator, base_ps_name: str) -> None:
        super().__init__(engine.tt, base_ps_name, engine.subset_prefix)
        self._engine = engine

    def set_font_file(self, writer: Any) -> generic.IndirectObject:
        engine = self._engine
        program = _subset_program(engine.source, engine.source_mtime,
                                  frozenset(engine.used_gids()))
        stream = generic.StreamObject(stream_data=program)
        stream.compress()
        ref: generic.IndirectObject = writer.add_object(stream)
        self._font_descriptor[pdf_name("/FontFile2")] = ref
        return ref


class _CachedSubsetAccumulator(GlyphAccumulator):
    """``GlyphAccumulator`` whose font program comes from :func:`_subset_program`.

    Relies on pyHanko 0.38 internals (``_extract_subset``, ``_glyphs``, ``cidfont_obj``;
    the dependency is pinned below 0.39); a CFF font keeps pyHanko's own path."""

    def __init__(self, *, source: str, source_mtime: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source, self.source_mtime = source, source_mtime
        self._cached = isinstance(self.cidfont_obj, CIDFontType2) and self.use_raw_gids
        if self._cached:
            self.cidfont_obj = _CachedProgramFont(self, _read_ps_name(self.tt))

    def used_gids(self) -> list[int]:
        return list(self._glyphs)

    def _extract_subset(self, options: Any = None) -> None:
        if not self._cached:
            super()._extract_subset(options)


@dataclass(frozen=True)
class MemoryFontFactory(GlyphAccumulatorFactory):
    """``GlyphAccumulatorFactory`` working from this process's memory.

    pyHanko's own factory opens (and never closes) the font file for every signature, parses
    it, and subsets it in place when writing.  A new accumulator per signature is unavoidable
    (it belongs to one PDF writer), but here it parses the small prepared font from memory,
    and the subset it embeds is made once per glyph set (:func:`_subset_program`)."""

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        path = Path(self.font_file)
        data = font_bytes(path)
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return _CachedSubsetAccumulator(
            source=str(path), source_mtime=path.stat().st_mtime_ns,
            writer=writer, font_handle=io.BytesIO(data), font_size=self.font_size,
            ot_script_tag=self.ot_script_tag, ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction, bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream)


@lru_cache(maxsize=16)
def font_factory(font_path: Path, size: int) -> MemoryFontFactory:
    """The engine factory for one font and size; ``size`` must be the text box's font size
    (pyHanko issue #733).  The font should come from :func:`prepare_stamp_font`."""
    return MemoryFontFactory(font_file=str(font_path), font_size=size, bcp47_lang_code="vi")


@dataclass(frozen=True)
class _Metrics:
    upem: int
    ascent: int  # hhea ascender and descender (descender negative), font units
    descent: int
    advances: dict[int, int]  # code point -> advance width in font units

    def width(self, text: str, size: float) -> float:
        missing = self.advances.get(0, 0)
        return sum(self.advances.get(ord(ch), missing) for ch in text) * size / self.upem


@lru_cache(maxsize=8)
def _metrics(path: str, mtime_ns: int) -> _Metrics:
    font = TTFont(io.BytesIO(_font_bytes(path, mtime_ns)))
    cmap = font.getBestCmap() or {}
    hmtx = font["hmtx"]
    advances = {cp: hmtx[name][0] for cp, name in cmap.items()}
    advances[0] = hmtx[font.getGlyphOrder()[0]][0]
    hhea = font["hhea"]
    return _Metrics(font["head"].unitsPerEm, hhea.ascent, hhea.descent, advances)


def _font_metrics(font_path: Path) -> _Metrics:
    try:
        return _metrics(str(font_path), font_path.stat().st_mtime_ns)
    except OSError as exc:
        raise AppearanceError(f"Không đọc được phông chữ {font_path}: {exc.strerror}.") from None


def text_width(text: str, size: float, font_path: Path) -> float:
    """Advance width of ``text`` in points (no kerning: an upper bound good for layout)."""
    return _font_metrics(font_path).width(unicodedata.normalize("NFC", text), size)


def line_height(size: float, font_path: Path) -> float:
    """Ascender to descender of one line at ``size``, in points."""
    m = _font_metrics(font_path)
    return (m.ascent - m.descent) * size / m.upem


def check_text(text: str, font_path: Path) -> str:
    """``text`` in NFC, or a Vietnamese error naming the characters the font cannot draw
    (which would otherwise show as empty boxes in the stamp)."""
    text = unicodedata.normalize("NFC", text)
    advances = _font_metrics(font_path).advances
    missing = sorted({ch for ch in text if ch not in "\n" and ord(ch) not in advances})
    if missing:
        raise AppearanceError(
            f"Phông chữ của chữ ký không có các ký tự: {' '.join(missing)}.",
            detail=f"text={text!r}")
    return text


def wrap(text: str, size: float, width: float, font_path: Path) -> list[str]:
    """Greedy word wrap to ``width`` points; a single word wider than the line stays whole
    (the stamp layout then shrinks it rather than cut a name)."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size, font_path) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines
