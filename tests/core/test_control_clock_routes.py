"""The clock routes as a test script uses them: advancing by a duration or by seconds, setting
a time (with or without a zone), changing the mode; the error a wrong body gets, and the log
line each change leaves (`event: clock`, with its namespace) for whoever reads the logs."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import MakeClient

BASE = 'clock: manual\nstart: "2026-03-01T12:00:00Z"\n'


def clock_lines(caplog: pytest.LogCaptureFixture) -> list[tuple[str, Any]]:
    return [
        (r.getMessage(), r.__dict__.get("namespace"))
        for r in caplog.records
        if r.__dict__.get("event") == "clock" and r.name == "mockserver.state"
    ]


async def test_each_clock_change_answers_and_logs_what_it_did(
    sandbox: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "mockserver")
    client = await sandbox(BASE)
    resp = await client.post("/_mockserver/clock/advance", json={"by": "90s"})
    assert (await resp.json())["fired"] == 0
    resp = await client.post("/_mockserver/clock/advance", json={"seconds": 30})
    body = await resp.json()
    assert (body["now"], body["fired"]) == ("2026-03-01T12:02:00Z", 0)
    resp = await client.post("/_mockserver/clock/set", json={"time": "2026-03-01T13:00:00"})
    body = await resp.json()  # no zone: UTC
    assert (body["now"], body["fired"]) == ("2026-03-01T13:00:00Z", 0)
    resp = await client.post("/_mockserver/clock/set", json={"time": "2026-03-01T15:00:00+01:00"})
    assert (await resp.json())["now"] == "2026-03-01T14:00:00Z"
    resp = await client.post(
        "/_mockserver/clock/mode",
        json={"mode": "manual"},
        headers={"X-Mockserver-Namespace": "team-a"},
    )
    assert resp.status == 200
    assert clock_lines(caplog) == [
        ("clock advanced by 90s: 0 timer(s) fired", ""),
        ("clock advanced by 30s: 0 timer(s) fired", ""),
        ("clock set to 2026-03-01T13:00:00Z: 0 timer(s) fired", ""),
        ("clock set to 2026-03-01T14:00:00Z: 0 timer(s) fired", ""),
        ("clock: manual", "team-a"),
    ]


@pytest.mark.parametrize(
    ("path", "body", "error"),
    [
        ("advance", {}, "give `by` (a duration like 90s, 2m, 1h) or `seconds`"),
        ("advance", {"by": None}, "give `by` (a duration like 90s, 2m, 1h) or `seconds`"),
        ("advance", {"by": "soon"}, "expected a duration like 30s, 2m or 1h, got 'soon'"),
        ("advance", {"seconds": 1e12}, "the clock cannot go past 9999-12-31T23:59:59Z"),
        (
            "set",
            {"time": "noon"},
            "`time` must be an ISO-8601 time like 2026-01-01T10:00:00Z, got 'noon'",
        ),
        (
            "set",
            {"time": "1969-12-31T23:00:00Z"},
            "the time must be between 1970-01-01 and 9999-12-31",
        ),
        (
            "mode",
            {"mode": "scaled", "scale": 1e7},
            "scale must be more than 0 and at most 1,000,000",
        ),
    ],
)
async def test_a_wrong_clock_body_is_a_400_saying_what_to_send(
    sandbox: MakeClient, path: str, body: dict[str, Any], error: str
) -> None:
    client = await sandbox(BASE)
    resp = await client.post(f"/_mockserver/clock/{path}", json=body)
    assert resp.status == 400
    assert (await resp.json())["error"] == error


async def test_a_clock_change_needs_a_body(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    for path in ("advance", "set", "mode"):
        resp = await client.post(f"/_mockserver/clock/{path}")
        assert resp.status == 400, path
        assert await resp.json() == {"error": "a JSON body is required"}, path


@pytest.fixture
def zone_far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time zone set to one far from UTC (as on a developer laptop)."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("zone_far_from_utc")
async def test_a_time_without_zone_is_utc_whatever_the_machines_zone(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    resp = await client.post("/_mockserver/clock/set", json={"time": "2026-03-01T13:00:00"})
    assert (await resp.json())["now"] == "2026-03-01T13:00:00Z"
