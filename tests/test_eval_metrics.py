"""The evaluation's metrics against values computed by hand."""
from __future__ import annotations

import math

import pytest

from eval import metrics


def test_reciprocal_rank_is_one_over_the_first_relevant_rank():
    assert metrics.reciprocal_rank(["a", "b", "c"], {"a"}) == 1.0
    assert metrics.reciprocal_rank(["a", "b", "c"], {"c", "b"}) == 0.5
    assert metrics.reciprocal_rank(["a", "b", "c"], {"x"}) == 0.0
    assert metrics.reciprocal_rank([], {"x"}) == 0.0


def test_reciprocal_rank_ignores_what_lies_beyond_the_cutoff():
    ranked = [str(i) for i in range(20)]
    assert metrics.reciprocal_rank(ranked, {"9"}) == pytest.approx(0.1)
    assert metrics.reciprocal_rank(ranked, {"10"}) == 0.0
    assert metrics.reciprocal_rank(ranked, {"2"}, k=2) == 0.0


def test_recall_counts_the_relevant_ids_in_the_top_k():
    assert metrics.recall(["a", "b", "c"], {"a", "c", "d", "e"}) == 0.5
    assert metrics.recall(["a"], {"a"}) == 1.0
    assert metrics.recall(["a", "b"], {"b"}, k=1) == 0.0
    assert metrics.recall(["a"], set()) == 0.0


def test_ndcg_by_hand():
    # relevant at ranks 1 and 3 of 3 relevant: DCG = 1 + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3) + 1/2
    ideal = 1 + 1 / math.log2(3) + 0.5
    assert metrics.ndcg(["a", "x", "b"], {"a", "b", "c"}) == pytest.approx(1.5 / ideal)
    assert metrics.ndcg(["a", "b"], {"a", "b"}) == pytest.approx(1.0)
    # one relevant at rank 2: (1/log2(3)) / 1
    assert metrics.ndcg(["x", "a"], {"a"}) == pytest.approx(1 / math.log2(3))
    assert metrics.ndcg(["x"], {"a"}) == 0.0
    assert metrics.ndcg(["a"], set()) == 0.0


def test_ndcg_ideal_is_capped_at_k():
    relevant = {str(i) for i in range(15)}
    assert metrics.ndcg([str(i) for i in range(10)], relevant) == pytest.approx(1.0)
    assert metrics.ndcg(["0", "1"], relevant, k=2) == pytest.approx(1.0)


def test_dcg_by_hand():
    assert metrics.dcg([1, 1, 1]) == pytest.approx(1 + 1 / math.log2(3) + 0.5)
    assert metrics.dcg([0, 0, 1, 1]) == pytest.approx(0.5 + 1 / math.log2(5))
    assert metrics.dcg([1, 1, 1], k=1) == 1.0


def test_precision_divides_by_k():
    assert metrics.precision(["a", "b", "c", "d"], {"a", "d"}, k=4) == 0.5
    assert metrics.precision(["a"], {"a"}, k=10) == pytest.approx(0.1)


def test_aggregates():
    assert metrics.mean([1.0, 0.5, 0.0]) == 0.5
    assert metrics.mean([]) == 0.0
    assert metrics.median([3.0, 1.0, 2.0, 10.0]) == 2.5
    assert metrics.median([]) == 0.0
    assert metrics.share([True, False, False, True]) == 0.5
    assert metrics.share([]) == 0.0
