"""The same from httpx, for projects that use it (httpx is a dev dependency: this always runs)."""

from __future__ import annotations

import httpx
import pytest

from mockserver.testing import Sandbox


@pytest.mark.mockserver_scenario(
    {"clock": "manual", "hitl": {"keys": ["sk-httpx"], "rate_limit": 10}}
)
def test_httpx_client_checks_its_key(mockserver: Sandbox) -> None:
    headers = {"Authorization": "Bearer sk-httpx", **mockserver.headers}
    with httpx.Client(base_url=mockserver.url_for("hitl"), headers=headers) as client:
        answer = client.get("/test")
        assert answer.status_code == 200
        assert answer.json()["data"]["rate_limit"]["limit"] == 10
        refused = client.get("/test", headers={"Authorization": "Bearer wrong"})
        assert refused.status_code == 401
    mockserver.assert_request_made(path="/v1/test", count=2)
    mockserver.assert_request_made(path="/v1/test", status=401)
