"""Vietnamese word segmentation with pyvi, written back into the text without moving any character.

`mark_compounds` replaces the single space between the syllables of each compound word with `analysis.JOINER`
("thủ tướng" → "thủ_tướng"): same length, so token offsets still point into the original text. pyvi loads its
model on import, so it is imported here only, in the processes that segment, never held by an analyzer.
"""
from __future__ import annotations

import string

from indexer.analysis import JOINER

_PUNCTUATION = frozenset(string.punctuation)


def mark_compounds(text: str) -> str:
    """Return `text` with the space inside every pyvi compound replaced by JOINER, line by line."""
    if JOINER in text:
        text = text.replace(JOINER, " ")
    return "\n".join(_mark_line(line) for line in text.split("\n"))


def _mark_line(line: str) -> str:
    from pyvi.ViTokenizer import ViTokenizer  # noqa: PLC0415 - loads the CRF model once per process

    _, tokens = ViTokenizer.sylabelize(line)
    if len(tokens) < 2:
        return line
    labels = ViTokenizer.model.predict([ViTokenizer.sent2features(tokens, False)])[0]
    chars = list(line)
    cursor, prev_end, prev = 0, -1, ""
    for token, label in zip(tokens, labels):
        start = line.find(token, cursor)
        if start < 0:  # sylabelize changed the text (it should not on NFC input): stop marking this line
            break
        if prev and label == "I_W" and start == prev_end + 1 and line[prev_end] == " " and _joinable(prev, token):
            chars[prev_end] = JOINER
        cursor = prev_end = start + len(token)
        prev = token
    return "".join(chars)


def _joinable(prev: str, token: str) -> bool:
    """pyvi's own rule for gluing two syllables: words, no digits, no lowercase-then-capital."""
    return (
        prev not in _PUNCTUATION
        and token not in _PUNCTUATION
        and not prev[0].isdigit()
        and not token[0].isdigit()
        and not (token[0].istitle() and not prev[0].istitle())
    )
