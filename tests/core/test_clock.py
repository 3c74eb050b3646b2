"""The virtual clock: manual advance fires due timers in order at their own times."""

from __future__ import annotations

import asyncio
import math

import pytest

from mockserver.records.clock import COMPACT_AFTER, EARLIEST, LATEST, MAX_SCALE, Clock, iso
from mockserver.records.heaps import queued

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z


async def test_manual_clock_stands_still_until_advanced() -> None:
    clock = Clock(START, "manual")
    assert clock.timestamp() == START
    await clock.advance(90)
    assert clock.now_iso() == "2026-01-01T00:01:30Z"


async def test_advance_fires_due_timers_in_order_with_their_own_timestamps() -> None:
    clock = Clock(START, "manual")
    seen: list[tuple[str, str]] = []

    def note(label: str) -> None:
        seen.append((label, clock.now_iso()))

    async def later() -> None:
        note("later")

    async def first() -> None:
        note("first")
        # a timer scheduled while firing, still inside the advanced window, fires too
        clock.call_later(60, later)

    clock.call_at(START + 3600, first)
    clock.call_at(START + 7200 + 1, first)  # beyond the window: stays pending
    fired = await clock.advance(7200)
    assert fired == 2
    assert seen == [("first", "2026-01-01T01:00:00Z"), ("later", "2026-01-01T01:01:00Z")]
    assert clock.now_iso() == "2026-01-01T02:00:00Z"
    assert len(clock.pending()) == 1


async def test_equal_due_times_fire_in_scheduling_order() -> None:
    clock = Clock(START, "manual")
    order: list[int] = []
    for i in range(5):

        async def run(i: int = i) -> None:
            order.append(i)

        clock.call_at(START + 10, run)
    await clock.advance(10)
    assert order == [0, 1, 2, 3, 4]


async def test_cancelled_timer_does_not_fire() -> None:
    clock = Clock(START, "manual")
    fired: list[str] = []

    async def run() -> None:
        fired.append("x")

    clock.call_later(5, run).cancel()
    assert await clock.advance(10) == 0
    assert fired == []


async def test_failing_timer_does_not_stop_the_clock() -> None:
    clock = Clock(START, "manual")
    fired: list[str] = []

    async def boom() -> None:
        raise RuntimeError("boom")

    async def ok() -> None:
        fired.append("ok")

    clock.call_later(1, boom)
    clock.call_later(2, ok)
    await clock.advance(5)
    assert fired == ["ok"]


async def test_set_time_backwards_fires_nothing_forwards_fires_due() -> None:
    clock = Clock(START, "manual")
    fired: list[str] = []

    async def run() -> None:
        fired.append(clock.now_iso())

    clock.call_at(START + 100, run)
    assert await clock.set_time(START - 50) == 0
    assert clock.now_iso() == iso(START - 50)
    assert await clock.set_time(START + 200) == 1
    assert fired == [iso(START + 100)]


async def test_negative_advance_is_refused() -> None:
    with pytest.raises(ValueError):
        await Clock(START, "manual").advance(-1)


async def test_scaled_time_runs_n_times_faster() -> None:
    wall = [100.0]
    clock = Clock(START, "scaled", scale=60, wall=lambda: wall[0])
    wall[0] += 2.0
    assert clock.timestamp() == START + 120
    clock.set_mode("manual")
    wall[0] += 10
    assert clock.timestamp() == START + 120


async def test_runner_fires_timers_as_scaled_time_passes() -> None:
    clock = Clock(START, "scaled", scale=10_000)
    done = asyncio.Event()

    async def run() -> None:
        done.set()

    clock.start()
    try:
        clock.call_later(10, run)  # 10 virtual seconds = 1 ms of wall time
        await asyncio.wait_for(done.wait(), 5)
    finally:
        await clock.stop()


async def test_runner_fires_overdue_timers_on_a_manual_clock_at_once() -> None:
    clock = Clock(START, "manual")
    done = asyncio.Event()

    async def run() -> None:
        done.set()

    clock.start()
    try:
        clock.call_later(0, run)
        await asyncio.wait_for(done.wait(), 5)
    finally:
        await clock.stop()


