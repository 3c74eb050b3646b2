"""Fuzz the sandbox with the vendor's own HITL.sh OpenAPI file (tests/data/hitl-openapi.json, a
copy of api-reference/openapi.json in github.com/hitl-sh/docs.hitl.sh @0e23b17, where the pages
cited by path below are too), with the relaxations the HITL OpenAPI tests document: whatever a
client written from that file sends, the sandbox never answers 5xx, every status it answers is
one the file lists, and every answer fits the file's schema.

The file's schemas are relaxed where they contradict the file's own examples (RELAXATIONS in
tests/vendors/hitl/test_api_openapi.py); the statuses are patched below (STATUS_PATCHES) where
the vendor's docs list a status the file leaves out. Nothing else is changed."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from mockserver.testing.server import InProcessServer
from tests.vendors.hitl.test_api_openapi import load_spec

from .support import HITL_KEY, both_modes, operation
from .test_fuzz_hitl import known_ids

# (method, path, status the file leaves out, the vendor document that lists it)
STATUS_PATCHES = [
    # Malformed ids: api-reference/loops/get-loop.mdx: 400 "Invalid loop ID format".
    ("get", "/loops/{id}", "400", "get-loop.mdx: a malformed loop id is a 400"),
    ("delete", "/loops/{id}", "400", "get-loop.mdx: a malformed loop id is a 400"),
    ("get", "/loops/{id}/members", "400", "get-loop.mdx: a malformed loop id is a 400"),
    ("get", "/requests/{id}", "400", "get-loop.mdx: a malformed id is a 400"),
    ("get", "/loops/{loopId}/requests", "400", "get-loop.mdx: a malformed loop id is a 400"),
    # Bad filters: api-reference/requests/get-requests.mdx: 400 "Invalid status filter value"
    # and "Invalid pagination parameters".
    ("get", "/requests", "400", "get-requests.mdx: a bad filter or page is a 400"),
]


def patched_spec() -> dict[str, Any]:
    spec = load_spec()
    for method, template, status, _why in STATUS_PATCHES:
        responses = spec["paths"][template][method]["responses"]
        assert status not in responses, f"{method} {template} documents {status}: drop the patch"
        responses[status] = {"$ref": "#/components/responses/BadRequest"}
    return spec


SPEC = patched_spec()
SCHEMA = schemathesis.openapi.from_dict(SPEC)
CASES = [
    (method.upper(), template)
    for template, item in SPEC["paths"].items()
    for method in ("get", "put", "post", "delete", "patch")
    if method in item
]


@pytest.mark.parametrize(("method", "template"), CASES)
def test_fuzz_with_the_vendors_file(
    live: InProcessServer,
    session: requests.Session,
    namespace: dict[str, str],
    method: str,
    template: str,
) -> None:
    headers = {"Authorization": f"Bearer {HITL_KEY}", **namespace}
    ids = known_ids(live.url, session, headers, template)
    by_name = {
        "loopId": ids["loop_id"],
        "userId": ids["user_id"],
        "id": ids["request_id"] if template.startswith("/requests") else ids["loop_id"],
    }
    known = {name: value for name, value in by_name.items() if f"{{{name}}}" in template}
    both_modes(
        operation(SCHEMA, method, template),
        live.url + "/v1",
        session,
        headers=headers,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
        known=known or None,
    )
