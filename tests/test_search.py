import pytest

from indexer import build as building
from indexer.search import IndexUnavailable, QueryError, SearchRequest, SearchService
from tests.helpers import article, build_index, write_jsonl

PADDING = "Bài viết được cập nhật trong ngày với nhiều thông tin."
RANKING = [
    article("compound", "Tin buổi sáng", f"Thủ tướng Chính phủ phát biểu tại hội nghị. {PADDING}"),
    article("apart", "Tin buổi chiều", f"Ông thủ kho kể rằng vị tướng đã đến hội nghị. {PADDING}"),
    article("ba-grave", "Chuyện đi chợ", f"Hôm nay bà Lan đi chợ sớm. {PADDING}"),
    article("ba-plain", "Chuyện đi chợ", f"Hôm nay ba người đi chợ sớm. {PADDING}"),
    article("ba-acute", "Chuyện đi chợ", f"Hôm nay bá chủ khu chợ đi sớm. {PADDING}"),
    article("hoa-old", "Hoà bình", f"Khát vọng hoà bình của nhân dân. {PADDING}"),
    article("hoa-new", "Hòa bình", f"Khát vọng hòa bình của nhân dân. {PADDING}"),
    article("hanoi", "HÀ NỘI MÙA THU", f"Hà Nội đón khách du lịch. {PADDING}"),
]


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    return SearchService(build_index(tmp_path_factory.mktemp("ranking"), RANKING))


def ranked(service, q, **kwargs) -> list[str]:
    return [hit["id"] for hit in service.search(SearchRequest(q=q, per_page=20, **kwargs))["hits"]]


def test_accent_free_syllables_that_form_a_word_rank_the_word_first(service):
    assert ranked(service, "thu tuong") == ["compound", "apart"]
    assert ranked(service, "thủ tướng") == ["compound", "apart"]


def test_exact_diacritics_rank_first_but_accent_free_matches_all(service):
    assert ranked(service, "bà")[0] == "ba-grave"
    assert ranked(service, "bá")[0] == "ba-acute"
    assert set(ranked(service, "ba")) == {"ba-grave", "ba-plain", "ba-acute"}


def test_case_and_diacritics_do_not_matter_for_matching(service):
    assert ranked(service, "HA NOI") == ["hanoi"]
    assert ranked(service, "hà nội") == ["hanoi"]


def test_old_and_new_tone_placement_are_the_same_word(service):
    old, new = service.search(SearchRequest(q="hoà bình"))["hits"], service.search(SearchRequest(q="hòa bình"))["hits"]
    assert {h["id"] for h in old} == {h["id"] for h in new} == {"hoa-old", "hoa-new"}
    assert old[0]["score"] == old[1]["score"]


def test_phrases_match_the_folded_form_in_order(service):
    assert ranked(service, '"thu tuong"') == ["compound"]
    assert ranked(service, '"tuong thu"') == []


def test_exclusion_and_or(service):
    assert ranked(service, "thu tuong -kho") == ["compound"]
    assert set(ranked(service, "lan OR kho")) == {"ba-grave", "apart"}
    assert ranked(service, "title:hoa") == ["hoa-new", "hoa-old"] or ranked(service, "title:hoa") == ["hoa-old", "hoa-new"]


def test_telex_is_decoded_and_english_left_alone(service):
    result = service.search(SearchRequest(q="thur tuowngs"))
    assert (result["searched"], [h["id"] for h in result["hits"]]) == ("thủ tướng", ["compound", "apart"])
    assert service.search(SearchRequest(q="trump"))["searched"] == "trump"


def test_no_full_match_falls_back_to_partial_matches_and_says_so(service):
    result = service.search(SearchRequest(q="thu tuong kyrgyzstan"))
    assert (result["partial"], [h["id"] for h in result["hits"]][:1]) == (True, ["compound"])
    assert service.search(SearchRequest(q="thu tuong"))["partial"] is False


