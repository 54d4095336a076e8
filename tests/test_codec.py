import random
import struct
from pathlib import Path

import pytest
from whoosh import fields, index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from indexer import codec
from indexer.schema import make_schema
from indexer.store import current_generation
from tests.helpers import article, build_index

ONSETS = ("", "b", "c", "ch", "d", "đ", "g", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s", "t", "th", "tr", "v", "x")
RHYMES = ("a", "à", "ài", "ạn", "ang", "ánh", "ậu", "e", "ế", "iên", "inh", "ình", "o", "ọc", "ông", "ơi", "u", "ức", "ương", "ưởng")
SYLLABLES = [onset + rhyme for onset in ONSETS for rhyme in RHYMES]


def _articles(count: int, seed: int = 7) -> list[dict]:
    """Articles made of 2,000 words of one to three syllables, drawn by Zipf's law as words are."""
    rng = random.Random(seed)
    words = [" ".join(rng.choices(SYLLABLES, k=rng.randint(1, 3))) for _ in range(2000)]
    weights = [1 / rank for rank in range(1, len(words) + 1)]

    def sentence() -> str:
        return " ".join(rng.choices(words, weights, k=rng.randint(5, 15)))
    return [{"id": f"a{n}", "title": sentence(), "body": ". ".join(sentence() for _ in range(rng.randint(5, 40)))}
            for n in range(count)]


def _write(directory: Path, docs: list[dict], codec_=None) -> None:
    directory.mkdir()
    schema = fields.Schema(id=fields.ID(stored=True), title=fields.STORED, body=fields.STORED, tag=fields.KEYWORD)
    ix = whoosh_index.create_in(str(directory), schema)
    with ix.writer(codec=codec_ or codec.Codec(), compound=False) as writer:
        for doc in docs:
            writer.add_document(**doc)


def _read_all(directory: Path, order: list[int]) -> list[dict]:
    with whoosh_index.open_dir(str(directory)).reader() as reader:
        return [reader.stored_fields(n) for n in order]


def _column(directory: Path) -> tuple[int, int]:
    """(size of the stored column's file, size of its dictionary)."""
    path = next(directory.glob("*._stored.col"))
    data = path.read_bytes()
    _at, dictionary, _offsets = struct.unpack("<QQQ", data[-24:])
    return len(data), dictionary


def _dictionary_for(samples: list[dict]) -> int:
    """The size of dictionary the writer asks zstd for, given its first documents (0: none)."""
    size = min(codec.DICTIONARY_BYTES,
               sum(len(codec.dumps(d, 2)) for d in samples if "tag" not in d) // codec.SAMPLE_PER_DICTIONARY_BYTE)
    return size if size >= codec.MIN_DICTIONARY else 0


def test_a_segment_of_many_articles_reads_back_whole_in_any_order(tmp_path):
    docs = _articles(codec.TRAIN_DOCS + 300)
    docs[5] = {"tag": "nothing stored"}  # Whoosh writes no value for it: an empty one is filled in
    docs[-1] = {"tag": "nor the last"}
    _write(tmp_path / "ix", docs)
    order = random.Random(3).sample(range(len(docs)), len(docs))
    assert _read_all(tmp_path / "ix", order) == [{} if "tag" in docs[n] else docs[n] for n in order]
    assert _column(tmp_path / "ix")[1] == _dictionary_for(docs[:codec.TRAIN_DOCS]) > 0


def test_the_dictionary_makes_the_column_smaller_than_whooshs(tmp_path):
    docs = _articles(codec.TRAIN_DOCS + 300)
    _write(tmp_path / "ours", docs)
    _write(tmp_path / "whoosh", docs, W3Codec())
    ours, whoosh = _column(tmp_path / "ours")[0], next((tmp_path / "whoosh").glob("*._stored.col")).stat().st_size
    assert ours < 0.75 * whoosh


@pytest.mark.parametrize("count", [1, 5, 200])
def test_a_small_segment_has_a_small_dictionary_or_none(tmp_path, count):
    docs = _articles(count)
    _write(tmp_path / "ix", docs)
    assert _read_all(tmp_path / "ix", list(range(count))) == docs
    assert _column(tmp_path / "ix")[1] == _dictionary_for(docs)


def test_a_document_number_past_the_end_is_an_index_error(tmp_path):
    _write(tmp_path / "ix", _articles(3))
    with whoosh_index.open_dir(str(tmp_path / "ix")).reader() as reader, pytest.raises(IndexError):
        reader._perdoc.stored_fields(3)


@pytest.mark.parametrize("cut", [1, 24, 1000])
def test_a_column_cut_short_is_found_when_opened(tmp_path, cut):
    _write(tmp_path / "ix", _articles(50))
    path = next((tmp_path / "ix").glob("*._stored.col"))
    path.write_bytes(path.read_bytes()[:-cut])
    with whoosh_index.open_dir(str(tmp_path / "ix")).reader() as reader, \
            pytest.raises(ValueError, match="stored fields' column is damaged"):
        codec.check_stored(reader)


def test_segments_of_whooshs_codec_and_ours_read_side_by_side(tmp_path):
    docs = _articles(40)
    _write(tmp_path / "ix", docs[:20], W3Codec())  # an index written before this codec
    ix = whoosh_index.open_dir(str(tmp_path / "ix"))
    with ix.writer(codec=codec.Codec()) as writer:
        for doc in docs[20:]:
            writer.add_document(**doc)
    ix = whoosh_index.open_dir(str(tmp_path / "ix"))
    assert sorted(type(segment.codec()).__name__ for segment in ix._segments()) == ["Codec", "W3Codec"]
    with ix.searcher() as searcher:
        assert sorted((searcher.stored_fields(n) for n in range(40)), key=lambda d: int(d["id"][1:])) == docs


def test_a_build_stores_the_articles_with_this_codec(tmp_path):
    records = [article("a", "Hội đàm Việt Nam - Nga", "Bộ trưởng hai nước hội đàm tại Moskva.", date="2021-09-29")]
    ix = whoosh_index.open_dir(str(current_generation(build_index(tmp_path, records))), schema=make_schema())
    assert [type(segment.codec()) for segment in ix._segments()] == [codec.Codec]
    with ix.searcher() as searcher:
        stored = searcher.stored_fields(0)
    assert (stored["title"], stored["body"]) == (records[0]["title"], records[0]["body"])
