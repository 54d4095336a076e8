from collections import Counter

import numpy as np
import pytest

from indexer.facets import KeyCounts


@pytest.mark.parametrize("share", [0.0, 0.01, 0.05, 0.07, 0.5, 1.0])  # both sides of the switch to weights (1/16)
def test_key_counts_over_masks_sparse_and_dense(share):
    rng = np.random.default_rng(3)
    keys_of_code = [[], ["VN"], ["RU", "VN"], ["UZ"], ["RU"]]
    codes = rng.integers(0, len(keys_of_code), 2000).astype(np.int32)
    counts = KeyCounts(keys_of_code, codes)
    mask = rng.random(2000) < share
    expected = Counter(key for doc in np.flatnonzero(mask) for key in keys_of_code[codes[doc]])
    assert counts.per_code(mask).tolist() == np.bincount(codes[mask], minlength=5).tolist()
    assert counts.count(mask) == expected
