"""The HTML pages: results, highlights, facets, filters, paging, escaping, headers and error states."""
from __future__ import annotations

import re

from markupsafe import escape

from webui import create_app


def page(client, url: str, status: int = 200) -> str:
    """GET a page, check its status and that it is HTML, return its text."""
    response = client.get(url)
    assert (response.status_code, response.mimetype) == (status, "text/html")
    return response.get_data(as_text=True)


def hit_ids(html: str) -> list[str]:
    return re.findall(r'<h2 class="hit-title"><a href="/articles/([^"?]+)', html)


def facet_links(html: str, facet: str) -> dict[str, str]:
    """value → href of each link in one facet list."""
    found = re.findall(r'<a class="facet-link[^"]*" href="([^"]*)" data-facet="%s" data-value="([^"]*)"' % facet, html)
    return {value: href.replace("&amp;", "&") for href, value in found}


def test_accent_free_query_highlights_the_accented_words(client):
    html = page(client, "/?q=hoi+dam")
    assert '<html lang="vi">' in html
    assert 'name="q" value="hoi dam"' in html
    assert set(hit_ids(html)) == {"hoi-dam-trung-quoc", "hoi-dam-nga", "nga-trung-quoc", "thuong-dinh-my"}
    assert "<mark>hội đàm</mark>" in html
    assert '<a href="/articles/hoi-dam-trung-quoc?q=hoi+dam">' in html
    assert '<time datetime="2025-03-05">05/03/2025</time>' in html
    assert '<li class="chip">Trung Quốc</li>' in html


def test_facet_links_add_and_remove_filters_keeping_the_rest(client):
    html = page(client, "/?q=hoi+dam&sort=date&page=1")
    countries = facet_links(html, "country")
    assert countries["CN"] == "/?q=hoi+dam&country=CN&sort=date"
    assert facet_links(html, "date")["2025"] == "/?q=hoi+dam&date=2025&sort=date"
    narrowed = page(client, countries["CN"])
    assert set(hit_ids(narrowed)) == {"hoi-dam-trung-quoc", "nga-trung-quoc"}
    assert facet_links(narrowed, "country")["CN"] == "/?q=hoi+dam&sort=date"  # tapping again removes it
    assert facet_links(narrowed, "country")["RU"] == "/?q=hoi+dam&country=CN&country=RU&sort=date"
    assert re.search(r'data-value="CN" aria-current="true"', narrowed)


def test_facet_counts_follow_the_filters(client):
    html = page(client, "/?q=hoi+dam&country=CN")
    counts = dict(re.findall(r'data-value="(\w+)"[^>]*>\s*<span class="facet-label">[^<]*</span>'
                             r'<span class="facet-count">(\d+)</span>', html))
    assert counts["CN"] == "2" and counts["RU"] == "1" and counts["2025"] == "2"


def test_date_range_form_and_active_filter_chips(client):
    html = page(client, "/?q=hoi+dam&from=2025-01-01&to=2025-12-31")
    assert set(hit_ids(html)) == {"hoi-dam-trung-quoc", "nga-trung-quoc"}
    assert '<input id="from" type="date" name="from" value="2025-01-01">' in html
    assert '<input type="hidden" name="q" value="hoi dam">' in html
    assert 'href="/?q=hoi+dam&amp;to=2025-12-31" title="Bỏ lọc">Từ 01/01/2025' in html


def test_sort_toggle_and_pagination_links(client):
    html = page(client, "/?per_page=3&page=2")
    assert len(hit_ids(html)) == 3
    assert 'rel="prev" href="/?per_page=3"' in html
    assert 'rel="next" href="/?page=3&amp;per_page=3"' in html
    assert '<span class="page-current" aria-current="page">2</span>' in html
    sorted_html = page(client, "/?q=hoi+dam")
    assert '<a href="/?q=hoi+dam&amp;sort=date">Mới nhất</a>' in sorted_html


def test_empty_query_lists_the_newest_first(client):
    assert hit_ids(page(client, "/"))[:3] == ["nhat-ban-dau-tu", "hoi-dam-trung-quoc", "nga-trung-quoc"]


def test_markup_in_titles_sources_and_queries_is_escaped(client):
    html = page(client, "/?q=thuong+dinh+%3Cscript%3E")
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt; Hội nghị thượng đỉnh tại Hoa Kỳ" in html
    assert "Báo &lt;b&gt;Mạng&lt;/b&gt;" in html
    assert 'value="thuong dinh &lt;script&gt;"' in html


