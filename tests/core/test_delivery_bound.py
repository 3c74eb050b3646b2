"""A receiver that fails every attempt cannot grow the sandbox's memory past the documented
bound on pending deliveries: each failing delivery retries for a day, so without the bound a
spam wave kept every delivery (and its retry timer) alive. At the bound the oldest pending
delivery is abandoned and recorded (state, reason, counter, a log line), never silently."""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import tracemalloc

import pytest

from mockserver.base.ids import IdFactory
from mockserver.records.clock import COMPACT_AFTER, Clock
from mockserver.records.notifier import Notifier
from mockserver.scenario.model import WebhookFault
from mockserver.webhooks.dispatcher import Dispatcher
from mockserver.webhooks.policy import DEFAULT_POLICY
from mockserver.webhooks.transport import TARGET_IN_FLIGHT, Transport

START = 1_767_225_600.0
URL = "http://receiver.invalid/hook"
BOUND = 40
LOG_CAP = 100
WAVE = 1_500  # deliveries: 20 a virtual second, each failing and retrying (15 s, 1 min, ...)
BODY = b'{"event": "request.completed", "data": {"request": {"request_text": "' + b"x" * 600


def wave() -> tuple[Dispatcher, Clock]:
    clock = Clock(START, "manual")
    failing = (WebhookFault(URL, (503,) * (WAVE * 8)),)  # every attempt: 503, so it retries

    def no_network() -> object:
        raise AssertionError("every attempt is answered by the scenario's fault")

    dispatcher = Dispatcher(
        clock,
        IdFactory(random.Random(1)),
        Notifier(),
        no_network,  # type: ignore[arg-type]
        LOG_CAP,
        failing,
        max_pending=BOUND,
    )
    return dispatcher, clock


async def send_wave(
    d: Dispatcher, clock: Clock, count: int, start: int = 0, checked: bool = True
) -> None:
    for n in range(start, start + count):
        d.send(
            vendor="hitl",
            event="request.completed",
            url=URL,
            body=BODY + str(n).encode() + b'"}}}',
            headers={"X-HITL-Signature-256": "sha256=" + "0" * 64},
            policy=DEFAULT_POLICY,
            subject=f"r{n}",
        )
        assert d.pending <= BOUND or not checked
        if n % 20 == 19:
            await clock.advance(1)  # first attempts and due retries fail, and retry later


def traced() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


async def test_a_failing_receivers_retries_stay_within_the_pending_bound(
    caplog: pytest.LogCaptureFixture,
) -> None:
    d, clock = wave()
    caplog.set_level(logging.ERROR, "mockserver.webhooks")  # one line per failed attempt
    tracemalloc.start()
    try:
        await send_wave(d, clock, 300, checked=False)  # the bound and log cap long reached
        settled = traced()
        await send_wave(d, clock, WAVE - 300, start=300, checked=False)
        grown = traced() - settled
    finally:
        tracemalloc.stop()

    # Memory first: 1,200 more failing deliveries (about 1 KiB each with their attempts and timers)
    # grew the traced heap by less than a tenth of that.
    assert grown < (WAVE - 300) * 1024 // 10, f"{grown:,} bytes for {WAVE - 300:,} deliveries"

    # Pending: at the bound; every other delivery abandoned at it (none has run out of retries
    # within these 75 virtual seconds), and nothing is lost: the counter says how many.
    assert d.pending == BOUND
    assert d.abandoned_at_bound == WAVE - BOUND
    pending = [x for x in d.log if x.state == "pending"]
    assert len(pending) == BOUND and all(x.next_attempt_at is not None for x in pending)
    # The delivery log (newest LOG_CAP) shows the older ones as abandoned, with the reason.
    abandoned = [x for x in d.log if x.state == "abandoned"]
    assert len(abandoned) == LOG_CAP - BOUND
    assert all(x.next_attempt_at is None for x in abandoned)
    assert all("MOCKSERVER_MAX_PENDING_DELIVERIES" in (x.abandoned_reason or "") for x in abandoned)
    assert all(x.attempts and x.attempts[0].status == 503 for x in abandoned)
    # Timers: only the pending deliveries' retries can still fire, and the abandoned ones'
    # cancelled timers are swept out of the heap.
    webhook_timers = [t for t in clock.pending() if t.label == "webhook"]
    assert len(webhook_timers) == BOUND
    assert len(clock._timers) <= BOUND + COMPACT_AFTER + 1


async def test_the_bound_is_logged_with_the_count_never_silently(
    caplog: pytest.LogCaptureFixture,
) -> None:
    d, clock = wave()
    caplog.set_level(logging.WARNING, "mockserver.webhooks")
    await send_wave(d, clock, BOUND + 5)
    lines = [r.getMessage() for r in caplog.records if "MAX_PENDING_DELIVERIES" in r.getMessage()]
    # one warning (then at most one per BOUND_LOG_EVERY seconds), naming the bound and the count
    assert len(lines) == 1, lines
    assert f"{BOUND} deliveries pending" in lines[0] and "1 in all" in lines[0]
    assert d.abandoned_at_bound == 5


async def test_a_receiver_that_never_answers_cannot_grow_the_queues_past_the_bound() -> None:
    """Its few connections hang, every further attempt queues behind them, and the bound
    abandons the oldest deliveries while they wait: the queues let go of those too."""

    held: list[asyncio.StreamWriter] = []

    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        await reader.read()  # never answers; the sandbox hangs up at its timeout or shutdown

    server = await asyncio.start_server(hang, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook"
    clock = Clock(START, "real")
    transport = Transport()
    d = Dispatcher(clock, IdFactory(random.Random(1)), Notifier(), transport, LOG_CAP, (), "",
                   max_pending=BOUND)  # fmt: skip
    clock.start()
    try:
        for n in range(1_000):
            d.send(vendor="hitl", event="e", url=url, body=BODY, headers={},
                   policy=DEFAULT_POLICY, subject=f"r{n}")  # fmt: skip
            if n % 100 == 99:
                await asyncio.sleep(0.01)  # the workers take their batches, which hang
        assert d.pending == BOUND and d.abandoned_at_bound == 1_000 - BOUND
        assert d._sender.waiting() <= 2 * BOUND + 64 + TARGET_IN_FLIGHT * 32
    finally:
        await d.drain(0.1)
        await clock.stop()
        await transport.close()
        server.close()
        for writer in held:
            writer.close()
        await server.wait_closed()
        for _ in range(20):  # the connections' transports finish closing (a loop turn or two)
            await asyncio.sleep(0.01)
