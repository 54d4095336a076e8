"""Decoding Vietnamese typed with the input method off: Telex ("hooij ddamf" → "hội đàm") and VNI ("vie6t5" → "việt").

A word is decoded only when its keystrokes spell a well-formed Vietnamese syllable that the word itself is not, so
English words and names ("facebook", "trump", "lavrov") come through unchanged.
"""
from __future__ import annotations

import unicodedata
from typing import Callable

from indexer.syllable import TONES, canonical_syllable, is_syllable

_TONE_MARK = {name: mark for mark, name in TONES.items()}
TELEX_TONES = {"s": _TONE_MARK["sắc"], "f": _TONE_MARK["huyền"], "r": _TONE_MARK["hỏi"], "x": _TONE_MARK["ngã"],
               "j": _TONE_MARK["nặng"]}
VNI_TONES = {"1": _TONE_MARK["sắc"], "2": _TONE_MARK["huyền"], "3": _TONE_MARK["hỏi"], "4": _TONE_MARK["ngã"],
             "5": _TONE_MARK["nặng"]}
CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
BREVE_OR_HORN = {"a": "ă", "o": "ơ", "u": "ư"}
VOWELS = set("aăâeêioôơuưy")


class _Keys:
    """The letters typed so far and the tone chosen, as an input method keeps them."""

    def __init__(self) -> None:
        self.letters: list[str] = []
        self.tone = ""

    def vowel_indexes(self) -> list[int]:
        return [i for i, ch in enumerate(self.letters) if ch in VOWELS]

    def set_tone(self, mark: str) -> bool:
        if not self.vowel_indexes():
            return False
        self.tone = mark
        return True

    def modify(self, table: dict[str, str], wanted: str | None = None) -> bool:
        """Turn the last vowel the table knows (and `wanted`, if given) into its modified form."""
        for i in reversed(self.vowel_indexes()):
            ch = self.letters[i]
            if ch in table and (wanted is None or ch == wanted):
                self.letters[i] = table[ch]
                return True
        return False

    def horn(self) -> bool:
        """Telex w and VNI 7/8: "uo" takes the horn on both vowels (ươ), else the last vowel that can take one."""
        text = "".join(self.letters)
        at = text.rfind("uo")
        if at >= 0 and not (at > 0 and text[at - 1] == "q"):
            self.letters[at:at + 2] = ["ư", "ơ"]
            return True
        return self.modify(BREVE_OR_HORN)

    def stroke_d(self) -> bool:
        """đ: only the onset d takes the stroke."""
        if self.letters[:1] != ["d"]:
            return False
        self.letters[0] = "đ"
        return True

    def word(self) -> str:
        return canonical_syllable(unicodedata.normalize("NFC", _with_tone("".join(self.letters), self.tone)))


def decode_telex(word: str) -> str | None:
    """The Vietnamese syllable a lowercase ASCII word spells in Telex, or None if it spells none."""
    keys, last_tone_key = _Keys(), ""
    for ch in word:
        if ch in TELEX_TONES and ch == last_tone_key:
            keys.tone, last_tone_key = "", ""  # a tone key typed twice undoes the tone and stays a letter: "mass"
            keys.letters.append(ch)
            continue
        if ch in TELEX_TONES and keys.set_tone(TELEX_TONES[ch]):
            last_tone_key = ch
            continue
        if ch == "z" and keys.vowel_indexes():
            keys.tone = ""
        elif ch == "d" and keys.letters == ["d"]:
            keys.stroke_d()
        elif ch in CIRCUMFLEX and keys.letters and keys.letters[-1] == ch and keys.modify(CIRCUMFLEX, ch):
            continue
        elif ch in CIRCUMFLEX and _after_final(keys, ch):
            continue
        elif ch == "w":
            if not keys.horn():
                keys.letters.append("ư")
        else:
            keys.letters.append(ch)
    return _valid(keys)


def decode_vni(word: str) -> str | None:
    """The Vietnamese syllable a lowercase word spells in VNI (digits for marks), or None if it spells none."""
    keys, tones = _Keys(), 0
    for ch in word:
        if ch in VNI_TONES:
            tones += 1
            applied = keys.set_tone(VNI_TONES[ch])
        elif ch == "6":
            applied = keys.modify(CIRCUMFLEX)
        elif ch in "78":
            applied = keys.horn() if ch == "7" else keys.modify({"a": "ă"})
        elif ch == "9":
            applied = keys.stroke_d()
        elif ch == "0":
            applied = False
        else:
            keys.letters.append(ch)
            continue
        if not applied or tones > 1:
            return None
    return _valid(keys)


def decode_query_word(word: str, frequency: Callable[[str], int] | None = None) -> str | tuple[str, str]:
    """The word a query meant: Telex or VNI decoded when the keystrokes spell Vietnamese, else the word unchanged.

    `frequency(exact_word)` is how many articles of the index have a word. With it, the decoding wins when the index
    has it more often than the word as typed, and both are searched when both occur ("lee" or "lê"): a name typed
    without accents ("hari") still finds itself.
    """
    lower = word.lower()
    if not lower.isascii() or not lower.isalnum():
        return word
    decoded = decode_vni(lower) if any(ch.isdigit() for ch in lower) else decode_telex(lower)
    if decoded is None or decoded == lower:
        return word
    typed_count, decoded_count = (frequency(lower), frequency(decoded)) if frequency else (0, 0)
    if decoded_count < typed_count or (decoded_count == typed_count and is_syllable(lower)):
        return word
    return (word, _recase(decoded, word)) if typed_count else _recase(decoded, word)


def decode_query(text: str, frequency: Callable[[str], int] | None = None) -> str:
    """Every space-separated word of a query decoded on its own (alternatives joined with OR)."""
    decoded = (decode_query_word(w, frequency) for w in text.split())
    return " ".join(" OR ".join(d) if isinstance(d, tuple) else d for d in decoded)


def _after_final(keys: _Keys, ch: str) -> bool:
    """Telex also takes the doubled vowel after the final consonant: "vieten" is "viên" as "vieen" is."""
    vowels = keys.vowel_indexes()
    if not vowels or keys.letters[vowels[-1]] != ch or vowels[-1] == len(keys.letters) - 1:
        return False
    return keys.modify(CIRCUMFLEX, ch)


def _valid(keys: _Keys) -> str | None:
    if not keys.vowel_indexes():
        return None
    word = keys.word()
    return word if is_syllable(word) else None


def _with_tone(letters: str, mark: str) -> str:
    """Place the mark after the first vowel; `canonical_syllable` then moves it to its proper place."""
    if not mark:
        return letters
    for i, ch in enumerate(letters):
        if ch in VOWELS:
            return letters[:i + 1] + mark + letters[i + 1:]
    return letters


def _recase(decoded: str, typed: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return decoded.upper()
    if typed[:1].isupper():
        return decoded[:1].upper() + decoded[1:]
    return decoded
