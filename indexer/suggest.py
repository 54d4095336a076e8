""""Did you mean": the accented form of an accent-free query, and corrections for words the index barely knows.

Both come from the index's own vocabulary: compounds first ("hoi dam" → "hội đàm" as one word), then syllables.
"""
from __future__ import annotations

from urllib.parse import urlencode

from indexer.analysis import JOINER, fold
from indexer.query import ParsedQuery
from indexer.vocabulary import Vocabulary

MAX_COMPOUND = 3


def suggest(parsed: ParsedQuery, vocabulary: Vocabulary) -> dict | None:
    """`{"text", "url"}` for a clearly better query, or None when the query is fine as it is."""
    if parsed.excluded or any(len(g) > 1 or g[0].phrase or g[0].field for g in parsed.groups):
        return None
    words = parsed.words()
    if not words:
        return None
    corrected = [_corrected(w, vocabulary) for w in words]
    text = " ".join(_accented(corrected, vocabulary))
    if text.lower() == " ".join(words).lower():
        return None
    return {"text": text, "url": "/?" + urlencode({"q": text})}


def _corrected(word: str, vocabulary: Vocabulary) -> str:
    folded = fold(word)
    if not folded or folded.isdigit() or vocabulary.doc_freq(folded) > 0:
        return word
    return vocabulary.correction(folded) or word


def _accented(words: list[str], vocabulary: Vocabulary) -> list[str]:
    """Greedy left to right: the longest run of words that spells a known compound, else each syllable's best form."""
    out, i = [], 0
    while i < len(words):
        for size in range(min(MAX_COMPOUND, len(words) - i), 0, -1):
            form = _form(words[i:i + size], vocabulary)
            if form:
                out.extend(form.split(JOINER))
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _form(words: list[str], vocabulary: Vocabulary) -> str | None:
    if any(fold(w) != w.lower() for w in words):
        return JOINER.join(words) if len(words) == 1 else None  # typed with accents: keep as typed
    if len(words) == 1:
        return vocabulary.accented(fold(words[0]))
    forms = vocabulary.compound_forms([fold(w) for w in words])
    return forms[0] if forms else None
