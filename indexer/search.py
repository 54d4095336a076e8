"""The search service: one call from query text and filters to a plain result (hits, facets, suggestion).

The page, the JSON API and the CLI all call `SearchService.search`; no Whoosh object leaves this module. One searcher
stays open and is reopened only when a build publishes a new generation or an add commits.
"""
from __future__ import annotations

import threading
from collections import Counter
import warnings
import time
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.sorting import FieldFacet

from indexer import store
from indexer.analysis import fold
from indexer.facets import CountryFacet, DateFacet, FacetColumns
from indexer.highlight import mark_all, snippet
from indexer.query import ParsedQuery, QueryError, parse
from indexer.ranking import DEFAULT_WEIGHTS, Weights, exclusion, required_groups, to_whoosh
from indexer.request import BadRequest, SearchRequest
from indexer.suggest import suggest
from indexer.telex import decode_query_word
from indexer.vocabulary import Vocabulary

RECHECK_SECONDS = 1.0
TIE_MARGIN = 10  # extra hits fetched so that ties at the page edge are ordered by date too
__all__ = ["SearchService", "SearchRequest", "BadRequest", "QueryError", "IndexUnavailable"]
IndexUnavailable = store.IndexUnavailable


@dataclass
class _Opened:
    generation: Path
    index: object
    searcher: object
    vocabulary: Vocabulary
    columns: FacetColumns
    checked: float


