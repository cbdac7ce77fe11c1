"""pyHanko stamp styles for the three Decree 30 appearances.

* :func:`official_style`: the official's signature image, nothing else (no text, no border);
* :func:`seal_style`: the agency seal at its real size, the agency name and the signing time
  under it (geometry in :mod:`.placement`);
* :func:`copy_style`: the text block of an electronic copy or an attachment: kind of copy (or
  the document it belongs to), copying agency, signing time; 10 pt, upright, black.

The time shown is pyHanko's ``%(ts)s``: pyHanko formats the same ``datetime`` it writes into
the signature dictionary's ``/M`` (and the CMS signing-time attribute), so stamp and
signature cannot disagree.  pyHanko takes that time in the process's local zone (tzlocal):
the styles refuse to be built unless that zone is +07:00 (the signer sets
``TZ=Asia/Ho_Chi_Minh``, see ``pipeline.sign.context.use_timezone``).  Python 3.11's strftime
has no ``%:z``, so :class:`IsoTimeStampStyle` turns ``+0700`` into ISO 8601's ``+07:00``
rather than printing a literal offset that would lie if the zone were ever wrong.

Images are decoded, checked and downscaled once per process (cached by path and mtime);
each style gets its own ``PdfImage`` wrapper, which pyHanko re-embeds per document.  A style
may be reused for many documents one after the other, not from several threads at once
(``PdfImage`` remembers the writer it last wrote to).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import tzlocal
from PIL import Image, ImageStat, UnidentifiedImageError
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.layout import (
    AxisAlignment,
    BoxConstraints,
    InnerScaling,
    Margins,
    SimpleBoxLayoutRule,
)
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import StaticStampStyle, TextStamp, TextStampStyle

from pipeline.sign.appearance.fonts import check_text, font_factory, text_width, wrap
from pipeline.sign.appearance.geometry import MM, AppearanceError
from pipeline.sign.appearance.placement import (
    COPY_TEXT_LEADING,
    COPY_TEXT_SIZE,
    SEAL_TEXT_LEADING,
    SEAL_TEXT_SIZE,
    SEAL_TEXT_WIDTH_MM,
    TEXT_DESCENT_ROOM,
)

#: The strftime format pyHanko gets; :class:`IsoTimeStampStyle` adds the colon to the offset,
#: so stamps read e.g. ``2025-03-14T09:26:53+07:00``.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
#: Vietnam's offset (no daylight saving time).
VIETNAM_OFFSET = timedelta(hours=7)
#: Images are kept at most this resolution at the size they are shown.
MAX_DPI = 300
#: Alpha levels kept in embedded images (see :func:`load_image`).
ALPHA_LEVELS = 16
#: The official's image is shown at most this wide (the widget is ~50 mm).
OFFICIAL_MAX_MM = 60.0

#: The kinds of electronic copy (Decree 30/2020, Art. 25): the first line of the copy block.
SAO_Y, SAO_LUC, TRICH_SAO = "SAO Y", "SAO LỤC", "TRÍCH SAO"
COPY_KINDS = (SAO_Y, SAO_LUC, TRICH_SAO)

BLACK = (0.0, 0.0, 0.0)
_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
_TIME_SAMPLE = "2099-12-31T23:59:59+07:00"


def format_time(when: datetime) -> str:
    """A signing time as the stamps show it (ISO 8601, seconds, offset with a colon)."""
    if when.tzinfo is None:
        raise ValueError("signing times must carry their zone")
    return when.isoformat(timespec="seconds")


def require_vietnam_time() -> None:
    """Refuse to make a stamp whose time would not be Vietnam time: pyHanko uses the
    process's local zone for ``/M`` and the stamp alike."""
    offset = datetime.now(tz=tzlocal.get_localzone()).utcoffset()
    if offset != VIETNAM_OFFSET:
        raise AppearanceError(
            "Múi giờ của tiến trình ký không phải giờ Việt Nam (+07:00); thời gian ký trên chữ "
            "ký sẽ sai. Hãy đặt TZ=Asia/Ho_Chi_Minh.", detail=f"local offset {offset}")


