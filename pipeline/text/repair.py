"""Repair OCR misreadings in names, agencies and titles, syllable by syllable.

Only what is wrong is touched. A syllable that cannot exist ("huvện", "Đeứnh") is replaced
by the list word it is closest to, when one stands out. A valid syllable is kept, with two
exceptions that the lists make safe: the family name, whose list is nearly closed ("Nguyên"
as a family name is "Nguyễn", "Trân" is "Trần"), and a given name that is not a known name
while one with the same letters is ("Hãng" for "Hằng"), which is only flagged. Every change
and doubt lowers the confidence, so a person checks what was guessed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from pipeline.text.lexicon import Lexicon, name_syllables, skeleton, surnames
from pipeline.text.syllable import is_valid

#: Confidence kept by a value for each kind of change or doubt in it.
SAME_LETTERS = 0.9  # marks restored from the only list word with these letters
CHOSEN_MARKS = 0.8  # marks restored, several list words had these letters
NEAR_WORD = 0.75  # a letter or two changed to reach a list word
LEFT_INVALID = 0.6  # a syllable that cannot exist and could not be repaired
DOUBTFUL_NAME = 0.55  # a valid given name that is unknown while a known one is close
UNKNOWN_SURNAME = 0.6  # a valid syllable that is no known family name

_PUNCT = ".,;:()\"'“”‘’-–"


@dataclass(frozen=True)
class Repair:
    text: str
    #: (as read, as written) for each syllable changed.
    changes: tuple[tuple[str, str], ...] = ()
    #: Syllables left as read that are not Vietnamese.
    invalid: tuple[str, ...] = ()
    #: (as read, a likelier reading) for valid syllables kept but doubted.
    doubts: tuple[tuple[str, str], ...] = ()
    factor: float = 1.0

    @property
    def touched(self) -> bool:
        return bool(self.changes or self.invalid or self.doubts) or self.factor < 1.0

    def reason(self) -> str | None:
        """What was done, for the person reviewing the field (Vietnamese)."""
        parts = [f"“{a}” → “{b}”" for a, b in self.changes]
        said = []
        if parts:
            said.append("Đã sửa lỗi nhận dạng chữ: " + ", ".join(parts) + ".")
        if self.invalid:
            said.append("Âm tiết không có trong tiếng Việt: " + ", ".join(
                f"“{w}”" for w in self.invalid) + ".")
        if self.doubts:
            said.append("Có thể đọc sai: " + ", ".join(
                f"“{a}” (có thể là “{b}”)" for a, b in self.doubts) + ".")
        return " ".join(said) or None


def _case_like(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word.lower()


def distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1,
                                           previous + (ca != cb))
    return row[-1]


def _closest_marks(word: str, candidates: tuple[str, ...]) -> str:
    """The candidate whose diacritics are most like the word's (NFD: marks as characters)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return max(candidates, key=lambda c: SequenceMatcher(
        None, decomposed, unicodedata.normalize("NFD", c.lower())).ratio())


def _near(word: str, lexicon: Lexicon) -> str | None:
    """The one list word a letter away from ``word`` (two for long words), by skeleton."""
    bare = skeleton(word)
    if len(bare) < 2:
        return None
    limit = 1 if len(bare) < 5 else 2
    best: list[tuple[int, str]] = []
    for key, words in lexicon.by_skeleton.items():
        if abs(len(key) - len(bare)) > limit:
            continue
        d = distance(bare, key)
        if d <= limit:
            best.extend((d, w) for w in words)
    if not best:
        return None
    least = min(d for d, _ in best)
    closest = [w for d, w in best if d == least]
    keys = {skeleton(w) for w in closest}
    return _closest_marks(word, tuple(closest)) if len(keys) == 1 else None


@dataclass
class _Work:
    out: list[str] = field(default_factory=list)
    changes: list[tuple[str, str]] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    doubts: list[tuple[str, str]] = field(default_factory=list)
    factor: float = 1.0

    def change(self, read: str, written: str, factor: float) -> None:
        self.out.append(written)
        self.changes.append((read, written))
        self.factor *= factor

    def done(self) -> Repair:
        return Repair(" ".join(self.out), tuple(self.changes), tuple(self.invalid),
                      tuple(self.doubts), round(self.factor, 4))


def _from_lexicon(word: str, lexicon: Lexicon, work: _Work, *, keep_valid: bool) -> None:
    """One syllable against a list: same letters first, then a near word."""
    if word in lexicon or word.lower() in lexicon or (keep_valid and is_valid(word)):
        work.out.append(word)
        return
    same = lexicon.by_skeleton.get(skeleton(word), ())
    if same:
        choice = _case_like(word, _closest_marks(word, same))
        work.change(word, choice, SAME_LETTERS if len(same) == 1 else CHOSEN_MARKS)
        return
    near = _near(word, lexicon) if not is_valid(word) or not keep_valid else None
    if near is not None:
        work.change(word, _case_like(word, near), NEAR_WORD)
        return
    work.out.append(word)
    if not is_valid(word):
        work.invalid.append(word)
        work.factor *= LEFT_INVALID


def repair_name(text: str) -> Repair:
    """A person's name ("Nguyên Hoàng Giang" -> "Nguyễn Hoàng Giang")."""
    words = text.split()
    work = _Work()
    for i, word in enumerate(words):
        if i == 0 and len(words) >= 2:
            family = surnames()
            if word in family:
                work.out.append(word)
                continue
            before = len(work.changes)
            _from_lexicon(word, family, work, keep_valid=False)
            if len(work.changes) == before and not work.invalid:
                work.factor *= UNKNOWN_SURNAME  # a valid syllable, but no family name
            continue
        given = name_syllables()
        if word in given:
            work.out.append(word)
        elif is_valid(word):
            work.out.append(word)
            same = given.by_skeleton.get(skeleton(word), ())
            if same:
                work.doubts.append((word, _closest_marks(word, same)))
                work.factor *= DOUBTFUL_NAME
        else:
            _from_lexicon(word, given, work, keep_valid=False)
    return work.done()


def _is_abbreviation(word: str) -> bool:
    """"UBND", "KT.", "QĐ-TTg", "V/v": not syllables, nothing to repair."""
    letters = [ch for ch in word if ch.isalpha()]
    return not letters or any(not ch.isalpha() for ch in word.strip(_PUNCT)) or (
        word.strip(_PUNCT).isupper() and len(letters) <= 5 and not is_valid(word.strip(_PUNCT))
        and not any(ch.lower() in "aăâeêioôơuưy" for ch in letters[1:]))


def repair_words(text: str, lexicon: Lexicon) -> Repair:
    """An agency's name or a title: invalid syllables repaired from ``lexicon`` (lower-case
    syllables); valid ones kept, as a proper name may be any syllable."""
    work = _Work()
    for token in text.split():
        core = token.strip(_PUNCT)
        if not core or _is_abbreviation(token):
            work.out.append(token)
            continue
        head, tail = token[:token.index(core)], token[token.index(core) + len(core):]
        inner = _Work()
        _from_lexicon(core, lexicon, inner, keep_valid=True)
        work.out.append(head + inner.out[0] + tail)
        work.changes += inner.changes
        work.invalid += inner.invalid
        work.factor *= inner.factor
    return work.done()

