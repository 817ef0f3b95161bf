"""Property-based API tests: schemathesis generates requests from the OpenAPI document;
no request may cause a server error (5xx) and every response must match its declared schema."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from test_report import sample_store  # noqa: E402

from storylens.web import create_app  # noqa: E402

_DB = str(Path(tempfile.mkdtemp(prefix="storylens-st-")) / "api.db")
sample_store(_DB).close()
APP = create_app(_DB)
# Ingest is left out: it runs the whole pipeline per request; tests/test_web.py covers it.
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).include(method="GET")


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_with_a_server_error(case) -> None:  # type: ignore[no-untyped-def]
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
    if response.status_code == 200:
        case.validate_response(response)  # every check: status codes, content type, response schema


ingest_schema = schemathesis.openapi.from_asgi("/openapi.json", APP).include(method="POST")


@ingest_schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_ingest_never_fails_with_a_server_error(case) -> None:  # type: ignore[no-untyped-def]
    case.query = {**(case.query or {}), "wait": "true"}  # finish each ingest inside the test
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
