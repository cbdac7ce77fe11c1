"""Layout methods for fields that have no label: they follow Decree 30's page layout.

Each returns candidate spans ``[(line, start, end), ...]`` (several for wrapped values).
The header (agency, number, place and date) is read by :mod:`pipeline.fields.header`, the
signature block by :mod:`pipeline.fields.signature`; the subject is read here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from pipeline.fields.header import (
    MOTTO,
    Candidate,
    adjacent,
    agency,
    number,
    place_date,
    place_name,
)
from pipeline.fields.lines import TextLine
from pipeline.fields.match import fold, starts_with
from pipeline.fields.signature import signer, signer_title


def subject(lines: Sequence[TextLine], title: int | None) -> list[Candidate]:
    """The trích yếu: the "V/v ..." lines of a công văn, or the lines under the title."""
    for i, line in enumerate(lines):
        if line.page == 1 and starts_with(line.text, "V/v"):
            parts = _run(lines, i, lambda ln: starts_with(ln.text, "Kính gửi")
                         or fold(ln.text).startswith(MOTTO))
            prefix = re.match(r"\s*V\s*/\s*v\s*[:.]?\s*", line.text, re.IGNORECASE)
            first, _, end = parts[0]
            parts[0] = (first, prefix.end() if prefix else 0, end)
            return [parts]
    if title is None:
        return []
    start = title + 1
    if start >= len(lines):
        return []
    stop = ("can cu", "kinh gui", "uy ban nhan dan", "chu tich", "giam doc", "bo truong",
            "thu truong")
    return [_run(lines, start, lambda ln: fold(ln.text).startswith(stop)
                 or ln.text.isupper())]


def _run(lines: Sequence[TextLine], start: int, stop: Callable[[TextLine], bool],
         most: int = 4) -> Candidate:
    """Lines from ``start`` that form one block: up to ``most``, on one page, until ``stop``
    or a gap taller than a line (the space after a centred subject, before the body)."""
    parts: Candidate = []
    for line in lines[start:start + most]:
        if parts and (stop(line) or line.page != lines[start].page
                      or not adjacent(parts[-1], (line, 0, len(line.text)), 1.0)):
            break
        parts.append((line, 0, len(line.text)))
    return parts


METHODS: dict[str, Callable[[Sequence[TextLine], int | None], list[Candidate]]] = {
    "agency": agency,
    "number": number,
    "place_date": place_date,
    "place_name": place_name,
    "subject": subject,
    "signer": signer,
    "signer_title": signer_title,
}

__all__ = ["METHODS", "Candidate", "subject"]