# -- the exact contract, with a fake wall clock (each test kills a mutant that survived) ------
class Wall:
    """A wall clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_iso_shows_milliseconds_only_when_there_are_some() -> None:
    assert iso(START) == "2026-01-01T00:00:00Z"
    assert iso(START + 0.25) == "2026-01-01T00:00:00.250Z"
    assert iso(START + 59.999) == "2026-01-01T00:00:59.999Z"
    assert iso(START + 0.0004) == "2026-01-01T00:00:00Z"


def test_a_new_clock_is_real_at_scale_one_with_nothing_fired() -> None:
    wall = Wall()
    clock = Clock(START, wall=wall)
    wall.now += 3
    assert (clock.mode, clock.scale, clock.fired) == ("real", 1.0, 0)
    assert clock.timestamp() == START + 3
    # A scale only means something on a scaled clock.
    assert Clock(START, "real", 5.0).scale == 1.0
    assert Clock(START, "manual", 5.0).scale == 1.0
    assert Clock(START, "scaled", 5.0).scale == 5.0


async def test_describe_reports_time_mode_scale_and_the_next_timer() -> None:
    wall = Wall()
    clock = Clock(START + 0.1234, "scaled", 2.0, wall=wall)

    async def nothing() -> None:
        pass

    assert clock.describe() == {
        "now": "2026-01-01T00:00:00.123Z",
        "timestamp": 1_767_225_600.123,
        "mode": "scaled",
        "scale": 2.0,
        "pending_timers": 0,
        "next_due": None,
    }
    clock.call_at(START + 60, nothing, "later")
    clock.call_later(30, nothing, "sooner")
    described = clock.describe()
    assert (described["pending_timers"], described["next_due"]) == (2, "2026-01-01T00:00:30.123Z")
    assert [t.label for t in clock.pending()] == ["sooner", "later"]


async def test_fired_counts_every_timer_that_ran() -> None:
    clock = Clock(START, "manual")

    async def nothing() -> None:
        pass

    for seconds in (1, 2, 3):
        clock.call_later(seconds, nothing)
    assert await clock.advance(2) == 2
    assert await clock.advance(2) == 1
    assert clock.fired == 3


async def test_a_cancelled_timer_does_not_hold_back_the_ones_after_it() -> None:
    clock = Clock(START, "manual")
    fired: list[str] = []

    async def run() -> None:
        fired.append("live")

    clock.call_later(1, run).cancel()
    clock.call_later(2, run)
    assert await clock.advance(5) == 1
    assert fired == ["live"]


async def test_a_failing_timer_is_logged_by_its_label(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock(START, "manual")

    async def boom() -> None:
        raise RuntimeError("boom")

    clock.call_later(1, boom, "webhook #7")
    await clock.advance(5)
    assert [r.getMessage() for r in caplog.records] == ["timer 'webhook #7' failed"]


async def test_advance_refuses_negative_and_nan_and_past_the_year_9999() -> None:
    message = "^the clock cannot be advanced by a negative duration$"
    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError, match=message):
            await Clock(START, "manual").advance(bad)
    clock = Clock(LATEST - 10, "manual")
    with pytest.raises(ValueError, match=r"^the clock cannot go past 9999-12-31T23:59:59Z$"):
        await clock.advance(11)
    assert await clock.advance(10) == 0  # the last second a timestamp can show is allowed
    assert clock.now_iso() == "9999-12-31T23:59:59Z"


async def test_set_time_bounds_and_firing_what_is_due_now() -> None:
    clock = Clock(START, "manual")
    message = "^the time must be between 1970-01-01 and 9999-12-31$"
    for bad in (EARLIEST - 1, LATEST + 1):
        with pytest.raises(ValueError, match=message):
            await clock.set_time(bad)
    fired: list[str] = []

    async def run() -> None:
        fired.append("due")

    clock.call_at(START, run)
    # Setting the time to "now" is a move forward by zero: what is due now fires.
    assert await clock.set_time(START) == 1
    assert fired == ["due"]
    assert await clock.set_time(EARLIEST) == 0
    assert clock.now_iso() == "1970-01-01T00:00:00Z"
    assert await clock.set_time(LATEST) == 0
    assert clock.now_iso() == "9999-12-31T23:59:59Z"


@pytest.mark.parametrize("scale", [0.5, 1.0, MAX_SCALE])
def test_set_mode_accepts_every_scale_in_range(scale: float) -> None:
    clock = Clock(START, "manual")
    clock.set_mode("scaled", scale)
    assert (clock.mode, clock.scale) == ("scaled", scale)
    clock.set_mode("real", scale)
    assert (clock.mode, clock.scale) == ("real", 1.0)


@pytest.mark.parametrize("scale", [0.0, -1.0, MAX_SCALE + 1])
def test_set_mode_refuses_a_scale_out_of_range(scale: float) -> None:
    clock = Clock(START, "manual")
    with pytest.raises(ValueError, match=r"^scale must be more than 0 and at most 1,000,000$"):
        clock.set_mode("scaled", scale)
    assert (clock.mode, clock.scale) == ("manual", 1.0)
    clock.set_mode("manual", scale)  # only a scaled clock uses its scale
    assert (clock.mode, clock.scale) == ("manual", 1.0)


async def test_the_runner_skips_cancelled_timers_and_restarts_after_stop() -> None:
    clock = Clock(START, "manual")
    done = asyncio.Event()

    async def run() -> None:
        done.set()

    clock.start()
    try:
        clock.call_at(START - 2, run).cancel()
        clock.call_at(START - 1, run)
        await asyncio.wait_for(done.wait(), 5)
    finally:
        await clock.stop()
    done.clear()
    clock.call_at(START - 1, run)
    for _ in range(5):
        await asyncio.sleep(0)  # let a runner that was not stopped fire it
    assert not done.is_set()
    clock.start()
    try:
        await asyncio.wait_for(done.wait(), 5)
    finally:
        await clock.stop()


async def test_a_timer_earlier_than_the_runners_next_wakes_it() -> None:
    # The runner sleeps until its earliest timer; a later timer does not wake it, an earlier one
    # must (or it would fire only when the far timer is due).
    clock = Clock(START, "scaled", scale=10_000)
    fired: list[str] = []
    done = asyncio.Event()

    async def near(name: str) -> None:
        fired.append(name)
        done.set()

    clock.start()
    try:
        clock.call_later(10_000_000, lambda: near("far"))  # about 17 minutes of wall time
        await asyncio.sleep(0)  # let the runner go to sleep until then
        clock.call_later(20_000_000, lambda: near("farther"))
        timer = clock.call_at_with(clock.timestamp() + 10, near, "near", "timeout")
        assert timer.name == "near:timeout"  # what the console and the logs show
        await asyncio.wait_for(done.wait(), 5)
        assert fired == ["near"]
    finally:
        await clock.stop()


async def test_a_timer_takes_along_those_behind_it_with_its_callback_at_its_time() -> None:
    """`take_due`: the arguments of the timers next in line that call the same callback at
    the same time, in firing order, skipping cancelled ones, up to the first other timer; they
    are fired (counted, never fired again)."""
    clock = Clock(0.0, "manual")
    ran: list[str] = []

    async def one(arg: str) -> None:
        ran.append(arg)

    async def other(arg: str) -> None:
        ran.append("other " + arg)

    clock.call_at_with(5.0, one, "a")
    clock.discard(clock.call_at_with(5.0, one, "cancelled"))
    clock.call_at_with(5.0, one, "b")
    clock.call_at_with(5.0, other, "c")
    clock.call_at_with(5.0, one, "d")
    clock.call_at_with(6.0, one, "e")
    assert clock.take_due(one, 4.0) == []
    assert clock.take_due(one, 5.0) == ["a", "b"]
    assert clock.take_due(one, 5.0) == []  # "other c" is next in line
    assert await clock.advance(10) == 3
    assert ran == ["other c", "d", "e"] and clock.fired == 5


# -- plain timers: a callback returning None is done, with no coroutine ------------------------
async def test_plain_and_awaited_timers_fire_in_order_at_their_own_times(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A plain callback (returns None) and one returning an awaitable fire in scheduling
    order, each seeing its own due time; a failing plain one is logged and stops nothing."""
    clock = Clock(START, "manual")
    seen: list[tuple[str, float]] = []

    def plain(name: str) -> None:
        seen.append((name, clock.timestamp() - START))

    async def awaited(name: str) -> None:
        await asyncio.sleep(0)  # really suspends: the clock waits for it
        seen.append((name, clock.timestamp() - START))

    def boom() -> None:
        raise RuntimeError("boom")

    clock.call_at_with(START + 2, plain, "b")
    clock.call_at_with(START + 1, awaited, "a")
    clock.call_at(START + 2, boom, "boom")
    clock.call_at_with(START + 2, awaited, "c")
    clock.call_at_with(START + 2, plain, "d")
    assert await clock.advance(5) == 5
    assert seen == [("a", 1.0), ("b", 2.0), ("c", 2.0), ("d", 2.0)]
    assert [r.getMessage() for r in caplog.records] == ["timer 'boom' failed"]


