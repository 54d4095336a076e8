"""The HTML pages: the search page (results, facets, filters, paging) and the article page.

Every state lives in the URL: `SearchLinks` builds each link from the current parameters with one thing changed.
"""
from __future__ import annotations

import math
import unicodedata
from datetime import date
from urllib.parse import urlencode

from babel.numbers import format_decimal
from flask import Blueprint, abort, render_template, request, url_for
from markupsafe import Markup

from indexer.countries import country_name
from indexer.request import MAX_RESULTS_WINDOW, BadRequest, SearchRequest
from indexer.search import QueryError
from webui import search_service

bp = Blueprint("views", __name__)
PARAMS = ("q", "country", "from", "to", "date", "sort", "page", "per_page")
SORTS = (("relevance", "Phù hợp nhất"), ("date", "Mới nhất"))
PAGE_WINDOW = 2  # page numbers shown on each side of the current one
SAFE_URL_SCHEMES = ("http://", "https://")


def trusted(html: str) -> Markup:
    """THE one place HTML is marked safe: only the service's `snippet`, `title_html` and `body_html` come here.

    `indexer.highlight` builds them by escaping the article text and adding `<mark>` tags, so they are safe to
    insert as they are. Everything else reaches the templates as plain text, autoescaped; no template uses `|safe`.
    """
    return Markup(html)


class SearchLinks:
    """URLs for the current search with one thing changed; any change but paging goes back to page 1."""

    def __init__(self, params: dict[str, list[str]]) -> None:
        self.params = params

    def first(self, name: str) -> str:
        """The parameter's last non-blank value (as the service reads it), or ''."""
        values = self.params.get(name, [])
        return values[-1] if values else ""

    def query_string(self, keep_page: bool = True, **changes: list[str] | str | None) -> str:
        """The parameters, in a stable order, with `changes` applied (None or [] removes one)."""
        params = dict(self.params)
        if not keep_page:
            params.pop("page", None)
        for name, value in changes.items():
            name = name.rstrip("_")  # from_ → from
            if not value:
                params.pop(name, None)
            else:
                params[name] = [value] if isinstance(value, str) else list(value)
        return urlencode([(name, v) for name in PARAMS for v in params.get(name, [])])

    def search(self, keep_page: bool = False, **changes: list[str] | str | None) -> str:
        """The search page with `changes`."""
        query = self.query_string(keep_page, **changes)
        return url_for("views.search") + ("?" + query if query else "")

    def toggle_country(self, code: str) -> str:
        """Add the country to the filters, or remove it when it is already there."""
        countries = self.params.get("country", [])
        chosen = [c for c in countries if c.upper() != code] if code in self.countries() else [*countries, code]
        return self.search(country=chosen)

    def toggle_date(self, value: str) -> str:
        """Filter on this year or month, or remove that filter when it is already the one chosen."""
        return self.search(date=None if self.first("date") == value else value)

    def page(self, number: int) -> str:
        """Another page of the same results."""
        return self.search(keep_page=True, page=None if number == 1 else str(number))

    def article(self, article_id: str) -> str:
        """The article page, carrying the whole search so its back link returns to the same results."""
        query = self.query_string()
        return url_for("views.article", article_id=article_id) + ("?" + query if query else "")

    def api(self) -> str:
        """The same search as JSON."""
        query = self.query_string()
        return url_for("api.search") + ("?" + query if query else "")

    def hidden(self, *excluded: str) -> list[tuple[str, str]]:
        """(name, value) pairs for a form's hidden inputs: every filter but `excluded`, never the page."""
        skip = {"q", "page", *excluded}
        return [(name, v) for name in PARAMS if name not in skip for v in self.params.get(name, [])]

    def countries(self) -> list[str]:
        """The selected country codes, uppercase, without repeats."""
        return list(dict.fromkeys(c.upper() for c in self.params.get("country", [])))

    def has_filters(self) -> bool:
        """True when any country, date or date range narrows the search."""
        return any(self.params.get(name) for name in ("country", "from", "to", "date"))


@bp.app_template_filter("vi_date")
def vi_date(value: str | None) -> str:
    """ISO `2025-03-05` as `05/03/2025`; anything else as it is."""
    try:
        return date.fromisoformat(value or "").strftime("%d/%m/%Y")
    except ValueError:
        return value or ""


@bp.app_template_filter("number")
def number(value: int) -> str:
    """A count the Vietnamese way: 1.234."""
    return format_decimal(value, locale="vi")


@bp.app_template_filter("country")
def country(code: str) -> str:
    """A country's Vietnamese name."""
    return country_name(code)


