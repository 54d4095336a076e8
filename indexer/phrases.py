"""Phrases checked among candidate documents only (those with all the words, from the bitmaps).

Whoosh's phrase matcher walks every document that has all the words and unpickles every posting block on the way.
Here positions decoded at index time (`decoded`) are matched with NumPy; a segment without them reads only the
Whoosh blocks that hold a candidate. Same answer as `Phrase` with slop 1: the words at consecutive positions.
"""
from __future__ import annotations

import numpy as np
from whoosh.matching.wrappers import FilterMatcher


def phrase_docs(postings, fieldname: str, words: list[str], candidates: np.ndarray) -> list[int]:
    """The candidates (ascending document numbers) where `words` occur one after the other in `fieldname`;
    `postings` gives each segment's reader, offset and decoded files (`postings.Postings.leaves`)."""
    found: list[int] = []
    for reader, offset, segment in postings.leaves:
        local = candidates[(candidates >= offset) & (candidates < offset + reader.doc_count_all())] - offset
        if not len(local):
            continue
        decoded = _decoded(postings, segment, reader, fieldname, words)
        if decoded is not None:
            found.extend((_adjacent(decoded, local, reader.doc_count_all()) + offset).tolist())
        else:
            positions = [_positions(reader, fieldname, word, local) for word in words]
            found.extend(doc + offset for doc in _consecutive(positions))
    return found


def _decoded(postings, segment, reader, fieldname: str, words: list[str]) -> list[tuple[np.ndarray, ...]] | None:
    if segment is None:
        return None
    found = [segment.find_positions(fieldname, word, postings.count(reader, segment, fieldname, word))
             for word in words]
    return None if any(f is None for f in found) else found


def _adjacent(postings: list[tuple[np.ndarray, ...]], docs: np.ndarray, size: int) -> np.ndarray:
    """The documents (of `docs`) where word k is at position p + k for every k, with NumPy over decoded
    positions: each (document, p) pair becomes one 64-bit number, and the words' sets of them are intersected."""
    inside = np.zeros(size, dtype=bool)
    inside[docs] = True
    common = None
    for k, (ids, weights, positions) in enumerate(postings):
        counts = weights.astype(np.int64)
        keep = inside[ids]
        firsts = (np.cumsum(counts) - counts)[keep]
        counts = counts[keep]
        owner = np.repeat(np.arange(len(counts)), counts)
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        starts = positions[firsts[owner] + within].astype(np.int64) - k
        pairs = ids[keep].astype(np.int64)[owner] << 32 | np.maximum(starts, 0)
        pairs = pairs[starts >= 0]
        common = pairs if common is None else np.intersect1d(common, pairs, assume_unique=True)
        if not len(common):
            break
    return np.unique(common >> 32) if common is not None else np.zeros(0, np.int64)


def _consecutive(positions: list[dict[int, list[int]]]) -> list[int]:
    """The documents where word k occurs at position p + k for some p, for every k."""
    docs = []
    for doc, first in positions[0].items():
        starts = set(first)
        for k, others in enumerate(positions[1:], 1):
            starts.intersection_update(p - k for p in others.get(doc, ()))
            if not starts:
                break
        if starts:
            docs.append(doc)
    return sorted(docs)


def _positions(reader, fieldname: str, word: str, docs: np.ndarray) -> dict[int, list[int]]:
    """Positions of the word in each of these documents (a segment's own numbers, ascending) that has it."""
    matcher = reader.postings(fieldname, word)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    wanted = set(docs.tolist())
    out: dict[int, list[int]] = {}
    if not hasattr(matcher, "_read_values"):
        for doc in matcher.all_ids():
            if doc in wanted:
                out[doc] = matcher.value_as("positions")
        return out
    decode = matcher.format.decode_positions
    previous_max = -1
    while matcher.is_active():
        block_max = matcher.block_max_id()
        # a block holds the ids after the previous block's last: read it only if a candidate falls there
        if np.searchsorted(docs, block_max, side="right") > np.searchsorted(docs, previous_max, side="right"):
            matcher._read_ids()
            matcher._read_values()
            for doc, value in zip(matcher._ids, matcher._values):
                if doc in wanted:
                    out[doc] = decode(value)
        previous_max = block_max
        matcher._next_block()
    return out