async def test_the_runner_fires_plain_timers_and_waits_for_an_awaited_one() -> None:
    """On a running clock, every timer due fires in order: a plain one at once, an awaited
    one settled before those behind it; a failing one (plain or awaited) stops neither."""
    clock = Clock(START, "manual")
    seen: list[str] = []
    done = asyncio.Event()

    def plain(name: str) -> None:
        seen.append(name)
        if name == "last":
            done.set()

    async def awaited(name: str) -> None:
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        seen.append(name)

    def boom(name: str) -> None:
        raise RuntimeError(name)

    async def boom_later(name: str) -> None:
        await asyncio.sleep(0)
        raise RuntimeError(name)

    for callback, name in (
        (plain, "first"),
        (boom, "boom"),
        (awaited, "awaited"),
        (boom_later, "boom later"),
        (plain, "last"),
    ):
        clock.call_at_with(START - 1, callback, name)
    clock.start()
    try:
        await asyncio.wait_for(done.wait(), 5)
        assert seen == ["first", "awaited", "last"]
        await clock.quiesce()
        assert clock.fired == 5 and not clock.has_pending()
        clock.call_at_with(START - 1, plain, "again")  # the runner is still armed
        for _ in range(5):
            await asyncio.sleep(0)
        assert seen[-1] == "again"
    finally:
        await clock.stop()


