"""The webhook dispatcher on its own: a delivery as the control API shows it, the bounded log
and its index, the retry policy's verdicts, filters, redelivery, and shutdown on a running
clock. Receivers are scenario fakes (`faults: webhook`) or a local aiohttp app."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from mockserver.base.filters import DeliveryFilter
from mockserver.base.ids import IdFactory
from mockserver.records.clock import Clock
from mockserver.records.notifier import Notifier
from mockserver.scenario.model import WebhookFault
from mockserver.webhooks.dispatcher import AT_SHUTDOWN, Dispatcher
from mockserver.webhooks.policy import DEFAULT_POLICY, RetryPolicy
from tests.support.polling import until

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
URL = "http://127.0.0.1:9/hook"
POLICY = RetryPolicy((15.0, 60.0), timeout=2.0)


def dispatcher(
    *answers: int | str, cap: int = 10, mode: str = "manual", url: str = URL
) -> tuple[Dispatcher, Clock, list[aiohttp.ClientSession]]:
    clock = Clock(START, mode, 1000.0)  # type: ignore[arg-type]
    sessions: list[aiohttp.ClientSession] = []

    def session() -> aiohttp.ClientSession:
        if not sessions:
            sessions.append(aiohttp.ClientSession())
        return sessions[0]

    faults = (WebhookFault(url, tuple(answers)),) if answers else ()
    return (
        Dispatcher(clock, IdFactory(random.Random(1)), Notifier(), session, cap, faults),
        clock,
        sessions,
    )


def send(d: Dispatcher, body: bytes = b'{"event": "e"}', **kw: Any) -> Any:
    fields: dict[str, Any] = {
        "vendor": "hitl",
        "event": "request.completed",
        "url": URL,
        "body": body,
        "headers": {"X-Sig": "s"},
        "policy": POLICY,
        "subject": "r1",
        **kw,
    }
    return d.send(**fields)


async def test_a_delivery_as_the_control_api_shows_it() -> None:
    d, clock, _ = dispatcher(500, 200)
    delivery = send(d)
    await clock.advance(0)
    shown = delivery.to_json()
    assert shown["next_attempt_at"] == "2026-01-01T00:00:15Z"
    await clock.advance(15)
    shown = delivery.to_json()
    for attempt in shown["attempts"]:
        assert isinstance(attempt.pop("duration_ms"), float)
    assert shown == {
        "id": delivery.id,
        "vendor": "hitl",
        "event": "request.completed",
        "subject": "r1",
        "url": URL,
        "headers": {"Content-Type": "application/json", "X-Sig": "s"},
        "body": '{"event": "e"}',
        "payload": {"event": "e"},
        "state": "delivered",
        "attempts": [
            {
                "number": 1,
                "at": "2026-01-01T00:00:00Z",
                "status": 500,
                "error": None,
                "simulated": True,
                "answer": None,
                "answer_truncated": False,
                "location": None,
            },
            {
                "number": 2,
                "at": "2026-01-01T00:00:15Z",
                "status": 200,
                "error": None,
                "simulated": True,
                "answer": None,
                "answer_truncated": False,
                "location": None,
            },
        ],
        "next_attempt_at": None,
        "created_at": "2026-01-01T00:00:00Z",
        "redelivery_of": None,
        "abandoned_reason": None,
    }


def test_a_body_that_is_not_json_is_shown_as_text() -> None:
    d, _, _ = dispatcher()
    delivery = send(d, body=b"caf\xe9 plain")
    assert delivery.payload() == "caf\ufffd plain"
    assert delivery.to_json()["body"] == "caf\ufffd plain"


def test_the_log_keeps_the_newest_deliveries_and_forgets_the_rest_by_id() -> None:
    d, _, _ = dispatcher(cap=2)
    first, second, third = (send(d) for _ in range(3))
    assert d.get(first.id) is None
    assert (d.get(second.id), d.get(third.id)) == (second, third)
    assert (d.log.total, d.log.dropped) == (3, 1)
    one, _, _ = dispatcher(cap=1)
    a, b = send(one), send(one)
    assert (one.get(a.id), one.get(b.id)) == (None, b)
    none, _, _ = dispatcher(cap=0)
    assert none.get(send(none).id) is None


@pytest.mark.parametrize(
    ("status", "delivered", "retryable"),
    [
        *((200, True, False), (204, True, False), (299, True, False), (300, False, True)),
        *((404, False, False), (408, False, True), (429, False, True), (500, False, True)),
    ],
)
def test_the_documented_policy(status: int, delivered: bool, retryable: bool) -> None:
    # github.com/hitl-sh/docs.hitl.sh api-reference/webhooks.mdx @0e23b17 ("Retry Logic"): 2xx
    # success, 4xx final except 408 and 429, 5xx retried; a 3xx is retried too, since redirects are
    # never followed (docs/fidelity.md).
    assert DEFAULT_POLICY.delivered(status) is delivered
    if not delivered:
        assert DEFAULT_POLICY.retryable(status) is retryable
    assert DEFAULT_POLICY.retryable(None)  # a network error or timeout


def test_a_200_only_policy_retries_everything_else() -> None:
    # Hive's action callbacks: anything but 200 counts as failed (docs/fidelity.md).
    strict = RetryPolicy((10.0,), success_only_200=True)
    assert strict.delivered(200) and not strict.delivered(201)
    assert strict.retryable(404) and strict.retryable(201)


async def test_a_final_4xx_fails_and_retries_stop_when_the_schedule_runs_out() -> None:
    d, clock, _ = dispatcher(404, 500, 500, 500)
    final = send(d)
    await clock.advance(0)
    assert (final.state, len(final.attempts)) == ("failed", 1)
    exhausted = send(d)
    await clock.advance(100)
    assert (exhausted.state, len(exhausted.attempts)) == ("failed", 3)


async def test_query_filters_and_redelivery() -> None:
    d, clock, _ = dispatcher(200, 200, 200, url="*")  # every receiver faked
    first = send(d)
    send(d, vendor="hive", event="task.done", url="http://127.0.0.1:9/other", subject="t1")
    await clock.advance(0)

    def ids(**filters: Any) -> list[str]:
        return [x.id for x in d.query(DeliveryFilter(**filters))]

    assert ids(vendor="hitl") == ids(event="request.*") == ids(subject="r1") == [first.id]
    assert ids(url="*/hook") == [first.id]
    assert (len(ids(state="delivered")), ids(state="failed")) == (2, [])
    again = d.redeliver(first)
    assert again.redelivery_of == first.id
    assert again.headers == first.headers  # one Content-Type, not two
    assert (again.body, again.subject, again.event) == (first.body, "r1", first.event)
    await clock.advance(0)
    assert again.state == "delivered"


async def test_unusable_and_unreachable_receivers_are_recorded_as_errors() -> None:
    d, clock, sessions = dispatcher()
    try:
        bad = send(d, url="http://[::1/hook")  # an unclosed IPv6 bracket
        closed = send(d, url="http://127.0.0.1:9/closed")
        await clock.advance(0)
    finally:
        for s in sessions:
            await s.close()
    # refused before any connection, and not retried: the URL will not get better
    assert bad.attempts[0].error == "invalid URL: it cannot be parsed (Invalid IPv6 URL)"
    assert bad.state == "failed"
    assert closed.attempts[0].error.startswith("ClientConnectorError: ")


async def test_on_a_running_clock_attempts_run_as_tasks_and_shutdown_settles_them(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
) -> None:
    hold = asyncio.Event()
    arrived = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        arrived.set()
        await asyncio.wait_for(hold.wait(), 10)
        return web.Response()

    app = web.Application()
    app.router.add_post("/slow", slow)
    server = await aiohttp_server(app)
    url = str(server.make_url("/slow"))
    d, clock, sessions = dispatcher(mode="scaled", url=url)
    clock.start()
    try:
        held = send(d, url=url)
        queued = send(d, url=url)  # the same receiver: waits for the first, in order
        await asyncio.wait_for(arrived.wait(), 10)
        await d.drain(0.05)  # shutdown: the attempt in flight is stopped after the grace
        assert held.attempts == [] and held.state == "pending"  # stopped mid-attempt
        assert d.abandon_pending() == 2
        assert (held.state, queued.state) == ("abandoned", "abandoned")
        assert d.abandon_pending() == 0
    finally:
        hold.set()
        await clock.stop()
        for s in sessions:
            await s.close()


async def test_queued_attempts_are_no_tasks_and_shutdown_stops_only_the_one_sending(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
) -> None:
    """A busy receiver under load has thousands of attempts queued behind it. Each was once a
    task waiting on a lock (kilobytes apiece, and cancelling a lock's waiter costs the queue's
    length: `docker stop` waited ten seconds). Queued attempts are entries in the receiver's
    queue: one worker sends to the one URL, and at shutdown only that attempt is stopped."""
    hold = asyncio.Event()
    arrived = asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        arrived.set()
        await asyncio.wait_for(hold.wait(), 10)
        return web.Response()

    app = web.Application()
    app.router.add_post("/hang", hang)
    server = await aiohttp_server(app)
    url = str(server.make_url("/hang"))
    d, clock, sessions = dispatcher(mode="scaled", url=url, cap=500)
    clock.start()
    try:
        deliveries = [send(d, url=url) for _ in range(300)]
        await asyncio.wait_for(arrived.wait(), 10)
        await until(
            lambda: not any(t.label == "webhook" for t in clock.pending()), "every attempt queued"
        )
        assert d._sender.workers() == 1  # one URL: one attempt at a time, the rest queued
        assert d._sender.waiting() == len(deliveries)
        before = len(asyncio.all_tasks())
        started = time.perf_counter()
        await d.drain(0.05)
        assert time.perf_counter() - started < 1.0
        assert d._sender.workers() == 0 and len(asyncio.all_tasks()) == before - 1
        assert [x.attempts for x in deliveries[:2]] == [[], []]  # stopped mid-attempt; queued
        assert d.abandon_pending() == len(deliveries)  # nothing lost: all recorded
        assert {x.abandoned_reason for x in deliveries} == {AT_SHUTDOWN}
    finally:
        hold.set()
        await clock.stop()
        for s in sessions:
            await s.close()


async def test_one_items_webhooks_go_out_in_order_other_items_side_by_side(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
) -> None:
    """Under load a receiver gets many items' webhooks at once (up to the per-target limit),
    but one item's `claimed` never overtakes nor races its `completed`."""
    hold = asyncio.Event()
    arrived: list[str] = []

    async def slow(request: web.Request) -> web.Response:
        arrived.append((await request.read()).decode())
        await asyncio.wait_for(hold.wait(), 10)
        return web.Response()

    app = web.Application()
    app.router.add_post("/slow", slow)
    server = await aiohttp_server(app)
    url = str(server.make_url("/slow"))
    d, clock, sessions = dispatcher(mode="scaled", url=url)
    clock.start()
    try:
        first = [send(d, url=url, body=f"{n}-claimed".encode(), subject=f"r{n}") for n in range(3)]
        later = [
            send(d, url=url, body=f"{n}-completed".encode(), subject=f"r{n}") for n in range(3)
        ]
        # (the receiver holds them: they arrive well before the 2 s timeout of the first)
        await until(lambda: len(arrived) >= 3, "the three claims at the receiver")
        assert sorted(arrived) == ["0-claimed", "1-claimed", "2-claimed"]  # side by side
        # The sender started all it could at once (the claims are in flight): each item's
        # `completed` is still queued behind its `claimed`, no attempt of it begun.
        assert [x.attempts == [] and x.next_due is not None for x in later] == [True] * 3
        hold.set()
        await until(lambda: all(x.state != "pending" for x in first + later), "all delivered")
        for n in range(3):
            assert arrived.index(f"{n}-claimed") < arrived.index(f"{n}-completed")
    finally:
        hold.set()
        await clock.stop()
        for s in sessions:
            await s.close()
