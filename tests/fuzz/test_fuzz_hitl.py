"""Fuzz every HITL.sh operation, at both path forms, against the sandbox's own description: no
5xx, every status documented, every answer as the description says."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from mockserver.testing.server import InProcessServer

from .support import HITL_KEY, OWN_CHECKS, both_modes, labels, load, operation

SCHEMA = load("hitl")
AUTH = {"Authorization": f"Bearer {HITL_KEY}"}
CASES = [
    (server, method, template)
    for method, template in labels("hitl")
    for server in (("/v1",) if template == "/test" else ("/v1/api", "/v1"))
]


def _json(response: requests.Response, status: int) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def known_ids(
    url: str, session: requests.Session, headers: dict[str, str], template: str
) -> dict[str, str]:
    """A loop of this key's, one of its reviewers, and a request: pending, or completed for the
    operations that need an answer (feedback, response)."""
    api = f"{url}/v1/api"
    created = session.post(f"{api}/loops", json={"name": "Fuzz"}, headers=headers)
    loop = _json(created, 201)["data"]["loop"]
    members = [m["user_id"] for m in loop["members"]]
    made = session.post(
        f"{api}/loops/{loop['id']}/requests",
        json={"request_text": "Fuzz me", "response_type": "text", "response_config": {}},
        headers=headers,
    )
    request_id = _json(made, 201)["data"]["request_id"]
    if template.endswith(("/feedback", "/response")):
        act = session.post(
            f"{url}/_mockserver/items/hitl/{request_id}",
            json={"respond": {"text": "Fine"}},
            headers=headers,
        )
        _json(act, 200)
    return {"loop_id": loop["id"], "user_id": members[-1], "request_id": str(request_id)}


@pytest.mark.parametrize(("server", "method", "template"), CASES)
def test_fuzz_hitl(
    live: InProcessServer,
    session: requests.Session,
    namespace: dict[str, str],
    server: str,
    method: str,
    template: str,
) -> None:
    headers = {**AUTH, **namespace}
    ids = known_ids(live.url, session, headers, template)
    op = operation(SCHEMA, method, template)
    known = {p: ids[p] for p in ("loop_id", "user_id", "request_id") if f"{{{p}}}" in template}
    seen = both_modes(
        op, live.url + server, session, headers=headers, checks=OWN_CHECKS, known=known or None
    )
    assert any(200 <= status < 300 for status in seen), seen
