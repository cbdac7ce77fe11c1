"""Whether a written Vietnamese syllable can exist: onset + (medial) rhyme + tone.

Vietnamese is written one syllable per word, and its syllables form a closed set: an onset
from a short list, a rhyme from a few hundred, and a tone that stop-final rhymes restrict to
two. OCR errors that change a letter ("huvện", "Đeứnh") leave that set, so they can be
found without a dictionary of words. Spelling rules are checked too: ``k``/``gh``/``ngh``
before front vowels, ``c``/``g``/``ng`` elsewhere, ``qu`` for /kw/.

The rules follow the standard descriptions of the national orthography (Đoàn Thiện Thuật,
*Ngữ âm tiếng Việt*, 1977; the rhyme table of Circular 07/2000 on spelling in textbooks);
loan syllables outside them (``pin`` aside) are reported invalid, which only lowers
confidence.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

#: Combining tone marks (NFD) and their names.
TONES = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi", "\u0323": "nặng"}
_VOWELS = set("aăâeêioôơuưy")
#: Onsets, longest first so that "ngh" is not read as "ng" + "h...".
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")


def _table(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Rhymes without a medial /w/.
BARE = _table("""
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e ec em en eng eo ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu
iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong op ot oong ooc
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua uc ui um un ung up ut
uôc uôi uôm uôn uông uôt
ư ưa ưc ưi ưm ưn ưng ưt ưu
ươc ươi ươm ươn ương ươp ươt ươu
y
""")
#: Rhymes with the medial /w/, written "o" before a, ă, e and "u" before â, ê, y, ơ.
MEDIAL = _table("""
oa oac oach oai oam oan oang oanh oao oap oat oay
oăc oăm oăn oăng oăp oăt
oe oem oen oeo oet
uân uâng uât uây
uê uêch uên uênh uêt
uy uych uyn uynh uyp uyt uyu uya uyên uyêt
uơ
""")
#: The /iə/ rhymes are written "yê" with no onset ("yên", "yêu").
_Y_FORMS = frozenset({"yêm", "yên", "yêng", "yêt", "yêu"})
_FRONT = tuple("eêiy")
#: Syllables of official place names borrowed from minority languages ("Đắk Lắk", "Bắc
#: Kạn", "Krông Pắc"), outside the national spelling rules.
_PLACE_NAMES = frozenset({"kạn", "đắk", "lắk", "đăk", "lăk", "krông", "kông", "pắc", "búk"})
_STOPS = ("c", "ch", "p", "t")


@dataclass(frozen=True)
class Parts:
    onset: str
    rhyme: str
    tone: str | None


def split_tone(syllable: str) -> tuple[str, str | None] | None:
    """(syllable in lower case without its tone mark, tone name); None when it carries two
    tone marks or one on a consonant."""
    base: list[str] = []
    tone: str | None = None
    letter = ""
    for ch in unicodedata.normalize("NFD", syllable.lower()):
        if ch in TONES:
            if tone is not None or letter not in _VOWELS:
                return None
            tone = TONES[ch]
            continue
        base.append(ch)
        combined = unicodedata.normalize("NFC", letter + ch)
        letter = combined if unicodedata.combining(ch) else ch
    return unicodedata.normalize("NFC", "".join(base)), tone


def _rhyme_ok(onset: str, rhyme: str) -> bool:
    if onset == "":
        return (rhyme in BARE and not rhyme.startswith("iê")) or rhyme in _Y_FORMS \
            or rhyme in MEDIAL
    if onset == "qu":
        return rhyme in ("ôc", "i", "it") or ("o" + rhyme) in MEDIAL or ("u" + rhyme) in MEDIAL
    if onset == "gi":
        return rhyme in BARE or ("i" + rhyme) in BARE
    front = rhyme.startswith(_FRONT)
    if onset in ("c", "g", "ng") and front:
        return False  # written k, gh, ngh
    if onset in ("k", "gh", "ngh"):
        return front and rhyme in BARE
    if onset == "c":
        return rhyme in BARE  # /kw/ is written qu
    return rhyme in BARE or rhyme in MEDIAL


@cache
def parse(syllable: str) -> Parts | None:
    """The syllable's onset, rhyme and tone, or None when no reading of it is Vietnamese."""
    syllable = syllable.replace("Ð", "Đ").replace("ð", "đ")  # Eth, as OCR reads "Đ"
    if syllable.lower() in _PLACE_NAMES:
        return Parts("", syllable.lower(), None)
    split = split_tone(syllable)
    if split is None:
        return None
    base, tone = split
    if not base or not all(ch.isalpha() for ch in base):
        return None
    for onset in (*_ONSETS, ""):
        if not base.startswith(onset):
            continue
        rhyme = base[len(onset):]
        if not rhyme:
            if onset == "gi":  # "gì": gi + i
                return Parts(onset, rhyme, tone)
            continue
        if not _rhyme_ok(onset, rhyme):
            continue
        if rhyme.endswith(_STOPS) and tone not in ("sắc", "nặng"):
            continue  # a stop-final rhyme takes only the rising or the heavy tone
        return Parts(onset, rhyme, tone)
    return None


def is_valid(syllable: str) -> bool:
    """A Vietnamese syllable, in any letter case."""
    return parse(syllable) is not None


def well_cased(word: str) -> bool:
    """Written as words are: lower case, capitalised, or all capitals ("sẾ" is not)."""
    letters = [ch for ch in word if ch.isalpha()]
    if not letters:
        return False
    rest = letters[1:]
    return all(ch.islower() for ch in rest) or all(ch.isupper() for ch in letters)


def is_word(word: str) -> bool:
    """A well-cased valid syllable."""
    return well_cased(word) and is_valid(word)
