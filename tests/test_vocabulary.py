import json

import pytest

from whoosh import index as whoosh_index

from indexer import heap, store, vocabulary
from indexer.vocabulary import FILE, JSON_FILE, HashedTable, Vocabulary
from tests.helpers import article, build_index, whoosh_written_index

RECORDS = [
    article("a", "Hội đàm Việt Nam - Nga", "Thủ tướng hội đàm với Tổng thống. Hôi thối."),
    article("b", "Thủ tướng thăm Uzbekistan", "Thủ tướng Việt Nam thăm chính thức."),
    article("c", "Giá vàng", "Giá vàng hôm nay, thủ tướng nói."),
]


def _tables(vocabulary: Vocabulary) -> dict[str, dict[str, str]]:
    """Both tables as dicts, whether loaded (`HashedTable`) or computed."""
    return {"syllables": dict(vocabulary.syllables.items()), "compounds": dict(vocabulary.compounds.items())}


def _answers(vocabulary: Vocabulary) -> dict:
    return {
        "accented": [vocabulary.accented(w) for w in ("hoi", "thu", "viet", "khong")],
        "frequency": [vocabulary.frequency(w) for w in ("hội", "hôi", "thủ", "thu")],
        "knows": [vocabulary.knows(w) for w in ("hội", "hôi", "hoi")],
        "doc_freq": [vocabulary.doc_freq(w) for w in ("hoi", "thu", "vang")],
        "compounds": vocabulary.compound_forms(["thu", "tuong"]),
        "correction": vocabulary.correction("thuu"),
    }


def test_the_build_writes_a_vocabulary_that_loads_back(tmp_path):
    generation = store.current_generation(build_index(tmp_path, RECORDS))
    loaded = Vocabulary.load(generation)
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        assert _answers(Vocabulary.from_reader(reader, generation)) == _answers(loaded)
    reference = store.current_generation(whoosh_written_index(tmp_path, RECORDS))
    with whoosh_index.open_dir(str(reference)).reader() as reader:  # from Whoosh's terms: the same
        assert _tables(Vocabulary.from_reader(reader)) == _tables(Vocabulary.load(reference)) == _tables(loaded)
    assert isinstance(loaded.syllables, HashedTable) and not (generation / JSON_FILE).exists()
    assert _answers(loaded) == {
        "accented": ["hội", "thủ", "việt", None],
        "frequency": [2, 1, 4, 0],  # headlines and bodies counted apart
        "knows": [True, True, False],
        "doc_freq": [3, 4, 2],
        "compounds": ["thủ_tướng"],
        "correction": "thu",
    }


@pytest.mark.parametrize("old_format", [1, 2])
def test_a_vocabulary_written_as_json_by_an_older_build_still_loads(tmp_path, old_format):
    generation = store.current_generation(build_index(tmp_path, RECORDS))
    current = Vocabulary.load(generation)
    tables = _tables(current)
    assert tables["syllables"]["hoi"] == "hội 2 hôi 1"
    if old_format == 1:  # [[form, df], …] lists
        tables = {name: {key: [[form, int(df)] for form, df in zip(text.split()[::2], text.split()[1::2])]
                         for key, text in table.items()} for name, table in tables.items()}
    else:
        tables = {"format": 2} | tables
    (generation / FILE).unlink()
    (generation / JSON_FILE).write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    old = Vocabulary.load(generation)
    assert isinstance(old.syllables, dict) and _answers(old) == _answers(current)
    old.save(generation)  # as an add to such an index does: the JSON file goes, the hashed tables replace it
    assert not (generation / JSON_FILE).exists() and _tables(Vocabulary.load(generation)) == _tables(current)


def test_no_vocabulary_file_is_an_empty_vocabulary(tmp_path):
    empty = Vocabulary.load(tmp_path)
    assert _answers(empty) == {"accented": [None] * 4, "frequency": [0] * 4, "knows": [False] * 3,
                               "doc_freq": [0, 0, 0], "compounds": [], "correction": None}


def test_forms_that_share_a_hash_are_told_apart_by_their_text(tmp_path, monkeypatch):
    syllables = {"a": "á 2", "b": "b 1", "c": "ç 3 c 1", "đ": "đ 1", "e": "é 5"}
    monkeypatch.setattr(vocabulary.decoded, "key", lambda _table, form: 7 if form in "abc" else 9)
    Vocabulary(syllables, {"thu_tuong": "thủ_tướng 3"}).save(tmp_path)
    loaded = Vocabulary.load(tmp_path)
    assert _tables(loaded) == {"syllables": syllables, "compounds": {"thu_tuong": "thủ_tướng 3"}}
    assert [loaded.syllables.get(form) for form in ("a", "b", "c", "đ", "e", "f", "")] == [
        "á 2", "b 1", "ç 3 c 1", "đ 1", "é 5", "", ""]
    assert loaded.syllables.get_many(["a", "f", "c", "e", "đ"]) == ["á 2", "", "ç 3 c 1", "é 5", "đ 1"]
    assert loaded.compound_forms(["thu", "tuong"]) == ["thủ_tướng"]


def test_a_damaged_vocabulary_file_is_a_value_error(tmp_path):
    Vocabulary({"a": "á 2"}, {}).save(tmp_path)
    (tmp_path / FILE).write_bytes((tmp_path / FILE).read_bytes()[:100])
    with pytest.raises(ValueError, match="vocabulary.npz"):
        Vocabulary.load(tmp_path)


def test_a_large_index_has_its_vocabulary_built_in_a_process_of_its_own(tmp_path, monkeypatch):
    generation = store.current_generation(build_index(tmp_path, RECORDS, "here"))
    expected = _tables(Vocabulary.load(generation))  # built in this process: 3 documents
    assert expected["syllables"]["thu"] == "thủ 4"
    monkeypatch.setattr(heap, "OWN_PROCESS_DOCS", len(RECORDS))
    monkeypatch.setattr(vocabulary, "_build", lambda *_args: pytest.fail("built in this process"))
    (generation / FILE).unlink()
    vocabulary.build_vocabulary(whoosh_index.open_dir(str(generation)), generation)
    assert _tables(Vocabulary.load(generation)) == expected


def test_a_vocabulary_process_that_fails_fails_the_build_with_a_message(tmp_path, monkeypatch):
    generation = store.current_generation(build_index(tmp_path, RECORDS))
    monkeypatch.setattr(heap, "OWN_PROCESS_DOCS", 1)
    index = whoosh_index.open_dir(str(generation))
    with pytest.raises(RuntimeError, match=r"the vocabulary of .*empty was not built: its process exited with 1"):
        vocabulary.build_vocabulary(index, tmp_path / "empty")  # no index there: the new process cannot open it
