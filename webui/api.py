"""The JSON API: `/api/search` returns exactly what the search service returns, `/api/articles/<id>` one article.

`/api/openapi.json` describes both (`webui/openapi.py`).
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from indexer.request import BadRequest, SearchRequest
from indexer.search import QueryError
from webui import search_service
from webui.errors import error_response
from webui.openapi import OPENAPI

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search() -> Response:
    """Hits, facets and suggestion for the query string's parameters (the CLI's `--json` shape)."""
    search_request = SearchRequest.from_params(request.args.to_dict(flat=False))
    return jsonify(search_service().search(search_request))


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> Response:
    """One article: id, title, date, source, url, countries, body."""
    found = search_service().article(article_id)
    if found is None:
        return error_response(f"Không có bài viết nào có mã “{article_id[:100]}”.", 404)
    return jsonify(found)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 document that describes this API."""
    return jsonify(OPENAPI)


@bp.errorhandler(BadRequest)
@bp.errorhandler(QueryError)
def bad_request(err: ValueError) -> Response:
    """A bad parameter or query: 400 with the service's message."""
    return error_response(str(err), 400)
