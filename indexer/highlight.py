"""Highlighting on the original accented text with Whoosh's highlighter: `<mark>` around matches, the rest escaped."""
from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Iterable

from whoosh import analysis as wa
from whoosh import highlight as wh

from indexer.analysis import fold

SNIPPET_CHARS = 240
SNIPPET_CONTEXT = 80
SNIPPET_FRAGMENTS = 2


class MatchedWords(wa.Tokenizer):
    """Only the words whose folded form is one of the terms, found by one regular expression over the original
    text (each letter a class of its accented forms): the same words the folded analyzer would match, without
    building a token for every other word of the text. Each is a new token (Whoosh's tokenizers reuse one), which
    a fragment keeps as it is: copying them took a fifth of a snippet's time."""

    def __init__(self, terms: frozenset[str]) -> None:
        self.pattern = _pattern(terms)

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs):
        for match in self.pattern.finditer(value):
            if _inside_word(value, match.start()):
                continue
            token = wa.Token(positions, chars, removestops=removestops, mode=mode)
            token.text, token.boost, token.stopped, token.pos = fold(match.group()), 1.0, False, start_pos
            token.startchar, token.endchar = start_char + match.start(), start_char + match.end()
            yield token


class MatchFragmenter(wh.Fragmenter):
    """Fragments of at most `maxchars` around runs of matched words, with `surround` characters of context. The
    tokens must be new ones (`MatchedWords`'): they are kept, not copied."""

    def __init__(self, maxchars: int, surround: int) -> None:
        self.maxchars, self.surround = maxchars, surround

    def fragment_tokens(self, text: str, tokens):
        group: list = []
        floor = 0  # fragments never overlap, so two shown side by side never repeat text
        for token in (t for t in tokens if t.matched):
            if group and token.endchar - group[0].startchar > self.maxchars - 2 * self.surround:
                fragment = self._fragment(text, group, floor, token.startchar)
                floor = fragment.endchar
                yield fragment
                group = []
            group.append(token)
        if group:
            yield self._fragment(text, group, floor, len(text))

    def _fragment(self, text: str, group: list, floor: int, ceiling: int) -> wh.Fragment:
        start = max(floor, group[0].startchar - self.surround)
        while 0 < start < group[0].startchar and not text[start - 1].isspace():
            start += 1  # the formatter widens fragments to whole words: start on one that is not the last's
        end = min(ceiling, group[-1].endchar + self.surround)
        while ceiling < len(text) and group[-1].endchar < end < ceiling and not text[end].isspace():
            end -= 1  # another fragment follows: end on a word boundary, which the formatter will not cross
        return wh.Fragment(text, group, start, end)


@lru_cache(maxsize=4096)
def _pattern(terms: frozenset[str]) -> re.Pattern:
    """The terms with each letter a class of its forms. The word boundary before a match is checked by
    `_inside_word`, not by a lookbehind: a pattern that starts with the words lets the engine skip ahead to
    the letters they can start with (twice as fast over article bodies)."""
    words = "|".join("".join(_LETTER_CLASS.get(ch, re.escape(ch)) for ch in term)
                     for term in sorted(terms, key=len, reverse=True) if term)
    return re.compile(rf"(?:{words or '(?!)'})(?![^\W_]|[.,]\d)")


def _inside_word(text: str, start: int) -> bool:
    """Whether a match at `start` continues a word or a number ("2.200"), as the folded analyzer would not
    split it there. No match can begin inside one rejected here, so checking after matching loses none."""
    before = text[start - 1] if start else " "
    return before.isalnum() or (before in ".," and start > 1 and text[start - 2].isdecimal())


def _letter_classes() -> dict[str, str]:
    forms: dict[str, set[str]] = {}
    for code in [*range(0x41, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(code)
        if ch.isalpha() and len(fold(ch)) == 1 and fold(ch).isalpha():
            forms.setdefault(fold(ch), set()).add(ch)
    return {letter: "[" + "".join(sorted(chars)) + "]" for letter, chars in forms.items()}


_LETTER_CLASS = _letter_classes()


class MarkFormatter(wh.Formatter):
    """Matched words in `<mark>`, everything else HTML-escaped; cut fragments shown with ellipses."""

    between = " … "

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text: str, token, replace: bool = False) -> str:
        return f"<mark>{html.escape(wh.get_text(text, token, replace), quote=False)}</mark>"

    def format_fragment(self, fragment, replace: bool = False) -> str:
        text = fragment.text
        while fragment.endchar < len(text) and not text[fragment.endchar].isspace():
            fragment.endchar += 1  # keep the punctuation around the words at the edges: "Tashkent.", "(Nga"
        while fragment.startchar > 0 and not text[fragment.startchar - 1].isspace():
            fragment.startchar -= 1
        out = super().format_fragment(fragment, replace)
        before = "… " if text[:fragment.startchar].strip() else ""
        after = " …" if text[fragment.endchar:].strip() else ""
        return before + out.strip() + after

    def format(self, fragments, replace: bool = False) -> str:
        text = " ".join(" ".join(self.format_fragment(f, replace).split()) for f in fragments)
        # adjacent matched syllables read as one highlighted word: "<mark>hội đàm</mark>"
        return text.replace("</mark> <mark>", " ").replace("… …", "…")


class WholeFormatter(MarkFormatter):
    """For a whole text: no ellipses, line breaks kept."""

    def format_fragment(self, fragment, replace: bool = False) -> str:
        return wh.Formatter.format_fragment(self, fragment, replace)

    def format(self, fragments, replace: bool = False) -> str:
        return "".join(self.format_fragment(f, replace) for f in fragments).replace("</mark> <mark>", " ")


def snippet(text: str, terms: Iterable[str], fallback_chars: int = SNIPPET_CHARS) -> str:
    """The best fragments of `text` around the folded query terms, or its opening when none matches."""
    terms = frozenset(terms)
    fragmenter = MatchFragmenter(maxchars=SNIPPET_CHARS, surround=SNIPPET_CONTEXT)
    marked = wh.highlight(text, terms, MatchedWords(terms), fragmenter, MarkFormatter(),
                          top=SNIPPET_FRAGMENTS, order=wh.FIRST) if terms else ""
    return marked or _opening(text, fallback_chars)


def mark_all(text: str, terms: Iterable[str]) -> str:
    """The whole text, escaped, with every match of the folded query terms marked: for the article page."""
    terms = frozenset(terms)
    if not terms:
        return html.escape(text, quote=False)
    fragmenter = wh.WholeFragmenter(charlimit=None)
    marked = wh.highlight(text, terms, MatchedWords(terms), fragmenter, WholeFormatter(), top=1, minscore=0)
    return marked or html.escape(text, quote=False)


def _opening(text: str, chars: int) -> str:
    if len(text) <= chars:
        return html.escape(text, quote=False)
    cut = text.rfind(" ", 0, chars)
    return html.escape(text[: cut if cut > 0 else chars], quote=False) + " …"
