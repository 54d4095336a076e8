"""Posting lists read from Whoosh a block at a time into NumPy arrays, cached per searcher: what both the bitmap
sets (`docsets`) and the scorer (`scoring`) work from, so a term's postings are decoded once."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
from whoosh.matching.wrappers import FilterMatcher

CACHED_BYTES = 512 * 2**20  # 64 million postings: the 300-query bench mix on the full corpus needs 270 MB
_EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float32))


class Postings:
    """Document numbers (int32) and term weights (frequencies, float32) of a term, over every segment of a
    searcher: 8 bytes a posting, so the cache holds twice as many as with 64-bit numbers."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self._cache: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0

    def get(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, weights) of the term, ascending; deleted documents included (callers mask them out)."""
        key = (fieldname, text)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        ids, weights = [], []
        for leaf, offset in self.searcher.leaf_searchers():
            reader = leaf.reader()
            if (fieldname, text) in reader:
                leaf_ids, leaf_weights = _blocks(reader.postings(fieldname, text))
                ids.append(np.asarray(leaf_ids, dtype=np.int32) + np.int32(offset))
                weights.append(np.asarray(leaf_weights, dtype=np.float32))  # term frequencies: exact in float32
        posting = (np.concatenate(ids), np.concatenate(weights)) if ids else _EMPTY
        self._remember(key, posting)
        return posting

    def _remember(self, key: tuple[str, str], posting: tuple[np.ndarray, np.ndarray]) -> None:
        self._cache[key] = posting
        self._cached += posting[0].nbytes + posting[1].nbytes
        while self._cached > CACHED_BYTES and len(self._cache) > 1:
            _, (ids, weights) = self._cache.popitem(last=False)
            self._cached -= ids.nbytes + weights.nbytes


def _blocks(matcher) -> tuple[list[int], list[float]]:
    """All ids and weights of a posting list, read a block at a time when the codec allows."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    ids: list[int] = []
    weights: list[float] = []
    if not hasattr(matcher, "_read_ids"):
        for doc in matcher.all_ids():
            ids.append(doc)
            weights.append(matcher.weight())
        return ids, weights
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        ids.extend(matcher._ids)
        weights.extend(matcher._weights)
        matcher._next_block()
    return ids, weights
