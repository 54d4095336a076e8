import pytest
from whoosh import index as whoosh_index

from indexer import build as building
from indexer import store
from indexer.article import Rejection
from indexer.search import SearchRequest, SearchService
from tests.helpers import article, build_index, write_jsonl

RECORDS = [
    article("a", "Hội đàm Việt Nam - Nga", "Bộ trưởng hai nước hội đàm tại Moskva.", date="2021-09-29"),
    article("b", "Thủ tướng thăm Uzbekistan", "Thủ tướng Việt Nam thăm chính thức Uzbekistan.", date="2025-03-05"),
]


def ids(root, q="") -> list[str]:
    result = SearchService(root).search(SearchRequest(q=q, sort="date"))
    return [hit["id"] for hit in result["hits"]]


def stored_ids(root) -> set[str]:
    with whoosh_index.open_dir(str(store.current_generation(root))).searcher() as searcher:
        return {fields["id"] for fields in searcher.all_stored_fields()}


def test_build_indexes_every_record_and_reports(tmp_path):
    report = building.build(tmp_path / "index", [str(write_jsonl(tmp_path / "n.jsonl", RECORDS))], jobs=1)
    assert (report.indexed, report.replaced, report.rejected) == (2, 0, [])
    assert stored_ids(tmp_path / "index") == {"a", "b"}


def test_rebuild_swaps_the_current_generation(tmp_path):
    root = build_index(tmp_path, RECORDS)
    first = store.current_generation(root)
    building.build(root, [str(write_jsonl(tmp_path / "new.jsonl", RECORDS[:1]))], jobs=1)
    assert store.current_generation(root) != first
    assert stored_ids(root) == {"a"}
    assert not list(root.glob(".building-*"))


def test_a_failed_build_leaves_the_previous_index_serving(tmp_path, monkeypatch):
    root = build_index(tmp_path, RECORDS)
    before = store.current_generation(root)
    calls = []

    def failing_prepare(item):
        calls.append(item.id)
        if len(calls) > 1:
            raise RuntimeError("disk full")
        return real_prepare(item)

    real_prepare = building.prepare
    monkeypatch.setattr(building, "prepare", failing_prepare)
    with pytest.raises(RuntimeError, match="disk full"):
        building.build(root, [str(write_jsonl(tmp_path / "more.jsonl", RECORDS))], jobs=1)
    assert store.current_generation(root) == before
    assert ids(root) == ["b", "a"]
    assert not list(root.glob(".building-*"))


def test_leftovers_of_a_killed_build_are_swept_by_the_next_one(tmp_path):
    root = build_index(tmp_path, RECORDS)
    (root / ".building-19700101T000000-1").mkdir()
    building.build(root, [str(write_jsonl(tmp_path / "again.jsonl", RECORDS))], jobs=1)
    assert not list(root.glob(".building-*"))
    assert stored_ids(root) == {"a", "b"}


def test_a_second_build_at_once_stops_with_a_clear_message(tmp_path):
    root = build_index(tmp_path, RECORDS)
    with store.build_lock(root):
        with pytest.raises(store.BuildLocked, match="another build or add is running"):
            building.build(root, [str(tmp_path / "index.jsonl")], jobs=1)
    assert stored_ids(root) == {"a", "b"}


def test_rejections_are_reported_and_the_rest_indexed(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(write_jsonl(tmp_path / "ok.jsonl", RECORDS).read_text() + "{oops\n", encoding="utf-8")
    report = building.build(tmp_path / "index", [str(path), str(tmp_path / "missing.jsonl")], jobs=1)
    assert report.indexed == 2
    assert report.rejected == [
        Rejection(str(path), 3, "malformed JSON: Expecting property name enclosed in double quotes at column 2"),
        Rejection(str(tmp_path / "missing.jsonl"), None, "no such file or directory"),
    ]


def test_strict_build_fails_without_touching_the_current_index(tmp_path):
    root = build_index(tmp_path, RECORDS)
    before = store.current_generation(root)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "c", "title": "x"}\n', encoding="utf-8")
    with pytest.raises(building.StrictBuildFailed):
        building.build(root, [str(bad)], strict=True, jobs=1)
    assert store.current_generation(root) == before
    assert stored_ids(root) == {"a", "b"}


def test_duplicate_ids_in_one_build_keep_the_last_version(tmp_path):
    records = RECORDS + [article("a", "Bản cập nhật", "Nội dung mới hơn.", date="2022-01-01")]
    root = tmp_path / "index"
    report = building.build(root, [str(write_jsonl(tmp_path / "dup.jsonl", records))], jobs=1)
    assert (report.indexed, report.replaced) == (2, 1)
    assert SearchService(root).article("a")["title"] == "Bản cập nhật"


def test_add_replaces_same_id_and_adds_new_ones(tmp_path):
    root = build_index(tmp_path, RECORDS)
    update = [article("a", "Hội đàm lần hai", "Nội dung sửa."), article("c", "Tin mới", "Bài mới về Lào.")]
    report = building.add(root, [str(write_jsonl(tmp_path / "upd.jsonl", update))], jobs=1)
    assert (report.indexed, report.replaced) == (2, 1)
    assert stored_ids(root) == {"a", "b", "c"}
    assert SearchService(root).article("a")["title"] == "Hội đàm lần hai"


def test_add_needs_an_index(tmp_path):
    with pytest.raises(store.IndexUnavailable, match="no index"):
        building.add(tmp_path / "none", [str(write_jsonl(tmp_path / "x.jsonl", RECORDS))], jobs=1)


def test_parallel_build_gives_the_same_documents_as_serial(tmp_path):
    records = [article(f"id{i}", f"Tin số {i}", f"Thủ tướng Việt Nam hội đàm lần {i}.") for i in range(300)]
    path = write_jsonl(tmp_path / "many.jsonl", records)
    serial = list(building.prepared(building.read_sources([path]), jobs=1))
    parallel = list(building.prepared(building.read_sources([path]), jobs=2))
    assert parallel == serial
