"""The clock's helpers for its timer heaps (`clock.py`): settling what a timer returned, and
rebuilding a heap without its cancelled timers."""

from __future__ import annotations

import heapq
import logging
from collections.abc import Awaitable

from mockserver.records.timer import Timer

log = logging.getLogger("mockserver.clock")

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
