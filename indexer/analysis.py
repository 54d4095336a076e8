"""Whoosh analyzers for Vietnamese: syllables with offsets into the original text, in folded, exact and compound forms.

Word segmentation happens before analysis (see `segment.mark_compounds`): it replaces the space inside each compound
word with JOINER, which keeps every offset, so these analyzers stay free of any model and pickle cleanly into the index.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Callable, Iterator

from unidecode import unidecode
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, Token

from indexer.syllable import canonical_tones

JOINER = "_"
# Numbers keep their separators ("26,5", "2.200"); everything else is a run of letters or digits.
SYLLABLE_PATTERN = r"\d+(?:[.,]\d+)+|[^\W_]+"
COMPOUND_PATTERN = r"[^\W_]+(?:_[^\W_]+)+"
_NOT_FOLDED = re.compile(r"[^0-9a-z_.,]+")
CACHED_WORDS = 2**16  # per cache: the common words (a build's workers would otherwise keep 100 MB of rare ones)


@lru_cache(maxsize=CACHED_WORDS)
def fold(word: str) -> str:
    """Lowercase ASCII form of a word: diacritics dropped, đ → d ("Hội" → "hoi")."""
    return _NOT_FOLDED.sub("", unidecode(word).lower())


@lru_cache(maxsize=CACHED_WORDS)
def exact(word: str) -> str:
    """Lowercase accented form with one tone-mark placement, so "Hòa" and "hoà" are the same word."""
    return canonical_tones(word.lower())


class FoldFilter(Filter):
    """Replaces each token's text by its folded form; drops tokens that fold to nothing (emoji, symbols)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            if t.text:
                yield t


class ExactFilter(Filter):
    """Replaces each token's text by its exact form: lowercase, accents kept, tone placement made canonical."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = exact(t.text)
            yield t


def folded_analyzer():
    """Diacritic-insensitive syllables: what every query word matches, and what phrases and highlights use."""
    return RegexTokenizer(SYLLABLE_PATTERN) | FoldFilter()


def exact_analyzer():
    """Accented syllables: lets the search service rank exact-diacritic matches first."""
    return RegexTokenizer(SYLLABLE_PATTERN) | LowercaseFilter() | ExactFilter()


def compound_analyzer():
    """Exact compound words marked by segmentation ("Thủ_tướng" → "thủ_tướng"); single syllables are skipped."""
    return RegexTokenizer(COMPOUND_PATTERN) | LowercaseFilter() | ExactFilter()


def syllables(text: str) -> list[str]:
    """The syllables of a text as written, in order: the query side's tokenizer, the same rule as the index's."""
    return _SYLLABLE.findall(text)


# What the analyzers above yield for a text, grouped by term, without a Token per word: what indexing needs
# (`schema.SyllableText`). Each is tested against its analyzer; terms come in order of first occurrence, as there.

def folded_positions(text: str) -> dict[str, list[int]]:
    """Each folded syllable of the text with its positions (a syllable that folds to nothing keeps its place)."""
    out: defaultdict[str, list[int]] = defaultdict(list)
    for pos, term in enumerate(map(fold, _syllables_of(text))):
        out[term].append(pos)
    out.pop("", None)
    return out


def exact_counts(text: str) -> Counter:
    """How often each exact syllable occurs in the text."""
    return Counter(map(_exact_as_written, _syllables_of(text)))


def compound_counts(text: str) -> Counter:
    """How often each exact compound word occurs in the text."""
    return Counter(map(_exact_as_written, _COMPOUND.findall(text)))


# The same for a whole batch of texts (`inversion.analyse`): the words a form takes from a text, as written, and the
# term each word indexes as; a batch maps each of its distinct words once.
def words_of(form: str, text: str) -> list[str]:
    """The words of the text that a field of this form indexes, as written, in order."""
    return (_COMPOUND if form == "compound" else _SYLLABLE).findall(text)


def term_of(form: str) -> Callable[[str], str]:
    """What a word as written becomes in a field of this form ("" for a word it drops, keeping its place)."""
    return fold if form == "folded" else _exact_as_written


@lru_cache(maxsize=CACHED_WORDS)
def _exact_as_written(word: str) -> str:
    return exact(word.lower())  # what LowercaseFilter then ExactFilter make of a token


@lru_cache(maxsize=4)
def _syllables_of(text: str) -> list[str]:
    # a headline or body is indexed as folded and exact syllables, one field after the other: split it once
    return _SYLLABLE.findall(text)


_SYLLABLE = re.compile(SYLLABLE_PATTERN)
_COMPOUND = re.compile(r"(?<![^\W_])" + COMPOUND_PATTERN)  # the same matches, not tried again inside a word
