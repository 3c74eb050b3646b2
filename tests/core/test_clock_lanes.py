"""The clock's lanes: timers that come due in the order they are scheduled wait in a few lanes
with only each lane's first in the heap, and every timer still fires in (due time, scheduling
order), cancelled ones never, however the timers mix."""

from __future__ import annotations

import random

from mockserver.records.clock import COMPACT_AFTER, Clock
from mockserver.records.heaps import LANES, queued
from mockserver.records.timer import Timer

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z


async def test_any_mix_of_timers_fires_in_due_then_scheduling_order() -> None:
    for seed in range(40):
        rng = random.Random(seed)
        clock = Clock(START, "manual")
        fired: list[int] = []
        timers: list[Timer] = []
        base = START
        for i in range(rng.randint(1, 400)):
            base += rng.choice((0.0, 0.0, 0.001, 0.25))  # arrivals, some at one instant
            # mostly a few fixed delays (a rule's steps), sometimes any (a retry, a join)
            after = rng.choice((1.0, 3.0, 3.0, 0.0, 7.5, rng.uniform(0, 200), -rng.random()))
            timers.append(clock.call_at_with(base + after, fired.append, i, "step"))
            if timers and rng.random() < 0.2:
                clock.discard(rng.choice(timers))
        live = sorted((t.when, t.seq) for t in timers if not t.cancelled)
        assert [(t.when, t.seq) for t in clock.pending()] == live, seed
        await clock.advance(base - START + 300)
        order = {t.seq: t.arg for t in timers}
        assert fired == [order[seq] for _, seq in live], seed
        assert not clock.has_pending()


async def test_a_wave_of_scripted_steps_keeps_the_near_heap_small() -> None:
    # Each request's claim a second after it came and its answer three seconds after: the
    # heap holds each lane's first timer, not every request's next step.
    clock = Clock(START, "manual")
    fired: list[int] = []
    for i in range(5000):
        arrived = START + i * 0.0003
        clock.call_at_with(arrived + 1, fired.append, i, "claim")
        clock.call_at_with(arrived + 3, fired.append, i, "answer")
    assert len(clock._timers) <= LANES
    assert len(clock.pending()) == 10_000
    await clock.advance(10)
    assert len(fired) == 10_000 and not clock.has_pending()


async def test_discarded_timers_in_lanes_are_compacted_and_the_rest_fire_in_order() -> None:
    clock = Clock(START, "manual")
    fired: list[int] = []
    kept = []
    for i in range(6 * COMPACT_AFTER):
        timer = clock.call_at_with(START + 1 + i * 0.001, fired.append, i, "claim")
        if i % 5:
            clock.discard(timer)  # answered by hand before the scripted step came
        else:
            kept.append(i)
    # the lanes stay within twice the timers that can still fire (once past COMPACT_AFTER)
    assert len(queued(clock._timers, clock._lanes)) <= 2 * len(kept) + COMPACT_AFTER
    await clock.advance(60)
    assert fired == kept and not clock.has_pending()
