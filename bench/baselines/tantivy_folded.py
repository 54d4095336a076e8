"""tantivy (tantivy-py 0.27) with accent folding done in Python: the folded title and body are indexed with tantivy's
default tokenizer, the original text is stored for display; no segmentation, no Telex decoding.

Fields: `title`, `body` (folded, indexed, not stored); `title_text`, `body_text` (the original UTF-8, stored only: a
tantivy text field is always indexed, a bytes field need not be); `id`, `date` (stored; the date also indexed and fast
for the range filter); `countries`, `month` (raw-tokenized fast text: term filters and terms aggregations). Queries
are folded the same way and parsed with AND semantics over title and body; facets are terms aggregations over every
matching document; snippets come from tantivy's SnippetGenerator, mapped back onto the original text (see `_marked`).
"""
from __future__ import annotations

import html
from datetime import date, datetime
from pathlib import Path

import tantivy

from bench.baselines import TOP, articles, countries_of, date_bounds, empty, fold, fresh_dir, month

FACET_SIZE = 10_000  # more buckets than there are countries or months: the counts are exact (checked below)
AGGREGATIONS = {"countries": {"terms": {"field": "countries", "size": FACET_SIZE}},
                "months": {"terms": {"field": "month", "size": FACET_SIZE}}}


def schema() -> tantivy.Schema:
    """The fields described in the module docstring."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title")
    builder.add_text_field("body")
    builder.add_bytes_field("title_text", stored=True)
    builder.add_bytes_field("body_text", stored=True)
    builder.add_date_field("date", stored=True, indexed=True, fast=True)
    builder.add_text_field("countries", stored=True, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("month", fast=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


def build(source: Path, index_dir: Path) -> None:
    """Index every article of `source` into `index_dir` with one (internally multi-threaded) tantivy writer."""
    with fresh_dir(index_dir, "tantivy") as building:
        index = tantivy.Index(schema(), path=str(building))
        writer = index.writer()
        for article, countries in articles(source):
            doc = tantivy.Document()
            doc.add_text("id", article.id)
            doc.add_text("title", fold(article.title))
            doc.add_text("body", fold(article.body))
            doc.add_bytes("title_text", article.title.encode())
            doc.add_bytes("body_text", article.body.encode())
            if article.date:
                doc.add_date("date", datetime.fromisoformat(article.date))
            for code in countries:
                doc.add_text("countries", code)
            doc.add_text("month", month(article))
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()


class Searcher:
    """One tantivy searcher, shared by every thread (tantivy's searchers are thread-safe)."""

    def __init__(self, index_dir: Path) -> None:
        self.index = tantivy.Index.open(str(index_dir))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def search(self, request: dict) -> dict:
        """Top 10 with snippets on the original text, total and facets over all matches; total 0 for an empty or
        bad query."""
        text = fold((request.get("q") or "").strip())
        if not text:
            return empty()
        try:
            words = self.index.parse_query(text, ["title", "body"], conjunction_by_default=True)
            query = self._filtered(words, request)
        except ValueError:  # a syntax error of tantivy's query language, or a bad date
            return empty()
        result = self.searcher.search(query, limit=TOP, count=True)
        if not result.count:
            return empty()
        snippets = tantivy.SnippetGenerator.create(self.searcher, words, self.schema, "body")
        hits = []
        for _score, address in result.hits:
            doc = self.searcher.doc(address)
            body = _text(doc, "body_text")
            hits.append({"id": doc.get_first("id"), "title": _text(doc, "title_text"),
                         "snippet": _marked(body, snippets)})
        facets = self.searcher.aggregate(query, AGGREGATIONS)
        return {"total": result.count, "hits": hits,
                "facets": {name: _buckets(facets[name]) for name in AGGREGATIONS}}

    def _filtered(self, words: tantivy.Query, request: dict) -> tantivy.Query:
        """The query with the request's country and date-range filters, which add nothing to the score."""
        filters = [tantivy.Query.term_query(self.schema, "countries", code) for code in countries_of(request)]
        start, end = date_bounds(request)
        if start or end:
            filters.append(tantivy.Query.range_query(self.schema, "date", tantivy.FieldType.Date,
                                                     _datetime(start), _datetime(end)))
        if not filters:
            return words
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, words)] + [
            (tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters])


def _datetime(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day) if day else None  # every article's date is at midnight


def _text(doc: tantivy.Document, field: str) -> str:
    value = doc.get_first(field)
    return bytes(value).decode() if value is not None else ""


def _buckets(aggregation: dict) -> dict[str, int]:
    """{key: doc_count} of a terms aggregation; asserts tantivy found them all, exactly."""
    assert not aggregation.get("sum_other_doc_count") and not aggregation.get("doc_count_error_upper_bound")
    return {bucket["key"]: bucket["doc_count"] for bucket in aggregation["buckets"]}


def _marked(original: str, generator: tantivy.SnippetGenerator) -> str:
    """tantivy's snippet of the body, shown on the ORIGINAL accented text, matches in <b> as tantivy's to_html does.

    The generator only knows the folded text: we hand it `fold(text)` and get back a fragment range and highlighted
    ranges in UTF-8 bytes of that folded text (the highlights relative to the fragment). `fold` maps every character
    to exactly one character, so the n-th character of the folded text is the n-th of the original, though the
    byte counts differ ("ộ" is 3 bytes, "o" 1). So each byte offset is turned into a character offset by decoding
    the folded bytes before it, and that character offset cuts the original. tantivy trims the text it is given
    (Unicode White_Space, a subset of what str.strip removes), so we strip first and it has nothing left to trim.
    """
    text = original.strip()
    folded = fold(text).encode()
    snippet = generator.snippet_from_doc(tantivy.Document(body=folded.decode()))
    span = snippet.fragment_range()
    fragment = folded[span.start:span.end]
    start = len(folded[:span.start].decode())
    out, at = [], 0  # at: characters of the fragment already written
    for mark in snippet.highlighted():
        begin, end = len(fragment[:mark.start].decode()), len(fragment[:mark.end].decode())
        out += [html.escape(text[start + at:start + begin]),
                "<b>", html.escape(text[start + begin:start + end]), "</b>"]
        at = end
    out.append(html.escape(text[start + at:start + len(fragment.decode())]))
    return "".join(out)
