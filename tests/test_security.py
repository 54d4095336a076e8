"""Web security: every text from an article or a query is escaped (only our own `<mark>` is markup), the security
headers are on every response, article ids reach nothing but the index, and `python -m webui` never debugs."""
from __future__ import annotations

import re
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
import waitress
from flask import Flask, url_for
from markupsafe import escape

import webui.__main__ as webui_main
from indexer import store
from tests.helpers import article, build_index
from webui import create_app

# every element our templates use; article and query text must never add one
OUR_TAGS = {"html", "head", "meta", "title", "link", "body", "header", "div", "a", "span", "form", "label", "input",
            "button", "main", "footer", "p", "kbd", "aside", "details", "summary", "section", "h1", "h2", "ul", "ol",
            "li", "strong", "time", "nav", "article", "code", "mark"}
UNSAFE_URL = re.compile(r"^\s*(?:javascript|vbscript|data):", re.I)


class _Elements(HTMLParser):
    """Every start tag with its attributes, parsed as a browser would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_only_our_markup(html: str) -> None:
    """No element but the templates' own, no event handler, no inline style, no script URL; `<mark>` bare."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.elements:
        assert tag in OUR_TAGS, f"<{tag} {attrs}> is not ours"
        for name, value in attrs:
            assert not name.startswith("on") and name != "style", f"<{tag} {name}={value!r}>"
            if name in ("href", "src", "action", "formaction") and (tag, value) != ("link", "data:,"):  # no favicon
                assert not UNSAFE_URL.match(value or ""), f"<{tag} {name}={value!r}>"
        if tag == "mark":
            assert attrs == [], attrs


# --- a hostile index ------------------------------------------------------------------------------------------

EVIL_TITLE = "\"><script>alert('t')</script><img src=x onerror=alert(1)> Thủ tướng hội đàm"
EVIL_BODY = ("<svg onload=alert(2)>Thủ tướng Việt Nam hội đàm</svg> <iframe src=\"javascript:alert(3)\"></iframe>\n"
             "</p></div><style>body{display:none}</style><mark onclick=alert(4)>đàm</mark> ' \" & <!-- x -->")
EVIL_SOURCE = '<a href="javascript:alert(5)" onclick="alert(6)">Báo</a>'
EVIL_NEWS = [
    article('evil"id<script>', EVIL_TITLE, EVIL_BODY, source=EVIL_SOURCE, url="javascript:alert(7)",
            date="2025-01-02"),
    article("a b?c#d%e&f", "Hội đàm ' \" <b>", "Hội đàm & <u>gạch</u> ở Việt Nam.",
            url="data:text/html,<script>alert(8)</script>"),
    article("nested/path/id", "Hội đàm lồng", "Hội đàm ở Hà Nội.", url="  JaVaScRiPt:alert(9)"),
    article("quoted-url", "Hội đàm có link", "Hội đàm về thương mại.",
            url='https://example.vn/a"onmouseover="alert(10)'),
    article("../../etc/passwd", "Bài có mã như đường dẫn", "Bài này chỉ có trong chỉ mục.", date="2024-01-01"),
]
EVIL_QUERIES = ['"><script>alert(11)</script>', "hoi dam <img src=x onerror=alert(12)>",
                "title:<svg/onload=alert(13)>", "-<b>x</b> hội đàm", "hội đàm ' \" & <mark>"]


@pytest.fixture(scope="module")
def evil_root(tmp_path_factory):
    base = tmp_path_factory.mktemp("evil")
    (base / "secret.txt").write_text("TOP-SECRET-MARKER", encoding="utf-8")  # beside the index, never served
    return build_index(base, EVIL_NEWS, name="index")


@pytest.fixture(scope="module")
def evil(evil_root):
    app = create_app({"TESTING": True, "INDEX_DIR": str(evil_root)})
    yield app.test_client()
    app.extensions["search"].close()


def get(client, url: str, status: int = 200, mimetype: str = "text/html") -> str:
    response = client.get(url)
    assert (response.status_code, response.mimetype) == (status, mimetype), url
    return response.get_data(as_text=True)


@pytest.mark.parametrize("q", EVIL_QUERIES + ["hoi dam", ""])
@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_search_pages_escape_every_text(evil, q, sort):
    html = get(evil, "/?" + urlencode({"q": q, "sort": sort}))
    assert_only_our_markup(html)
    if q:
        assert f'name="q" value="{escape(q)}"' in html  # the query comes back as text in the box


