"""The journal's entries as the control API shows them, its filters, and the hourly rate
limit's counting and refunds: the exact contract, unit by unit."""

from __future__ import annotations

from typing import Any

from mockserver.base.filters import JournalFilter
from mockserver.base.ratelimit import RateLimiter
from mockserver.records.journal import BODY_LIMIT, Journal, JournalEntry

HOUR = 3600.0
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z, the top of an hour


def entry(
    vendor: str = "hitl",
    body: bytes = b'{"a": 1}',
    *,
    method: str = "POST",
    path: str = "/v1/api/loops",
    status: int = 201,
) -> JournalEntry:
    return JournalEntry(
        seq=0,
        at="2026-01-01T00:00:00Z",
        vendor=vendor,
        method=method,
        path=path,
        query="limit=2",
        headers={"Authorization": "Bearer k", "Cookie": "c=1", "X-Trace": "t"},
        body=body,
        status=status,
        duration_ms=1.23456,
        answer=b'{"ok": true}',
    )


def test_an_entry_as_the_control_api_shows_it() -> None:
    journal = Journal(10)
    journal.append(entry())
    (shown,) = [e.to_json() for e in journal.query()]
    assert shown == {
        "seq": 1,
        "at": "2026-01-01T00:00:00Z",
        "vendor": "hitl",
        "method": "POST",
        "path": "/v1/api/loops",
        "query": {"limit": "2"},
        # The sandbox's choice (docs/fidelity.md, All vendors): credentials are shown
        # as fingerprints (scheme kept, 8 hex digits of the value's SHA-256).
        "headers": {
            "Authorization": "Bearer <redacted:8254c329>",
            "Cookie": "<redacted:682607c9>",
            "X-Trace": "t",
        },
        "body": {"a": 1},
        "status": 201,
        "duration_ms": 1.235,
        "lenience": [],  # what the call got that the real service would refuse (none here)
        "response": {"ok": True},  # the answer the client got
    }


def test_a_body_that_is_not_json_or_not_utf8_is_shown_as_text() -> None:
    assert entry(body=b"plain words").body_json() == "plain words"
    assert entry(body=b"caf\xe9").body_json() == "caf\ufffd"  # replaced, never an error
    big = entry(body=b"x" * (BODY_LIMIT + 10)).body_json()
    assert big == "x" * BODY_LIMIT


def test_query_filters_by_vendor_method_path_status_and_sequence() -> None:
    journal = Journal(10)
    journal.append(entry("hitl"))
    journal.append(entry("hive", method="GET", path="/api/v1/task", status=404))
    journal.append(entry("outharm"))

    def vendors(**filters: Any) -> list[str]:
        return [e.vendor for e in journal.query(JournalFilter(**filters))]

    assert vendors() == ["hitl", "hive", "outharm"]
    assert vendors(vendor="hive") == ["hive"]
    assert vendors(method="get") == ["hive"]
    assert vendors(path="/api/*") == ["hive"]
    assert vendors(status=201) == ["hitl", "outharm"]
    assert vendors(since=1) == ["hive", "outharm"]


def test_the_budget_counts_calls_per_key_and_resets_on_the_hour() -> None:
    limiter = RateLimiter(2)
    first = limiter.hit("k", START + 10)
    assert (first.limit, first.used, first.remaining, first.allowed) == (2, 1, 1, True)
    assert first.reset_at == START + HOUR
    assert limiter.peek("k", START + 20).allowed
    assert limiter.hit("k", START + 20).allowed
    spent = limiter.peek("k", START + 30)
    assert (spent.used, spent.remaining, spent.allowed) == (2, 0, False)
    refused = limiter.hit("k", START + 30)
    assert (refused.used, refused.allowed) == (2, False)
    assert limiter.hit("other", START + 30).allowed  # every key has its own budget
    fresh = limiter.peek("k", START + HOUR)
    assert (fresh.used, fresh.allowed, fresh.reset_at) == (0, True, START + 2 * HOUR)


def test_a_refund_gives_one_call_back_and_never_goes_below_zero() -> None:
    limiter = RateLimiter(3)
    for _ in range(3):
        limiter.hit("k", START)
    limiter.refund("k", START)
    assert limiter.peek("k", START).used == 2
    limiter.refund("other", START)
    assert limiter.peek("other", START).used == 0
    assert limiter.peek("k", START).used == 2  # another key's refund changes nothing here


def test_unchanged_says_what_peek_would_compared_with_the_counted_budget() -> None:
    """`unchanged` (each answer's check) agrees with peeking and comparing, whatever happened
    since the count: nothing, a refund, another call, a new window, another key."""
    events = ["none", "refund", "hit", "next_window", "other_key"]
    for event in events:
        limiter = RateLimiter(5)
        limiter.hit("k", START)
        counted = limiter.hit("k", START + 1)
        now = START + 2
        if event == "refund":
            limiter.refund("k", now)
        elif event == "hit":
            limiter.hit("k", now)
        elif event == "next_window":
            now = START + HOUR + 2
        elif event == "other_key":
            limiter.hit("other", now)
        seen = limiter.peek("k", now)
        expected = (seen.used, seen.reset_at) == (counted.used, counted.reset_at)
        assert limiter.unchanged("k", counted, now) is expected, event
        assert expected is (event in ("none", "other_key")), event
    assert not RateLimiter(5).unchanged("never", counted, START)
