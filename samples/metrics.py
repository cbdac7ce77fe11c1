"""Text error rates for comparing OCR output with the ground truth.

Both texts are normalised first (Unicode NFC, whitespace runs collapsed to one space,
stripped), so that layout whitespace and NFC/NFD differences - common when text passes
through PDFs and OCR engines - are not counted as errors. Rates are Levenshtein distance
divided by the reference length; they can exceed 1 when the hypothesis is much longer.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from rapidfuzz.distance import Levenshtein


def normalise(text: str) -> str:
    """NFC, every whitespace run (spaces, newlines, form feeds...) -> one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edit distance / reference characters (after ``normalise``).

    An empty reference gives 0.0 for an empty hypothesis and 1.0 otherwise.
    """
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(Levenshtein.distance(ref, hyp)) / len(ref)


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate: word-level edit distance / reference words (after ``normalise``)."""
    ref, hyp = normalise(reference).split(), normalise(hypothesis).split()
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(Levenshtein.distance(ref, hyp)) / len(ref)


def bag_of_words_error(reference: str, hypothesis: str) -> float:
    """Order-insensitive word error: (missing + extra words, as multisets, whichever is larger)
    / reference words.

    Tesseract may read the two-column header and signature block line-interleaved rather than
    column by column; this rate separates recognition errors from such reading-order
    differences, which CER and WER count heavily.
    """
    ref, hyp = Counter(normalise(reference).split()), Counter(normalise(hypothesis).split())
    total = sum(ref.values())
    if not total:
        return 0.0 if not hyp else 1.0
    return max(sum((ref - hyp).values()), sum((hyp - ref).values())) / total
