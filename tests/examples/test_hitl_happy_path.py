"""A request is claimed and answered by the scripted reviewer; our webhook endpoint gets both
events, correctly signed."""

from __future__ import annotations

import pytest

from mockserver.testing import ReceiverEndpoint, Sandbox, SandboxClock

from .conftest import Hitl

pytestmark = pytest.mark.mockserver_scenario("scenarios/moderation.yaml")


def test_reviewer_rejects_crypto_spam(
    hitl: Hitl,
    mockserver: Sandbox,
    mockserver_clock: SandboxClock,
    webhook_receiver: ReceiverEndpoint,
) -> None:
    created = hitl.create_request("Buy crypto now!!! Link in bio")
    assert created.status_code == 201
    request_id = created.json()["data"]["request_id"]
    assert hitl.get_request(request_id)["status"] == "pending"

    mockserver_clock.advance("30s")
    assert hitl.get_request(request_id)["status"] == "claimed"

    mockserver_clock.advance("2m")
    request = hitl.get_request(request_id)
    assert request["status"] == "completed"
    assert request["response_data"] == "❌ Reject - Violates guidelines"

    assert webhook_receiver.events == ["request.claimed", "request.completed"]
    webhook_receiver.assert_all_verified()
    completed = webhook_receiver.received[-1].json()
    assert completed["data"]["request"]["id"] == request_id
    assert completed["data"]["reviewer"]["email"] == "dana@example.com"

    mockserver.assert_request_made(vendor="hitl", method="POST", path="/v1/api/loops/*/requests")
    mockserver.assert_webhook_delivered("request.completed", url=webhook_receiver.url)


def test_other_content_is_approved(
    hitl: Hitl,
    mockserver: Sandbox,
    mockserver_clock: SandboxClock,
    webhook_receiver: ReceiverEndpoint,
) -> None:
    created = hitl.create_request("Lovely photo of my cat")
    request_id = created.json()["data"]["request_id"]

    mockserver_clock.advance("10m")

    assert hitl.get_request(request_id)["response_data"] == "✅ Approve - Follows guidelines"
    assert webhook_receiver.wait(2) and webhook_receiver.all_verified
    mockserver.assert_webhook_delivered("request.*", count=2)


def test_a_reviewer_acting_from_the_test(
    hitl: Hitl,
    mockserver: Sandbox,
    mockserver_clock: SandboxClock,
    webhook_receiver: ReceiverEndpoint,
) -> None:
    """No scripted timing needed: the test itself plays the reviewer."""
    request_id = hitl.create_request("Check this comment").json()["data"]["request_id"]

    mockserver.control.act("hitl", request_id, {"respond": {"choose": 1, "by": "sam@example.com"}})

    assert mockserver.wait_for_status("hitl", request_id, "completed") == "completed"
    hook = webhook_receiver.wait(1, event="request.completed")[0]
    answer = hook.json()["data"]["request"]["response_data"]
    assert hook.verified and answer == "❌ Reject - Violates guidelines"
