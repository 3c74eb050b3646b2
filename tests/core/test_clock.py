"""The virtual clock: manual advance fires due timers in order at their own times."""

from __future__ import annotations

import asyncio

import pytest

from mockserver.clock import Clock, iso

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
        clock.call_at_with(clock.timestamp() + 10, near, "near", "timeout")
        await asyncio.wait_for(done.wait(), 5)
        assert fired == ["near"]
    finally:
        await clock.stop()
