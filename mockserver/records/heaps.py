"""The clock's helpers for its timer heaps (`clock.py`): settling what a timer returned,
counting a heap's cancelled timers and rebuilding it without them, and bringing the far heap's
timers near as their time comes."""

from __future__ import annotations

import heapq
import logging
from collections.abc import Awaitable

from mockserver.records.timer import Timer

log = logging.getLogger("mockserver.clock")

COMPACT_AFTER = 1024  # discarded timers a heap may hold before it is rebuilt without them

Heap = list[tuple[float, int, Timer]]
"""A heap of (due time, scheduling sequence, timer): soonest first, then in scheduling order."""


async def settle(awaited: Awaitable[None], timer: Timer) -> None:
    """Await what a timer returned; a failure is logged, never raised."""
    try:
        await awaited
    except Exception:  # a failing timer must never stop the clock
        log.exception("timer %r failed", timer.name)


def compact(timers: Heap) -> None:
    """Rebuild a heap without its cancelled timers, in place (a runner firing holds it)."""
    timers[:] = [entry for entry in timers if not entry[2].cancelled]
    heapq.heapify(timers)


def note_discarded(timers: Heap, discarded: int) -> int:
    """One more cancelled timer in `timers`, which held `discarded`: how many it holds now,
    after rebuilding it without them once they outnumber the live ones (past COMPACT_AFTER),
    so a heap stays within twice the timers that can still fire."""
    discarded += 1
    if discarded > COMPACT_AFTER and discarded * 2 > len(timers):
        compact(timers)
        return 0
    return discarded


def move_due(far: Heap, near: Heap, until: float) -> int:
    """Move `far`'s timers due by `until` into `near`, keeping their (when, seq) order; how many
    cancelled ones were dropped on the way."""
    dropped = 0
    while far and far[0][0] <= until:
        entry = heapq.heappop(far)
        if entry[2].cancelled:
            dropped += 1
        else:
            heapq.heappush(near, entry)
    return dropped
