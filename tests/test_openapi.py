"""``/api/openapi.json`` describes every JSON route, and the running server keeps to it.

Every route of the app under /api (and /healthz) is described with its methods, nothing described is
missing, and schemathesis fuzzes the real server from the description (a bounded number of examples per
operation, writes with an editor's bearer token): never a 500, and every answer (status, content type,
body, headers) is one the description gives.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.routing import Route

from liveblog import openapi

SCHEMA = schemathesis.openapi.from_dict(openapi.description())
SCHEMA.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])  # valid and invalid input
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
EXAMPLES = 12  # per operation: about 150 requests, well under a minute here


def described(path: str) -> bool:
    return path.startswith("/api/") or path == "/healthz"


def test_every_json_route_is_described_and_nothing_else(server):
    routes = {(route.path, method) for route in server.app.routes if isinstance(route, Route) and described(route.path)
              for method in route.methods or () if method != "HEAD"}
    paths = openapi.description()["paths"]
    documented = {(path, method.upper()) for path, item in paths.items() for method in item if method != "parameters"}
    assert routes == documented


def test_the_server_serves_the_description(site):
    r = site.client.get("/api/openapi.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json() == openapi.description() and r.json()["openapi"] == "3.1.0"
    errors = r.json()["components"]["schemas"]["Error"]
    assert errors["required"] == ["error", "detail"]


@SCHEMA.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_server_answers_as_described(case, site):
    if "editor" not in site.tokens:
        site.blog("strike")  # something to find: a blog with an entry
        site.entry("strike", "50 hurt")
    case.call_and_validate(base_url=site.url, headers=site.headers("editor"), checks=CHECKS, timeout=10)
