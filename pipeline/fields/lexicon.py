"""The label lexicon: how real forms word the label before each value (``lexicon.toml``).

A template's field reads the labels of the lexicon entry of its name (or the entry it names
with ``lexicon = "..."``) after its own; every label of the lexicon ends the value printed
before it. Labels are matched on :func:`~pipeline.fields.match.fold_in_place` text by
:func:`label_regex`: tone marks, case and spacing do not matter, a footnote mark
("Nơi cư trú(2):") and an English half ("Quốc tịch / Nationality:") may follow the label.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.errors import SohoaError
from pipeline.fields.match import fold, fold_in_place

LEXICON_FILE = Path(__file__).resolve().parent / "lexicon.toml"


class LexiconError(SohoaError):
    code = "tu-dien-nhan-sai"


@dataclass(frozen=True)
class Lexicon:
    entries: dict[str, tuple[str, ...]]  # field -> its label wordings
    stop: tuple[str, ...]  # labels of values nobody reads: they only end other values
    english: tuple[str, ...]  # English halves of bilingual labels
    prefer: dict[str, tuple[str, ...]]  # field -> labels that say whose value it is

    def labels(self, entry: str) -> tuple[str, ...]:
        return self.entries.get(entry, ())

    def preferred(self, entry: str) -> tuple[str, ...]:
        return self.prefer.get(entry, ())

    @property
    def every_label(self) -> tuple[str, ...]:
        found = [lb for labels in self.entries.values() for lb in labels] + list(self.stop)
        return tuple(dict.fromkeys(found))


def _strings(table: object, key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, []) if isinstance(table, dict) else None
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{where}: '{key}' phải là danh sách chuỗi ký tự không rỗng.")
    return tuple(value)


@cache
def load(path: Path = LEXICON_FILE) -> Lexicon:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"Không đọc được từ điển nhãn {path.name}: {exc}") from exc
    entries: dict[str, tuple[str, ...]] = {}
    prefer: dict[str, tuple[str, ...]] = {}
    english: list[str] = []
    stop: tuple[str, ...] = ()
    for name, table in data.items():
        where = f"{path.name} [{name}]"
        if name == "stop":
            stop = _strings(table, "labels", where)
        else:
            entries[name] = _strings(table, "labels", where)
        english += _strings(table, "english", where) if "english" in table else ()
        if "prefer" in table:
            prefer[name] = _strings(table, "prefer", where)
            if not set(prefer[name]) <= set(entries[name]):
                raise LexiconError(f"{where}: 'prefer' có nhãn không nằm trong 'labels'.")
    return Lexicon(entries, stop, tuple(dict.fromkeys(english)), prefer)


def _words(label: str) -> str:
    """A label's words, any spacing (none too: OCR runs words together, "Cấpngày")."""
    return r"[\s'‘’`]*".join(re.escape(part) for part in fold_in_place(label).split())


@cache
def _english() -> str:
    options = sorted((_words(e) for e in load().english), key=len, reverse=True)
    return "|".join(options)


#: Between a label and its colon: a footnote mark "(2)" and a bilingual label's English half,
#: known ("/ Date of birth") or, before a colon, any short misreading of it ("/ Eull name").
_FOOTNOTE = r"(?:\s*\(\s*\d{1,2}\s*\)|\s*[¹²³⁴⁵⁶⁷⁸⁹])?"
#: What ends a label: a colon (or the semicolon OCR often reads for it), or the dotted leader
#: of a blank form ("Họ và tên.........").
_COLON = r"(?P<colon>\s*[:：;]|\s*(?:[.…_]\s*){3,})?"


@cache
def label_regex(label: str) -> re.Pattern[str]:
    """A label as a whole phrase (not after a letter: "585Cấp ngày:" still holds one), its
    footnote mark, English half and colon; search :func:`fold_in_place` text. Group
    ``colon`` is set when a colon or dotted leader ends it."""
    english = "" if "/" in label else (
        rf"(?:\s*/\s*(?:{_english()})(?![^\W\d_])|\s*/[^:：;/\n]{{1,40}}(?=\s*[:：;]))?")
    return re.compile(rf"(?<![^\W\d_])(?P<label>{_words(label)})(?![^\W\d_]){_FOOTNOTE}"
                      rf"{english}{_COLON}")


def key(label: str) -> str:
    """The comparable form of a label: folded, single-spaced."""
    return fold(label)