async def test_discarding_a_timer_that_has_fired_changes_nothing() -> None:
    clock = Clock(START, "manual")
    fired: list[str] = []

    def plain() -> None:
        fired.append("x")

    timer = clock.call_later(1, plain)
    await clock.advance(1)
    clock.discard(timer)  # (as a decided request drops the step that decided it)
    assert clock._discarded == 0  # no phantom entry to compact the heap for
    assert fired == ["x"]


async def test_the_runner_fires_the_timers_due_in_one_millisecond_in_one_wake() -> None:
    """Timers a fraction of a millisecond apart fire in one runner wake (before anything the
    first one schedules on the loop), still in order and none before its time."""
    clock = Clock(START, "real")
    loop = asyncio.get_running_loop()
    seen: list[str] = []
    done = asyncio.Event()
    due: dict[str, float] = {}

    def fire(name: str) -> None:
        assert clock.timestamp() >= due[name]
        seen.append(name)
        loop.call_soon(seen.append, f"after {name}")
        if name == "b":
            done.set()

    clock.start()
    try:
        # 0.2 and 0.7 ms into one millisecond of the loop's time (the clock's wall clock is
        # the loop's: time.monotonic), 2 ms ahead
        slot = math.ceil(loop.time() * 1000) / 1000 + 0.002
        for name, into in (("a", 0.0002), ("b", 0.0007)):
            due[name] = clock.timestamp() + (slot + into - loop.time())
            clock.call_at_with(due[name], fire, name)
        await asyncio.wait_for(done.wait(), 5)
        await asyncio.sleep(0)
        assert seen == ["a", "b", "after a", "after b"]
    finally:
        await clock.stop()


