"""Posting lists as NumPy arrays, cached per searcher: what both the bitmap sets (`docsets`) and the scorer
(`scoring`) work from, so a term's postings are read once."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import numpy as np

from indexer import decoded
from indexer.store import IndexUnavailable

# With decoded files a miss is a slice of a memory map: on the full corpus, warm medians of 14.8–18.7 ms with 512 MB,
# 16.7–18.1 with 64 MB and 16.1–18.1 with none, for 834, 653 and 568 MB of RSS. The cache is for segments read from
# Whoosh's blocks (an index from before, an add not decoded yet), where a miss costs up to a second.
CACHED_BYTES = 64 * 2**20
_EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float32))


class Postings:
    """Document numbers (int32) and term weights (frequencies, float32) of a term, over every segment of a
    searcher: 8 bytes a posting, so the cache holds twice as many as with 64-bit numbers. Segments decoded at index
    time (`decoded`) are sliced from their files; the others are read from Whoosh's blocks."""

    def __init__(self, searcher, directory: Path | None = None) -> None:
        self.searcher = searcher
        self.leaves = [(leaf.reader(), offset, decoded.open_segment(directory, leaf.reader()) if directory else None)
                       for leaf, offset in searcher.leaf_searchers()]
        self._decoded_fields = decoded.decoded_fields(searcher.schema)
        for reader, _offset, segment in self.leaves:
            if directory and segment is None and reader.doc_count_all() and not self._in_whoosh(reader):
                raise IndexUnavailable(f"the postings of {decoded.path_of(directory, reader)} are missing or damaged"
                                       " (a build writes them there, not in Whoosh's files): run `make index`")
        expected = [decoded.path_of(directory, reader) for reader, _o, segment in self.leaves
                    if segment is None and directory]
        self._undecoded = [path for path in expected if path is not None]
        self._cache: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0

    def get(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, weights) of the term, ascending; deleted documents included (callers mask them out)."""
        key = (fieldname, text)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        ids, weights = [], []
        for reader, offset, segment in self.leaves:
            found = self._in_segment(reader, segment, fieldname, text)
            if found is not None:
                ids.append(np.asarray(found[0], dtype=np.int32) + np.int32(offset))
                weights.append(np.asarray(found[1], dtype=np.float32))  # term frequencies: exact in float32
        posting = (np.concatenate(ids), np.concatenate(weights)) if ids else _EMPTY
        self._remember(key, posting)
        return posting

    def count(self, reader, segment: decoded.Segment | None, fieldname: str, text: str) -> int:
        """The term's number of postings in one segment."""
        found = self._decoded(segment, fieldname, text)
        return reader.doc_frequency(fieldname, text) if found is None else len(found[0])

    def _in_segment(self, reader, segment: decoded.Segment | None, fieldname: str, text: str):
        """The term's (ids, weights) in one segment, None if it has none there: a slice of the decoded files when
        they can tell (one lookup in an array), else Whoosh's term info and blocks."""
        found = self._decoded(segment, fieldname, text)
        if found is not None:
            return found if len(found[0]) else None
        count = reader.doc_frequency(fieldname, text)
        if not count:
            return None
        found = segment.find(fieldname, text, count) if segment is not None else None
        return found if found is not None else decoded.blocks(reader.postings(fieldname, text))

    def _decoded(self, segment: decoded.Segment | None, fieldname: str, text: str):
        return segment.postings(fieldname, text) if segment is not None and fieldname in self._decoded_fields else None

    def _in_whoosh(self, reader) -> bool:
        """Whether Whoosh's files hold this segment's postings (an add, or a build before `inversion`)."""
        return any(reader.field_length(name) for name in self._decoded_fields)

    def decoded_since(self) -> bool:
        """Whether a segment read from Whoosh's blocks has had its files decoded since (an add writes them after
        its commit): the searcher is then worth opening again."""
        return any(path.is_dir() for path in self._undecoded)

    def field_length(self, fieldname: str) -> int:
        """The sum of the field's lengths over every document (deleted ones included, as Whoosh counts them)."""
        total = 0
        for reader, _offset, segment in self.leaves:
            own = segment.total_length(fieldname) if segment is not None else None
            total += reader.field_length(fieldname) if own is None else own
        return total

    def length_codes(self, fieldname: str) -> list[np.ndarray | None]:
        """Each segment's decoded field lengths (Whoosh's byte codes), None for a segment without them."""
        return [segment.length_codes(fieldname) if segment is not None else None for _r, _o, segment in self.leaves]

    def _remember(self, key: tuple[str, str], posting: tuple[np.ndarray, np.ndarray]) -> None:
        self._cache[key] = posting
        self._cached += posting[0].nbytes + posting[1].nbytes
        while self._cached > CACHED_BYTES and len(self._cache) > 1:
            _, (ids, weights) = self._cache.popitem(last=False)
            self._cached -= ids.nbytes + weights.nbytes
