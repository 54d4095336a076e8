"""Vietnamese word segmentation with pyvi, written back into the text without moving any character.

`mark_compounds` replaces the single space between the syllables of each compound word with `analysis.JOINER`
("thủ tướng" → "thủ_tướng"): same length, so token offsets still point into the original text. pyvi loads its
model on import, so it is imported here only, in the processes that segment, never held by an analyzer. Its CRF is
run by `crf` from the model's weights (crfsuite's labels, in half the time).
"""
from __future__ import annotations

import functools
import string
from pathlib import Path

from indexer.analysis import JOINER
from indexer.crf import Tagger, Weights
from indexer.syllable import canonical_tones

_PUNCTUATION = frozenset(string.punctuation)


def mark_compounds(text: str) -> str:
    """Return `text` with the space inside every pyvi compound replaced by JOINER, line by line.

    pyvi sees the text with canonical tone placement (the placement of its dictionary), so "hòa bình" and
    "hoà bình" segment alike; the joiners are then written into the text as it was.
    """
    if JOINER in text:
        text = text.replace(JOINER, " ")
    canonical = canonical_tones(text)
    if len(canonical) != len(text):
        canonical = text
    lines = canonical.split("\n")
    chars, offset = list(text), 0
    for line, joints in zip(lines, _joints(lines)):
        for at in joints:
            chars[offset + at] = JOINER
        offset += len(line) + 1
    return "".join(chars)


def _joints(lines: list[str]) -> list[list[int]]:
    """The offsets of the spaces inside each line's compound words."""
    pyvi, tagger = _model()
    tokens = [pyvi.sylabelize(line)[1] for line in lines]
    tagged = tagger.tag([line if len(line) > 1 else [] for line in tokens])
    return [_line_joints(line, syllables, labels, pyvi.bi_grams) for line, syllables, labels in zip(lines, tokens, tagged)]


def _line_joints(line: str, tokens: list[str], labels: list[str], bigrams: set[str]) -> list[int]:
    joints: list[int] = []
    cursor, prev_end, prev = 0, -1, ""
    for token, label in zip(tokens, labels):
        start = line.find(token, cursor)
        if start < 0:  # sylabelize changed the text (it should not on NFC input): stop marking this line
            break
        if (prev and label == "I_W" and start == prev_end + 1 and line[prev_end] == " " and _joinable(prev, token)
                and _known_after_name(prev, token, bigrams)):
            joints.append(prev_end)
        cursor = prev_end = start + len(token)
        prev = token
    return joints


@functools.cache
def _model() -> tuple[type, Tagger]:
    """pyvi's tokenizer (its syllable splitter and dictionary) and its CRF as our tagger, once per process."""
    from pyvi.ViTokenizer import ViTokenizer  # noqa: PLC0415 - loads the CRF model once per process

    weights = Weights.read(Path(ViTokenizer.model.modelfile.name).read_bytes())
    return ViTokenizer, Tagger(weights, ViTokenizer.bi_grams, ViTokenizer.tri_grams)


def _known_after_name(prev: str, token: str, bigrams: set[str]) -> bool:
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
