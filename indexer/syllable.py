"""The Vietnamese syllable: its parts (onset, vowels, final consonant, tone), one tone-mark placement, and validity.

Two spellings of the same word differ only in where the tone mark sits ("hoà"/"hòa", "thuỷ"/"thủy"); putting it
in one place makes them one indexed term. Validity tells the Telex decoder a Vietnamese word from an English one.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Combining marks: five tones, and the three vowel modifiers that make a, o, u, e into ă â ê ô ơ ư.
TONES = {"\u0301": "sắc", "\u0300": "huyền", "\u0309": "hỏi", "\u0303": "ngã", "\u0323": "nặng"}
MODIFIERS = {"\u0302", "\u0306", "\u031b"}
VOWELS = set("aăâeêioôơuưy")
ONSETS = {"", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p",
          "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"}
# Every rhyme (vowels + final consonant) written in Vietnamese, without its tone.
RHYMES = set("""
a ai ao au ay ac ach am an ang anh ap at ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e ec em en eng eo ep et ê êch êm ên ênh êp êt êu i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong op ot oong ooc oa oac oach oai oam oan oang oanh oap oat oay oăc oăm oăn oăng oăt
oe oen oeo oet ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt u uc ui um un ung up ut ua uân uâng uât uây
uê uêch uênh uôc uôi uôm uôn uông uôt uơ uy uya uych uyên uyêt uyn uynh uyt uyu ư ưa ưc ưi ưm ưn ưng ưt ưu
ươc ươi ươm ươn ương ươp ươt ươu y yêm yên yêng yêt yêu
""".split())
STOPS = ("c", "ch", "p", "t")  # a syllable closed by a stop takes only the sắc or nặng tone
NEW_STYLE = ("oa", "oe", "uy")  # "hoà", "khoẻ", "thuỷ": the placement of pyvi's dictionary and of school books
_LETTER_RUNS = re.compile(r"([^\W\d_]+)")
_PARTS = re.compile(r"^(ngh|ng|gh|gi|kh|ch|nh|ph|qu|th|tr|[bcdđghklmnprstvx]?)([aăâeêioôơuưy]+)(ch|ng|nh|[cmnpt]?)$")


@dataclass(frozen=True)
class Syllable:
    """A lowercase syllable taken apart: onset, vowels (modifiers kept, tone removed), final consonant, tone mark."""

    onset: str
    vowels: str
    final: str
    tone: str  # a combining tone mark, or "" for the level tone

    def spelled(self) -> str:
        """The syllable written with its tone in the one canonical place."""
        if not self.tone:
            return self.onset + self.vowels + self.final
        at = _tone_position(self.vowels, bool(self.final))
        vowels = self.vowels[:at + 1] + self.tone + self.vowels[at + 1:]
        return unicodedata.normalize("NFC", self.onset + vowels + self.final)


def split(word: str) -> Syllable | None:
    """The parts of one lowercase word, or None if it is not shaped like a Vietnamese syllable."""
    bare, tone = _untoned(word)
    if bare is None:
        return None
    match = _PARTS.match(bare)
    if not match:
        return None
    return Syllable(*match.groups(), tone)


def is_syllable(word: str) -> bool:
    """Whether a word (any case, any tone placement) is a well-formed Vietnamese syllable."""
    parts = split(unicodedata.normalize("NFC", word.lower()))
    if parts is None or parts.onset not in ONSETS or not _known_rhyme(parts):
        return False
    return not (parts.final in STOPS and parts.tone not in ("\u0301", "\u0323"))


@lru_cache(maxsize=100_000)
def canonical_syllable(word: str) -> str:
    """One word with its tone mark moved to the canonical place ("hòa" → "hoà"); other words unchanged."""
    lower = word.lower()
    parts = split(lower)
    if parts is None or not parts.tone:
        return word
    spelled = parts.spelled()
    return spelled if word == lower else _recase(spelled, word)


def canonical_tones(text: str) -> str:
    """The text with every Vietnamese syllable's tone mark in the canonical place; the length is kept."""
    parts = _LETTER_RUNS.split(unicodedata.normalize("NFC", text))  # words at the odd places, between the rest
    parts[1::2] = map(canonical_syllable, parts[1::2])  # no Python call per word when the cache has it
    return "".join(parts)


def _untoned(word: str) -> tuple[str | None, str]:
    """The word without its tone mark, NFC, and the tone mark; None if it carries two tones or a foreign mark."""
    tone, kept = "", []
    for ch in unicodedata.normalize("NFD", word):
        if ch in TONES:
            if tone:
                return None, ""
            tone = ch
        elif unicodedata.combining(ch) and ch not in MODIFIERS:
            return None, ""
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _tone_position(vowels: str, closed: bool) -> int:
    """Where the tone goes in a vowel group: the modified vowel (ơ of ươ), else the main vowel ("hoà", "mùa")."""
    modified = [i for i, v in enumerate(vowels) if v in "ăâêôơư"]
    if modified:
        return modified[-1]
    if len(vowels) == 3:
        return 1
    if len(vowels) == 2:
        return 1 if closed or vowels in NEW_STYLE else 0
    return 0


def _known_rhyme(parts: Syllable) -> bool:
    """The rhyme is in RHYMES; after gi and qu, with the vowel the onset spells: giếng is gi + iêng, quỳnh qu + uynh,
    quai qu + oai."""
    rhyme = parts.vowels + parts.final
    if parts.onset == "gi":
        return rhyme in RHYMES or "i" + rhyme in RHYMES
    if parts.onset == "qu":
        return rhyme in RHYMES or "u" + rhyme in RHYMES or "o" + rhyme in RHYMES
    return rhyme in RHYMES


def _recase(spelled: str, original: str) -> str:
    if original.isupper():
        return spelled.upper()
    if original[:1].isupper():
        return spelled[:1].upper() + spelled[1:]
    return spelled
