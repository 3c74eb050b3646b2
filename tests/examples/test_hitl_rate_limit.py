"""The hourly per-key budget: the call over it gets HITL.sh's 429, the next hour it resets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mockserver.testing import Sandbox, SandboxClock

from .conftest import Hitl

TOP_OF_THE_HOUR = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)

SMALL_BUDGET = {
    "clock": "manual",
    "start": "2026-01-05T09:30:00Z",
    "hitl": {
        "rate_limit": 3,
        "loops": [{"id": "65f1234567890abcdef12345", "name": "Content Moderation Team"}],
    },
}


@pytest.mark.mockserver_scenario(SMALL_BUDGET)
def test_the_fourth_call_in_an_hour_is_refused(
    hitl: Hitl, mockserver: Sandbox, mockserver_clock: SandboxClock
) -> None:
    for left in (2, 1, 0):
        ok = hitl.create_request("Review me")
        assert ok.status_code == 201
        assert ok.headers["X-RateLimit-Remaining"] == str(left)

    refused = hitl.create_request("Review me")
    assert refused.status_code == 429
    assert refused.json()["error"] is True
    assert refused.json()["msg"] == "API rate limit exceeded"
    assert refused.json()["data"]["usage_limit"] == 3
    assert int(refused.headers["X-RateLimit-Reset"]) == TOP_OF_THE_HOUR.timestamp()
    assert int(refused.headers["Retry-After"]) == 30 * 60

    mockserver.assert_request_made(method="POST", status=201, count=3)
    mockserver.assert_request_made(method="POST", status=429)

    mockserver_clock.advance("30m")
    assert hitl.create_request("Review me").status_code == 201