@bp.get("/")
def search() -> str | tuple[str, int]:
    """The search page: results, facets, filters; with no query, the newest articles."""
    links = SearchLinks(_params())
    try:
        result = search_service().search(SearchRequest.from_params(links.params))
    except (BadRequest, QueryError) as err:
        return render_template("search.html", links=links, q=links.first("q"), error=str(err)), 400
    return render_template("search.html", links=links, q=links.first("q"), **_results(links, result))


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> str:
    """One article in full, the query's words highlighted, with a link back to the same results."""
    links = SearchLinks(_params())
    found = search_service().highlighted_article(article_id, links.first("q"))
    if found is None:
        abort(404, description="Không tìm thấy bài viết này; có thể nó đã bị xóa khỏi chỉ mục.")
    paragraphs = [trusted(p) for p in found["body_html"].split("\n") if p.strip()]
    url = found["url"] if (found["url"] or "").startswith(SAFE_URL_SCHEMES) else None
    return render_template("article.html", links=links, q=links.first("q"), article=found, url=url,
                           title_html=trusted(found["title_html"]), paragraphs=paragraphs,
                           back=links.search(keep_page=True),
                           json_url=url_for("api.article", article_id=article_id))


def _params() -> dict[str, list[str]]:
    """The known parameters of the query string, blank values dropped."""
    return {name: values for name in PARAMS
            if (values := [v for v in request.args.getlist(name) if v.strip()])}


def _results(links: SearchLinks, result: dict) -> dict:
    """Everything the search template shows, links included, beyond the form."""
    hits = [{**hit, "snippet": trusted(hit["snippet"]), "link": links.article(hit["id"])} for hit in result["hits"]]
    facets = {name: [{**item, "url": (links.toggle_country if name == "country" else links.toggle_date)(item["value"])}
                     for item in items] for name, items in result["facets"].items()}
    suggestion = result["suggestion"] and {"text": result["suggestion"]["text"],
                                           "url": links.search(q=result["suggestion"]["text"])}
    return {
        "result": result, "hits": hits, "facets": facets, "suggestion": suggestion,
        "first_rank": (result["page"] - 1) * result["per_page"] + 1,
        "sorts": [(value, label, links.search(sort=None if value == "relevance" else value)) for value, label in SORTS],
        "sort": links.first("sort") or "relevance",
        "pages": _pages(links, result),
        "active": _active_filters(links, result["facets"]),
        "tips": _tips(links) if not result["total"] else [],
    }


def _pages(links: SearchLinks, result: dict) -> dict:
    """Previous, next and a few page numbers around the current one (None marks a gap)."""
    per_page, current = result["per_page"], result["page"]
    last = max(1, min(math.ceil(result["total"] / per_page), MAX_RESULTS_WINDOW // per_page))
    shown = {1, last, *range(max(1, current - PAGE_WINDOW), min(last, current + PAGE_WINDOW) + 1)}
    numbers: list[tuple[int | None, str | None]] = []
    for n in sorted(shown):
        if numbers and n - (numbers[-1][0] or 0) > 1:
            numbers.append((None, None))
        numbers.append((n, links.page(n)))
    return {
        "last": last, "current": current, "numbers": numbers,
        "prev": links.page(min(current - 1, last)) if current > 1 else None,
        "next": links.page(current + 1) if current < last else None,
    }


def _active_filters(links: SearchLinks, facets: dict) -> list[tuple[str, str]]:
    """(label, URL that removes it) for each filter in use."""
    labels = {item["value"]: item["label"] for items in facets.values() for item in items}
    active = [(country_name(code), links.toggle_country(code)) for code in links.countries()]
    if links.first("date"):
        active.append((labels.get(links.first("date"), links.first("date")), links.search(date=None)))
    if links.first("from"):
        active.append((f"Từ {vi_date(links.first('from'))}", links.search(from_=None)))
    if links.first("to"):
        active.append((f"Đến {vi_date(links.first('to'))}", links.search(to=None)))
    return active


def _tips(links: SearchLinks) -> list[tuple[str, str, str]]:
    """(advice, link text, URL) to get some results when there are none."""
    q, tips = links.first("q"), []
    plain = _without_accents(q)
    if plain != q:
        tips.append(("Gõ không dấu, để khớp mọi cách bỏ dấu:", plain, links.search(q=plain)))
    words = q.split()
    if len(words) > 1:
        shorter = " ".join(words[:-1])
        tips.append(("Bớt từ:", shorter, links.search(q=shorter)))
    if links.has_filters():
        tips.append(("Bỏ bộ lọc quốc gia và ngày:", f"tìm “{q}” trong mọi bài" if q else "mọi bài",
                     links.search(country=None, from_=None, to=None, date=None)))
    return tips


def _without_accents(text: str) -> str:
    """Vietnamese without diacritics: "hội đàm" → "hoi dam"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))
