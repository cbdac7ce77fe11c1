"""The signatures a PDF arrived with, as evidence for the fields stage and the reviewer.

Two witnesses: the embedded signatures (certificate and time, read by
:mod:`pipeline.pdf.signatures`) and the e-signature stamps their widgets draw, read as text
(:mod:`pipeline.pdf.annotations`) and parsed by :mod:`pipeline.fields.esign`. Stamps printed
in the page's own text are found by the fields stage itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pikepdf

from pipeline.fields.esign import parse_stamp
from pipeline.models import SignatureEvidence
from pipeline.ocr.textlayer import text_lines
from pipeline.pdf.annotations import annotation_texts
from pipeline.pdf.signatures import embedded_signatures

log = logging.getLogger(__name__)


def pdf_evidence(path: Path, pages: Sequence[tuple[int, int]], zone: str, *,
                 whole_file: bool = True) -> list[SignatureEvidence]:
    """Signatures of the file (when the document is the ``whole_file``) and the stamps drawn
    on ``pages``, given as (page of the file, page of the document) pairs."""
    found = [SignatureEvidence("pdf-signature", s.signer, s.organization, s.signed_at,
                               unit=s.unit, field_name=s.field_name,
                               covers_whole_file=s.covers_whole_file, problem=s.problem)
             for s in (embedded_signatures(path) if whole_file else ())]
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as exc:  # the pages were read, so this is rare: skip stamps
        log.warning("stamps of %s not read: %r", path.name, exc)
        return found
    with pdf:
        for number, own in pages:
            if number > len(pdf.pages):
                continue
            for shown in annotation_texts(pdf, number - 1, signatures=True):
                stamp = parse_stamp(text_lines(shown.chars), zone, labelled_only=False)
                if stamp is not None:
                    found.append(SignatureEvidence(
                        "stamp-text", stamp.signer, stamp.organization,
                        stamp.signed_at.isoformat() if stamp.signed_at else "", page=own))
    return found
