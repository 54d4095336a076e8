import pytest
from whoosh import index as whoosh_index

from indexer import build as building
from indexer import store
from indexer.article import Rejection
from indexer.search import SearchRequest, SearchService
from tests.helpers import article, build_index, whoosh_written_index, write_jsonl

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

    def failing_countries(item):
        calls.append(item.id)
        if len(calls) > 1:
            raise RuntimeError("disk full")
        return real_countries(item)

    real_countries = building.countries_of
    monkeypatch.setattr(building, "countries_of", failing_countries)
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


def test_parallel_batches_are_the_serial_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(building, "BATCH", 16)
    records = [article(f"id{i}", f"Tin số {i}", f"Thủ tướng Việt Nam hội đàm lần {i}.") for i in range(70)]
    path = write_jsonl(tmp_path / "many.jsonl", records)
    serial = list(building.prepared_batches(building.read_sources([path]), jobs=1))
    parallel = list(building.prepared_batches(building.read_sources([path]), jobs=2))
    assert [len(articles) for articles, _prepared in serial] == [16, 16, 16, 16, 6]
    assert [articles for articles, _p in parallel] == [articles for articles, _p in serial]
    assert [a.id for articles, _p in serial for a in articles] == [r["id"] for r in records]
    assert [countries for _a, (countries, _b) in parallel] == [countries for _a, (countries, _b) in serial]
    assert [countries for _a, (countries, _b) in serial][0][:2] == [("VN",), ("VN",)]
    for (_a, (_c, mine)), (_b, (_d, theirs)) in zip(parallel, serial):
        assert mine.terms == theirs.terms
        assert all((getattr(mine, name) == getattr(theirs, name)).all()
                   for name in ("term", "doc", "weight", "npos", "positions", "lengths"))


MIXED = [
    article("a", "Hội đàm Việt Nam - Nga", "Bộ trưởng hai nước hội đàm tại Moskva. Hội đàm kéo dài.", date="2021-09-29"),
    article("b", "Thủ tướng thăm Uzbekistan", "Thủ tướng Việt Nam thăm chính thức Uzbekistan.", date="2025-03-05"),
    article("c", "Giá vàng hôm nay", "Giá vàng trong nước đứng yên, giá vàng thế giới tăng.", date="2025-03-05"),
    article("d", "Hoà bình cho Ukraine", "Nga và Ukraine hội đàm về hòa bình tại Thổ Nhĩ Kỳ.", date="2023-01-02"),
    article("b", "Thủ tướng thăm Uzbekistan và Kazakhstan", "Thủ tướng thăm hai nước.", date="2025-03-06"),
    article("e", "Bà Lan đi chợ", "Hôm nay bà Lan đi chợ sớm, ba người bạn đi cùng. 26,5 độ."),
]
QUERIES = [
    SearchRequest(q="hoi dam"), SearchRequest(q="hội đàm"), SearchRequest(q="hooij ddamf"),
    SearchRequest(q='"hoi dam"'), SearchRequest(q="thu tuong -uzbekistan"), SearchRequest(q="vang OR lan"),
    SearchRequest(q="title:hoa binh"), SearchRequest(q="ba"), SearchRequest(q="bà"), SearchRequest(q="26,5"),
    SearchRequest(q="hoi dam", sort="date"), SearchRequest(q="", countries=("RU",)),
    SearchRequest(q="nga", date_from="2022-01-01"), SearchRequest(q="thu tuong kazakhstan khong_co"),
    SearchRequest(q="viet nam", date="2021"), SearchRequest(q="hoi dam", per_page=1, page=2),
]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_answers_as_postings_whoosh_wrote_would(tmp_path, jobs):
    built = tmp_path / "built"
    building.build(built, [str(write_jsonl(tmp_path / "mixed.jsonl", MIXED))], jobs=jobs)
    reference = whoosh_written_index(tmp_path, MIXED)
    mine, theirs = SearchService(built), SearchService(reference)
    answers = [mine.search(request) for request in QUERIES]
    assert answers == [theirs.search(request) for request in QUERIES]
    assert [a["total"] for a in answers] == [2, 2, 2, 2, 0, 2, 1, 1, 1, 1, 2, 2, 1, 1, 1, 2]
    assert mine.article("b")["title"] == "Thủ tướng thăm Uzbekistan và Kazakhstan"


def test_an_add_after_a_build_merges_no_segment(tmp_path):
    root = build_index(tmp_path, RECORDS[:1])
    first = {p.name for p in store.current_generation(root).glob("decoded-*")}
    building.add(root, [str(write_jsonl(tmp_path / "more.jsonl", RECORDS[1:]))], jobs=1)
    now = {p.name for p in store.current_generation(root).glob("decoded-*")}
    assert len(first) == 1 and first < now and len(now) == 2
    assert ids(root, "thu tuong") == ["b"] and ids(root, "hoi dam") == ["a"]
