"""What the scanning station knows about a file before it is read.

A station may be set up for one procedure or one kind of document, and staff may put a
sidecar JSON beside a scan (``scan.pdf.json`` or ``scan.json``) naming the dossier. Hints
never override what is read from the page itself; they fill what the page does not say.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class IntakeHints:
    #: The dossier (``ma_ho_so``) the file belongs to, from a sidecar.
    ma_ho_so: str | None = None
    #: The administrative procedure (thủ tục hành chính) code or name, from station or sidecar.
    procedure: str | None = None
    #: The document type to assume when classification finds none (station default).
    doc_type: str | None = None

    def merged(self, other: IntakeHints) -> IntakeHints:
        """These hints, with gaps filled from ``other`` (a sidecar over a station default)."""
        return IntakeHints(self.ma_ho_so or other.ma_ho_so,
                           self.procedure or other.procedure,
                           self.doc_type or other.doc_type)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> IntakeHints:
        data = data or {}
        return cls(*(str(data[k]) if data.get(k) else None
                     for k in ("ma_ho_so", "procedure", "doc_type")))
