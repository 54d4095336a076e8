"""The search service: one call from query text and filters to a plain result (hits, facets, suggestion).

The page, the JSON API and the CLI all call `SearchService.search`; no Whoosh object leaves this module. One searcher
stays open and is reopened only when a build publishes a new generation or an add commits.
"""
from __future__ import annotations

import contextlib
import gc
import threading
import weakref
from itertools import islice
import warnings
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq

from indexer import docsets, store
from indexer.docsets import DocSets
from indexer.scoring import Unsupported, VectorScorer
from indexer.analysis import fold
from indexer.facets import CountryFacet, DateFacet, FacetColumns
from indexer.codec import check_stored
from indexer.highlight import mark_all, snippet
from indexer.query import ParsedQuery, QueryError, parse
from indexer.ranking import DEFAULT_WEIGHTS, Weights, exclusion, required_groups, to_whoosh
from indexer.request import BadRequest, SearchRequest
from indexer.suggest import suggest
from indexer.telex import decode_query_word
from indexer.vocabulary import FILE as VOCABULARY_FILE, Vocabulary

RECHECK_SECONDS = 1.0
DIRECT_SCORING = 2_000  # a filtered set this small is scored document by document
TIE_MARGIN = 10  # extra hits fetched so that ties at the page edge are ordered by date too
__all__ = ["SearchService", "SearchRequest", "BadRequest", "QueryError", "IndexUnavailable"]
IndexUnavailable = store.IndexUnavailable


@dataclass
class _Opened:
    generation: Path
    index: object
    searcher: object
    vocabulary: Vocabulary
    vocabulary_stamp: tuple[int, int] | None
    columns: FacetColumns
    docsets: DocSets
    scorer: VectorScorer | None
    checked: float


