"""The JSON API described as an OpenAPI 3.0 document, served at `/api/openapi.json`.

Kept by hand beside `webui/api.py` and `indexer/request.py`: `tests/test_openapi.py` runs schemathesis against it,
so a parameter, a field or a status the code and this document disagree on fails the suite.
"""
from __future__ import annotations

from indexer.query import MAX_QUERY_CHARS, MAX_QUERY_WORDS
from indexer.request import MAX_PER_PAGE, MAX_RESULTS_WINDOW, SORTS
from indexer.schema import UNDATED

_ERROR_STATUSES = {
    "400": "A bad parameter or query; `error` says which and what is allowed.",
    "404": "No such article or path.",
    "503": "No usable index (missing, empty or damaged): run `make index`.",
}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(description: str, ref: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


_COUNTRY_CODE = {"type": "string", "pattern": "^[A-Z]{2}$", "example": "VN"}
_DATE = {"type": "string", "format": "date", "example": "2025-03-05"}

_FACET_ITEM = {
    "type": "object",
    "required": ["value", "label", "count", "selected"],
    "additionalProperties": False,
    "properties": {
        "value": {"type": "string", "description": "a country code, a year, a month (YYYY-MM) or "
                                                   f"'{UNDATED}'"},
        "label": {"type": "string"},
        "count": {"type": "integer", "minimum": 0},
        "selected": {"type": "boolean"},
    },
}

_HIT = {
    "type": "object",
    "required": ["id", "title", "date", "source", "url", "countries", "snippet", "score"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "title": {"type": "string"},
        "date": _nullable(_DATE),
        "source": _nullable({"type": "string"}),
        "url": _nullable({"type": "string"}),
        "countries": {"type": "array", "items": _COUNTRY_CODE},
        "snippet": {"type": "string", "description": "HTML: the escaped text with the matched words in <mark>"},
        "score": {"type": "number"},
    },
}

_SEARCH_RESULT = {
    "type": "object",
    "required": ["query", "searched", "total", "page", "per_page", "partial", "hits", "facets", "suggestion"],
    "additionalProperties": False,
    "properties": {
        "query": {"type": "string", "description": "the query as typed"},
        "searched": {"type": "string", "description": "the query as searched (Telex/VNI decoded)"},
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS_WINDOW},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "partial": {"type": "boolean", "description": "no article has every word: the closest partial matches"},
        "hits": {"type": "array", "maxItems": MAX_PER_PAGE, "items": {"$ref": "#/components/schemas/Hit"}},
        "facets": {
            "type": "object",
            "required": ["country", "date"],
            "additionalProperties": False,
            "properties": {
                "country": {"type": "array", "items": {"$ref": "#/components/schemas/FacetItem"}},
                "date": {"type": "array", "items": {"$ref": "#/components/schemas/FacetItem"}},
            },
        },
        "suggestion": _nullable({
            "type": "object",
            "required": ["text", "url"],
            "additionalProperties": False,
            "properties": {"text": {"type": "string"}, "url": {"type": "string"}},
        }),
    },
}

_ARTICLE = {
    "type": "object",
    "required": ["id", "title", "date", "source", "url", "countries", "body"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "title": {"type": "string"},
        "date": _nullable(_DATE),
        "source": _nullable({"type": "string"}),
        "url": _nullable({"type": "string"}),
        "countries": {"type": "array", "items": _COUNTRY_CODE},
        "body": {"type": "string", "description": "plain text, paragraphs separated by line breaks"},
    },
}

_ERROR = {
    "type": "object",
    "required": ["error", "status"],
    "additionalProperties": False,
    "properties": {
        "error": {"type": "string", "minLength": 1, "description": "what is wrong, in Vietnamese"},
        "status": {"type": "integer", "enum": [400, 404, 405, 500, 503]},
    },
}


def _query(name: str, schema: dict, description: str, **extra) -> dict:
    # an empty value counts as absent: the page's forms send `from=&to=` when the date fields are left blank
    return {"name": name, "in": "query", "required": False, "allowEmptyValue": True, "schema": schema,
            "description": description, **extra}


SEARCH_PARAMETERS = [
    _query("q", {"type": "string"},
           'words (all must match), "phrases", -excluded or NOT, OR, title: prefixes; accents optional, '
           f"Telex/VNI decoded. At most {MAX_QUERY_CHARS} characters and {MAX_QUERY_WORDS} words once control "
           "and invisible characters are dropped; longer is a 400"),
    _query("country", {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z]{2}$"}},
           "ISO 3166-1 alpha-2 codes; each must be mentioned by the article", style="form", explode=True),
    _query("from", _DATE, "first day of the date range (YYYY-MM-DD)"),
    _query("to", _DATE, "last day of the date range (YYYY-MM-DD), not before `from`"),
    _query("date", {"type": "string", "pattern": f"^(?:[0-9]{{4}}(?:-(?:0[1-9]|1[0-2]))?|{UNDATED})$"},
           f"a year (2025), a month (2025-03) or '{UNDATED}' for articles without a date"),
    _query("sort", {"type": "string", "enum": list(SORTS), "default": SORTS[0]},
           "relevance (ties newest first) or date (newest first)"),
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS_WINDOW, "default": 1},
           f"page number; page × per_page may not pass the first {MAX_RESULTS_WINDOW:,} results"),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10},
           "hits per page"),
]

OPENAPI: dict = {
    "openapi": "3.0.3",
    "info": {
        "title": "Vietnamese news search",
        "version": "1.0.0",
        "description": "Full-text search over Vietnamese news: accent-free and Telex queries, country and date "
                       "facets. Every error is `{\"error\": \"...\", \"status\": N}`.",
    },
    "paths": {
        "/api/search": {
            "get": {
                "operationId": "search",
                "summary": "Hits, facets and a suggestion for a query (what `python -m indexer search --json` prints)",
                "parameters": SEARCH_PARAMETERS,
                "responses": {
                    "200": _ok("One page of hits, facets over every match, and a suggestion", "SearchResult"),
                    "400": _error(_ERROR_STATUSES["400"]),
                    "503": _error(_ERROR_STATUSES["503"]),
                },
            },
        },
        "/api/articles/{article_id}": {
            "get": {
                "operationId": "article",
                "summary": "One article in full",
                "parameters": [{"name": "article_id", "in": "path", "required": True,
                                "schema": {"type": "string", "minLength": 1}, "description": "the article's id"}],
                "responses": {
                    "200": _ok("The article", "Article"),
                    "404": _error(_ERROR_STATUSES["404"]),
                    "503": _error(_ERROR_STATUSES["503"]),
                },
            },
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {"200": {"description": "The OpenAPI document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            },
        },
    },
    "components": {
        "schemas": {"SearchResult": _SEARCH_RESULT, "Hit": _HIT, "FacetItem": _FACET_ITEM, "Article": _ARTICLE,
                    "Error": _ERROR},
    },
}
