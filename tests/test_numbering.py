import random

import numpy as np
import pytest

from indexer import numbering
from indexer.numbering import Numbering


def reference(calls: list[list[bytes]]) -> list[list[int]]:
    seen: dict[bytes, int] = {}
    return [[seen.setdefault(s, len(seen)) for s in strings] for strings in calls]


def numbered(calls: list[list[bytes]]) -> list[list[int]]:
    table = Numbering()
    return [table.add(strings).tolist() for strings in calls]


def test_strings_are_numbered_in_order_of_first_appearance():
    calls = [[b"body\0ha", b"title\0ha", b"body\0ha"], [], [b"title\0ha", b"body\0n\xc3\xb4i", b"body\0ha"]]
    assert numbered(calls) == [[0, 1, 0], [], [1, 2, 0]]


@pytest.mark.parametrize("recent", [1, 3, 1000])
def test_numbers_survive_merges_into_the_sorted_arrays(monkeypatch, recent):
    monkeypatch.setattr(numbering, "RECENT", recent)
    rng = random.Random(recent)
    words = [f"body\0{rng.getrandbits(20)}".encode() for _ in range(3000)]
    calls = [rng.sample(words, rng.randrange(0, 60)) + rng.choices(words, k=5) for _ in range(200)]
    assert numbered(calls) == reference(calls)


def test_length_counts_distinct_strings(monkeypatch):
    monkeypatch.setattr(numbering, "RECENT", 2)
    table = Numbering()
    table.add([b"a", b"b", b"a"])
    table.add([b"c", b"b", b"d"])
    assert len(table) == 4


def test_strings_sharing_one_half_of_their_key_stay_apart(monkeypatch):
    # every string's first hash is its length: only the second half tells them apart, in the dict and in the arrays
    monkeypatch.setattr(numbering, "hash", lambda s: hash(s) if s.startswith(b"\n") else len(s), raising=False)
    monkeypatch.setattr(numbering, "RECENT", 4)
    calls = [[b"ab", b"cd", b"ef"], [b"gh", b"cd", b"xyz"], [b"ij", b"ab", b"gh", b"kl"], [b"ef", b"mn", b"kl"]]
    assert numbered(calls) == reference(calls)


def test_numbers_are_int32_for_indexing_postings():
    assert Numbering().add([b"a", b"b"]).dtype == np.int32
