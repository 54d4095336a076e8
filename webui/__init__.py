"""The web UI: a Flask app with the search page, the article page and a JSON API over the same search service.

`create_app()` is the factory (`flask --app webui run` finds it); `python -m webui` serves it with waitress.
The app talks to the index only through `indexer.search.SearchService`, one per app, in `app.extensions["search"]`.
"""
from __future__ import annotations

import os
from typing import Any, Mapping

from flask import Flask, Response, current_app

from indexer.search import SearchService

DEFAULT_INDEX_DIR = "var/index"
SECURITY_HEADERS = {
    # no inline script or style anywhere: everything comes from /static
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; `INDEX_DIR` comes from `test_config`, else the environment, else `var/index`."""
    app = Flask(__name__)
    app.config.from_mapping(INDEX_DIR=os.environ.get("INDEX_DIR") or DEFAULT_INDEX_DIR)
    if test_config is not None:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the service's key order
    app.extensions["search"] = SearchService(app.config["INDEX_DIR"])

    from webui import api, errors, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    errors.register(app)
    app.after_request(_security_headers)
    return app


def search_service() -> SearchService:
    """The current app's search service."""
    return current_app.extensions["search"]


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
