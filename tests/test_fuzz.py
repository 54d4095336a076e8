"""Arbitrary and hostile input for the query parser, the search service, the JSON API and the page.

Property-based (hypothesis): control characters, lone surrogates, combining marks stacked a hundred deep, unbalanced
quotes and parentheses, operator soup, field prefixes that do not exist, 100,000-character strings, arbitrary
parameter values. Each gets results, an empty result or a clear 400 message, within a time bound; never a 500.
"""
from __future__ import annotations

import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from markupsafe import escape

from indexer.query import MAX_QUERY_CHARS, MAX_QUERY_WORDS, ParsedQuery, QueryError, parse
from indexer.search import SearchService
from indexer.request import SearchRequest
from webui import create_app

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "vnsearch-hypothesis")  # nothing written in the project

BOUND = timedelta(seconds=2)  # per query on the tiny test index: well above normal (~50 ms), far below a hang
FUZZ = settings(max_examples=150, deadline=BOUND, database=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
TOO_LONG = re.compile(rf"Câu tìm kiếm quá dài \(\d+ ký tự\); tối đa {MAX_QUERY_CHARS} ký tự\.")
TOO_MANY = f"Câu tìm kiếm có quá nhiều từ; tối đa {MAX_QUERY_WORDS} từ."
INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")
RESULT_KEYS = ["query", "searched", "total", "page", "per_page", "partial", "hits", "facets", "suggestion"]
HIT_KEYS = ["id", "title", "date", "source", "url", "countries", "snippet", "score"]
TAG = re.compile(r"<[^>]*>")

# --- what hostile queries are made of ---------------------------------------------------------------------------

TOKENS = ["AND", "OR", "NOT", "--", "-", '""', '"', "'", "(", ")", "((", "))", "title:", "title:\"", "-title:",
          "foo:", "http:", "body:", "nosuchfield:x", ":", "::", "*", "?", "~", "^2", "\\", "[", "]", "{", "}", "TO",
          "hoi", "dam", "hội", "đàm", "hooij", "ddamf", "vie6t5", "nga", "-nga", "<script>", "&amp;", "<mark>",
          "\x00", "\t", "\u200b", "\ufeff", "\ud800", "\udfff", "\u0301", "\ufffd", " "]
COMBINING = st.characters(categories=["Mn"])
ANY_CHAR = st.characters(codec=None, categories=None)  # every code point, control characters and surrogates too

operator_soup = st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join)
glued_soup = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
stacked_marks = st.builds(lambda base, mark, depth, tail: base + mark * depth + tail,
                          st.sampled_from(["a", "e", "ơ", "đ", " ", "", "-", '"']), COMBINING,
                          st.integers(1, 120), st.sampled_from(["", " hoi", " dam", "nga"]))
