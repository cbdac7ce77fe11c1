"""The plain typed objects that flow between stages, and the JSON contract built from them.

Stages exchange these dataclasses only (no open files, no library objects), so a stage can
run in this process or in a worker on another machine with its inputs serialised.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

#: Version of the JSON contract; bump on an incompatible change.
SCHEMA_VERSION = 1


class FileKind(StrEnum):
    PDF = "pdf"
    TIFF = "tiff"
    JPEG = "jpeg"
    PNG = "png"

    @property
    def media_type(self) -> str:
        return {
            FileKind.PDF: "application/pdf",
            FileKind.TIFF: "image/tiff",
            FileKind.JPEG: "image/jpeg",
            FileKind.PNG: "image/png",
        }[self]


class TextSource(StrEnum):
    OCR = "ocr"
    TEXT_LAYER = "text-layer"


class Status(StrEnum):
    DONE = "done"
    REVIEW = "review"
    DUPLICATE = "duplicate"
    FAILED = "failed"


class Variant(StrEnum):
    """What a stored document can be fetched as."""

    ORIGINAL = "original"
    SEARCHABLE = "searchable"
    TEXT = "text"
    WORDS = "words"
    #: The latest signed version (each signature is a new immutable version).
    SIGNED = "signed"


@dataclass(frozen=True)
class SourceFile:
    """A file accepted by intake: identified, sniffed and checked to be readable."""

    path: Path
    filename: str
    kind: FileKind
    sha256: str
    size: int
    page_count: int
    station: str
    received_at: str  # ISO 8601 with the configured zone's offset


@dataclass(frozen=True)
class Word:
    """One word; ``box`` is (x0, y0, x1, y1) in page pixels, origin top-left."""

    text: str
    box: tuple[float, float, float, float]
    confidence: float  # 0..1; 1.0 for words read from a text layer
    line: int  # index of the line within its page, for rebuilding text and the text layer


@dataclass(frozen=True)
class Handwriting:
    """A number or day the clerk wrote by hand into a printed header's blank, as read by the
    digit model (``pipeline.ocr.handwriting``): which blank, the digits, how sure, where."""

    kind: str  # "number" (Số: __ /QĐ-UBND), "day" (ngày __), "month" (tháng __)
    text: str
    confidence: float  # calibrated probability that ``text`` is right
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class PageText:
    """The text of one page and where it came from.

    ``width``/``height`` are pixels at ``dpi`` of the image the words were read on (for a
    text-layer page, points at 72 dpi), so ``width / dpi`` is the page width in inches.
    """

    number: int  # 1-based
    width: int
    height: int
    dpi: int
    text_source: TextSource
    words: tuple[Word, ...]
    text: str
    mean_confidence: float | None
    warnings: tuple[str, ...] = ()
    #: Clockwise degrees to turn the source page by for it to be upright when shown.
    rotate: int = 0
    #: A corrected image of the page (deskewed scan, flattened photo) to show instead of it.
    display: str | None = None
    #: What preprocessing changed, for people (Vietnamese), e.g. "xoay 180°".
    corrections: tuple[str, ...] = ()
    #: Payloads of QR codes found on the page (read before OCR).
    codes: tuple[str, ...] = ()
    #: The image Tesseract read (kept while the document is processed, for re-reading a
    #: field), its pixels per page pixel, and its resolution.
    ocr_image: str | None = None
    ocr_scale: float = 1.0
    ocr_dpi: int = 0
    #: Handwritten digits read into the header's blanks; their words are in ``words`` too.
    handwritten: tuple[Handwriting, ...] = ()


@dataclass(frozen=True)
class Artifact:
    """A stored file belonging to a document."""

    key: str
    sha256: str
    size: int
    media_type: str


@dataclass(frozen=True)
class SignatureInfo:
    """One signature added by sohoa: who, when, how, and the version it produced."""

    field_name: str
    profile: str
    role: str
    level: str
    signer: str
    certificate_sha256: str
    algorithm: str
    signed_at: str
    #: The signed version: its store key and checksum.
    key: str
    sha256: str
    size: int


@dataclass(frozen=True)
class SignatureEvidence:
    """A signature the document arrived with, read but not validated: an embedded PDF
    signature (``pdf-signature``) or an e-signature stamp's printed text (``stamp-text``).
    Evidence beside the paper for reviewers and the fields stage, never a field value."""

    source: str  # "pdf-signature" | "stamp-text"
    signer: str  # certificate common name, or the stamp's "Ký bởi" / "Người ký"
    organization: str = ""  # certificate O, or the stamp's "Cơ quan"
    signed_at: str = ""  # ISO 8601 with offset; "" when not stated or not readable
    unit: str = ""  # certificate OU
    page: int | None = None  # the page a stamp is printed on (1-based)
    #: Where a stamp read from the page's text is (page pixels): a field read there is the
    #: stamp itself, not a second witness.
    bbox: tuple[float, float, float, float] | None = None
    field_name: str = ""  # the PDF signature field
    #: The signature covers the file as received (False: a later revision was appended).
    covers_whole_file: bool | None = None
    problem: str | None = None  # why it could not be read (Vietnamese)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["bbox"] = [round(v, 1) for v in self.bbox] if self.bbox else None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignatureEvidence:
        bbox = data.get("bbox")
        return cls(**{**data, "bbox": tuple(float(v) for v in bbox) if bbox else None})


@dataclass(frozen=True)
class PageInfo:
    number: int
    width: int
    height: int
    dpi: int
    text_source: TextSource
    mean_confidence: float | None

    @classmethod
    def of(cls, page: PageText) -> PageInfo:
        return cls(page.number, page.width, page.height, page.dpi, page.text_source,
                   page.mean_confidence)


@dataclass(frozen=True)
class SourceInfo:
    filename: str
    sha256: str
    size: int
    media_type: str
    station: str
    received_at: str

    @classmethod
    def of(cls, src: SourceFile) -> SourceInfo:
        return cls(src.filename, src.sha256, src.size, src.kind.media_type, src.station,
                   src.received_at)


@dataclass(frozen=True)
class PartInfo:
    """Which pages of the original a document covers, when a stack scanned as one file was
    cut at cover sheets (``pipeline.intake.coversheet``); the document's own pages are
    numbered from 1, ``pages[i]`` is the original's number of its page ``i + 1``."""

    #: The part's name in its ID (``document_id(sha256, key)``), e.g. "p3-7".
    key: str
    pages: tuple[int, ...]
    #: The cover sheet that opened the part (page of the original), if any.
    cover_page: int | None = None
    #: The dossier code that cover sheet gives.
    ma_ho_so: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "pages": list(self.pages), "cover_page": self.cover_page,
                "ma_ho_so": self.ma_ho_so}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PartInfo:
        return cls(str(data["key"]), tuple(int(n) for n in data["pages"]),
                   data.get("cover_page"), data.get("ma_ho_so"))