def test_hostile_article_texts_appear_as_text(evil):
    html = get(evil, "/?q=hoi+dam")
    assert_only_our_markup(html)
    assert escape(EVIL_TITLE) in html
    assert str(escape(EVIL_SOURCE)) in html
    assert "&lt;svg onload=alert(2)&gt;Thủ tướng Việt Nam <mark>hội đàm</mark>&lt;/svg&gt;" in html
    assert "onclick=alert(4)&gt;<mark>đàm</mark>&lt;/mark&gt;" in html  # their mark is text, ours is not


LINKED = [a["id"] for a in EVIL_NEWS if not a["id"].startswith("..")]  # a browser resolves "../" in a link


@pytest.mark.parametrize("article_id", LINKED)
@pytest.mark.parametrize("q", ["", "hoi dam", EVIL_QUERIES[1]])
def test_article_pages_escape_every_text_and_link_only_safe_urls(evil, article_id, q):
    with evil.application.test_request_context():
        link = url_for("views.article", article_id=article_id)
    assert f'<a href="{html_escape(link)}?sort=date&amp;per_page=100">' in get(evil, "/?sort=date&per_page=100")
    html = get(evil, link + (f"?{urlencode({'q': q})}" if q else ""))
    assert_only_our_markup(html)
    expected = next(a for a in EVIL_NEWS if a["id"] == article_id)
    if not q:
        assert f"<h1>{html_escape(expected['title'], quote=False)}</h1>" in html
    if article_id == "quoted-url":
        assert 'href="https://example.vn/a&#34;onmouseover=&#34;alert(10)"' in html  # one attribute, never two
    else:
        assert "Đọc bài gốc" not in html  # javascript:, data: and padded JaVaScRiPt: are never linked


def test_error_pages_escape_what_they_echo(evil):
    for url, status in [("/?q=x&country=%3Cscript%3E", 400), ("/?q=x&sort=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E", 400),
                        ("/?q=x&from=%3Cb%3E", 400), ("/?q=" + "%3Cscript%3E" * 100, 400),
                        ("/articles/%3Cscript%3Ealert(1)%3C%2Fscript%3E", 404), ("/%3Cscript%3E", 404)]:
        html = get(evil, url, status)
        assert_only_our_markup(html)
        assert "Traceback" not in html
    assert ("<strong>Không tìm được:</strong> không có mã quốc gia &#39;&lt;script&gt;&#39;: dùng mã ISO 3166-1 "
            "hai chữ cái như VN, CN, RU</p>") in get(evil, "/?q=x&country=%3Cscript%3E", 400)


# --- headers ---------------------------------------------------------------------------------------------------

def csp_directives(header: str) -> dict[str, list[str]]:
    return {parts[0]: parts[1:] for parts in (d.split() for d in header.split(";")) if parts}


def check_security_headers(headers, what: str) -> None:
    csp = csp_directives(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"], what
    assert csp["frame-ancestors"] == ["'none'"], what
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"], what
    for directive in ("default-src", "script-src", "script-src-elem", "script-src-attr", "style-src"):
        sources = csp.get(directive, [])
        assert not {"'unsafe-inline'", "'unsafe-eval'", "data:", "*", "'unsafe-hashes'"} & set(sources), what
    assert headers["X-Content-Type-Options"] == "nosniff", what
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), what
    assert headers["X-Frame-Options"] == "DENY", what


def test_security_headers_on_every_kind_of_response(app, client, monkeypatch, tmp_path):
    cases = [("GET", "/", 200), ("GET", "/?q=hoi+dam", 200), ("GET", "/articles/hoi-dam-nga?q=nga", 200),
             ("GET", "/?page=0", 400), ("GET", "/articles/nothing", 404), ("GET", "/nowhere", 404),
             ("POST", "/", 405), ("GET", "/api/search?q=hoi", 200), ("GET", "/api/search?sort=x", 400),
             ("GET", "/api/articles/nothing", 404), ("DELETE", "/api/search", 405), ("GET", "/api/openapi.json", 200),
             ("GET", "/static/style.css", 200), ("HEAD", "/", 200), ("OPTIONS", "/api/search", 200)]
    for method, url, status in cases:
        with client.open(url, method=method) as response:
            assert response.status_code == status, (method, url)
            check_security_headers(response.headers, f"{method} {url}")

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(app.extensions["search"], "search", broken)
    for url in ("/?q=x", "/api/search?q=x"):
        response = client.get(url)
        assert response.status_code == 500 and "boom" not in response.get_data(as_text=True)
        check_security_headers(response.headers, f"500 {url}")
    missing = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")}).test_client()
    for url in ("/", "/api/search"):
        response = missing.get(url)
        assert response.status_code == 503
        check_security_headers(response.headers, f"503 {url}")


