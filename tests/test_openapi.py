"""The JSON API against its OpenAPI document: schemathesis generates valid and invalid requests from
`/api/openapi.json` and checks every response: no 500, a documented status, the documented JSON, within a bound."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis import GenerationMode

from webui import create_app
from webui.openapi import OPENAPI

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "vnsearch-hypothesis")  # nothing written in the project
MAX_RESPONSE_SECONDS = 3.0  # one request on the tiny test index; generous for a loaded 2-core CI machine
EXAMPLES = 100  # per operation and mode; the whole file runs in well under a minute


@pytest.fixture(scope="module")
def api_app(index_dir):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    yield app
    app.extensions["search"].close()


def _load_schema():
    """The document as the app serves it (the route needs no index); requests go to `api_app`, which has one.

    Loaded at import time: schemathesis's fixture-based lazy loading does not work with this pytest.
    """
    loaded = schemathesis.openapi.from_wsgi("/api/openapi.json", create_app({"TESTING": True, "INDEX_DIR": "-"}))
    loaded.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                    max_examples=EXAMPLES, database="none")
    # every check but "schema-valid data is accepted": a schema cannot say that `from` must not follow `to` or that
    # page × per_page stays within 10,000, and those valid-looking requests rightly get a 400
    loaded.config.checks.update(included_check_names=["all"], excluded_check_names=["positive_data_acceptance"],
                                max_response_time=MAX_RESPONSE_SECONDS)
    return loaded


schema = _load_schema()


@schema.hook
def filter_query(context, query) -> bool:
    """Skip values with surrounding whitespace (control characters included) outside `q`.

    The API trims every parameter and takes a blank one as absent (the page's date form sends `from=&to=`), so
    `page=%1F5` is the request `page=5`: schemathesis would count it as invalid data accepted, which it is not.
    """
    values = [v for name, value in (query or {}).items() if name != "q"
              for v in (value if isinstance(value, list) else [value])]
    return all(v == v.strip() for v in values if isinstance(v, str))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_api_conforms_to_its_openapi_document(case, api_app):
    case.call_and_validate(app=api_app)


def test_openapi_document_is_served_as_json(client):
    response = client.get("/api/openapi.json")
    assert (response.status_code, response.mimetype) == (200, "application/json")
    assert response.get_json() == OPENAPI
    assert set(OPENAPI["paths"]) == {"/api/search", "/api/articles/{article_id}", "/api/openapi.json"}
