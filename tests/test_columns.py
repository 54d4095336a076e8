import numpy as np
from whoosh import index as whoosh_index

from indexer import build as building
from indexer import columns, store
from indexer.facets import FacetColumns
from tests.helpers import article, build_index, write_jsonl

RECORDS = [
    article("a", "Hội đàm Việt Nam - Nga", "Bộ trưởng hai nước hội đàm tại Moskva.", date="2021-09-29"),
    article("b", "Thủ tướng thăm Uzbekistan", "Thủ tướng Việt Nam thăm chính thức Uzbekistan.", date="2025-03-05"),
    article("c", "Giá vàng hôm nay", "Giá vàng trong nước đứng yên."),
]


def _values(reader, directory) -> tuple[list[str], list[str]]:
    coded = columns.load(reader, directory)
    return [coded.dates[c] for c in coded.date_codes], [coded.sets[c] for c in coded.set_codes]


def _facets(root, directory=None) -> FacetColumns:
    generation = store.current_generation(root)
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        return FacetColumns.load(reader, generation if directory is None else directory)


def test_the_build_writes_the_columns_whoosh_holds(tmp_path):
    root = build_index(tmp_path, RECORDS)
    generation = store.current_generation(root)
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        assert _values(reader, generation) == (
            ["2021-09-29", "2025-03-05", ""], ["RU,VN", "UZ,VN", ""])
    from_file, from_whoosh = _facets(root), _facets(root, tmp_path / "elsewhere")  # the file, and Whoosh's columns
    assert from_file == from_whoosh
    assert [from_file.bitmaps(name) for name in ("countries", "years", "months")] == \
        [from_whoosh.bitmaps(name) for name in ("countries", "years", "months")]


def test_facet_columns_from_the_file(tmp_path):
    facets = _facets(build_index(tmp_path, RECORDS))
    assert facets.bitmaps("countries") == {"RU": 0b001, "UZ": 0b010, "VN": 0b011}
    assert facets.bitmaps("years") == {"2021": 0b001, "2025": 0b010, "undated": 0b100}
    assert facets.bitmaps("months") == {"2021-09": 0b001, "2025-03": 0b010, "undated": 0b100}
    assert (facets.bitmap("countries", "FR"), facets.bitmap("years", "1999"), facets.bitmap("countries", "")) == (0, 0, 0)
    assert (facets.dated, facets.newest, facets.rank) == ([("2021-09-29", 0), ("2025-03-05", 1)], [1, 0, 2], [1, 0, 2])


def test_an_add_rewrites_the_columns_for_its_segments(tmp_path):
    root = build_index(tmp_path, RECORDS[:1])
    building.add(root, [str(write_jsonl(tmp_path / "more.jsonl", RECORDS[1:]))], jobs=1)
    generation = store.current_generation(root)
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        assert _values(reader, generation) == (
            ["2021-09-29", "2025-03-05", ""], ["RU,VN", "UZ,VN", ""])


def test_a_file_for_other_segments_or_a_damaged_one_is_not_used(tmp_path):
    root = build_index(tmp_path, RECORDS)
    generation = store.current_generation(root)
    other = build_index(tmp_path, RECORDS[:2], name="other")
    (generation / columns.FILE).write_bytes((store.current_generation(other) / columns.FILE).read_bytes())
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        assert _values(reader, generation) == (["2021-09-29", "2025-03-05", ""], ["RU,VN", "UZ,VN", ""])
        (generation / columns.FILE).write_bytes(b"PK\x03\x04 cut")
        assert _values(reader, generation) == (["2021-09-29", "2025-03-05", ""], ["RU,VN", "UZ,VN", ""])
    assert _facets(root).bitmaps("countries") == {"RU": 0b001, "UZ": 0b010, "VN": 0b011}


def test_a_file_written_with_string_arrays_still_loads(tmp_path):
    generation = store.current_generation(build_index(tmp_path, RECORDS))
    with np.load(generation / columns.FILE) as data:
        assert sorted(data.files) == ["date_codes", "dates_text", "segments", "set_codes", "sets_text"]
        arrays = {name: data[name] for name in ("segments", "date_codes", "set_codes")}
    # as a build before the texts wrote it, with other dates than Whoosh's to tell where they were read from
    np.savez(generation / columns.FILE, dates=np.array(["", "1999-01-01", "1999-02-02"]),
             sets=np.array(["", "RU,VN", "UZ,VN"]), **arrays)
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        assert _values(reader, generation) == (["1999-01-01", "1999-02-02", ""], ["RU,VN", "UZ,VN", ""])


def test_facet_counts_over_any_set_of_documents_equal_the_bitmaps(tmp_path):
    facets = _facets(build_index(tmp_path, RECORDS))
    for bits in range(8):  # every subset of the three documents
        mask = np.array([bits >> doc & 1 for doc in range(3)], dtype=bool)
        for name in ("countries", "years", "months"):
            expected = {key: (bits & bitmap).bit_count() for key, bitmap in facets.bitmaps(name).items()
                        if bits & bitmap}
            assert dict(facets.counts[name].count(mask)) == expected, (bits, name)
    assert dict(facets.counts["countries"].count(np.ones(3, dtype=bool))) == {"RU": 1, "UZ": 1, "VN": 2}
    assert facets.date_order.tolist() == [1, 2, 0]  # sorts like the dates, the undated lowest
