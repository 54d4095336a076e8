"""The index schema: one field a form of the text, so each can be weighted on its own at query time."""
from __future__ import annotations

import pickle

from whoosh import formats
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.system import pack_uint

from indexer import analysis

TEXT_FIELDS = ("title", "body")
UNDATED = "undated"
_FORMS = {
    "folded": (analysis.folded_analyzer, analysis.folded_positions),
    "exact": (analysis.exact_analyzer, analysis.exact_counts),
    "compound": (analysis.compound_analyzer, analysis.compound_counts),
}


class SyllableText(TEXT):
    """A text field in one of the forms of `analysis` (folded, exact or compound syllables).

    Queries use its analyzer as usual; indexing gives Whoosh the same (term, frequency, weight, value) tuples
    the analyzer's tokens would, counted in one pass without a Token per word: the analysis took a quarter of
    the build's time, and a text is split into syllables once for its folded and exact fields."""

    def __init__(self, form: str, **kwargs) -> None:
        super().__init__(analyzer=_FORMS[form][0](), **kwargs)
        self.form = form

    def index(self, value, **kwargs):
        kind, positional = type(self.format), self.form == "folded"
        if kwargs or not isinstance(value, str) or kind not in (formats.Frequency, formats.Positions) \
                or (kind is formats.Positions and not positional):
            return super().index(value, **kwargs)
        terms, boost = _FORMS[self.form][1](value), self.format.field_boost
        if kind is formats.Positions:
            return [(t.encode("utf-8"), len(p), float(len(p)) * boost, _positions_value(p)) for t, p in terms.items()]
        counts = ((t, len(p)) for t, p in terms.items()) if positional else terms.items()
        return [(t.encode("utf-8"), n, float(n) * boost, _frequency_value(n)) for t, n in counts]


def _positions_value(positions: list[int]) -> bytes:
    """`formats.Positions.encode`: the count, then the gaps between positions pickled."""
    gaps = [positions[0]] + [b - a for a, b in zip(positions, positions[1:])] if len(positions) > 1 else positions
    return pack_uint(len(gaps)) + pickle.dumps(gaps, 2)


def _frequency_value(count: int) -> bytes:
    return _PACKED[count] if count < len(_PACKED) else pack_uint(count)


_PACKED = [pack_uint(n) for n in range(256)]


def make_schema() -> Schema:
    """Folded syllables (with positions, for phrases and highlights), exact syllables and exact compounds,
    for the headline and the body; facet columns precomputed at index time."""
    return Schema(
        id=ID(stored=True, unique=True),
        title=SyllableText("folded", stored=True, phrase=True),
        title_exact=SyllableText("exact", phrase=False),
        title_cw=SyllableText("compound", phrase=False),
        body=SyllableText("folded", stored=True, phrase=True),
        body_exact=SyllableText("exact", phrase=False),
        body_cw=SyllableText("compound", phrase=False),
        date=ID(stored=True, sortable=True),
        year=ID(sortable=True),
        month=ID(sortable=True),
        countries=KEYWORD(stored=True, commas=True, scorable=False, sortable=True),
        source=STORED(),
        category=STORED(),
        url=STORED(),
    )
