"""Ranked-retrieval metrics at a cutoff, binary relevance: what `make eval` reports per query set and variant.

Every function takes the ranked ids a search returned (best first) and the set of ids judged relevant; ids not
in the set, judged or not, count as non-relevant. Aggregates are plain means over queries.
"""
from __future__ import annotations

import math
import statistics
from typing import Iterable, Sequence

K = 10


def reciprocal_rank(ranked: Sequence[str], relevant: Iterable[str], k: int = K) -> float:
    """1 / rank of the first relevant id within the top k, 0 when none is there."""
    wanted = set(relevant)
    for rank, doc in enumerate(ranked[:k], start=1):
        if doc in wanted:
            return 1.0 / rank
    return 0.0


def recall(ranked: Sequence[str], relevant: Iterable[str], k: int = K) -> float:
    """Share of the relevant ids found within the top k (0 when nothing is relevant)."""
    wanted = set(relevant)
    if not wanted:
        return 0.0
    return len(wanted & set(ranked[:k])) / len(wanted)


def dcg(gains: Sequence[float], k: int = K) -> float:
    """Discounted cumulative gain: gain at rank r weighs 1 / log2(r + 1)."""
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(gains[:k], start=1))


def ndcg(ranked: Sequence[str], relevant: Iterable[str], k: int = K) -> float:
    """DCG of the ranking over the DCG of an ideal one (every relevant id first), binary gains; 0 if none relevant."""
    wanted = set(relevant)
    if not wanted:
        return 0.0
    ideal = dcg([1.0] * min(len(wanted), k), k)
    return dcg([1.0 if doc in wanted else 0.0 for doc in ranked[:k]], k) / ideal


def precision(ranked: Sequence[str], relevant: Iterable[str], k: int = K) -> float:
    """Share of the top k that is relevant, over k (a short list is not rewarded for being short)."""
    wanted = set(relevant)
    return sum(1 for doc in ranked[:k] if doc in wanted) / k


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def median(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.median(values) if values else 0.0


def share(flags: Iterable[bool]) -> float:
    """Share of true flags (0 for no flags)."""
    flags = list(flags)
    return sum(1 for f in flags if f) / len(flags) if flags else 0.0
