"""The same sandbox from async code: aiohttp for the vendor calls, `acontrol` for the sandbox
(its calls run in a thread, so waiting never blocks the test's event loop)."""

from __future__ import annotations

import aiohttp
import pytest

from mockserver.testing import ReceiverEndpoint, Sandbox, SandboxClock

pytestmark = pytest.mark.mockserver_scenario("scenarios/moderation.yaml")

REQUEST = {
    "request_text": "Free crypto giveaway",
    "response_type": "single_select",
    "response_config": {
        "options": ["✅ Approve - Follows guidelines", "❌ Reject - Violates guidelines"]
    },
    "default_response": "❌ Reject - Violates guidelines",
    "timeout_seconds": 3600,
}


async def test_async_client_sees_the_decision(
    mockserver: Sandbox, mockserver_clock: SandboxClock, webhook_receiver: ReceiverEndpoint
) -> None:
    headers = {"Authorization": "Bearer sk-example-key", **mockserver.headers}
    async with aiohttp.ClientSession(mockserver.url, headers=headers) as http:
        async with http.post(
            "/v1/api/loops/65f1234567890abcdef12345/requests", json=REQUEST
        ) as resp:
            assert resp.status == 201
            request_id = (await resp.json())["data"]["request_id"]

        await mockserver.acontrol.advance("3m")
        assert await mockserver.acontrol.wait_for_status("hitl", request_id, "completed")

        async with http.get(f"/v1/api/requests/{request_id}") as resp:
            request = (await resp.json())["data"]["request"]
    assert request["response_data"] == "❌ Reject - Violates guidelines"
    await mockserver.acontrol.assert_webhook_delivered("request.completed")
    assert webhook_receiver.all_verified