def test_accent_free_query_suggests_its_accented_form(service):
    assert service.search(SearchRequest(q="thu tuong"))["suggestion"] == {
        "text": "thủ tướng", "url": "/?q=th%E1%BB%A7+t%C6%B0%E1%BB%9Bng"}
    assert service.search(SearchRequest(q="thủ tướng"))["suggestion"] is None


def test_misspelling_gets_a_correction(service):
    assert service.search(SearchRequest(q="khach du lich"))["suggestion"]["text"] == "khách du lịch"
    assert service.search(SearchRequest(q="nguoii"))["suggestion"]["text"] == "người"


NEWS = [
    article("uz", "Thủ tướng hội đàm với Uzbekistan",
            "Thủ tướng Việt Nam hội đàm với Tổng thống Uzbekistan tại Tashkent.", date="2025-03-05",
            source="Báo A", url="https://a.vn/uz"),
    article("ru", "Việt Nam là đối tác quan trọng của Nga",
            "Bộ trưởng Ngoại giao Nga hội đàm với Bộ trưởng Việt Nam.", date="2021-09-29"),
    article("cn", "Hợp tác với Trung Quốc", "Đoàn Trung Quốc thăm Việt Nam, hai bên hội đàm.", date="2025-05-10"),
    article("undated", "Tin không ngày", "Thông tin không rõ ngày về kinh tế Việt Nam."),
]


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    return SearchService(build_index(tmp_path_factory.mktemp("news"), NEWS))


def test_whole_result_for_an_accent_free_query(news):
    result = news.search(SearchRequest(q="hoi dam uzbekistan"))
    assert result["hits"][0].pop("score") > 0
    assert result == {
        "query": "hoi dam uzbekistan", "searched": "hoi dam uzbekistan", "total": 1, "page": 1, "per_page": 10,
        "partial": False,
        "hits": [{"id": "uz", "title": "Thủ tướng hội đàm với Uzbekistan", "date": "2025-03-05", "source": "Báo A",
                  "url": "https://a.vn/uz", "countries": ["UZ", "VN"],
                  "snippet": "Thủ tướng Việt Nam <mark>hội đàm</mark> với Tổng thống <mark>Uzbekistan</mark> tại "
                             "Tashkent."}],
        "facets": {"country": [{"value": "UZ", "label": "Uzbekistan", "count": 1, "selected": False},
                               {"value": "VN", "label": "Việt Nam", "count": 1, "selected": False}],
                   "date": [{"value": "2025", "label": "2025", "count": 1, "selected": False}]},
        "suggestion": {"text": "hội đàm uzbekistan", "url": "/?q=h%E1%BB%99i+%C4%91%C3%A0m+uzbekistan"},
    }


def test_facets_count_all_matches_and_filters_narrow(news):
    everything = news.search(SearchRequest(q="hoi dam", per_page=1))
    assert (everything["total"], len(everything["hits"])) == (3, 1)
    assert everything["facets"]["country"] == [
        {"value": "VN", "label": "Việt Nam", "count": 3, "selected": False},
        {"value": "RU", "label": "Nga", "count": 1, "selected": False},
        {"value": "CN", "label": "Trung Quốc", "count": 1, "selected": False},
        {"value": "UZ", "label": "Uzbekistan", "count": 1, "selected": False},
    ]
    narrowed = news.search(SearchRequest(q="hoi dam", countries=("VN", "RU")))
    assert [h["id"] for h in narrowed["hits"]] == ["ru"]
    assert narrowed["facets"]["country"] == [
        {"value": "RU", "label": "Nga", "count": 1, "selected": True},
        {"value": "VN", "label": "Việt Nam", "count": 1, "selected": True},
    ]


