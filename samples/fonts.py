"""Find, verify and register the serif font the sample documents are typeset in.

Decree 30/2020/NĐ-CP asks for Times New Roman; Liberation Serif is its metric-compatible free
twin. Only Liberation 2.x carries the precomposed Vietnamese letters: with 1.07 reportlab
silently draws nothing for "ạ", "ế", "ữ"..., which would poison every ground truth. So a
font is refused unless its cmap covers the whole Vietnamese alphabet.
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
_STYLE_FILES = {
    (False, False): "LiberationSerif-Regular.ttf",
    (True, False): "LiberationSerif-Bold.ttf",
    (False, True): "LiberationSerif-Italic.ttf",
    (True, True): "LiberationSerif-BoldItalic.ttf",
}

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


def _candidate_dirs(font_dir: Path | None) -> list[Path]:
    if font_dir is not None:
        return [font_dir]
    override = os.environ.get(ENV_FONT_DIR)
    if override:
        return [Path(override)]
    dirs = [d for d in DEFAULT_FONT_DIRS if d.is_dir()]
    if FONT_ROOT.is_dir():
        found = sorted(p.parent for p in FONT_ROOT.rglob(_STYLE_FILES[(False, False)]))
        dirs += [d for d in found if d not in dirs]
    return dirs


def find_font_dir(font_dir: Path | None = None) -> Path:
    """Directory with a complete, Vietnamese-capable Liberation Serif family.

    An explicit ``font_dir`` or ``$SOHOA_SAMPLE_FONT_DIR`` is used as is (and refused if
    unfit); otherwise the liberation2 directory, then any other Liberation Serif under
    /usr/share/fonts, are tried in turn.
    """
    problems: list[str] = []
    for directory in _candidate_dirs(font_dir):
        files = [directory / name for name in _STYLE_FILES.values()]
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
    detail = "; ".join(problems) or "no Liberation Serif found under /usr/share/fonts"
    raise FontError(f"no usable Vietnamese serif font: {detail}")


_registered: dict[Path, FontSet] = {}


def register_fonts(font_dir: Path | None = None) -> FontSet:
    """Register the four styles with reportlab (once per directory) and return their names."""
    directory = find_font_dir(font_dir)
    if directory in _registered:
        return _registered[directory]
    names = {
        (False, False): FAMILY,
        (True, False): f"{FAMILY}-Bold",
        (False, True): f"{FAMILY}-Italic",
        (True, True): f"{FAMILY}-BoldItalic",
    }
    for style, name in names.items():
        pdfmetrics.registerFont(TTFont(name, str(directory / _STYLE_FILES[style])))
        addMapping(FAMILY, int(style[0]), int(style[1]), name)
    fonts = FontSet(
        regular=names[(False, False)],
        bold=names[(True, False)],
        italic=names[(False, True)],
        bold_italic=names[(True, True)],
        directory=directory,
    )
    _registered.clear()  # the names are global in reportlab: the last directory wins
    _registered[directory] = fonts
    return fonts
