"""The JSON API: whole documents for a search and an article, and one error shape for every failure."""
from __future__ import annotations

import pytest

from webui import create_app

HOI_DAM_IN_CHINA = {
    "query": "hoi dam",
    "searched": "hoi dam",
    "total": 2,
    "page": 1,
    "per_page": 10,
    "partial": False,
    "hits": [
        {"id": "hoi-dam-trung-quoc", "title": "Thủ tướng hội đàm với Thủ tướng Trung Quốc", "date": "2025-03-05",
         "source": "Báo Thế giới", "url": "https://example.vn/hoi-dam-trung-quoc", "countries": ["CN", "VN"],
         "snippet": "Chiều 5/3, tại Hà Nội, Thủ tướng Việt Nam <mark>hội đàm</mark> với Thủ tướng Trung Quốc. "
                    "Hai bên nhất trí thúc đẩy thương mại và đầu tư.",
         "score": 10.6849},
        {"id": "nga-trung-quoc", "title": "Nga và Trung Quốc ký thỏa thuận khí đốt", "date": "2025-01-15",
         "source": "Báo Kinh tế", "url": None, "countries": ["CN", "RU"],
         "snippet": "Sau cuộc <mark>hội đàm</mark> ở Bắc Kinh, Nga và Trung Quốc ký thỏa thuận cung cấp khí đốt dài hạn.",
         "score": 4.8746},
    ],
    "facets": {
        "country": [
            {"value": "CN", "label": "Trung Quốc", "count": 2, "selected": True},
            {"value": "RU", "label": "Nga", "count": 1, "selected": False},
            {"value": "VN", "label": "Việt Nam", "count": 1, "selected": False},
        ],
        "date": [{"value": "2025", "label": "2025", "count": 2, "selected": False}],
    },
    "suggestion": {"text": "hội đàm", "url": "/?q=h%E1%BB%99i+%C4%91%C3%A0m"},
}

TELEX_BY_DATE_PAGE_2 = {
    "query": "hooij ddamf",
    "searched": "hội đàm",
    "total": 4,
    "page": 2,
    "per_page": 2,
    "partial": False,
    "hits": [
        {"id": "hoi-dam-nga", "title": "Bộ trưởng Ngoại giao hội đàm với Ngoại trưởng Nga", "date": "2024-11-20",
         "source": "Báo Quốc tế", "url": None, "countries": ["RU", "VN"],
         "snippet": "Tại Moskva, Bộ trưởng Ngoại giao Việt Nam <mark>hội đàm</mark> với Ngoại trưởng Nga về hợp tác "
                    "năng lượng.",
         "score": 14.6427},
        {"id": "thuong-dinh-my", "title": '<script>alert("xss")</script> Hội nghị thượng đỉnh tại Hoa Kỳ',
         "date": "2022-05-01", "source": "Báo <b>Mạng</b>", "url": "javascript:alert(1)", "countries": ["US"],
         "snippet": "Lãnh đạo nhiều nước <mark>hội đàm</mark> bên lề <mark>hội</mark> nghị thượng đỉnh tại Hoa Kỳ.",
         "score": 12.5878},
    ],
    "facets": {
        "country": [
            {"value": "RU", "label": "Nga", "count": 2, "selected": False},
            {"value": "CN", "label": "Trung Quốc", "count": 2, "selected": False},
            {"value": "VN", "label": "Việt Nam", "count": 2, "selected": False},
            {"value": "US", "label": "Hoa Kỳ", "count": 1, "selected": False},
        ],
        "date": [
            {"value": "2025", "label": "2025", "count": 2, "selected": False},
            {"value": "2024", "label": "2024", "count": 1, "selected": False},
            {"value": "2022", "label": "2022", "count": 1, "selected": False},
        ],
    },
    "suggestion": None,
}

ARTICLE = {
    "id": "hoi-dam-trung-quoc",
    "title": "Thủ tướng hội đàm với Thủ tướng Trung Quốc",
    "date": "2025-03-05",
    "source": "Báo Thế giới",
    "url": "https://example.vn/hoi-dam-trung-quoc",
    "countries": ["CN", "VN"],
    "body": "Chiều 5/3, tại Hà Nội, Thủ tướng Việt Nam hội đàm với Thủ tướng Trung Quốc.\n"
            "Hai bên nhất trí thúc đẩy thương mại và đầu tư.",
}


