"""Find, verify and register the fonts the sample documents are typeset in.

Decree 30/2020/NĐ-CP asks for Times New Roman; Liberation Serif is its metric-compatible free
twin. Many one-stop and e-receipt systems print in Arial instead: Liberation Sans. Only
Liberation 2.x carries the precomposed Vietnamese letters: with 1.07 reportlab silently
draws nothing for "ạ", "ế", "ữ"..., which would poison every ground truth. So a font is
refused unless its cmap covers the whole Vietnamese alphabet.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont as FtFont
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

ENV_FONT_DIR = "SOHOA_SAMPLE_FONT_DIR"
DEFAULT_FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"),)
FONT_ROOT = Path("/usr/share/fonts")

FAMILY = "SohoaSerif"
#: reportlab family names and file prefixes of the two typefaces.
FAMILIES = {"serif": (FAMILY, "LiberationSerif"), "sans": ("SohoaSans", "LiberationSans")}
_STYLES = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic",
           (True, True): "BoldItalic"}


def _style_files(family: str) -> dict[tuple[bool, bool], str]:
    prefix = FAMILIES[family][1]
    return {style: f"{prefix}-{name}.ttf" for style, name in _STYLES.items()}


_STYLE_FILES = _style_files("serif")

# Every letter of the Vietnamese alphabet that is not plain ASCII, in precomposed (NFC) form.
VIETNAMESE_LETTERS = (
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý"
    "ĂăĐđĨĩŨũƠơƯư"
    + "".join(chr(c) for c in range(0x1EA0, 0x1EFA))  # Ạ ạ ... Ỹ ỹ
)


class FontError(RuntimeError):
    """The sample font is missing or cannot draw Vietnamese."""


@dataclass(frozen=True)
class FontSet:
    """reportlab names of the four registered styles."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    directory: Path

    def name(self, *, bold: bool = False, italic: bool = False) -> str:
        """reportlab font name for a style."""
        if bold and italic:
            return self.bold_italic
        if bold:
            return self.bold
        return self.italic if italic else self.regular


def missing_vietnamese(path: Path) -> str:
    """The Vietnamese letters the font at ``path`` has no glyph for (empty when complete)."""
    font = FtFont(str(path), lazy=True)
    try:
        cmap = font.getBestCmap() or {}
    finally:
        font.close()
    return "".join(ch for ch in VIETNAMESE_LETTERS if ord(ch) not in cmap)


def check_vietnamese_coverage(path: Path) -> None:
    """Raise :class:`FontError` unless the font can draw every Vietnamese letter."""
    missing = missing_vietnamese(path)
    if missing:
        raise FontError(
            f"font {path} lacks {len(missing)} Vietnamese letters (e.g. {missing[:12]!r}); "
            "reportlab would draw blanks for them. Install Liberation 2.x "
            "(fonts-liberation2) or point $" + ENV_FONT_DIR + " at a directory holding "
            "LiberationSerif-{Regular,Bold,Italic,BoldItalic}.ttf with full Vietnamese coverage."
        )


def _candidate_dirs(font_dir: Path | None, family: str = "serif") -> list[Path]:
    if font_dir is not None:
        return [font_dir]
    override = os.environ.get(ENV_FONT_DIR)
    if override:
        return [Path(override)]
    dirs = [d for d in DEFAULT_FONT_DIRS if d.is_dir()]
    if FONT_ROOT.is_dir():
        found = sorted(p.parent for p in FONT_ROOT.rglob(_style_files(family)[(False, False)]))
        dirs += [d for d in found if d not in dirs]
    return dirs


def find_font_dir(font_dir: Path | None = None, family: str = "serif") -> Path:
    """Directory with a complete, Vietnamese-capable Liberation Serif (or Sans) family.

    An explicit ``font_dir`` or ``$SOHOA_SAMPLE_FONT_DIR`` is used as is (and refused if
    unfit); otherwise the liberation2 directory, then any other Liberation Serif under
    /usr/share/fonts, are tried in turn.
    """
    problems: list[str] = []
    for directory in _candidate_dirs(font_dir, family):
        files = [directory / name for name in _style_files(family).values()]
        absent = [f.name for f in files if not f.is_file()]
        if absent:
            problems.append(f"{directory}: missing {', '.join(absent)}")
            continue
        try:
            for f in files:
                check_vietnamese_coverage(f)
        except FontError as exc:
            problems.append(str(exc))
            continue
        return directory
    detail = "; ".join(problems) or f"no {FAMILIES[family][1]} found under /usr/share/fonts"
    raise FontError(f"no usable Vietnamese {family} font: {detail}")


#: Per family, the directory registered last and its names (reportlab's names are global).
_registered: dict[str, tuple[Path, FontSet]] = {}


def register_fonts(font_dir: Path | None = None, family: str = "serif") -> FontSet:
    """Register the four styles of ``family`` ("serif" or "sans") with reportlab (once per
    directory) and return their names."""
    directory = find_font_dir(font_dir, family)
    known = _registered.get(family)
    if known is not None and known[0] == directory:
        return known[1]
    base = FAMILIES[family][0]
    names = {
        (False, False): base,
        (True, False): f"{base}-Bold",
        (False, True): f"{base}-Italic",
        (True, True): f"{base}-BoldItalic",
    }
    files = _style_files(family)
    for style, name in names.items():
        pdfmetrics.registerFont(TTFont(name, str(directory / files[style])))
        addMapping(base, int(style[0]), int(style[1]), name)
    fonts = FontSet(
        regular=names[(False, False)],
        bold=names[(True, False)],
        italic=names[(False, True)],
        bold_italic=names[(True, True)],
        directory=directory,
    )
    _registered[family] = (directory, fonts)  # the last directory wins
    return fonts
