"""Highlighting on the original accented text with Whoosh's highlighter: `<mark>` around matches, the rest escaped."""
from __future__ import annotations

import html
from typing import Iterable

from whoosh import highlight as wh

from indexer.analysis import folded_analyzer

SNIPPET_CHARS = 240
SNIPPET_CONTEXT = 80
SNIPPET_FRAGMENTS = 2
_ANALYZER = folded_analyzer()


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
    fragmenter = wh.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=SNIPPET_CONTEXT)
    marked = wh.highlight(text, frozenset(terms), _ANALYZER, fragmenter, MarkFormatter(),
                          top=SNIPPET_FRAGMENTS, order=wh.FIRST) if terms else ""
    return marked or _opening(text, fallback_chars)


def mark_all(text: str, terms: Iterable[str]) -> str:
    """The whole text, escaped, with every match of the folded query terms marked: for the article page."""
    terms = frozenset(terms)
    if not terms:
        return html.escape(text, quote=False)
    fragmenter = wh.WholeFragmenter(charlimit=None)
    marked = wh.highlight(text, terms, _ANALYZER, fragmenter, WholeFormatter(), top=1, minscore=0)
    return marked or html.escape(text, quote=False)


def _opening(text: str, chars: int) -> str:
    if len(text) <= chars:
        return html.escape(text, quote=False)
    cut = text.rfind(" ", 0, chars)
    return html.escape(text[: cut if cut > 0 else chars], quote=False) + " …"
