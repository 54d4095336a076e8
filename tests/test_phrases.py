import random

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from indexer import build as building
from indexer import store
from indexer.docsets import DocSets, to_ids
from indexer.phrases import phrase_docs
from tests.helpers import article, whoosh_written_index, write_jsonl

WORDS = ["xã", "hội", "đàm", "phán", "việt", "nam", "hà", "nội"]
PHRASES = [["xa", "hoi"], ["hoi", "dam"], ["hoi", "hoi"], ["viet", "nam", "ha"], ["nam", "viet"],
           ["ha", "noi", "ha", "noi"], ["dam", "phan", "xa"], ["xa"]]


def _records(count: int) -> list[dict]:
    """Random texts over a few syllables (punctuation and repeats included): 300 documents put each word's postings
    in several of Whoosh's 128-posting blocks, so the block skipping is exercised."""
    rng = random.Random(3)
    records = []
    for i in range(count):
        body = " ".join(rng.choice(WORDS) + rng.choice(["", "", "", ",", "."]) for _ in range(rng.randint(1, 12)))
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
        records.append(article(f"d{i}", title, body))
    return records


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("phrases")
    records = _records(300)
    root = whoosh_written_index(tmp_path, records[:200])  # Whoosh's own phrase matcher needs its postings
    building.add(root, [str(write_jsonl(tmp_path / "more.jsonl", records[200:] + [records[5]]))], jobs=1)
    return store.current_generation(root)  # two segments, and document 5 deleted from the first


def _cases(searcher, sets):
    everything = np.array(to_ids(sets.all), dtype=np.int64)
    some = everything[::3]
    for fieldname in ("title", "body"):
        for words in PHRASES:
            whoosh = set(searcher.docs_for_query(wq.Phrase(fieldname, words))) if len(words) > 1 else None
            for candidates in (everything, some):
                yield fieldname, words, candidates, whoosh


def test_decoded_positions_give_whooshs_phrase_matches(index):
    with whoosh_index.open_dir(str(index)).searcher() as searcher:
        sets = DocSets(searcher, index)
        assert all(segment is not None for _r, _o, segment in sets.postings.leaves)
        checked = 0
        for fieldname, words, candidates, whoosh in _cases(searcher, sets):
            if whoosh is None:
                continue
            expected = sorted(whoosh & set(candidates.tolist()))
            assert phrase_docs(sets.postings, fieldname, words, candidates) == expected, (fieldname, words)
            checked += bool(expected)
        assert checked >= 8


def test_whoosh_blocks_give_the_same_without_decoded_files(index):
    with whoosh_index.open_dir(str(index)).searcher() as searcher:
        decoded, plain = DocSets(searcher, index), DocSets(searcher)
        assert all(segment is None for _r, _o, segment in plain.postings.leaves)
        for fieldname, words, candidates, whoosh in _cases(searcher, plain):
            expected = phrase_docs(decoded.postings, fieldname, words, candidates)
            assert phrase_docs(plain.postings, fieldname, words, candidates) == expected, (fieldname, words)
            if whoosh is not None:
                assert expected == sorted(whoosh & set(candidates.tolist()))


def test_a_one_word_phrase_is_the_documents_with_the_word(index):
    with whoosh_index.open_dir(str(index)).searcher() as searcher:
        sets = DocSets(searcher, index)
        candidates = np.array(to_ids(sets.term("body", "xa")), dtype=np.int64)
        assert phrase_docs(sets.postings, "body", ["xa"], candidates) == candidates.tolist()
        assert phrase_docs(sets.postings, "body", ["xa", "hoi"], np.zeros(0, np.int64)) == []