class SearchService:
    """Searches the index at `root`, following rebuilds and adds without a restart."""

    def __init__(self, root: str | Path, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.root = Path(root)
        self.weights = weights
        self._lock = threading.RLock()
        self._opened: _Opened | None = None

    def search(self, request: SearchRequest) -> dict:
        """Ranked, highlighted hits for one page, facets over all matches, and a suggestion."""
        with self._lock:
            opened = self._open()
            parsed = parse(request.q, decode=lambda w: decode_query_word(w, known=opened.vocabulary.knows))
            return _Search(opened, request, parsed, self.weights).run()

    def article(self, article_id: str) -> dict | None:
        """One article as `{"id", "title", "date", "source", "url", "countries", "body"}`, or None."""
        with self._lock:
            stored = self._open().searcher.document(id=article_id)
        return _article(stored) if stored else None

    def highlighted_article(self, article_id: str, q: str = "") -> dict | None:
        """The article with `title_html` and `body_html`: escaped text, the query's words in `<mark>`."""
        article = self.article(article_id)
        if article is None:
            return None
        try:
            terms = {fold(w) for w in parse(q).words()} if q else set()
        except QueryError:
            terms = set()
        return {**article, "title_html": mark_all(article["title"], terms),
                "body_html": mark_all(article["body"], terms)}

    def close(self) -> None:
        with self._lock:
            if self._opened:
                self._opened.searcher.close()
                self._opened = None

    def _open(self) -> _Opened:
        opened, now = self._opened, time.monotonic()
        if opened and now - opened.checked < RECHECK_SECONDS:
            return opened
        generation = store.current_generation(self.root)
        if generation is None:
            self.close()
            raise IndexUnavailable(f"no index at {self.root}: run `make index`")
        if opened and opened.generation == generation and opened.searcher.up_to_date():
            opened.checked = now
            return opened
        self._opened = _load(generation, now)
        if opened:
            opened.searcher.close()
        return self._opened


def _load(generation: Path, now: float) -> _Opened:
    # Whoosh leaves the files of a half-opened index to be closed when the failure is freed: do that quietly
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            index = whoosh_index.open_dir(str(generation))
            searcher = index.searcher()
            columns = FacetColumns.load(searcher.reader())
        except Exception as err:  # a damaged index must give a clear message, never a traceback
            problem = f"the index at {generation} cannot be opened ({type(err).__name__}: {err}): run `make index`"
        else:
            return _Opened(generation, index, searcher, Vocabulary.load(generation), columns, now)
    raise IndexUnavailable(problem)


class _Search:
    """One request's work: filters, matching set, page of hits, facets, suggestion."""

    def __init__(self, opened: _Opened, request: SearchRequest, parsed: ParsedQuery, weights: Weights) -> None:
        self.opened, self.request, self.parsed, self.weights = opened, request, parsed, weights
        self.searcher = opened.searcher

    def run(self) -> dict:
        partial = False
        allowed = self._filter_docs()
        query = self._query()
        matching = self._matching(query, allowed)
        if not matching and len(self.parsed.groups) > 1:
            partial, query = True, self._query(partial=True)
            matching = self._most_words(self._matching(query, allowed))
        return {
            "query": self.request.q,
            "searched": self.parsed.searched,
            "total": len(matching),
            "page": self.request.page,
            "per_page": self.request.per_page,
            "partial": partial,
            "hits": self._hits(query, matching) if matching else [],
            "facets": self._facets(matching),
            "suggestion": suggest(self.parsed, self.opened.vocabulary),
        }

    def _query(self, partial: bool = False) -> wq.Query:
        if self.parsed.is_empty():
            everything = wq.Every()
            return wq.AndNot(everything, exclusion(self.parsed, self.weights)) if self.parsed.excluded else everything
        return to_whoosh(self.parsed, self.opened.vocabulary, self.weights, partial=partial)

    def _filter_docs(self) -> set[int] | None:
        r = self.request
        parts: list[wq.Query] = [wq.Term("countries", c) for c in r.countries]
        if r.date_from or r.date_to:
            parts.append(wq.TermRange("date", r.date_from, r.date_to))
        if r.date:
            parts.append(wq.Term("month" if len(r.date) == 7 else "year", r.date))
        if not parts:
            return None
        return set(self.searcher.docs_for_query(wq.And(parts)))

    def _matching(self, query: wq.Query, allowed: set[int] | None) -> set[int]:
        docs = set(self.searcher.docs_for_query(query))
        return docs & allowed if allowed is not None else docs

    def _most_words(self, matching: set[int]) -> set[int]:
        """Of the partial matches, those that have the most of the query's words."""
        counts: Counter = Counter()
        for group in required_groups(self.parsed, self.weights):
            counts.update(d for d in self.searcher.docs_for_query(group) if d in matching)
        most = max(counts.values(), default=0)
        return {d for d, n in counts.items() if n == most}

    def _hits(self, query: wq.Query, matching: set[int]) -> list[dict]:
        r = self.request
        wanted = r.page * r.per_page
        if r.sort == "date" or self.parsed.is_empty():
            results = self.searcher.search(query, filter=matching, limit=wanted,
                                           sortedby=FieldFacet("date", reverse=True))
            page = [hit.docnum for hit in results][wanted - r.per_page:]
            scores = self._scores(query, page)
            ranked = [(0.0, {})] * (wanted - r.per_page) + [
                (scores.get(d, 0.0), self.searcher.stored_fields(d)) for d in page]
        else:
            results = self.searcher.search(query, filter=matching, limit=wanted + TIE_MARGIN)
            ranked = sorted(((hit.score, hit.fields()) for hit in results),
                            key=lambda sf: sf[1].get("date") or "", reverse=True)
            ranked.sort(key=lambda sf: -round(sf[0], 6))  # stable: equal scores stay newest first
        terms = {fold(w) for w in self.parsed.words()}
        return [_hit(fields, score, terms) for score, fields in ranked[wanted - r.per_page: wanted]]

    def _scores(self, query: wq.Query, docs: list[int]) -> dict[int, float]:
        """Relevance scores of a date-sorted page, so `score` means the same whatever the sort."""
        if not docs or self.parsed.is_empty():
            return {}
        return {hit.docnum: hit.score for hit in self.searcher.search(query, filter=set(docs), limit=len(docs))}

    def _facets(self, matching: set[int]) -> dict:
        columns, r = self.opened.columns, self.request
        country, date = CountryFacet(), DateFacet()
        return {
            country.name: country.present(country.count(columns, matching), r.countries),
            date.name: date.present(date.count(columns, matching), r.date),
        }


def _hit(fields: dict, score: float, terms: set[str]) -> dict:
    article = _article(fields)
    return {key: article[key] for key in ("id", "title", "date", "source", "url", "countries")} | {
        "snippet": snippet(article["body"], terms), "score": round(float(score), 4)}


def _article(stored: dict) -> dict:
    return {
        "id": stored["id"], "title": stored.get("title", ""), "date": stored.get("date"),
        "source": stored.get("source"), "url": stored.get("url"),
        "countries": stored["countries"].split(",") if stored.get("countries") else [],
        "body": stored.get("body", ""),
    }
