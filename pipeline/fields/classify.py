"""What kind of document this is: its title near the top of page 1, its usual phrases, and
phrases that rule a kind out; the margin over the runner-up gives the confidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from pipeline.fields.lines import TextLine
from pipeline.fields.match import contains, fold
from pipeline.fields.signature import closing_lines
from pipeline.fields.template import Template

#: Lines of page 1 in which a document's title is looked for.
TITLE_LINES = 20
TITLE_WEIGHT = 6.0
EXCLUDE_WEIGHT = 10.0
#: Below this score nothing is recognised and the type stays ``unknown``.
MIN_SCORE = 5.0
#: Similarity from which a long title line misread by OCR still counts as the title.
FUZZY_TITLE = 0.9
#: Confidence of a kind named only by the last paragraph ("... thực hiện Chỉ thị này"):
#: below the review threshold, for a person to confirm.
CLOSING_CONFIDENCE = 0.55
#: Specks and punctuation OCR leaves around a title line ('"TRÍCH LỤC', 'NGHIỆP:').
_NOISE = " \t.,:;'\"“”‘’`*-_~|"


@dataclass(frozen=True)
class Classification:
    doc_type: str
    confidence: float
    title_line: int | None  # index of the line holding the title, for header/body regions


def _letters_upper(text: str) -> bool:
    """Most letters capitals: how Decree 30 prints a document's title ("BÁO CÁO"), unlike a
    body line that starts with the same words ("Báo cáo gửi về ...")."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _close(folded: str, title: str) -> bool:
    """The line is the title, or starts with it, allowing one or two misread letters in a
    long title ("TRÍCH LUỤC KHAI SINH")."""
    if folded == title or folded.startswith(title + " "):
        return True
    if len(title) < 12:
        return False
    head = " ".join(folded.split()[:len(title.split())])
    return SequenceMatcher(None, head, title).ratio() >= FUZZY_TITLE


def _title_hit(template: Template, lines: Sequence[TextLine]) -> tuple[int, int] | None:
    """(line index, title length) of the longest title the top of page 1 starts with."""
    best: tuple[int, int] | None = None
    for line in lines:
        text = line.text.strip(_NOISE)
        folded = fold(text)
        for title in template.titles:
            t = fold(title)
            if not _close(folded, t):
                continue
            if title.isupper() and not _letters_upper(text[:len(title) + 2]):
                continue
            if best is None or len(t) > best[1]:
                best = (line.index, len(t))
    return best


def classify(templates: Mapping[str, Template], lines: Sequence[TextLine]) -> Classification:
    top = [ln for ln in lines if ln.page == 1][:TITLE_LINES]
    text = "\n".join(ln.text for ln in lines)
    scored: list[tuple[float, str, int | None]] = []
    for name, template in templates.items():
        hit = _title_hit(template, top)
        score = 0.0
        if hit is not None:
            score += TITLE_WEIGHT + hit[1] / 10  # a longer, more specific title wins ties
        score += sum(1.0 for k in template.keywords if contains(text, k))
        score -= sum(EXCLUDE_WEIGHT for k in template.exclude if contains(text, k))
        scored.append((score, name, hit[0] if hit else None))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < MIN_SCORE:
        return _by_closing(templates, lines)
    best, runner = scored[0][0], (scored[1][0] if len(scored) > 1 else 0.0)
    confidence = max(0.0, min(1.0, (best - max(runner, 0.0)) / best + 0.5))
    return Classification(scored[0][1], round(confidence, 3), scored[0][2])


def _by_closing(templates: Mapping[str, Template], lines: Sequence[TextLine]
                ) -> Classification:
    """A page without a title (the last page, photographed alone) named by its closing
    paragraph, when one kind only is named there; else ``unknown``."""
    tail = " ".join(ln.text for ln in closing_lines(lines))
    named = {name for name, template in templates.items()
             if any(contains(tail, phrase) for phrase in template.closing)}
    if len(named) != 1:
        return Classification("unknown", 0.0, None)
    return Classification(named.pop(), CLOSING_CONFIDENCE, None)

