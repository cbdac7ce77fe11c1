"""Visible appearance of signatures (Decree 30/2020, Appendix I).

An issued document carries the official's signature (their handwritten signature image,
between the title lines and the printed name) and then the agency's (the seal at real size
over the left third of it, with the agency name and the signing time); an electronic copy or
an attachment carries the agency's signature alone, shown as a text block at the top right of
page 1.  This package finds where those go (:mod:`.placement`), prepares the stamp font
(:mod:`.fonts`) and builds the pyHanko stamp styles (:mod:`.styles`); it draws nothing on the
page itself: everything lives in the signature widgets' appearance streams.
"""

from pipeline.sign.appearance.devimages import make_seal_png, make_signature_png
from pipeline.sign.appearance.fonts import (
    DEFAULT_FONT,
    VIETNAMESE_LETTERS,
    check_vietnamese,
    font_factory,
    missing_letters,
    prepare_stamp_font,
)
from pipeline.sign.appearance.geometry import MM, AppearanceError, Box
from pipeline.sign.appearance.placement import (
    AUTO,
    Auto,
    IssuedBoxes,
    Placement,
    SignerBlock,
    copy_box,
    find_signer_block,
    official_box,
    place_copy,
    place_issued,
    seal_box,
    seal_disc,
)
from pipeline.sign.appearance.styles import (
    COPY_KINDS,
    SAO_LUC,
    SAO_Y,
    TIME_FORMAT,
    TRICH_SAO,
    IsoTimeStampStyle,
    attachment_label,
    copy_block_width,
    copy_style,
    format_time,
    official_style,
    require_vietnam_time,
    seal_style,
)

__all__ = [
    "AUTO",
    "COPY_KINDS",
    "DEFAULT_FONT",
    "MM",
    "SAO_LUC",
    "SAO_Y",
    "TIME_FORMAT",
    "TRICH_SAO",
    "VIETNAMESE_LETTERS",
    "AppearanceError",
    "Auto",
    "Box",
    "IsoTimeStampStyle",
    "IssuedBoxes",
    "Placement",
    "SignerBlock",
    "attachment_label",
    "check_vietnamese",
    "copy_block_width",
    "copy_box",
    "copy_style",
    "find_signer_block",
    "font_factory",
    "format_time",
    "make_seal_png",
    "make_signature_png",
    "missing_letters",
    "official_box",
    "official_style",
    "place_copy",
    "place_issued",
    "prepare_stamp_font",
    "require_vietnam_time",
    "seal_box",
    "seal_disc",
    "seal_style",
]
