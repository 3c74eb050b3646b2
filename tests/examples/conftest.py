"""What a user's conftest adds on top of the mockserver plugin: a HITL.sh client pointed at the
sandbox. It sends `mockserver.headers` so the suite stays isolated when it runs against one
shared sandbox (MOCKSERVER_URL) under pytest-xdist; in-process that dict is empty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from mockserver.testing import Sandbox

API_KEY = "sk-example-key"
LOOP_ID = "65f1234567890abcdef12345"
OPTIONS = [
    "✅ Approve - Follows guidelines",
    "❌ Reject - Violates guidelines",
]


class Hitl:
    """The few HITL.sh calls our application makes (as in the vendor's quickstart)."""

    def __init__(self, base_url: str, session: requests.Session) -> None:
        self.base_url = base_url
        self.session = session

    def create_request(self, text: str, **fields: object) -> requests.Response:
        body = {
            "request_text": text,
            "response_type": "single_select",
            "response_config": {"options": OPTIONS},
            "default_response": OPTIONS[1],
            "timeout_seconds": 3600,
            "priority": "medium",
            "processing_type": "time-sensitive",
            **fields,
        }
        return self.session.post(f"{self.base_url}/api/loops/{LOOP_ID}/requests", json=body)

    def get_request(self, request_id: str) -> dict[str, object]:
        resp = self.session.get(f"{self.base_url}/api/requests/{request_id}")
        resp.raise_for_status()
        request: dict[str, object] = resp.json()["data"]["request"]
        return request

    def get_response(self, request_id: str) -> requests.Response:
        return self.session.get(f"{self.base_url}/api/requests/{request_id}/response")


@pytest.fixture
def hitl(mockserver: Sandbox) -> Iterator[Hitl]:
    with requests.Session() as session:
        session.headers.update({"Authorization": f"Bearer {API_KEY}", **mockserver.headers})
        yield Hitl(mockserver.url_for("hitl"), session)
