"""Nobody answers: at timeout_at the request times out and the default response applies."""

from __future__ import annotations

import pytest

from mockserver.testing import ReceiverEndpoint, Sandbox, SandboxClock

from .conftest import Hitl

NOBODY_ANSWERS = """
clock: manual
hitl:
  loops:
    - {id: 65f1234567890abcdef12345, name: Content Moderation Team}
  webhooks:
    - {url: "${webhook_url}", secret: "${webhook_secret}", events: [request.timeout]}
"""


@pytest.mark.mockserver_scenario(NOBODY_ANSWERS)
def test_timeout_applies_the_default_response(
    hitl: Hitl,
    mockserver: Sandbox,
    mockserver_clock: SandboxClock,
    webhook_receiver: ReceiverEndpoint,
) -> None:
    created = hitl.create_request("Is this allowed?", timeout_seconds=120)
    request_id = created.json()["data"]["request_id"]
    assert hitl.get_response(request_id).status_code == 202  # not ready yet

    mockserver_clock.advance("119s")
    assert hitl.get_request(request_id)["status"] == "pending"
    mockserver_clock.advance("1s")

    assert hitl.get_request(request_id)["status"] == "timeout"
    answer = hitl.get_response(request_id)
    assert answer.status_code == 200
    assert answer.json()["data"]["response_data"] == "❌ Reject - Violates guidelines"
    assert answer.json()["data"]["is_default_response"] is True

    (hook,) = webhook_receiver.received
    assert hook.event == "request.timeout" and hook.verified
    mockserver.assert_webhook_delivered("request.timeout", subject=request_id)
    mockserver.assert_webhook_delivered("request.completed", count=0)