def _json_copy(value: Any) -> Any:
    """A copy of nested dicts and lists (what JSON holds), so callers cannot alter a record."""
    if isinstance(value, dict):
        return {k: _json_copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_copy(v) for v in value]
    return value


@dataclass(frozen=True)
class DocumentRecord:
    """What the store keeps about a document and what ``--json`` prints: the contract."""

    id: str
    status: Status
    doc_type: str
    source: SourceInfo
    pages: tuple[PageInfo, ...]
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    artifacts: dict[str, Artifact] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    created_at: str = ""
    schema_version: int = SCHEMA_VERSION
    #: How sure the classification is (0..1).
    doc_type_confidence: float = 0.0
    #: Signatures added by sohoa, oldest first; ``artifacts["signed"]`` is the newest version.
    signatures: tuple[SignatureInfo, ...] = ()
    #: Set when the document is part of a file cut at cover sheets; None for a whole file.
    part: PartInfo | None = None
    #: The administrative procedure the scanning station or a sidecar named (not read).
    procedure: str | None = None
    #: Signatures the document arrived with (embedded, or stamps printed on it).
    evidence: tuple[SignatureEvidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data. Built by hand: ``dataclasses.asdict`` deep-copies every field
        value, which made serialising a record most of a put's own CPU time. ``part``,
        ``procedure`` and ``evidence`` appear only when set, so records without them read as
        before."""
        flat = dataclasses.asdict
        optional: dict[str, Any] = {}
        if self.part is not None:
            optional["part"] = self.part.to_dict()
        if self.procedure is not None:
            optional["procedure"] = self.procedure
        if self.evidence:
            optional["evidence"] = [e.to_dict() for e in self.evidence]
        return {
            "id": self.id, "status": self.status, "doc_type": self.doc_type,
            "source": flat(self.source), "pages": [flat(p) for p in self.pages],
            "text": self.text, "fields": _json_copy(self.fields),
            "artifacts": {k: flat(v) for k, v in self.artifacts.items()},
            "warnings": list(self.warnings), "created_at": self.created_at,
            "schema_version": self.schema_version,
            "doc_type_confidence": self.doc_type_confidence,
            "signatures": [flat(s) for s in self.signatures],
            **optional,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentRecord:
        return cls(
            id=data["id"],
            status=Status(data["status"]),
            doc_type=data["doc_type"],
            source=SourceInfo(**data["source"]),
            pages=tuple(
                PageInfo(**{**p, "text_source": TextSource(p["text_source"])})
                for p in data["pages"]
            ),
            text=data["text"],
            fields=dict(data.get("fields", {})),
            artifacts={k: Artifact(**v) for k, v in data.get("artifacts", {}).items()},
            warnings=tuple(data.get("warnings", ())),
            created_at=data.get("created_at", ""),
            schema_version=int(data.get("schema_version", SCHEMA_VERSION)),
            doc_type_confidence=float(data.get("doc_type_confidence", 0.0)),
            signatures=tuple(SignatureInfo(**s) for s in data.get("signatures", ())),
            part=PartInfo.from_dict(data["part"]) if data.get("part") else None,
            procedure=data.get("procedure") or None,
            evidence=tuple(SignatureEvidence.from_dict(e) for e in data.get("evidence", ())),
        )

    def with_status(self, status: Status) -> DocumentRecord:
        return dataclasses.replace(self, status=status)


@dataclass(frozen=True)
class Failure:
    """A file that did not become a document, printed in place of a record."""

    filename: str
    code: str
    message: str
    #: False for a file that will never be readable (quarantine it); True for a passing
    #: fault (store unreachable, a missing program) worth trying again.
    retryable: bool = False
    sha256: str | None = None
    status: Status = Status.FAILED

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": None,
            "status": self.status.value,
            "source": {"filename": self.filename, "sha256": self.sha256},
            "error": {"code": self.code, "message": self.message, "retryable": self.retryable},
        }
