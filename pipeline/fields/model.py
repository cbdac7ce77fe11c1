"""The typed result of field extraction, shared by validators, extractors and the record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Check:
    """A validator's verdict on one value; ``reason`` (Vietnamese) says what is wrong."""

    valid: bool
    reason: str | None = None

    @classmethod
    def ok(cls) -> Check:
        return cls(True)

    @classmethod
    def bad(cls, reason: str) -> Check:
        return cls(False, reason)


@dataclass(frozen=True)
class FieldValue:
    """One extracted field, as the JSON contract gives it to downstream systems."""

    value: str | int | None  # normalised: ISO dates, digits-only IDs, integer đồng, NFC names
    confidence: float  # 0..1, from OCR confidences, the source and validation
    page: int | None  # 1-based page it was read on
    bbox: tuple[float, float, float, float] | None  # x0, y0, x1, y1 in page pixels at page dpi
    raw: str  # the text it came from, as read
    valid: bool = True
    reason: str | None = None  # why it is invalid or doubtful (Vietnamese)
    #: "ocr", "text-layer", "qr" (a decoded QR code), "qr+ocr" (both agree), "ocr-reread",
    #: "handwriting" (digits written by hand into a blank, read by the digit model)
    source: str = "ocr"
    extra: dict[str, Any] = field(default_factory=dict)
    #: Signatures that name this printed value too ("pdf-signature", "stamp-text").
    confirmed_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": self.value,
            "confidence": round(self.confidence, 3),
            "page": self.page,
            "bbox": [round(v, 1) for v in self.bbox] if self.bbox else None,
            "raw": self.raw,
            "valid": self.valid,
            "source": self.source,
        }
        if self.reason:
            out["reason"] = self.reason
        if self.confirmed_by:
            out["confirmed_by"] = list(self.confirmed_by)
        return out
