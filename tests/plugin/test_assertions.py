"""assert_request_made / assert_webhook_delivered: matching, counts, and failure messages that
list what the sandbox did record."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.base.filters import EVERY_CALL, DeliveryFilter, JournalFilter
from mockserver.testing.assertions import assert_request_made, assert_webhook_delivered, contains

JOURNAL = [
    {
        "seq": 1,
        "vendor": "hitl",
        "method": "POST",
        "path": "/v1/api/loops",
        "status": 201,
        "query": {},
        "body": {"name": "Team", "icon": "x"},
    },
    {
        "seq": 2,
        "vendor": "hitl",
        "method": "GET",
        "path": "/v1/api/requests",
        "status": 200,
        "query": {"status": "pending"},
        "body": "",
    },
    {
        "seq": 3,
        "vendor": "hitl",
        "method": "POST",
        "path": "/v1/api/loops/abc/requests",
        "status": 429,
        "query": {},
        "body": {"request_text": "hi", "context": {"a": 1, "b": 2}},
    },
]
DELIVERED = "delivered"  # the default state of `ControlClient.assert_webhook_delivered`
DELIVERIES: list[dict[str, Any]] = [
    {
        "vendor": "hitl",
        "event": "request.claimed",
        "subject": "r1",
        "url": "http://h/1",
        "state": "delivered",
        "attempts": [{"status": 200}],
    },
    {
        "vendor": "hitl",
        "event": "request.completed",
        "subject": "r1",
        "url": "http://h/1",
        "state": "failed",
        "attempts": [{"status": 500}, {"status": None, "error": "reset"}],
    },
]


def test_calls_match_by_vendor_method_path_glob_status_and_body_subset() -> None:
    assert len(assert_request_made(JOURNAL, JournalFilter(method="post"), count=2)) == 2
    assert_request_made(JOURNAL, JournalFilter(path="/v1/api/loops/*/requests", status=429))
    assert_request_made(JOURNAL, EVERY_CALL, body={"context": {"a": 1}})
    assert_request_made(JOURNAL, JournalFilter(vendor="hitl"), count=None)
    assert_request_made(JOURNAL, JournalFilter(vendor="hive"), count=0)


def test_a_failed_call_assertion_lists_every_call() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_request_made(JOURNAL, JournalFilter(method="DELETE"), namespace="ns-1")
    message = str(caught.value)
    assert message.startswith("expected 1 call matching method='DELETE', found 0.")
    assert "API calls the sandbox received (namespace 'ns-1'), 3 in all:" in message
    assert "#2 hitl GET /v1/api/requests?status=pending -> 200" in message
    assert "#3 hitl POST /v1/api/loops/abc/requests -> 429" in message


def test_too_many_is_a_failure_too_and_an_empty_journal_says_so() -> None:
    with pytest.raises(AssertionError, match="expected 1 call matching method='POST', found 2"):
        assert_request_made(JOURNAL, JournalFilter(method="POST"))
    with pytest.raises(AssertionError, match=r"at least one call.*\n.*received: none\."):
        assert_request_made([], EVERY_CALL, count=None)


def test_deliveries_match_by_event_glob_state_and_subject() -> None:
    assert_webhook_delivered(DELIVERIES, DeliveryFilter(event="request.claimed", state=DELIVERED))
    assert_webhook_delivered(DELIVERIES, DeliveryFilter(event="request.*"), count=2)
    assert_webhook_delivered(
        DELIVERIES, DeliveryFilter(event="request.completed", state="failed", subject="r1")
    )
    with pytest.raises(AssertionError) as caught:
        assert_webhook_delivered(
            DELIVERIES, DeliveryFilter(event="request.completed", state=DELIVERED)
        )
    message = str(caught.value)
    assert "expected 1 webhook delivery matching event='request.completed' state='delivered'" in (
        message
    )
    assert "hitl request.completed (r1) -> http://h/1 [failed; attempts: 500, reset]" in message


def test_long_listings_are_cut() -> None:
    many = [dict(JOURNAL[1], seq=n) for n in range(80)]
    with pytest.raises(AssertionError, match=r"\.\.\. and 30 more"):
        assert_request_made(many, JournalFilter(method="PUT"))


def test_contains_is_a_recursive_subset() -> None:
    assert contains({"a": {"b": 1, "c": 2}, "d": 3}, {"a": {"b": 1}})
    assert not contains({"a": {"b": 1}}, {"a": {"b": 2}})
    assert not contains("text", {"a": 1})
    assert contains([1, 2], [1, 2])