@dataclass(frozen=True)
class IsoTimeStampStyle(TextStampStyle):
    """A text stamp whose ``%(ts)s`` offset is written ``+07:00`` (ISO 8601 extended)."""

    timestamp_format: str = TIME_FORMAT

    def create_stamp(self, writer: Any, box: BoxConstraints, text_params: dict[str, Any],
                     ) -> TextStamp:
        params = dict(text_params or {})
        ts = params.get("ts")
        if isinstance(ts, str):
            params["ts"] = _OFFSET.sub(r"\1:\2", ts)
        return super().create_stamp(writer, box, params)


# ---------------------------------------------------------------- images


@lru_cache(maxsize=32)
def _load(path: str, mtime_ns: int, max_px: int) -> Image.Image:
    del mtime_ns  # part of the key only: a replaced file is loaded again
    try:
        with Image.open(path) as opened:
            image = opened.convert("RGBA")
    except (OSError, UnidentifiedImageError) as exc:
        raise AppearanceError(f"Không đọc được ảnh {Path(path).name}.",
                              detail=repr(exc)) from None
    alpha = image.getchannel("A")
    low, _ = alpha.getextrema()
    if low == 255:
        raise AppearanceError(
            f"Ảnh {Path(path).name} không có nền trong suốt; Nghị định 30/2020 yêu cầu ảnh PNG "
            "nền trong suốt (nền trắng sẽ che chữ trên trang).")
    if max(image.size) > max_px:
        image.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
        alpha = image.getchannel("A")
    # pyHanko stores raw pixels, deflated, without PNG predictors.  Invisible pixels take the
    # ink's mean colour, so the colour plane deflates to almost nothing (and resampling
    # viewers show no dark fringe); the alpha plane keeps 16 levels, which anti-aliases a
    # 300 dpi edge as well as 256 and halves its size.
    opaque = alpha.point(lambda a: 255 if a >= 128 else 0)
    if opaque.getbbox() is not None:
        ink = tuple(round(v) for v in ImageStat.Stat(image.convert("RGB"), opaque).mean)
        flat = Image.new("RGBA", image.size, (*ink, 0))
        visible = alpha.point(lambda a: 255 if a > 0 else 0)
        image = Image.composite(image, flat, visible)
    step = 255 / (ALPHA_LEVELS - 1)
    image.putalpha(image.getchannel("A").point(lambda a: round(round(a / step) * step)))
    image.load()
    return image


def load_image(path: Path, *, max_px: int) -> Image.Image:
    """The image as RGBA, at most ``max_px`` on its longer side, transparency required;
    decoded once per process.  Do not modify the returned image (it is shared)."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise AppearanceError(f"Không đọc được ảnh {path}: {exc.strerror}.") from None
    return _load(str(path), mtime, max_px)


def _px(mm: float) -> int:
    return round(mm / 25.4 * MAX_DPI)


# ---------------------------------------------------------------- styles


def official_style(image: Path) -> StaticStampStyle:
    """The official's signature image, as large as fits the widget (aspect kept), centred;
    no text, no border."""
    picture = load_image(image, max_px=_px(OFFICIAL_MAX_MM))
    return StaticStampStyle(
        background=PdfImage(picture),
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(), inner_content_scaling=InnerScaling.STRETCH_TO_FIT),
        background_opacity=1.0,
        border_width=0,
    )


def _escape(text: str) -> str:
    return text.replace("%", "%%")


def _one_line(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def seal_lines(agency_name: str, *, font: Path) -> list[str]:
    """The agency name as printed under the seal: wrapped to the strip's width."""
    name = check_text(_one_line(agency_name), font)
    if not name:
        raise AppearanceError("Thiếu tên cơ quan cho chữ ký của cơ quan.")
    return wrap(name, SEAL_TEXT_SIZE, SEAL_TEXT_WIDTH_MM * MM - 2, font)


