"""The query syntax a journalist types: words (all must match), "phrases", -excluded (or NOT), OR, title: prefixes.

Parsing yields plain data (clauses of syllables); `ranking.to_whoosh` turns it into a Whoosh query. Raw Telex or VNI
keystrokes are decoded here, word by word, so the rest of the search sees the Vietnamese the user meant.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from indexer.analysis import syllables

MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 32
FIELDS = ("title",)
# A clause: optional minus, optional field prefix, then a quoted phrase or a bare word; stray quotes end up as words.
_CLAUSE = re.compile(r'(?P<neg>-)?(?:(?P<field>[^\W\d_]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]+")


Decoder = Callable[[str], "str | tuple[str, ...]"]


class QueryError(ValueError):
    """The query cannot be searched as typed; the message says why, in words a journalist understands."""


@dataclass(frozen=True)
class Clause:
    """Syllables that must appear (together, in order, when `phrase`), optionally only in the headline."""

    syllables: tuple[str, ...]
    phrase: bool = False
    field: str | None = None

    def text(self) -> str:
        body = " ".join(self.syllables)
        body = f'"{body}"' if self.phrase else body
        return f"{self.field}:{body}" if self.field else body


@dataclass
class ParsedQuery:
    """Required groups (each an OR of clauses), excluded clauses, and the text actually searched."""

    groups: list[list[Clause]] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)

    @property
    def searched(self) -> str:
        parts = [" OR ".join(c.text() for c in group) for group in self.groups]
        parts += ["-" + c.text() for c in self.excluded]
        return " ".join(parts)

    def is_empty(self) -> bool:
        return not self.groups

    def words(self) -> list[str]:
        """Every required syllable, in order: what highlighting and suggestions work from."""
        return [s for group in self.groups for clause in group for s in clause.syllables]


def clean(text: str) -> str:
    """NFC, control and invisible characters turned into spaces, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text.replace("\ufffd", " "))
    text = "".join(ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF)
    return " ".join(_CONTROL.sub(" ", text).split())


def parse(text: str, decode: Decoder | None = None) -> ParsedQuery:
    """Parse a query; `decode` maps each typed word to the word meant, or to two candidates (Telex/VNI decoding)."""
    text = clean(text)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"Câu tìm kiếm quá dài ({len(text)} ký tự); tối đa {MAX_QUERY_CHARS} ký tự.")
    query, pending_or, pending_not = ParsedQuery(), False, False
    for match in _CLAUSE.finditer(text):
        operator = match["word"] if not match["neg"] and not match["field"] else None
        if operator in ("OR", "AND", "NOT"):
            pending_or = operator == "OR" and bool(query.groups)
            pending_not = operator == "NOT"
            continue
        clauses = _clauses(match, decode)
        if not clauses:
            continue
        if match["neg"] or pending_not:
            query.excluded.extend(clauses)
        elif pending_or:
            query.groups[-1].extend(clauses)
        else:
            query.groups.append(clauses)
        pending_or = pending_not = False
    if len(query.words()) > MAX_QUERY_WORDS:
        raise QueryError(f"Câu tìm kiếm có quá nhiều từ; tối đa {MAX_QUERY_WORDS} từ.")
    return query


def _clauses(match: re.Match, decode: Decoder | None) -> list[Clause]:
    """The clause a match stands for; a lone word that decodes to two candidates gives one clause for each."""
    field_name = match["field"].lower() if match["field"] else None
    raw = match["phrase"] if match["phrase"] is not None else match["word"]
    if field_name is not None and field_name not in FIELDS:
        raw, field_name = match.group(0).lstrip("-"), None  # "http:" or "covid:" is text, not a field
    words = raw.split()
    decoded = [decode(w) for w in words] if decode else words
    if len(decoded) == 1 and isinstance(decoded[0], tuple):
        return [clause for d in decoded[0] for clause in _clauses_of([d], False, field_name)]
    chosen = [d[-1] if isinstance(d, tuple) else d for d in decoded]  # in a phrase, the decoding
    return _clauses_of(chosen, match["phrase"] is not None, field_name)


def _clauses_of(words: list[str], phrase: bool, field_name: str | None) -> list[Clause]:
    found = tuple(s for w in words for s in syllables(w))
    return [Clause(found, phrase=phrase and len(found) > 1, field=field_name)] if found else []