class SearchService:
    """Searches the index at `root`, following rebuilds and adds without a restart."""

    def __init__(self, root: str | Path, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.root = Path(root)
        self.weights = weights
        self._lock = threading.RLock()
        self._opened: _Opened | None = None
        self._held: dict[str, object] = {}  # the open searcher: its files are closed even if close() never is
        weakref.finalize(self, _close_held, self._held)

    def search(self, request: SearchRequest) -> dict:
        """Ranked, highlighted hits for one page, facets over all matches, and a suggestion."""
        with self._lock:
            opened = self._open()
            parsed = parse(request.q, decode=lambda w: decode_query_word(w, opened.vocabulary.frequency))
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
            _close_held(self._held)
            self._opened = None

    def _open(self) -> _Opened:
        opened, now = self._opened, time.monotonic()
        if opened and now - opened.checked < RECHECK_SECONDS:
            return opened
        generation = store.current_generation(self.root)
        if generation is None:
            self.close()
            raise IndexUnavailable(f"no index at {self.root}: run `make index`")
        if opened and opened.generation == generation and opened.searcher.up_to_date() \
                and not opened.docsets.postings.decoded_since():
            opened.checked = now
            if opened.vocabulary_stamp != _stamp(generation):  # an add writes its vocabulary after its commit
                opened.vocabulary, opened.vocabulary_stamp = _vocabulary(generation)
            return opened
        self._opened = _load(generation, now)
        _close_held(self._held)
        self._held["searcher"] = self._opened.searcher
        return self._opened


def _close_held(held: dict[str, object]) -> None:
    searcher = held.pop("searcher", None)
    if searcher is not None:
        searcher.close()


def _load(generation: Path, now: float) -> _Opened:
    # Whoosh leaves the files of a half-opened index to be closed when the failure is freed: do that quietly, now
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        searcher = None
        try:
            index = whoosh_index.open_dir(str(generation))
            searcher = index.searcher()
            check_stored(searcher.reader())
            columns = FacetColumns.load(searcher.reader(), generation)
            vocabulary, stamp = _vocabulary(generation)
            sets = DocSets(searcher, generation)
        except Exception as err:  # a damaged index must give a clear message, never a traceback
            problem = str(err) if isinstance(err, IndexUnavailable) else (
                f"the index at {generation} cannot be opened ({type(err).__name__}: {err}): run `make index`")
        else:
            return _Opened(generation, index, searcher, vocabulary, stamp, columns, sets,
                           _vector_scorer(searcher, sets), now)
        if searcher is not None:
            with contextlib.suppress(Exception):
                searcher.close()
        searcher = None
        gc.collect()
    raise IndexUnavailable(problem)


def _vocabulary(generation: Path) -> tuple[Vocabulary, tuple[int, int] | None]:
    stamp = _stamp(generation)
    try:
        return Vocabulary.load(generation), stamp
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise IndexUnavailable(f"the vocabulary of {generation} cannot be read ({err}): run `make index`") from None


def _stamp(generation: Path) -> tuple[int, int] | None:
    try:
        stat = (generation / VOCABULARY_FILE).stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _vector_scorer(searcher, sets: DocSets) -> VectorScorer | None:
    try:
        return VectorScorer(searcher, sets)
    except Unsupported:
        return None


class _Search:
    """One request's work: filters, matching set, page of hits, facets, suggestion.

    Sets of documents are bitmaps (`docsets`); every matching document is scored at once by `scoring` (NumPy over
    the decoded postings); Whoosh's own collectors remain, for an index whose postings Whoosh holds, for a weighting
    or a query that scorer does not compute.
    """

    def __init__(self, opened: _Opened, request: SearchRequest, parsed: ParsedQuery, weights: Weights) -> None:
        self.opened, self.request, self.parsed, self.weights = opened, request, parsed, weights
        self.searcher, self.sets, self.columns = opened.searcher, opened.docsets, opened.columns

    def run(self) -> dict:
        allowed = self._filter_docs()
        query = self._query()
        unfiltered = self.sets.of(query)
        matching, partial = unfiltered & allowed, False
        if not matching and len(self.parsed.groups) > 1:
            partial, query = True, self._query(partial=True)
            unfiltered = self.sets.of(query)
            matching = self._most_words(unfiltered & allowed)
        total = matching.bit_count()
        return {
            "query": self.request.q,
            "searched": self.parsed.searched,
            "total": total,
            "page": self.request.page,
            "per_page": self.request.per_page,
            "partial": partial,
            "hits": self._hits(query, matching, total, unfiltered) if total else [],
            "facets": self._facets(matching),
            "suggestion": suggest(self.parsed, self.opened.vocabulary),
        }

    def _query(self, partial: bool = False) -> wq.Query:
        if self.parsed.is_empty():
            everything = wq.Every()
            return wq.AndNot(everything, exclusion(self.parsed, self.weights)) if self.parsed.excluded else everything
        return to_whoosh(self.parsed, self.opened.vocabulary, self.weights, partial=partial)

    def _filter_docs(self) -> int:
        r, columns, allowed = self.request, self.columns, self.sets.all
        for code in r.countries:
            allowed &= columns.bitmap("countries", code)
        if r.date_from or r.date_to:
            allowed &= columns.date_range(r.date_from, r.date_to)
        if r.date:
            allowed &= columns.bitmap("months" if len(r.date) == 7 else "years", r.date)
        return allowed

    def _most_words(self, matching: int) -> int:
        """Of the partial matches, those that have the most of the query's words."""
        at_least = [matching]  # at_least[k]: documents with at least k of the groups
        for group in required_groups(self.parsed, self.weights):
            docs = self.sets.of(group)
            at_least = [at_least[0]] + [at_least[k] | (at_least[k - 1] & docs) for k in range(1, len(at_least))] \
                + [at_least[-1] & docs]
        return next((docs for docs in reversed(at_least[1:]) if docs), 0)

    def _hits(self, query: wq.Query, matching: int, total: int, unfiltered: int) -> list[dict]:
        r = self.request
        wanted = r.page * r.per_page
        if r.sort == "date" or self.parsed.is_empty():
            page = self._newest(matching, total, wanted)[wanted - r.per_page:]
            scores = dict((d, sc) for sc, d in self._score_docs(query, sorted(page))) if not self.parsed.is_empty() else {}
            ranked = [(scores.get(d, 0.0), d) for d in page]
        else:
            top = self._top(query, matching, total, unfiltered, wanted + TIE_MARGIN)
            dates = self.columns.date_order
            ranked = sorted(top, key=lambda sd: dates[sd[1]], reverse=True)
            ranked.sort(key=lambda sd: -round(sd[0], 6))  # stable: equal scores stay newest first
            ranked = ranked[wanted - r.per_page: wanted]
        terms = {fold(w) for w in self.parsed.words()}
        return [_hit(self.searcher.stored_fields(d), score, terms) for score, d in ranked]

    def _newest(self, matching: int, total: int, wanted: int) -> list[int]:
        """The first `wanted` matching documents, newest first."""
        if total <= DIRECT_SCORING:
            return sorted(docsets.to_ids(matching), key=self.columns.rank.__getitem__)[:wanted]
        inside = docsets.Membership(matching)
        return list(islice((d for d in self.columns.newest if d in inside), wanted))

    def _top(self, query: wq.Query, matching: int, total: int, unfiltered: int, limit: int) -> list[tuple[float, int]]:
        """The `limit` best (score, docnum) of the matching set (`unfiltered`: what the query alone matches)."""
        if self.opened.scorer is not None:
            try:
                return self._top_vectorized(query, matching, limit)
            except Unsupported:
                pass
        exact = matching == unfiltered  # no filter: Whoosh's optimized collector ranks the matches as they are
        if not exact and total <= DIRECT_SCORING:
            return sorted(self._score_docs(query, docsets.to_ids(matching)), key=lambda sd: (-sd[0], sd[1]))[:limit]
        inside = None if exact else docsets.Membership(matching)
        # a filter keeps about total/unfiltered of the hits: ask Whoosh for enough of them, more if that fell short
        everything = unfiltered.bit_count()
        asked = limit if exact else min(everything, int(limit * everything / total * 1.5) + 50)
        while True:
            hits = [(hit.score, hit.docnum) for hit in self.searcher.search(query, limit=asked)]
            kept = hits if inside is None else [(sc, d) for sc, d in hits if d in inside]
            if len(kept) >= limit or asked >= everything:
                return kept[:limit]
            asked *= 4

    def _top_vectorized(self, query: wq.Query, matching: int, limit: int) -> list[tuple[float, int]]:
        scores = self.opened.scorer.scores(query)
        docs = np.flatnonzero(docsets.to_mask(matching, len(scores)))
        ranked = scores[docs]
        if len(docs) > limit:
            best = np.argpartition(-ranked, limit - 1)[:limit]
            docs, ranked = docs[best], ranked[best]
        order = np.lexsort((docs, -ranked))
        return [(float(ranked[i]), int(docs[i])) for i in order]

    def _score_docs(self, query: wq.Query, docs: list[int]) -> list[tuple[float, int]]:
        """The relevance score of each of these matching documents (ascending docnums)."""
        if self.opened.scorer is not None:
            try:
                scores = self.opened.scorer.scores(query)
            except Unsupported:
                pass
            else:
                return [(float(scores[d]), d) for d in docs]
        scored, context = [], self.searcher.context()  # Whoosh's matchers: a skip through the postings each
        for leaf, offset in self.searcher.leaf_searchers():
            local = [d - offset for d in docs if offset <= d < offset + leaf.doc_count_all()]
            matcher = query.matcher(leaf, context) if local else None
            for doc in local:
                if not matcher.is_active():
                    break
                if matcher.id() < doc:
                    matcher.skip_to(doc)
                if matcher.is_active() and matcher.id() == doc:
                    scored.append((matcher.score(), doc + offset))
        return scored

    def _facets(self, matching: int) -> dict:
        r = self.request
        country, date = CountryFacet(), DateFacet()
        mask = docsets.to_mask(matching, self.sets.size)
        return {
            country.name: country.present(country.count(self.columns, mask), r.countries),
            date.name: date.present(date.count(self.columns, mask), r.date),
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
