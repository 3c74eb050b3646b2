"""A receiver that fails every attempt cannot grow the sandbox's memory past the documented
bound on pending deliveries: each failing delivery retries for a day, so without the bound a
spam wave kept every delivery (and its retry timer) alive. At the bound the oldest pending
delivery is abandoned and recorded (state, reason, counter, a log line), never silently."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import random
import tracemalloc
from collections.abc import Callable

import pytest

from mockserver import records, webhooks
from mockserver.base.ids import IdFactory
from mockserver.records.clock import COMPACT_AFTER, Clock
from mockserver.records.notifier import Notifier
from mockserver.scenario.model import WebhookFault
from mockserver.webhooks.deliveries import Delivery
from mockserver.webhooks.dispatcher import Dispatcher
from mockserver.webhooks.policy import DEFAULT_POLICY
from mockserver.webhooks.transport import TARGET_IN_FLIGHT, Transport
from tests.support.polling import until

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
            await asyncio.sleep(0)  # (a yield: each second's calls come in callbacks of their own)


# What the wave can grow: memory allocated with the dispatcher, its clock or this file (the
# bodies) on the stack. Not the whole traced heap: other threads of the test process allocate
# meanwhile (the loop watchdog's sampler, pytest-xdist's channel receiving the next tests), and
# those bytes are no delivery's.
WAVE_CODE = (
    *(package.__path__[0] + os.sep for package in (webhooks, records)),
    __file__,
)
TRACED_FRAMES = 4  # deep enough to see the caller of a dataclass's generated __init__


def traced() -> int:
    """Bytes held now by what the wave allocated (WAVE_CODE)."""
    gc.collect()
    return sum(
        trace.size
        for trace in tracemalloc.take_snapshot().traces
        if any(frame.filename.startswith(WAVE_CODE) for frame in trace.traceback)
    )


def test_a_failing_receivers_retries_stay_within_the_pending_bound(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """(A plain function running a loop of its own: the heap is measured between the loop's
    runs, never inside a callback, which a collection and a snapshot of a test process's heap
    would hold past the event-loop watchdog's budget.)"""
    d, clock = wave()
    caplog.set_level(logging.ERROR, "mockserver.webhooks")  # one line per failed attempt
    loop = asyncio.new_event_loop()
    tracemalloc.start(TRACED_FRAMES)
    try:
        # the bound and the log cap long reached
        loop.run_until_complete(send_wave(d, clock, 300, checked=False))
        settled = traced()
        loop.run_until_complete(send_wave(d, clock, WAVE - 300, start=300, checked=False))
        grown = traced() - settled
    finally:
        tracemalloc.stop()
        loop.close()

    # Memory first: 1,200 more failing deliveries (about 1 KiB each with their attempts and timers)
    # grew what the dispatcher, its clock and their bodies hold by less than a tenth of that.
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
    assert len(clock._timers) + len(clock._far) <= BOUND + COMPACT_AFTER + 1  # (near and far)


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


class Hanging:
    """A receiver that accepts connections and never answers; it counts the connections it
    holds and those the sandbox has hung up (each change wakes `wait_for`)."""

    def __init__(self) -> None:
        self.held: list[asyncio.StreamWriter] = []
        self.hung_up = 0
        self._changed = asyncio.Condition()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async with self._changed:
            self.held.append(writer)
            self._changed.notify_all()
        await reader.read()  # never answers; returns when the sandbox hangs up
        async with self._changed:
            self.hung_up += 1
            self._changed.notify_all()

    async def wait_for(self, condition: Callable[[], bool]) -> None:
        """Return once `condition()` holds (loopback I/O: a few loop turns; 10 s at most)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), 10)


async def test_a_receiver_that_never_answers_cannot_grow_the_queues_past_the_bound() -> None:
    """Its few connections hang, every further attempt queues behind them, and the bound
    abandons the oldest deliveries while they wait: the queues let go of those too."""

    receiver = Hanging()
    server = await asyncio.start_server(receiver.serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook"
    clock = Clock(START, "real")
    transport = Transport()
    d = Dispatcher(clock, IdFactory(random.Random(1)), Notifier(), transport, LOG_CAP, (), "",
                   max_pending=BOUND)  # fmt: skip
    clock.start()

    def send(numbers: range) -> None:
        for n in numbers:
            d.send(vendor="hitl", event="e", url=url, body=BODY, headers={},
                   policy=DEFAULT_POLICY, subject=f"r{n}")  # fmt: skip

    def settled() -> bool:
        """Every worker still at work holds a connection the receiver never answers."""
        return d._sender.workers() == len(receiver.held) > 0

    try:
        for start in range(0, 1_000, 100):
            send(range(start, start + 100))
            await until(settled, "the workers took their batches, which hang")
        assert d.pending == BOUND and d.abandoned_at_bound == 1_000 - BOUND
        assert d._sender.waiting() <= 2 * BOUND + 64 + TARGET_IN_FLIGHT * 32
    finally:
        await d.drain(0)  # the hanging attempts are stopped: their connections close
        await receiver.wait_for(lambda: receiver.hung_up == len(receiver.held))
        await clock.stop()
        await transport.close()
        server.close()
        for writer in receiver.held:
            writer.close()
            await writer.wait_closed()
        await server.wait_closed()


async def test_the_oldest_still_pending_is_abandoned_whatever_settled_before_it() -> None:
    """Deliveries settle in any order (one receiver answers, another keeps failing): at the
    bound the one abandoned is the oldest of those still pending, never one settled already,
    and what the dispatcher remembers of the order stays bounded by what is pending."""
    clock = Clock(START, "manual")
    ok, failing = "http://ok.invalid/hook", "http://failing.invalid/hook"
    faults = (WebhookFault(ok, (200,) * 10_000), WebhookFault(failing, (503,) * 10_000))
    d = Dispatcher(
        clock, IdFactory(random.Random(1)), Notifier(), Transport(), LOG_CAP, faults, max_pending=3
    )

    def send(url: str, n: int) -> Delivery:
        return d.send(
            vendor="hitl",
            event="request.completed",
            url=url,
            body=b"{}",
            headers={},
            policy=DEFAULT_POLICY,
            subject=f"r{n}",
        )

    for n in range(1_000):  # many delivered first: what is kept of the order stays small
        send(ok, 1_000 + n)
        await clock.advance(0)
    assert d.pending == 0 and len(d._order) <= 65

    first, delivered, third = send(failing, 1), send(ok, 2), send(failing, 3)
    await clock.advance(0)  # the second is delivered; the others retry in 15 s
    fourth = send(failing, 4)
    await clock.advance(0)
    assert d.pending == 3
    fifth = send(failing, 5)  # the bound: the oldest pending (the first) goes
    assert [x.state for x in (first, delivered, third, fourth, fifth)] == [
        "abandoned",
        "delivered",
        "pending",
        "pending",
        "pending",
    ]
    send(failing, 6)  # then the third: the delivered second is not pending to abandon
    assert third.state == "abandoned" and delivered.state == "delivered"
    assert d.abandoned_at_bound == 2