def test_date_facet_range_and_undated_bucket(news):
    result = news.search(SearchRequest(q="viet nam"))
    assert result["facets"]["date"] == [
        {"value": "2025", "label": "2025", "count": 2, "selected": False},
        {"value": "2021", "label": "2021", "count": 1, "selected": False},
        {"value": "undated", "label": "Không rõ ngày", "count": 1, "selected": False},
    ]
    year = news.search(SearchRequest(q="viet nam", date="2025"))
    assert [h["id"] for h in year["hits"]] == ["cn", "uz"] or [h["id"] for h in year["hits"]] == ["uz", "cn"]
    assert year["facets"]["date"] == [
        {"value": "2025", "label": "2025", "count": 2, "selected": True},
        {"value": "2025-05", "label": "Tháng 5/2025", "count": 1, "selected": False},
        {"value": "2025-03", "label": "Tháng 3/2025", "count": 1, "selected": False},
    ]
    ranged = news.search(SearchRequest(q="viet nam", date_from="2021-01-01", date_to="2025-03-31", sort="date"))
    assert [h["id"] for h in ranged["hits"]] == ["uz", "ru"]
    assert [h["id"] for h in news.search(SearchRequest(q="viet nam", date="undated"))["hits"]] == ["undated"]


def test_newest_first_and_pages(news):
    by_date = news.search(SearchRequest(q="viet nam", sort="date"))
    assert [h["id"] for h in by_date["hits"]] == ["cn", "uz", "ru", "undated"]
    second = news.search(SearchRequest(q="viet nam", sort="date", page=2, per_page=3))
    assert (second["total"], [h["id"] for h in second["hits"]]) == (4, ["undated"])


def test_empty_query_browses_newest_first_and_exclusion_alone_works(news):
    assert [h["id"] for h in news.search(SearchRequest())["hits"]] == ["cn", "uz", "ru", "undated"]
    assert [h["id"] for h in news.search(SearchRequest(q="-nga"))["hits"]] == ["cn", "uz", "undated"]


def test_article_and_highlighted_article(news):
    assert news.article("ru") == {"id": "ru", "title": "Việt Nam là đối tác quan trọng của Nga",
                                  "date": "2021-09-29", "source": None, "url": None, "countries": ["RU", "VN"],
                                  "body": "Bộ trưởng Ngoại giao Nga hội đàm với Bộ trưởng Việt Nam."}
    marked = news.highlighted_article("ru", "nga")
    assert (marked["title_html"], marked["body_html"]) == (
        "Việt Nam là đối tác quan trọng của <mark>Nga</mark>",
        "Bộ trưởng Ngoại giao <mark>Nga</mark> hội đàm với Bộ trưởng Việt Nam.")
    assert news.article("nope") is None


def test_overlong_query_is_refused(news):
    with pytest.raises(QueryError):
        news.search(SearchRequest(q="x " * 400))


def test_missing_or_corrupt_index_is_unavailable(tmp_path):
    with pytest.raises(IndexUnavailable, match="make index"):
        SearchService(tmp_path / "nothing").search(SearchRequest(q="x"))
    root = build_index(tmp_path, NEWS)
    for segment in (root / "current").glob("*.toc"):
        segment.write_bytes(b"garbage")
    with pytest.raises(IndexUnavailable, match="cannot be opened"):
        SearchService(root).search(SearchRequest(q="x"))


def test_a_rebuild_is_picked_up_without_a_restart(tmp_path, monkeypatch):
    monkeypatch.setattr("indexer.search.RECHECK_SECONDS", 0)
    root = build_index(tmp_path, NEWS)
    service = SearchService(root)
    assert service.search(SearchRequest(q="kazakhstan"))["total"] == 0
    extra = [article("kz", "Kazakhstan", "Tin về Kazakhstan.", date="2025-05-11")]
    building.build(root, [str(write_jsonl(tmp_path / "kz.jsonl", NEWS + extra))], jobs=1)
    assert service.search(SearchRequest(q="kazakhstan"))["total"] == 1
    building.add(root, [str(write_jsonl(tmp_path / "kz2.jsonl", [article("kz2", "Kazakhstan 2", "Kazakhstan.")]))],
                 jobs=1)
    assert service.search(SearchRequest(q="kazakhstan"))["total"] == 2
