import json

import pytest

from whoosh import index as whoosh_index

from indexer import heap, store, vocabulary
from indexer.vocabulary import FILE, Vocabulary
from tests.helpers import article, build_index, whoosh_written_index

RECORDS = [
    article("a", "Hội đàm Việt Nam - Nga", "Thủ tướng hội đàm với Tổng thống. Hôi thối."),
    article("b", "Thủ tướng thăm Uzbekistan", "Thủ tướng Việt Nam thăm chính thức."),
    article("c", "Giá vàng", "Giá vàng hôm nay, thủ tướng nói."),
]


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
        assert Vocabulary.from_reader(reader).__dict__ == Vocabulary.load(reference).__dict__ == loaded.__dict__
    assert _answers(loaded) == {
        "accented": ["hội", "thủ", "việt", None],
        "frequency": [2, 1, 4, 0],  # headlines and bodies counted apart
        "knows": [True, True, False],
        "doc_freq": [3, 4, 2],
        "compounds": ["thủ_tướng"],
        "correction": "thu",
    }


def test_a_vocabulary_written_before_format_2_still_loads(tmp_path):
    generation = store.current_generation(build_index(tmp_path, RECORDS))
    current = Vocabulary.load(generation)
    data = json.loads((generation / FILE).read_text(encoding="utf-8"))
    assert data["format"] == 2 and data["syllables"]["hoi"] == "hội 2 hôi 1"
    old = {name: {key: [[form, int(df)] for form, df in zip(text.split()[::2], text.split()[1::2])]
                  for key, text in data[name].items()} for name in ("syllables", "compounds")}
    (generation / FILE).write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    assert _answers(Vocabulary.load(generation)) == _answers(current)


def test_no_vocabulary_file_is_an_empty_vocabulary(tmp_path):
    empty = Vocabulary.load(tmp_path)
    assert _answers(empty) == {"accented": [None] * 4, "frequency": [0] * 4, "knows": [False] * 3,
                               "doc_freq": [0, 0, 0], "compounds": [], "correction": None}


def test_tables_are_written_a_slice_of_entries_at_a_time_as_one_json_document(tmp_path, monkeypatch):
    monkeypatch.setattr(vocabulary, "DUMPED_ENTRIES", 2)
    syllables = {"a": "á 2", "b": "b 1", "c": "ç 3 c 1", "d": "đ 1", "e": "é 5"}
    Vocabulary(syllables, {}).save(tmp_path)
    assert json.loads((tmp_path / FILE).read_text("utf-8")) == {"format": 2, "syllables": syllables, "compounds": {}}
    assert Vocabulary.load(tmp_path).__dict__ == {"syllables": syllables, "compounds": {}}


def test_a_large_index_has_its_vocabulary_built_in_a_process_of_its_own(tmp_path, monkeypatch):
    generation = store.current_generation(build_index(tmp_path, RECORDS, "here"))
    expected = Vocabulary.load(generation).__dict__  # built in this process: 3 documents
    assert expected["syllables"]["thu"] == "thủ 4"
    monkeypatch.setattr(heap, "OWN_PROCESS_DOCS", len(RECORDS))
    monkeypatch.setattr(vocabulary, "_build", lambda *_args: pytest.fail("built in this process"))
    (generation / FILE).unlink()
    vocabulary.build_vocabulary(whoosh_index.open_dir(str(generation)), generation)
    assert Vocabulary.load(generation).__dict__ == expected


def test_a_vocabulary_process_that_fails_fails_the_build_with_a_message(tmp_path, monkeypatch):
    generation = store.current_generation(build_index(tmp_path, RECORDS))
    monkeypatch.setattr(heap, "OWN_PROCESS_DOCS", 1)
    index = whoosh_index.open_dir(str(generation))
    with pytest.raises(RuntimeError, match=r"the vocabulary of .*empty was not built: its process exited with 1"):
        vocabulary.build_vocabulary(index, tmp_path / "empty")  # no index there: the new process cannot open it
