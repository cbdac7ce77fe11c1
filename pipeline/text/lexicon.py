"""The word lists repairs are chosen from, read once from ``pipeline/text/data`` (each file
says where its words come from): family names, given-name syllables, and administrative
vocabulary."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def skeleton(text: str) -> str:
    """Letters without any diacritic, lower case ("Nguyễn" -> "nguyen"): what OCR keeps of a
    syllable when it loses or swaps marks."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _entries(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [unicodedata.normalize("NFC", ln.strip()) for ln in lines
            if ln.strip() and not ln.startswith("#")]


@dataclass(frozen=True)
class Lexicon:
    """Syllables in their written form (in list order: most common first where the list
    says so), and the same grouped by skeleton."""

    words: tuple[str, ...]
    by_skeleton: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, words: Iterable[str]) -> Lexicon:
        unique = tuple(dict.fromkeys(words))
        groups: dict[str, list[str]] = defaultdict(list)
        for word in unique:
            groups[skeleton(word)].append(word)
        return cls(unique, {k: tuple(v) for k, v in groups.items()})

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word in self._set()

    def _set(self) -> frozenset[str]:
        return _as_set(self.words)


@cache
def _as_set(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(words)


@cache
def surnames() -> Lexicon:
    return Lexicon.of(_entries("surnames.txt"))


@cache
def name_syllables() -> Lexicon:
    """Syllables a middle or given name may have: given names and family names (a mother's
    family name is often a middle name: "Nguyễn Hoàng Giang")."""
    return Lexicon.of([*_entries("given_names.txt"), *surnames().words])


def syllables_of(phrases: Iterable[str]) -> Lexicon:
    """Lower-case syllables of ``phrases``."""
    return Lexicon.of(word.lower() for phrase in phrases for word in phrase.split())


@cache
def admin_phrases() -> tuple[str, ...]:
    """Administrative vocabulary: agency names, titles, Decree 30 headings."""
    return tuple(_entries("admin_words.txt"))
