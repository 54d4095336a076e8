"""Plain Whoosh, as a newcomer writes it from the Whoosh docs: StandardAnalyzer plus accent folding, one writer.

No word segmentation, no Telex decoding, no ranking of exact diacritics: a query matches the folded words of the title
or the body (AND of the words, phrases in quotes), Whoosh's BM25F orders them, `groupedby` counts the facets and
`hit.highlights("body")` makes the snippets. StandardAnalyzer drops English stop words and one-letter tokens *before*
folding ("to", "an", "the", "a" typed without accents vanish from queries; "tô", "ăn", "thế" are kept): that is what
the newcomer gets, so it is left as it is.
"""
from __future__ import annotations

import threading
from datetime import datetime, time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting
from whoosh.analysis import CharsetFilter, StandardAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema
from whoosh.qparser import MultifieldParser
from whoosh.support.charset import accent_map

from bench.baselines import TOP, articles, countries_of, date_bounds, empty, fresh_dir, month

# allow_overlap: an article names several countries, and this is the Whoosh docs' way to count each of them. Without
# term vectors Whoosh un-inverts the whole countries field (every posting) on each search to do it; with them
# (`vector=True`) Whoosh 2.7 raises "has no vector" on the first matching article that names no country. So the
# newcomer's version pays the un-inverting, a cost that grows with the index, not with the matches.
FACETS = {"countries": sorting.FieldFacet("countries", allow_overlap=True, maptype=sorting.Count),
          "months": sorting.FieldFacet("month", maptype=sorting.Count)}


def schema() -> Schema:
    """Folded title and body, stored for display and highlighting; date, countries and month for filters and facets."""
    analyzer = StandardAnalyzer() | CharsetFilter(accent_map)
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        date=DATETIME(stored=True),
        countries=KEYWORD(stored=True, commas=True),
        month=ID(sortable=True),
    )


def build(source: Path, index_dir: Path) -> None:
    """Index every article of `source` into `index_dir` with one writer."""
    with fresh_dir(index_dir, "whoosh") as building:
        index = whoosh_index.create_in(str(building), schema())
        writer = index.writer()
        for article, countries in articles(source):
            doc = {"id": article.id, "title": article.title, "body": article.body, "month": month(article)}
            if article.date:
                doc["date"] = datetime.fromisoformat(article.date)
            if countries:
                doc["countries"] = ",".join(countries)
            writer.add_document(**doc)
        writer.commit()


class Searcher:
    """One Whoosh searcher over the index, used by one request at a time (as our service does with its own)."""

    def __init__(self, index_dir: Path) -> None:
        self.index = whoosh_index.open_dir(str(index_dir))
        self.searcher = self.index.searcher()
        self.parser = MultifieldParser(["title", "body"], self.index.schema)  # AndGroup: every word must match
        self.lock = threading.Lock()

    def search(self, request: dict) -> dict:
        """Top 10 with highlighted snippets, total and facets over all matches; total 0 for an empty or bad query."""
        text = (request.get("q") or "").strip()
        try:
            query = self.parser.parse(text) if text else wq.NullQuery
            allowed = _filter(request)
        except Exception:  # noqa: BLE001 - the contract is "never raise": a bad query finds nothing
            return empty()
        if query is wq.NullQuery:
            return empty()
        with self.lock:
            # with groupedby Whoosh collects and sorts every match whatever the limit: slice the top 10 off
            results = self.searcher.search(query, limit=TOP, filter=allowed, groupedby=FACETS)
            return {
                "total": len(results),
                "hits": [{"id": hit["id"], "title": hit["title"], "snippet": hit.highlights("body")}
                         for hit in results[:TOP]],
                "facets": {"countries": _counts(results.groups("countries")),
                           "months": _counts(results.groups("months"))},
            }

    def close(self) -> None:
        self.searcher.close()


def _filter(request: dict) -> wq.Query | None:
    """The country and date-range filter of a request, or None when it has none."""
    parts: list[wq.Query] = [wq.Term("countries", code) for code in countries_of(request)]
    start, end = date_bounds(request)
    if start or end:
        parts.append(wq.DateRange("date", start and datetime.combine(start, time.min),
                                  end and datetime.combine(end, time.max)))
    return wq.And(parts) if parts else None


def _counts(groups: dict) -> dict[str, int]:
    return {key: count for key, count in groups.items() if key is not None and count}