def test_json_is_never_sniffed_as_html(evil):
    response = evil.get("/api/articles/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert (response.status_code, response.mimetype) == (404, "application/json")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_json() == {"error": "Không có bài viết nào có mã “<script>alert(1)</script>”.", "status": 404}


# --- article ids and static paths cannot reach files --------------------------------------------------------------

def traversal_ids(root: Path) -> list[str]:
    generation = store.current_generation(root)
    inside = sorted(p.name for p in generation.iterdir())
    return ["../secret.txt", "..%2Fsecret.txt", "%2e%2e%2fsecret.txt", "..\\secret.txt", "/etc/passwd",
            "%2Fetc%2Fpasswd", "../../../../../../etc/passwd", "....//....//etc/passwd", "current", store.LOCK,
            generation.name, f"{generation.name}/{inside[0]}", f"current/{inside[-1]}", f"../index/{store.LOCK}",
            "~root", "%00", "secret.txt%00.html", "file:///etc/passwd"]


def test_article_ids_reach_only_the_index(evil, evil_root):
    for article_id in traversal_ids(evil_root):
        for prefix, mimetype in (("/api/articles/", "application/json"), ("/articles/", "text/html")):
            response = evil.get(prefix + article_id, follow_redirects=True)  # "//" redirects to "/"
            body = response.get_data(as_text=True)
            assert (response.status_code, response.mimetype) == (404, mimetype), prefix + article_id
            assert "TOP-SECRET-MARKER" not in body and "root:x:0:0" not in body
            if mimetype == "application/json":
                assert response.get_json()["error"].startswith("Không có bài viết nào có mã “")
            else:
                assert "Không tìm thấy bài viết này" in body


def test_an_id_that_looks_like_a_path_is_looked_up_in_the_index(evil):
    found = evil.get("/api/articles/../../etc/passwd").get_json()
    assert found == {"id": "../../etc/passwd", "title": "Bài có mã như đường dẫn", "date": "2024-01-01",
                     "source": None, "url": None, "countries": [], "body": "Bài này chỉ có trong chỉ mục."}


@pytest.mark.parametrize("path", ["/static/../webui/__init__.py", "/static/..%2F__init__.py",
                                  "/static/%2e%2e/%2e%2e/setup.cfg", "/static//etc/passwd", "/static/../../README.md"])
def test_static_files_stay_in_static(client, path):
    response = client.get(path, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 404, path
    assert "SECURITY_HEADERS" not in body and "install_requires" not in body and "root:x:0:0" not in body


# --- no debug mode, no Werkzeug debugger under `make serve` -----------------------------------------------------------

def test_python_m_webui_serves_with_waitress_without_debug_even_if_flask_debug_is_set(monkeypatch, index_dir):
    assert webui_main.serve is waitress.serve
    served = {}
    monkeypatch.setenv("FLASK_DEBUG", "1")  # left over from `flask run` in a developer's shell
    monkeypatch.setenv("INDEX_DIR", str(index_dir))
    monkeypatch.setattr(webui_main, "serve", lambda app, **options: served.update(app=app, **options))
    monkeypatch.setattr(webui_main.logging, "basicConfig", lambda **options: None)  # leave the test's logging be
    assert webui_main.main(["--port", "8123", "--workers", "1"]) == 0
    app = served.pop("app")
    assert type(app) is Flask and app.debug is False and app.config["DEBUG"] is False
    assert not app.config.get("PROPAGATE_EXCEPTIONS") and not app.testing
    assert served == {"host": "127.0.0.1", "port": 8123, "threads": 2, "ident": "vnsearch"}
    client = app.test_client()
    response = client.get("/?__debugger__=yes&cmd=resource&f=debugger.js")
    assert response.mimetype == "text/html" and "Werkzeug" not in response.get_data(as_text=True)
    app.extensions["search"].close()
