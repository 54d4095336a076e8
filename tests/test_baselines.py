"""The benchmark's baselines (bench/baselines): plain Whoosh and tantivy with accent folding, on six articles.

Needs the `bench` extra (tantivy): without it these tests fail on the import, they are not skipped.
"""
from __future__ import annotations

import json

import pytest

from bench.baselines import fold, tantivy_folded, whoosh_plain
from bench.baselines.__main__ import app
from tests.helpers import article, write_jsonl

NEWS = [
    article("hoi-dam", "Thủ tướng hội đàm với Thủ tướng Trung Quốc",
            "Tại Hà Nội, Thủ tướng Việt Nam hội đàm với Thủ tướng Trung Quốc về thương mại.", date="2025-03-05"),
    article("nga", "Bộ trưởng Ngoại giao gặp Ngoại trưởng Nga",
            "Tại Moskva, Bộ trưởng Ngoại giao Việt Nam hội đàm với Ngoại trưởng Nga về năng lượng.",
            date="2024-11-20"),
    article("nhat-ban", "Nhật Bản tăng đầu tư vào Việt Nam",
            "Các doanh nghiệp Nhật Bản mở thêm nhà máy ở Bắc Ninh, tạo việc làm cho người lao động Việt Nam.",
            date="2025-03-12"),
    article("da-nang", "Đà Nẵng đón khách du lịch",
            "Thành phố Đà Nẵng đón hàng nghìn khách du lịch trong dịp lễ, các khách sạn kín phòng.",
            date="2023-09-01"),
    article("mua-lon", "Mưa lớn kéo dài ở miền Trung",
            "Mưa lớn khiến nhiều tuyến đường ở miền Trung Việt Nam bị ngập sâu."),
    article("phap", "Đội tuyển Pháp thắng trận giao hữu",
            "Đội tuyển Pháp thắng 2-0 trong trận giao hữu với đội tuyển Đức tối qua.", date="2025-03-20"),
    article("hue", "Lễ hội 🎉 mùa xuân", "Lễ hội 🎉 “Festival” – ở cố đô Huế <3 kéo dài một tuần.", date="2022-02-02"),
]
BASELINES = {"whoosh": whoosh_plain, "tantivy": tantivy_folded}
# how each baseline marks a match: Whoosh's default HtmlFormatter, tantivy's Snippet.to_html tag
MARK = {"whoosh": ('<b class="match term0">', "</b>"), "tantivy": ("<b>", "</b>")}


@pytest.fixture(scope="module", params=sorted(BASELINES))
def system(request, tmp_path_factory):
    """(name, searcher) for each baseline, built once over NEWS."""
    tmp = tmp_path_factory.mktemp(request.param)
    baseline = BASELINES[request.param]
    baseline.build(write_jsonl(tmp / "news.jsonl", NEWS), tmp / "index")
    searcher = baseline.Searcher(tmp / "index")
    yield request.param, searcher
    if hasattr(searcher, "close"):
        searcher.close()


def ids(result: dict) -> set[str]:
    return {hit["id"] for hit in result["hits"]}


def test_fold_keeps_length_and_folds_d():
    text = "Đà Nẵng, Thủ tướng Việt Nam – ưu đãi"
    assert fold(text) == "Da Nang, Thu tuong Viet Nam – uu dai"
    assert len(fold(text)) == len(text)


def test_accent_free_query_finds_the_accented_article(system):
    _, searcher = system
    result = searcher.search({"q": "da nang"})
    assert result["total"] == 1
    assert result["hits"] == [{"id": "da-nang", "title": "Đà Nẵng đón khách du lịch",
                               "snippet": result["hits"][0]["snippet"]}]


def test_every_word_must_match(system):
    _, searcher = system
    assert ids(searcher.search({"q": "hoi dam"})) == {"hoi-dam", "nga"}
    assert ids(searcher.search({"q": "hoi dam nga"})) == {"nga"}


def test_country_and_date_filters(system):
    _, searcher = system
    assert ids(searcher.search({"q": "viet nam", "country": "RU"})) == {"nga"}
    assert ids(searcher.search({"q": "viet nam", "from": "2025-01-01", "to": "2025-03-31"})) == {"hoi-dam", "nhat-ban"}
    assert ids(searcher.search({"q": "viet nam", "to": "2024-12-31"})) == {"nga"}
    assert ids(searcher.search({"q": "viet nam", "from": "2025-03-12", "to": "2025-03-12"})) == {"nhat-ban"}


def test_facets_count_every_match(system):
    _, searcher = system
    result = searcher.search({"q": "viet nam"})
    assert result["total"] == 4
    assert result["facets"] == {"countries": {"VN": 4, "CN": 1, "RU": 1, "JP": 1},
                                "months": {"2025-03": 2, "2024-11": 1, "undated": 1}}
    filtered = searcher.search({"q": "tuyen", "country": "FR"})
    assert filtered["facets"] == {"countries": {"FR": 1, "DE": 1}, "months": {"2025-03": 1}}


def test_snippet_marks_the_original_accented_words(system):
    name, searcher = system
    start, end = MARK[name]
    snippet = searcher.search({"q": "da nang"})["hits"][0]["snippet"]
    assert f"{start}Đà{end} {start.replace('term0', 'term1')}Nẵng{end}" in snippet
    assert "Thành phố" in snippet
    snippet = searcher.search({"q": "bac ninh"})["hits"][0]["snippet"]
    assert f"{start}Bắc{end}" in snippet and "nhà máy ở" in snippet


def test_snippet_marks_the_right_words_after_wide_characters(system):
    """Emoji, curly quotes and dashes stay as they are in the folded text (several UTF-8 bytes each)."""
    name, searcher = system
    start, end = MARK[name]
    snippet = searcher.search({"q": "hue"})["hits"][0]["snippet"]
    assert f"{start}Huế{end} &lt;3" in snippet and "Festival” – ở cố đô" in snippet


@pytest.mark.parametrize("q", ["", "   ", "title:(", "hooij"])
def test_empty_bad_or_unknown_query_finds_nothing(system, q):
    _, searcher = system
    assert searcher.search({"q": q}) == {"total": 0, "hits": [], "facets": {"countries": {}, "months": {}}}
    assert searcher.search({}) == {"total": 0, "hits": [], "facets": {"countries": {}, "months": {}}}


def test_bad_date_finds_nothing(system):
    _, searcher = system
    assert searcher.search({"q": "viet nam", "from": "2025-13-01"})["total"] == 0


def test_http_app_answers_the_search_as_json(system):
    _, searcher = system
    replies = []
    body = app(searcher)({"PATH_INFO": "/api/search", "QUERY_STRING": "q=viet+nam&country=JP"},
                         lambda status, headers: replies.append(status))
    assert replies == ["200 OK"]
    assert ids(json.loads(b"".join(body))) == {"nhat-ban"}
    app(searcher)({"PATH_INFO": "/"}, lambda status, headers: replies.append(status))
    assert replies[-1] == "404 Not Found"