async def test_quiesce_waits_for_an_awaited_timer_the_runner_has_handed_on() -> None:
    """A timer returning an awaitable is settled by a task; `quiesce` (what closing a world
    waits for) returns only once it is, even when called before that task has begun."""
    clock = Clock(START, "manual")
    release = asyncio.Event()
    settled: list[str] = []

    async def slow() -> None:
        await release.wait()
        settled.append("slow")

    clock.call_at(START - 1, slow, "webhook")
    clock.start()
    try:
        # the runner's tick comes first: it hands the awaitable to a task, which has not begun
        # when `quiesce` looks
        quiet = asyncio.ensure_future(clock.quiesce())
        for _ in range(5):
            await asyncio.sleep(0)
        assert not quiet.done()
        release.set()
        await asyncio.wait_for(quiet, 5)
        assert settled == ["slow"]
    finally:
        await clock.stop()


async def test_timers_that_keep_scheduling_timers_due_at_once_never_hold_the_loop() -> None:
    """On a running clock, a timer scheduling another due at once, again and again, fires
    on, but the runner lets the loop do its other work in between (here: this test going on).
    (An advance of a manual clock fires them all: they fall due at the instant it moves to.)"""
    clock = Clock(START, "real")
    fired = 0

    def again() -> None:
        nonlocal fired
        fired += 1
        if fired < 1000:
            clock.call_at(clock.timestamp(), again)

    clock.call_at(clock.timestamp(), again)
    clock.start()
    try:
        await asyncio.sleep(0)
        assert 0 < fired < 1000  # the loop came back here before the chain was over
        for _ in range(1000):
            if fired == 1000:
                break
            await asyncio.sleep(0)
        assert fired == 1000
    finally:
        await clock.stop()


async def test_timers_due_far_later_fire_in_order_with_the_near_ones() -> None:
    # A request's timeout (an hour off) waits in a heap of its own until its time nears; moved
    # over, it still fires before a timer scheduled later for the same instant, and at its time.
    clock = Clock(START, "manual")
    seen: list[tuple[str, str]] = []
    clock.call_at_with(START + 3600, lambda name: seen.append((name, clock.now_iso())), "far")
    await clock.advance(3590)
    clock.call_at_with(START + 3600, lambda name: seen.append((name, clock.now_iso())), "near")
    clock.call_at_with(START + 3595, lambda name: seen.append((name, clock.now_iso())), "sooner")
    assert [t.name for t in clock.pending()] == ["sooner:", "far:", "near:"]
    await clock.advance(10)
    stamp = "2026-01-01T01:00:00Z"
    assert seen == [("sooner", "2026-01-01T00:59:55Z"), ("far", stamp), ("near", stamp)]


async def test_the_runner_wakes_for_a_timer_due_far_later() -> None:
    clock = Clock(START, "scaled", scale=100_000)
    done = asyncio.Event()
    clock.start()
    try:
        clock.call_later(3600, lambda: done.set())  # 36 ms of wall time
        await asyncio.wait_for(done.wait(), 5)
    finally:
        await clock.stop()


async def test_discarded_far_timers_never_reach_the_near_heap_and_are_compacted() -> None:
    clock = Clock(START, "manual")
    fired: list[int] = []
    for i in range(5 * COMPACT_AFTER):
        clock.call_at_with(START + 1, fired.append, i, "claim")
        clock.discard(clock.call_at_with(START + 3600 + i, fired.append, i, "timeout"))
    assert len(queued(clock._timers, clock._lanes)) == 5 * COMPACT_AFTER  # only the claims
    assert len(clock._far) <= 2 * COMPACT_AFTER + 2  # the discarded timeouts, compacted
    assert not clock.has_pending() or len(clock.pending()) == 5 * COMPACT_AFTER
    await clock.advance(7200 + 5 * COMPACT_AFTER)
    assert fired == list(range(5 * COMPACT_AFTER)) and not clock.has_pending()