def get_json(client, url: str, status: int = 200):
    """GET a JSON document and check its status and type."""
    response = client.get(url)
    assert (response.status_code, response.mimetype) == (status, "application/json"), response.get_data(as_text=True)
    return response.get_json()


def test_search_returns_the_whole_service_document(client):
    assert get_json(client, "/api/search?q=hoi+dam&country=CN") == HOI_DAM_IN_CHINA


def test_search_with_telex_date_sort_and_paging(client):
    assert get_json(client, "/api/search?q=hooij+ddamf&sort=date&per_page=2&page=2") == TELEX_BY_DATE_PAGE_2


def test_search_filters_by_date_range_and_date_facet(client):
    in_range = get_json(client, "/api/search?q=hoi+dam&from=2025-01-01&to=2025-12-31")
    by_year = get_json(client, "/api/search?q=hoi+dam&date=2025")
    assert [h["id"] for h in in_range["hits"]] == [h["id"] for h in by_year["hits"]] == [
        "hoi-dam-trung-quoc", "nga-trung-quoc"]


def test_article_returns_the_whole_article(client):
    assert get_json(client, "/api/articles/hoi-dam-trung-quoc") == ARTICLE


def test_json_keeps_vietnamese_unescaped(client):
    assert "Thủ tướng" in client.get("/api/articles/hoi-dam-trung-quoc").get_data(as_text=True)


@pytest.mark.parametrize("url, message", [
    ("/api/search?q=hoi+dam&page=0", "'page' phải từ 1 đến 10,000, không phải 0"),
    ("/api/search?q=hoi+dam&page=two", "'page' phải là số nguyên từ 1 đến 10,000, không phải 'two'"),
    ("/api/search?q=hoi+dam&country=XX",
     "không có mã quốc gia 'XX': dùng mã ISO 3166-1 hai chữ cái như VN, CN, RU"),
    ("/api/search?q=hoi+dam&from=2025-12-31&to=2025-01-01", "'from' (2025-12-31) sau 'to' (2025-01-01): ngày bắt đầu phải trước ngày kết thúc"),
    ("/api/search?q=hoi+dam&from=31/12/2025", "'from' phải là ngày dạng YYYY-MM-DD, không phải '31/12/2025'"),
    ("/api/search?q=hoi+dam&sort=popular", "'sort' phải là một trong relevance, date, không phải 'popular'"),
    ("/api/search?q=" + "a" * 501, "Câu tìm kiếm quá dài (501 ký tự); tối đa 500 ký tự."),
])
def test_bad_parameters_are_400(client, url, message):
    assert get_json(client, url, 400) == {"error": message, "status": 400}


def test_unknown_article_is_404(client):
    assert get_json(client, "/api/articles/no-such-article", 404) == {
        "error": "Không có bài viết nào có mã “no-such-article”.", "status": 404}


@pytest.mark.parametrize("url", ["/api/nowhere", "/api/", "/api/search/extra"])
def test_unknown_api_path_is_404_as_json(client, url):
    assert get_json(client, url, 404) == {"error": "Không tìm thấy trang này.", "status": 404}


def test_wrong_method_is_405_as_json(client):
    response = client.post("/api/search?q=hoi")
    assert (response.status_code, response.get_json()) == (
        405, {"error": "Phương thức POST không được hỗ trợ ở đây.", "status": 405})
    assert "GET" in response.headers["Allow"]


def test_missing_index_is_503(tmp_path):
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "missing")}).test_client()
    expected = {"error": "Chưa có chỉ mục: chạy `make index`", "status": 503}
    assert get_json(client, "/api/search?q=hoi+dam", 503) == expected
    assert get_json(client, "/api/articles/hoi-dam-nga", 503) == expected


def test_damaged_index_is_503(tmp_path):
    generation = tmp_path / "index" / "gen-1"
    generation.mkdir(parents=True)
    (generation / "junk").write_text("not an index")
    (tmp_path / "index" / "current").symlink_to("gen-1")
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()
    assert get_json(client, "/api/search?q=hoi", 503) == {"error": "Chưa có chỉ mục: chạy `make index`", "status": 503}


def test_unexpected_error_is_a_generic_500_logged(app, client, monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(app.extensions["search"], "article", broken)
    assert get_json(client, "/api/articles/hoi-dam-nga", 500) == {
        "error": "Đã có lỗi xảy ra ở máy chủ; vui lòng thử lại sau.", "status": 500}
    assert "RuntimeError: secret detail" in caplog.text