def seal_style(image: Path, agency_name: str, *, font: Path,
               diameter_mm: float = 35.0) -> IsoTimeStampStyle:
    """The agency's seal at ``diameter_mm`` (its real size) at the top of the widget, the
    agency name and the signing time centred under it, black, 8 pt; no border.  ``font`` is
    the prepared stamp font (:func:`.fonts.prepare_stamp_font`).  The widget comes from
    :func:`.placement.seal_box`, which reserves three lines: a longer name is shrunk to fit
    rather than spill out of the widget."""
    require_vietnam_time()
    d = diameter_mm * MM
    picture = load_image(image, max_px=_px(diameter_mm))
    lines = seal_lines(agency_name, font=font)
    text = "\n".join([*(_escape(line) for line in lines), "%(ts)s"])
    return IsoTimeStampStyle(
        # The image's width is the seal's diameter; a slightly non-square crop keeps its
        # aspect ratio rather than being squashed.
        background=PdfImage(picture, box=BoxConstraints(
            width=d, height=d * picture.height / picture.width)),
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MAX,
            margins=Margins(), inner_content_scaling=InnerScaling.NO_SCALING),
        background_opacity=1.0,
        border_width=0,
        stamp_text=text,
        text_box_style=_text_box(SEAL_TEXT_SIZE, SEAL_TEXT_LEADING, font),
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MIN,
            margins=Margins(bottom=TEXT_DESCENT_ROOM),
            inner_content_scaling=InnerScaling.SHRINK_TO_FIT),
    )


def copy_lines(label: str, agency_name: str, *, font: Path) -> list[str]:
    """The copy block's first two lines: the kind of copy ("SAO Y", "SAO LỤC", "TRÍCH SAO")
    or, for an attachment, the document it belongs to ("Kèm theo Quyết định số
    1188/QĐ-UBND"); then the copying agency."""
    lines = [check_text(_one_line(label), font), check_text(_one_line(agency_name), font)]
    if not all(lines):
        raise AppearanceError("Thiếu hình thức sao hoặc tên cơ quan cho khối chữ ký.")
    return lines


def copy_block_width(label: str, agency_name: str, *, font: Path) -> float:
    """Points the copy block needs (its longest line at 10 pt, plus a little air), to size
    :func:`.placement.copy_box`."""
    lines = [*copy_lines(label, agency_name, font=font), _TIME_SAMPLE]
    return max(text_width(line, COPY_TEXT_SIZE, font) for line in lines) + 4.0


def copy_style(label: str, agency_name: str, *, font: Path) -> IsoTimeStampStyle:
    """Three lines, 10 pt, upright, black, no image and no border, against the top right
    corner of the widget: the kind of copy (or the document an attachment belongs to), the
    copying agency, the signing time (ISO 8601, +07:00)."""
    require_vietnam_time()
    lines = copy_lines(label, agency_name, font=font)
    text = "\n".join([*(_escape(line) for line in lines), "%(ts)s"])
    return IsoTimeStampStyle(
        border_width=0,
        stamp_text=text,
        text_box_style=_text_box(COPY_TEXT_SIZE, COPY_TEXT_LEADING, font),
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MAX, y_align=AxisAlignment.ALIGN_MAX,
            margins=Margins(right=1, top=1, bottom=TEXT_DESCENT_ROOM),
            inner_content_scaling=InnerScaling.SHRINK_TO_FIT),
    )


def attachment_label(kind: str, number: str) -> str:
    """The first line of an attachment's block: ``Kèm theo <kind> số <number>``."""
    return f"Kèm theo {_one_line(kind)} số {_one_line(number)}"


def _text_box(size: int, leading: int, font: Path) -> TextBoxStyle:
    # The glyph accumulator's size must equal the text box's (pyHanko issue #733).
    return TextBoxStyle(
        font=font_factory(font, size), font_size=size, leading=leading, text_color=BLACK,
        border_width=0,
        box_layout_rule=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MIN,
            margins=Margins(), inner_content_scaling=InnerScaling.NO_SCALING),
    )
