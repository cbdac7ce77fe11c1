"""Where each role's signature shows and how (Decree 30/2020, Appendix I).

The official's image goes between the title and the printed name of the signer block; the
seal covers the left third of it; a copy gets a text block at the top right of page 1.
Positions come from the page text unless the profile pins them; nothing is drawn on the
page itself, so the page text found for the seal is the same the official's placement saw.
"""

from __future__ import annotations

from pathlib import Path

from pyhanko.stamp import BaseStampStyle

from pipeline.errors import SigningError
from pipeline.sign import appearance
from pipeline.sign.appearance import AUTO, Box, Placement
from pipeline.sign.keys import UnlockedKey
from pipeline.sign.pdfsign import Visible
from pipeline.sign.profiles import Profile, Role


def agency_of(key: UnlockedKey) -> str:
    """The agency the certificate names (O), else its holder (CN)."""
    subject = key.cert.subject.native
    return str(subject.get("organization_name") or subject.get("common_name") or "")


def visible_for(profile: Profile, data: bytes, key: UnlockedKey, font_cache: Path) -> Visible:
    pinned = _pinned(profile.appearance.placement)
    font = appearance.prepare_stamp_font(font_cache)
    if profile.role is Role.COPY:
        label, agency = profile.appearance.label, agency_of(key)
        width = appearance.copy_block_width(label, agency, font=font)
        box = appearance.place_copy(data, pinned, width=width)
        return _visible(box, appearance.copy_style(label, agency, font=font))
    image = profile.appearance.image
    assert image is not None  # profiles require one for these roles
    if not image.is_file():
        raise SigningError(f"Không tìm thấy ảnh chữ ký/con dấu {image} của hồ sơ ký "
                           f"'{profile.name}'.")
    if profile.role is Role.OFFICIAL:
        boxes = appearance.place_issued(data, official=pinned)
        return _visible(boxes.official, appearance.official_style(image))
    boxes = appearance.place_issued(data, seal=pinned)
    return _visible(boxes.seal, appearance.seal_style(image, agency_of(key), font=font))


def _pinned(placement: tuple[int, float, float, float, float] | None) -> Placement:
    return AUTO if placement is None else Box(*placement)


def _visible(box: Box, style: BaseStampStyle) -> Visible:
    return Visible(box.page, box.as_tuple(), style)