long_strings = st.builds(lambda unit, n: (unit * (n // len(unit) + 1))[:n],
                         st.sampled_from(["a", "hội ", "\u0301", " ", "\x00", '"', "-a ", "OR ", "a:"]),
                         st.integers(MAX_QUERY_CHARS - 5, 100_000))
nasty_text = st.one_of(st.text(ANY_CHAR, max_size=200), st.text(ANY_CHAR, min_size=480, max_size=620),
                       operator_soup, glued_soup, stacked_marks, long_strings)

NAMED_CASES = {
    "control characters": "\x00\x01hoi\x1f\x7f\x85dam\x9f",
    "lone surrogates": "hoi \ud800 dam \udfff",
    "combining marks a hundred deep": "a" + "\u0301" * 100 + " hoi",
    "combining marks alone": "\u0323\u0302" * 100,
    "unbalanced quotes": '"hoi dam "thu tuong',
    "unbalanced parentheses": "((hoi dam) OR (nga",
    "operator soup": 'AND OR NOT -- ""',
    "unknown field prefixes": "foo:bar author:nga body:hoi",
    "100,000 characters": "a" * 100_000,
    "100,000 spaces": " " * 100_000,
    "script tag": '<script>alert("x")</script> hoi',
}


def check_result(result: dict, q: str) -> None:
    """The service's document: every key, sane numbers, hits whose only markup is `<mark>`."""
    assert list(result) == RESULT_KEYS
    assert result["query"] == q and isinstance(result["searched"], str)
    assert not INVISIBLE.search(result["searched"])
    assert result["total"] >= len(result["hits"]) and len(result["hits"]) <= result["per_page"]
    for hit in result["hits"]:
        assert list(hit) == HIT_KEYS
        assert set(TAG.findall(hit["snippet"])) <= {"<mark>", "</mark>"}, hit["snippet"]
    assert set(result["facets"]) == {"country", "date"}


def check_query_error(err: QueryError) -> None:
    assert TOO_LONG.fullmatch(str(err)) or str(err) == TOO_MANY, str(err)


# --- the parser -------------------------------------------------------------------------------------------------

@FUZZ
@given(text=nasty_text, decoded=st.booleans())
def test_parse_gives_a_query_or_a_clear_error(text, decoded):
    try:
        parsed = parse(text, decode=str.lower if decoded else None)
    except QueryError as err:
        check_query_error(err)
        return
    assert isinstance(parsed, ParsedQuery)
    assert len(parsed.words()) <= MAX_QUERY_WORDS
    clauses = [c for group in parsed.groups for c in group] + parsed.excluded
    assert all(c.syllables and all(re.fullmatch(r"[^\W_]+|\d+(?:[.,]\d+)+", s) for s in c.syllables)
               for c in clauses), clauses
    assert not INVISIBLE.search(parsed.searched)
    assert all(group for group in parsed.groups)


# --- the search service ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def service(index_dir):
    service = SearchService(index_dir)
    service.search(SearchRequest(q="hoi dam"))  # open the index before the clock starts
    yield service
    service.close()


@FUZZ
@given(text=nasty_text, sort=st.sampled_from(["relevance", "date"]))
@example(text="\x00" * 100_000, sort="relevance")
@example(text="a" * 100_000, sort="date")
def test_service_answers_any_query(service, text, sort):
    try:
        result = service.search(SearchRequest(q=text, sort=sort))
    except QueryError as err:
        check_query_error(err)
    else:
        check_result(result, text)


@pytest.mark.parametrize("name", NAMED_CASES)
def test_named_hostile_queries_get_an_answer_in_time(service, name):
    started = time.monotonic()
    try:
        result = service.search(SearchRequest(q=NAMED_CASES[name]))
    except QueryError as err:
        check_query_error(err)
        assert name == "100,000 characters"
        assert str(err) == "Câu tìm kiếm quá dài (100000 ký tự); tối đa 500 ký tự."
    else:
        check_result(result, NAMED_CASES[name])
    assert time.monotonic() - started < BOUND.total_seconds()


def test_what_the_named_hostile_queries_search_for(service):
    searched = {}
    for name, q in NAMED_CASES.items():
        try:
            result = service.search(SearchRequest(q=q))
            searched[name] = (result["searched"], result["total"], result["partial"])
        except QueryError as err:
            searched[name] = str(err)
    assert searched == {
        "control characters": ("hoi dam", 4, False),
        "lone surrogates": ("hoi dam", 4, False),
        "combining marks a hundred deep": ("á hoi", 4, True),  # NFC keeps one acute; no article has "á" too
        "combining marks alone": ("", 8, False),  # nothing searchable: every article, newest first
        "unbalanced quotes": ('"hoi dam" thu tuong', 1, False),
        "unbalanced parentheses": ("hoi dam OR nga", 4, False),
        "operator soup": ("", 8, False),
        # not fields, so text: each "foo:bar" needs both its words, and no article has "foo", "author" or "body"
        "unknown field prefixes": ("foo bar author nga body hoi", 0, True),
        "100,000 characters": "Câu tìm kiếm quá dài (100000 ký tự); tối đa 500 ký tự.",
        "100,000 spaces": ("", 8, False),
        "script tag": ("script alert x script hoi", 1, True),  # the article whose headline has that markup
    }


# --- the JSON API and the page, through the WSGI stack ------------------------------------------------------------

@pytest.fixture(scope="module")
def web(index_dir):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    client = app.test_client()
    client.get("/api/search?q=hoi")  # open the index before the clock starts
    yield client
    app.extensions["search"].close()


def encoded(text: str) -> str:
    """The text percent-encoded as a browser would send it; lone surrogates become the bytes they would be."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def get_api(web, query_string: str):
    response = web.get("/api/search?" + query_string)
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert response.status_code in (200, 400), body
    if response.status_code == 400:
        assert list(body) == ["error", "status"] and body["status"] == 400 and body["error"].strip()
    return response.status_code, body


def get_page(web, query_string: str) -> tuple[int, str]:
    response = web.get("/?" + query_string)
    html = response.get_data(as_text=True)
    assert (response.status_code in (200, 400), response.mimetype) == (True, "text/html"), html[:300]
    assert "Traceback" not in html and "<script" not in html
    return response.status_code, html


@FUZZ
@given(text=nasty_text)
def test_api_and_page_answer_any_query(web, text):
    status, body = get_api(web, "q=" + encoded(text))
    if status == 400:
        assert TOO_LONG.fullmatch(body["error"]) or body["error"] == TOO_MANY, body
    else:
        check_result(body, body["query"])
    page_status, html = get_page(web, "q=" + encoded(text))
    assert page_status == status
    if status == 400:
        assert f"<strong>Không tìm được:</strong> {escape(body['error'])}" in html


@pytest.mark.parametrize("name", NAMED_CASES)
def test_named_hostile_queries_through_the_api_and_the_page(web, name):
    started = time.monotonic()
    status, body = get_api(web, "q=" + encoded(NAMED_CASES[name]))
    page_status, html = get_page(web, "q=" + encoded(NAMED_CASES[name]))
    assert time.monotonic() - started < 2 * BOUND.total_seconds()
    assert page_status == status == (400 if name == "100,000 characters" else 200)
    if status == 400:
        assert body == {"error": "Câu tìm kiếm quá dài (100000 ký tự); tối đa 500 ký tự.", "status": 400}
        assert "<strong>Không tìm được:</strong> Câu tìm kiếm quá dài (100000 ký tự); tối đa 500 ký tự." in html


# --- bad parameters: a 400 that says what is wrong, in the API and on the page -------------------------------------

BAD_PARAMETERS = [
    ("page=0", "'page' phải từ 1 đến 10,000, không phải 0"),
    ("page=1000000000", "'page' phải là số nguyên từ 1 đến 10,000, không phải '1000000000'"),
    ("page=-1", "'page' phải là số nguyên từ 1 đến 10,000, không phải '-1'"),
    ("page=1.5", "'page' phải là số nguyên từ 1 đến 10,000, không phải '1.5'"),
    ("page=%D9%A1", "'page' phải là số nguyên từ 1 đến 10,000, không phải '١'"),  # an Arabic-Indic digit
    ("page=2000", "trang 2000 vượt quá 10,000 kết quả đầu tiên; hãy thu hẹp tìm kiếm"),
    ("per_page=1000000", "'per_page' phải từ 1 đến 100, không phải 1,000,000"),
    ("per_page=0", "'per_page' phải từ 1 đến 100, không phải 0"),
    ("from=2025-13-45", "'from' phải là ngày dạng YYYY-MM-DD, không phải '2025-13-45'"),
    ("to=2025-02-30", "'to' phải là ngày dạng YYYY-MM-DD, không phải '2025-02-30'"),
    ("from=2025-1-5", "'from' phải là ngày dạng YYYY-MM-DD, không phải '2025-1-5'"),
    ("from=20250105", "'from' phải là ngày dạng YYYY-MM-DD, không phải '20250105'"),
    ("from=2025-W01-1", "'from' phải là ngày dạng YYYY-MM-DD, không phải '2025-W01-1'"),  # an ISO week date
    ("from=2025-06-01&to=2025-01-01",
     "'from' (2025-06-01) sau 'to' (2025-01-01): ngày bắt đầu phải trước ngày kết thúc"),
    ("date=2025-13", "'date' phải là năm (2025), tháng (2025-03) hoặc 'undated', không phải '2025-13'"),
    ("date=yesterday", "'date' phải là năm (2025), tháng (2025-03) hoặc 'undated', không phải 'yesterday'"),
    ("country=ZZ", "không có mã quốc gia 'ZZ': dùng mã ISO 3166-1 hai chữ cái như VN, CN, RU"),
    ("country=EU", "không có mã quốc gia 'EU': dùng mã ISO 3166-1 hai chữ cái như VN, CN, RU"),
    ("country=VNM", "không có mã quốc gia 'VNM': dùng mã ISO 3166-1 hai chữ cái như VN, CN, RU"),
    ("country=VN&country=Vi%E1%BB%87t", "không có mã quốc gia 'Việt': dùng mã ISO 3166-1 hai chữ cái như VN, CN, RU"),
    ("sort=popular", "'sort' phải là một trong relevance, date, không phải 'popular'"),
    ("sort=DATE", "'sort' phải là một trong relevance, date, không phải 'DATE'"),
]


@pytest.mark.parametrize("query_string, message", BAD_PARAMETERS)
def test_bad_parameters_are_a_400_that_says_what_is_wrong(web, query_string, message):
    assert get_api(web, "q=hoi+dam&" + query_string) == (400, {"error": message, "status": 400})
    status, html = get_page(web, "q=hoi+dam&" + query_string)
    assert status == 400
    assert f"<strong>Không tìm được:</strong> {escape(message)}</p>" in html
    assert 'name="q" value="hoi dam"' in html  # the search box keeps the query to fix and resend


# what a 400 for each parameter must mention
NAMES_IN_MESSAGES = {"page": ("'page'", "trang "), "per_page": ("'per_page'", "trang "), "from": ("'from'",),
                     "to": ("'to'", "'from'"), "date": ("'date'",), "sort": ("'sort'",),
                     "country": ("mã quốc gia",)}
parameter_values = st.one_of(st.text(ANY_CHAR, max_size=30), st.integers(-10**12, 10**12).map(str),
                             st.sampled_from(["", " ", "1", "10", "100", "2025", "2025-03", "2025-02-29",
                                              "2024-02-29", "undated", "VN", "vn", "date", "relevance"]))


@FUZZ
@given(name=st.sampled_from(sorted(NAMES_IN_MESSAGES)), value=parameter_values)
def test_any_parameter_value_gets_results_or_a_400_naming_it(web, name, value):
    status, body = get_api(web, f"q=hoi&{name}={encoded(value)}")
    if status == 400:
        assert any(fragment in body["error"] for fragment in NAMES_IN_MESSAGES[name]), (name, value, body)
    else:
        check_result(body, "hoi")
        if name in ("from", "to") and value.strip():
            assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()), value
