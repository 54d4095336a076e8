"""Vietnamese word segmentation with pyvi, written back into the text without moving any character.

`mark_compounds` replaces the single space between the syllables of each compound word with `analysis.JOINER`
("thủ tướng" → "thủ_tướng"): same length, so token offsets still point into the original text. pyvi loads its
model on import, so it is imported here only, in the processes that segment, never held by an analyzer.
"""
from __future__ import annotations

import string

from indexer.analysis import JOINER
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
    chars, offset = list(text), 0
    for line in canonical.split("\n"):
        for at in _joints(line):
            chars[offset + at] = JOINER
        offset += len(line) + 1
    return "".join(chars)


def _joints(line: str) -> list[int]:
    """The offsets of the spaces inside the line's compound words."""
    from pyvi.ViTokenizer import ViTokenizer  # noqa: PLC0415 - loads the CRF model once per process

    _, tokens = ViTokenizer.sylabelize(line)
    if len(tokens) < 2:
        return []
    labels = ViTokenizer.model.tagger_.tag(features(tokens, ViTokenizer.bi_grams, ViTokenizer.tri_grams))
    joints: list[int] = []
    cursor, prev_end, prev = 0, -1, ""
    for token, label in zip(tokens, labels):
        start = line.find(token, cursor)
        if start < 0:  # sylabelize changed the text (it should not on NFC input): stop marking this line
            break
        if (prev and label == "I_W" and start == prev_end + 1 and line[prev_end] == " " and _joinable(prev, token)
                and _known_after_name(prev, token, ViTokenizer.bi_grams)):
            joints.append(prev_end)
        cursor = prev_end = start + len(token)
        prev = token
    return joints


def features(tokens: list[str], bigrams: set[str], trigrams: set[str]) -> list[list[str]]:
    """pyvi's CRF features of each token, as the attribute strings crfsuite sees (a False feature weighs nothing
    and is left out): the same labels as `ViTokenizer.sent2features`, in under half the time."""
    lows = [t.lower() for t in tokens]
    titles = [t.istitle() for t in tokens]
    uppers = [t.isupper() for t in tokens]
    last = len(tokens) - 1
    out = []
    for i, low in enumerate(lows):
        f = ["bias", "word.lower():" + low]
        if uppers[i]:
            f.append("word.isupper()")
        if titles[i]:
            f.append("word.istitle()")
        if tokens[i].isdigit():
            f.append("word.isdigit()")
        if i > 0:
            _neighbour(f, "-1", lows[i - 1], titles[i - 1], uppers[i - 1], lows[i - 1] + " " + low in bigrams)
            if i > 1 and f"{lows[i - 2]} {lows[i - 1]} {low}" in trigrams:
                f.append("-2:word.tri_gram()")
        if i < last:
            _neighbour(f, "+1", lows[i + 1], titles[i + 1], uppers[i + 1], low + " " + lows[i + 1] in bigrams)
            if i < last - 1 and f"{low} {lows[i + 1]} {lows[i + 2]}" in trigrams:
                f.append("+2:word.tri_gram()")
        out.append(f)
    return out


def _neighbour(f: list[str], at: str, low: str, title: bool, upper: bool, bigram: bool) -> None:
    f.append(f"{at}:word.lower():{low}")
    if title:
        f.append(at + ":word.istitle()")
    if upper:
        f.append(at + ":word.isupper()")
    if bigram:
        f.append(at + ":word.bi_gram()")


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
