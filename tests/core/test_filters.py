"""The journal and delivery filters: read from a query string (with the control plane's 400
messages), written back to one, and matched against stored entries and their JSON alike."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from mockserver.base.filters import (
    DeliveryFields,
    DeliveryFilter,
    FilterError,
    JournalFields,
    JournalFilter,
)
from mockserver.records.journal import Journal, JournalEntry
from mockserver.webhooks.deliveries import Delivery
from mockserver.webhooks.policy import RetryPolicy

from .conftest import MakeClient


def call(vendor: str, method: str, path: str, status: int) -> JournalEntry:
    return JournalEntry(
        seq=0,
        at="2026-01-01T00:00:00Z",
        vendor=vendor,
        method=method,
        path=path,
        query="",
        headers={},
        body=b"{}",
        status=status,
    )


def delivery(vendor: str, event: str, url: str, state: Any, subject: str | None) -> Delivery:
    return Delivery(
        id=f"d-{event}",
        vendor=vendor,
        event=event,
        url=url,
        headers={},
        body=b"{}",
        policy=RetryPolicy((1.0,)),
        created=1_767_225_600.0,  # 2026-01-01T00:00:00Z
        subject=subject,
        state=state,
    )


def journal() -> Journal:
    logged = Journal(10)
    logged.append(call("hitl", "POST", "/v1/api/loops", 201))
    logged.append(call("hive", "GET", "/api/v1/task", 404))
    logged.append(call("outharm", "POST", "/moderation/manual", 201))
    return logged


DELIVERIES = [
    delivery("hitl", "request.completed", "http://127.0.0.1:9/hook", "delivered", "r1"),
    delivery("hive", "task.done", "http://127.0.0.1:9/other", "failed", "t1"),
]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (JournalFilter(), ["hitl", "hive", "outharm"]),
        (JournalFilter(vendor="hive"), ["hive"]),
        (JournalFilter(method="get"), ["hive"]),  # any case
        (JournalFilter(path="/api/*"), ["hive"]),  # a glob, anchored at both ends
        (JournalFilter(path="/v1/api/loops/*"), []),
        (JournalFilter(status=201), ["hitl", "outharm"]),
        (JournalFilter(since=1), ["hive", "outharm"]),
        (JournalFilter(method="POST", status=201, since=2), ["outharm"]),  # every field holds
    ],
)
def test_a_journal_filter_matches_stored_calls_and_their_json_alike(
    where: JournalFilter, expected: list[str]
) -> None:
    stored = journal()
    assert [e.vendor for e in stored.query(where)] == expected
    as_json = [e.to_json() for e in stored]
    assert [e["vendor"] for e in as_json if where.matches_json(e)] == expected


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (DeliveryFilter(), ["hitl", "hive"]),
        (DeliveryFilter(vendor="hitl"), ["hitl"]),
        (DeliveryFilter(event="request.*"), ["hitl"]),
        (DeliveryFilter(url="*/other"), ["hive"]),
        (DeliveryFilter(state="failed"), ["hive"]),
        (DeliveryFilter(subject="r1"), ["hitl"]),
        (DeliveryFilter(vendor="hitl", state="failed"), []),
    ],
)
def test_a_delivery_filter_matches_deliveries_and_their_json_alike(
    where: DeliveryFilter, expected: list[str]
) -> None:
    assert [d.vendor for d in DELIVERIES if where.matches(d)] == expected
    assert [d["vendor"] for d in (d.to_json() for d in DELIVERIES) if where.matches_json(d)] == (
        expected
    )


def test_json_without_a_field_matches_no_value_given_for_it() -> None:
    assert not JournalFilter(since=1).matches_json({"vendor": "hitl"})
    assert not JournalFilter(path="/v1/*").matches_json({"vendor": "hitl"})
    assert JournalFilter(vendor="hitl").matches_json({"vendor": "hitl"})
    assert not DeliveryFilter(event="*").matches_json({"vendor": "hitl"})


def test_filters_go_to_a_query_string_and_back() -> None:
    call_filter = JournalFilter(vendor="hitl", method="post", path="/v1/*", status=201, since=3)
    assert call_filter.to_query() == {
        "vendor": "hitl",
        "method": "post",
        "path": "/v1/*",
        "status": "201",
        "since": "3",
    }
    assert JournalFilter.from_query(call_filter.to_query()) == call_filter
    assert JournalFilter().to_query() == {}  # nothing filtered, nothing sent
    sent = DeliveryFilter(event="request.*", vendor="hitl", url="http://h/*", state="failed")
    assert DeliveryFilter.from_query(sent.to_query()) == sent
    assert DeliveryFilter.from_query({"subject": "r1", "other": "x"}) == DeliveryFilter(
        subject="r1"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "ok"}, "query parameter 'status' must be a whole number, got 'ok'"),
        ({"status": "99"}, "query parameter 'status' must be from 100 to 599, got '99'"),
        ({"status": "600"}, "query parameter 'status' must be from 100 to 599, got '600'"),
        ({"since": "-1"}, "query parameter 'since' must be 0 or more, got '-1'"),
        ({"since": "1.5"}, "query parameter 'since' must be a whole number, got '1.5'"),
    ],
)
def test_a_bad_journal_filter_value_says_what_it_must_be(
    query: dict[str, str], message: str
) -> None:
    with pytest.raises(FilterError) as caught:
        JournalFilter.from_query(query)
    assert str(caught.value) == message


@pytest.mark.parametrize("path", ["/journal", "/wait/journal"])
async def test_the_control_plane_answers_a_bad_filter_with_400(
    sandbox: MakeClient, path: str
) -> None:
    client = await sandbox("name: x\n")
    resp = await client.get(f"/_mockserver{path}?status=99&timeout=0")
    assert resp.status == 400
    assert (await resp.json()) == {
        "error": "query parameter 'status' must be from 100 to 599, got '99'"
    }


def test_the_keyword_forms_name_the_same_fields() -> None:
    """The testing API's keyword arguments (`JournalFields`, `DeliveryFields`) are the filters'
    fields, so a keyword added to one is added to the other."""
    assert list(JournalFields.__annotations__) == [f.name for f in fields(JournalFilter)]
    assert set(DeliveryFields.__optional_keys__) == {f.name for f in fields(DeliveryFilter)}