def test_article_with_markup_is_escaped_and_its_unsafe_url_not_linked(client):
    html = page(client, "/articles/thuong-dinh-my?q=hoi+dam")
    assert "<script" not in html and "javascript:" not in html
    assert "&lt;script&gt;" in html and "<mark>hội đàm</mark>" in html


def test_security_headers_on_every_response(client):
    for url in ("/", "/?q=hoi+dam", "/api/search?q=hoi", "/nowhere", "/api/nowhere", "/static/style.css"):
        with client.get(url) as response:  # closes the static file
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp, url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "same-origin", url


def test_no_inline_script_or_style(client):
    html = page(client, "/?q=hoi+dam")
    assert "<script" not in html and "<style" not in html and " style=" not in html


def test_missing_index_gives_a_friendly_503_page(tmp_path):
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "missing")}).test_client()
    html = page(client, "/?q=hoi+dam", 503)
    assert "Chưa có chỉ mục: chạy <code>make index</code>" in html
    assert page(client, "/articles/hoi-dam-nga", 503)


def test_bad_parameters_show_the_message_inline_with_400(client):
    html = page(client, "/?q=hoi+dam&page=0", 400)
    assert str(escape("'page' phải từ 1 đến 10,000, không phải 0")) in html
    assert 'name="q" value="hoi dam"' in html and "Traceback" not in html
    assert "'from' (2025-12-31) sau 'to' (2025-01-01): ngày bắt đầu phải trước ngày kết thúc" in page(
        client, "/?q=x&from=2025-12-31&to=2025-01-01", 400).replace("&#39;", "'")
    assert "Câu tìm kiếm quá dài" in page(client, "/?q=" + "a" * 600, 400)


def test_search_notices_telex_partial_and_suggestion(client):
    assert "Đã tìm: <strong>hội đàm</strong>" in page(client, "/?q=hooij+ddamf")
    assert "Không bài nào có đủ mọi từ bạn tìm" in page(client, "/?q=hoi+dam+kyrgyzstan")
    suggested = page(client, "/?q=hoi+dam&country=CN")
    assert ('Có phải bạn muốn tìm: <a href="/?q=h%E1%BB%99i+%C4%91%C3%A0m&amp;country=CN">hội đàm</a>'
            in suggested)


def test_empty_state_offers_ways_out(client):
    html = page(client, "/?q=khủng+long+bạo&country=CN")
    assert "Không tìm thấy bài nào cho “khủng long bạo”" in html
    assert '<a href="/?q=khung+long+bao&amp;country=CN">khung long bao</a>' in html
    assert '<a href="/?q=kh%E1%BB%A7ng+long&amp;country=CN">khủng long</a>' in html
    assert '<a href="/?q=kh%E1%BB%A7ng+long+b%E1%BA%A1o">tìm “khủng long bạo” trong mọi bài</a>' in html
    assert hit_ids(html) == []
    assert "Không bài nào có đủ mọi từ" not in html  # no partial notice over nothing


def test_article_page_highlights_the_query_and_links_back(client):
    html = page(client, "/articles/hoi-dam-trung-quoc?q=hoi+dam&country=CN")
    assert "<h1>Thủ tướng <mark>hội đàm</mark> với Thủ tướng Trung Quốc</h1>" in html
    paragraphs = re.findall(r"<p>(.*?)</p>", html.split('class="article-body"')[1].split("</div>")[0])
    assert paragraphs == ["Chiều 5/3, tại Hà Nội, Thủ tướng Việt Nam <mark>hội đàm</mark> với Thủ tướng Trung Quốc.",
                          "Hai bên nhất trí thúc đẩy thương mại và đầu tư."]
    assert '<a href="/?q=hoi+dam&amp;country=CN">‹ Quay lại kết quả cho “hoi dam”</a>' in html
    assert 'href="https://example.vn/hoi-dam-trung-quoc"' in html
    assert '<time datetime="2025-03-05">05/03/2025</time>' in html


def test_unknown_page_and_article_get_the_html_error_page(client):
    assert "Không tìm thấy bài viết này" in page(client, "/articles/no-such-thing", 404)
    assert "Không tìm thấy trang này." in page(client, "/no/such/page", 404)


def test_unexpected_errors_get_a_generic_500_page(app, client, monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(app.extensions["search"], "search", broken)
    html = page(client, "/?q=hoi", 500)
    assert "Đã có lỗi xảy ra ở máy chủ" in html and "boom" not in html and "Traceback" not in html
    assert "RuntimeError: boom" in caplog.text
