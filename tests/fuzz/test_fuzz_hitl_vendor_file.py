"""Fuzz the sandbox with the vendor's own HITL.sh OpenAPI file (tests/data/hitl-openapi.json, a
copy of ../shared/reference/hitl-openapi.json), with the relaxations the HITL OpenAPI tests
document: whatever a client written from that file sends, the sandbox never answers 5xx.

Only `not_a_server_error` is checked here: the vendor's file contradicts its own examples
(tests/vendors/hitl/test_api_openapi.py), and the sandbox's own description is checked in full
by test_fuzz_hitl.py."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error

from mockserver.testing.server import InProcessServer
from tests.vendors.hitl.test_api_openapi import load_spec

from .support import HITL_KEY, both_modes, operation
from .test_fuzz_hitl import known_ids

SPEC = load_spec()
SCHEMA = schemathesis.openapi.from_dict(load_spec())
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
        checks=[not_a_server_error],
        known=known or None,
    )
