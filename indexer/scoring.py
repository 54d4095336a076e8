"""BM25F scores of every matching document at once, with NumPy: the numbers Whoosh's matchers would give, computed
a posting list at a time instead of a document at a time.

Postings, lengths and statistics come from `postings` (decoded files, or Whoosh's for segments without them); this
module does Whoosh's arithmetic over arrays (its BM25F: idf · tf·(K1+1) / (tf + K1·(1 − B + B·fl/avgfl)), boosts
multiplied, sums over And/Or/AndMaybe, a phrase as its words' scores where it matches). Queries it does not know
(ranges and the like) raise `Unsupported` and the caller lets Whoosh score.
"""
from __future__ import annotations

from math import log

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from indexer import decoded, docsets

_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class Unsupported(Exception):
    """The query has a part this scorer does not compute; score it with Whoosh."""


class VectorScorer:
    """Scores for all documents of a searcher as a dense array, one entry per document number."""

    def __init__(self, searcher, sets: docsets.DocSets) -> None:
        weighting = searcher.weighting
        if type(weighting) is not BM25F or weighting._field_B:
            raise Unsupported(f"weighting {weighting!r}")
        self.searcher, self.B, self.K1 = searcher, weighting.B, weighting.K1
        self.size = searcher.doc_count_all()
        self.docsets = sets
        self._norms: dict[str, np.ndarray] = {}

    def scores(self, query: wq.Query) -> np.ndarray:
        """Each document's score for the query (0 where it does not match; matching is decided elsewhere)."""
        out = np.zeros(self.size)
        self._add(query, out, 1.0)
        return out

    def _add(self, query: wq.Query, out: np.ndarray, boost: float) -> None:
        boost *= query.boost
        if isinstance(query, wq.Term):
            self._add_term(query.fieldname, query.text, out, boost)
        elif isinstance(query, (wq.And, wq.Or)) and not getattr(query, "scale", None):
            if isinstance(query, wq.Or) and query.minmatch:
                raise Unsupported("Or with minmatch")
            for sub in query.subqueries:
                self._add(sub, out, boost)
        elif isinstance(query, wq.AndMaybe):
            self._add(query.a, out, boost)
            self._add(query.b, out, boost)  # only documents matching `a` are ranked, so adding `b` everywhere is safe
        elif isinstance(query, wq.AndNot):
            self._add(query.a, out, boost)
        elif isinstance(query, wq.Phrase):
            # Whoosh scores a phrase as the sum of its words' scores, in the documents that have the phrase
            words = np.zeros(self.size)
            for word in query.words:
                self._add_term(query.fieldname, word, words, boost)
            out += words * docsets.to_mask(self.docsets.phrase(query), self.size)
        else:
            raise Unsupported(type(query).__name__)

    def _add_term(self, fieldname: str, text: str, out: np.ndarray, boost: float) -> None:
        docs, frequencies = self.docsets.postings.get(fieldname, text)
        if not len(docs):
            return
        # boost·idf · (tf·(K1+1)) / (tf + norm), in place: the same operations in the same order, fewer arrays (the
        # frequencies converted inside the ufuncs; take and a plain store where indexing and += gathered twice)
        score = np.multiply(frequencies, self.K1 + 1, dtype=np.float64)
        score *= boost * self._idf(len(docs))
        lengths = self._length_norms(fieldname).take(docs)
        lengths += frequencies
        score /= lengths
        score += out.take(docs)  # a term's documents are distinct: no sum is lost
        out[docs] = score

    def _idf(self, doc_frequency: int) -> float:
        """Whoosh's idf (`WeightingModel.idf`), from the postings' count: deleted documents count, as there."""
        return log(self.size / (doc_frequency + 1)) + 1

    def _length_norms(self, fieldname: str) -> np.ndarray:
        """Per document, BM25's K1·(1 − B + B·fl/avgfl) for the field: the same for every term of a searcher."""
        if fieldname not in self._norms:
            parts = []
            from_files = self.docsets.postings.length_codes(fieldname)
            for (leaf, _offset), codes in zip(self.searcher.leaf_searchers(), from_files):
                parts.append(_LENGTH_OF_BYTE[codes] if codes is not None
                             else _leaf_lengths(leaf.reader(), fieldname, leaf.doc_count_all()))
            lengths = np.concatenate(parts) if parts else np.zeros(0)
            avgfl = self.docsets.postings.field_length(fieldname) / (self.size or 1) or 1  # Searcher.avg_field_length
            k1, b = self.K1, self.B
            self._norms[fieldname] = k1 * ((1 - b) + b * lengths / avgfl)
        return self._norms[fieldname]


def _leaf_lengths(reader, fieldname: str, count: int) -> np.ndarray:
    """A segment's field lengths as Whoosh scores with them (quantized to a byte, as stored)."""
    codes = decoded.column_length_codes(reader, fieldname)
    if codes is None:
        return np.array([reader.doc_field_length(d, fieldname, 0) or 0 for d in range(count)], dtype=np.float64)
    return _LENGTH_OF_BYTE[codes]
