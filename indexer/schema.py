"""The index schema: one field a form of the text, so each can be weighted on its own at query time."""
from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from indexer.analysis import compound_analyzer, exact_analyzer, folded_analyzer

TEXT_FIELDS = ("title", "body")
UNDATED = "undated"


def make_schema() -> Schema:
    """Folded syllables (with positions, for phrases and highlights), exact syllables and exact compounds,
    for the headline and the body; facet columns precomputed at index time."""
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=folded_analyzer(), stored=True, phrase=True),
        title_exact=TEXT(analyzer=exact_analyzer(), phrase=False),
        title_cw=TEXT(analyzer=compound_analyzer(), phrase=False),
        body=TEXT(analyzer=folded_analyzer(), stored=True, phrase=True),
        body_exact=TEXT(analyzer=exact_analyzer(), phrase=False),
        body_cw=TEXT(analyzer=compound_analyzer(), phrase=False),
        date=ID(stored=True, sortable=True),
        year=ID(sortable=True),
        month=ID(sortable=True),
        countries=KEYWORD(stored=True, commas=True, scorable=False, sortable=True),
        source=STORED(),
        category=STORED(),
        url=STORED(),
    )
