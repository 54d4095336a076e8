"""Sets of documents as bitmaps (a Python int, bit n set for document n): matching sets, filters and facet counts
computed with a few big-integer operations instead of walking Whoosh matchers document by document.

A term's bitmap is made from its posting list (`postings`) once and cached per searcher; an And of terms is then
one `&`.
"""
from __future__ import annotations

from collections import OrderedDict
from functools import reduce
from pathlib import Path
from typing import Iterable

import numpy as np
from whoosh import query as wq

from indexer.phrases import phrase_docs
from indexer.postings import Postings

CACHED_TERMS = 4096  # a bitmap is one bit per document: 4,096 terms of a 200,000-article index take 100 MB at most


def from_ids(ids: Iterable[int], size: int) -> int:
    """The bitmap of these document numbers (all below `size`)."""
    buf = bytearray((size + 7) // 8)
    for doc in ids:
        buf[doc >> 3] |= 1 << (doc & 7)
    return int.from_bytes(buf, "little")


def from_array(ids: np.ndarray, size: int) -> int:
    """The bitmap of the document numbers in a NumPy array (all below `size`): `from_ids` without a Python loop."""
    mask = np.zeros(size, dtype=bool)
    mask[ids] = True
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


def to_ids(bitmap: int) -> list[int]:
    """The document numbers of a bitmap, ascending."""
    raw = np.frombuffer(bitmap.to_bytes((bitmap.bit_length() + 7) // 8, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little")).tolist()


def to_mask(bitmap: int, size: int) -> np.ndarray:
    """The bitmap as a boolean array of `size` entries, for NumPy."""
    raw = np.frombuffer(bitmap.to_bytes((size + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:size].astype(bool)


class Membership:
    """Constant-time "is document n in the set?" for one bitmap."""

    def __init__(self, bitmap: int) -> None:
        self._bytes = bitmap.to_bytes((bitmap.bit_length() + 7) // 8 or 1, "little")

    def __contains__(self, doc: int) -> bool:
        at = doc >> 3
        return at < len(self._bytes) and bool(self._bytes[at] >> (doc & 7) & 1)


class DocSets:
    """The documents of a searcher that match Whoosh queries, as bitmaps."""

    def __init__(self, searcher, directory: Path | None = None) -> None:
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        deleted = [offset + d for leaf, offset in searcher.leaf_searchers() if leaf.reader().has_deletions()
                   for d in range(leaf.doc_count_all()) if leaf.reader().is_deleted(d)]
        self.all = ((1 << self.size) - 1) & ~from_ids(deleted, self.size)
        self._cache: OrderedDict[tuple, int] = OrderedDict()
        self.postings = Postings(searcher, directory)

    def of(self, query: wq.Query) -> int:
        """The bitmap of the documents the query matches (what `docs_for_query` would list)."""
        if isinstance(query, wq.Term):
            return self.term(query.fieldname, query.text)
        if isinstance(query, wq.And):
            return reduce(lambda a, q: a & self.of(q) if a else 0, query.subqueries, self.all)
        if isinstance(query, wq.Or) and not query.minmatch:
            return reduce(lambda a, q: a | self.of(q), query.subqueries, 0)
        if isinstance(query, wq.AndNot):
            return self.of(query.a) & ~self.of(query.b)
        if isinstance(query, wq.AndMaybe):
            return self.of(query.a)
        if isinstance(query, wq.Every):
            return self.all
        if isinstance(query, wq.Phrase):
            return self.phrase(query)
        return from_ids(self.searcher.docs_for_query(query), self.size)  # ranges and the like: Whoosh's own way

    def phrase(self, query: wq.Phrase) -> int:
        """Documents with the words in order: only those with all the words are checked, and the answer is cached
        like a term's."""
        key = (query.fieldname, "\0".join(query.words), query.slop)
        if key not in self._cache:
            candidates = reduce(lambda a, w: a & self.term(query.fieldname, w) if a else 0, query.words, self.all)
            self._keep(key, self._in_order(query, candidates) if candidates else 0)
        return self._cache[key]

    def _in_order(self, query: wq.Phrase, candidates: int) -> int:
        if query.slop != 1:  # words near each other, not adjacent: Whoosh's own matcher
            return from_ids(self.searcher.docs_for_query(query), self.size) & candidates
        ids = np.flatnonzero(to_mask(candidates, self.size))
        found = phrase_docs(self.postings, query.fieldname, list(query.words), ids)
        return from_array(np.array(found, dtype=np.int64), self.size)

    def term(self, fieldname: str, text: str) -> int:
        key = (fieldname, text)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        bitmap = self._read(fieldname, text) & self.all
        self._keep(key, bitmap)
        return bitmap

    def _keep(self, key: tuple, bitmap: int) -> None:
        self._cache[key] = bitmap
        if len(self._cache) > CACHED_TERMS:
            self._cache.popitem(last=False)

    def _read(self, fieldname: str, text: str) -> int:
        ids, _weights = self.postings.get(fieldname, text)
        return from_array(ids, self.size)
