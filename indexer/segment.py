"""Vietnamese word segmentation with pyvi, written back into the text without moving any character.

`mark_compounds` replaces the single space between the syllables of each compound word with `analysis.JOINER`
("thủ tướng" → "thủ_tướng"): same length, so token offsets still point into the original text. pyvi's model and
dictionary are read from its files (`pyvi_data`) once per process that segments, never held by an analyzer; its CRF
is run by `crf` from the model's weights (crfsuite's labels, in half the time).
"""
from __future__ import annotations

import functools
import re
import string
import unicodedata
from itertools import accumulate, chain

import numpy as np

from indexer import pyvi_data
from indexer.analysis import JOINER
from indexer.crf import Tagger, Weights
from indexer.syllable import canonical_tones

_PUNCTUATION = frozenset(string.punctuation)
# pyvi 0.1.1's `sylabelize` pattern (abbreviations, specials, web, email, digits, other symbols, words), its inner
# groups made non-capturing: `split` then gives the syllables and what lies between them
_SYLLABLE = re.compile("(" + "|".join([
    r"[A-ZĐ]+\.", r"Tp\.", r"Mr\.", r"Mrs\.", r"Ms\.", r"Dr\.", r"ThS\.", "==>", "->", r"\.\.\.", ">>", "\n",
    r"\w+://[^\s]+", r"(?:[a-zA-Z0-9_.+-]+@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+)", r"\d+(?:[\.,_]\d+)+",
    r"[^\w\s]", r"\w+",
]) + ")")
_UNKNOWN_GAP = "\0"  # what comes before a syllable whose place in the line was not found: never a joint


def mark_compounds(text: str) -> str:
    """Return `text` with the space inside every pyvi compound replaced by JOINER, line by line.

    pyvi sees the text with canonical tone placement (the placement of its dictionary), so "hòa bình" and
    "hoà bình" segment alike; the joiners are then written into the text as it was.
    """
    return mark_all([text])[0]


def mark_all(texts: list[str]) -> list[str]:
    """`mark_compounds` of each text, all their lines tagged at once (the CRF's NumPy work is then done per batch,
    not per line)."""
    texts = [text.replace(JOINER, " ") if JOINER in text else text for text in texts]
    lines = [_canonical(text).split("\n") for text in texts]
    joints = iter(_joints(list(chain.from_iterable(lines))))
    marked = []
    for text, text_lines in zip(texts, lines):
        chars, offset = None, 0
        for line in text_lines:
            for at in next(joints):
                chars = chars or list(text)
                chars[offset + at] = JOINER
            offset += len(line) + 1
        marked.append("".join(chars) if chars else text)
    return marked


def _canonical(text: str) -> str:
    canonical = canonical_tones(text)
    return canonical if len(canonical) == len(text) else text


def _joints(lines: list[str]) -> list[list[int]]:
    """The offsets of the spaces inside each line's compound words."""
    bigrams, tagger = _model()
    split = list(map(_syllables, lines))
    tokens = [parts[1::2] for parts in split]
    tagged = [line if len(line) > 1 else [] for line in tokens]
    inside = np.flatnonzero(tagger.labelled(tagged) == tagger.labels.index("I_W"))
    sizes = np.fromiter(map(len, tagged), dtype=np.int64, count=len(tagged))
    starts = np.cumsum(sizes) - sizes
    bounds = np.searchsorted(inside, starts).tolist() + [len(inside)]
    inside = (inside - np.repeat(starts, np.diff(bounds))).tolist()  # each syllable's place in its line
    return [_line_joints(parts, line, inside[bounds[i]:bounds[i + 1]], bigrams) if bounds[i] < bounds[i + 1] else []
            for i, (parts, line) in enumerate(zip(split, tokens))]


def _syllables(line: str) -> list[str]:
    """The line cut into what comes before each of pyvi's syllables (`sylabelize`) and the syllable: gap, syllable,
    gap, syllable… then the rest of the line. pyvi splits the line made NFC: if that changed it, its syllables are
    looked for one after the other, and the gap before one not found (and before each after it) is unknown."""
    if unicodedata.is_normalized("NFC", line):
        return _SYLLABLE.split(line)
    parts, cursor = [], 0
    for token in _SYLLABLE.findall(unicodedata.normalize("NFC", line)):
        start = line.find(token, cursor) if cursor >= 0 else -1
        parts += [line[cursor:start] if start >= 0 else _UNKNOWN_GAP, token]
        cursor = start + len(token) if start >= 0 else -1
    parts.append(line[cursor:] if cursor >= 0 else "")
    return parts


def _line_joints(parts: list[str], tokens: list[str], inside: list[int], bigrams: frozenset[str]) -> list[int]:
    """The spaces to join: before each syllable labelled inside a word, when a single space follows a syllable
    it may be glued to."""
    joints: list[int] = []
    ends = None
    for k in inside:
        if k == 0 or parts[2 * k] != " ":
            continue
        prev, token = tokens[k - 1], tokens[k]
        if _joinable(prev, token) and _known_after_name(prev, token, bigrams):
            ends = ends or list(accumulate(map(len, parts)))
            joints.append(ends[2 * k - 1])
    return joints


@functools.cache
def _model() -> tuple[frozenset[str], Tagger]:
    """pyvi's dictionary words of two syllables, and its CRF as our tagger, once per process."""
    models = pyvi_data.folder()
    bigrams, trigrams = pyvi_data.ngrams(models)
    return bigrams, Tagger(Weights.read(pyvi_data.crf_model(models)), bigrams, trigrams)


def _known_after_name(prev: str, token: str, bigrams: frozenset[str]) -> bool:
    """A capitalised syllable glues to a lowercase one only as a word pyvi's dictionary knows ("Bộ trưởng"), so a
    name does not swallow the verb after it ("Lê Hoài Trung hội đàm" is not one word)."""
    return not (prev[0].isupper() and token[0].islower()) or f"{prev.lower()} {token.lower()}" in bigrams


def _joinable(prev: str, token: str) -> bool:
    """pyvi's own rule for gluing two syllables: words, no digits, no lowercase-then-capital."""
    return (
        prev not in _PUNCTUATION
        and token not in _PUNCTUATION
        and not prev[0].isdigit()
        and not token[0].isdigit()
        and not (token[0].istitle() and not prev[0].istitle())
    )
