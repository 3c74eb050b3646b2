"""The clock's helpers for its timer heaps (`clock.py`): settling what a timer returned,
counting a heap's cancelled timers and rebuilding it without them, bringing the far heap's
timers near as their time comes, and the near timers' lanes.

Lanes: most near timers come due in the order they are scheduled (every request's claim a
second after it arrived, its answer three seconds after), so the clock keeps them in a few
first-in-first-out lanes, each in due order, with only each lane's first timer in the near
heap. A timer is appended to a lane whose last timer is due no later than it (else it starts
an empty lane, else it goes to the heap as any other), so the heap holds a handful of entries
instead of every request's next step: firing one pops a small heap, not one of thousands whose
entries are no longer in the processor's cache."""

from __future__ import annotations

import heapq
import itertools
import logging
from collections import deque
from collections.abc import Awaitable

from mockserver.records.timer import Timer

log = logging.getLogger("mockserver.clock")

COMPACT_AFTER = 1024  # discarded timers a heap may hold before it is rebuilt without them

Heap = list[tuple[float, int, Timer]]
"""A heap of (due time, scheduling sequence, timer): soonest first, then in scheduling order."""
LANES = 4  # lanes of near timers per clock (a scenario's rules make a few distinct delays)


class Lane(deque[Timer]):
    """Near timers in (due time, scheduling sequence) order; its first one has a heap entry.
    `number`: its place among its clock's lanes (what a timer in it keeps: `Timer.lane`)."""

    __slots__ = ("number",)

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number


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


def compact_near(timers: Heap, lanes: list[Lane]) -> None:
    """Rebuild the near heap and its lanes without their cancelled timers, in place: the heap
    keeps its own live timers and gets an entry for each lane's (new) first timer."""
    for lane in lanes:
        if lane:
            kept = [timer for timer in lane if not timer.cancelled]
            lane.clear()
            lane.extend(kept)
    timers[:] = [entry for entry in timers if entry[2].lane < 0 and not entry[2].cancelled]
    timers.extend((lane[0].when, lane[0].seq, lane[0]) for lane in lanes if lane)
    heapq.heapify(timers)


def next_in_lane(timers: Heap, lanes: list[Lane], timer: Timer) -> None:
    """`timer`, a lane's first, was popped off the heap: the lane's next one gets its entry."""
    lane = lanes[timer.lane]
    lane.popleft()  # (it is `timer`: only a lane's first timer has a heap entry)
    if lane:
        head = lane[0]
        heapq.heappush(timers, (head.when, head.seq, head))


def pop_first(timers: Heap, lanes: list[Lane]) -> Timer:
    """Pop the near heap's first timer (its lane's next one, if any, gets its entry)."""
    timer = heapq.heappop(timers)[2]
    if timer.lane >= 0:
        next_in_lane(timers, lanes, timer)
    return timer


def pop_cancelled(timers: Heap, lanes: list[Lane]) -> int:
    """Pop the cancelled timers at the near heap's front: how many."""
    dropped = 0
    while timers and timers[0][2].cancelled:
        pop_first(timers, lanes)
        dropped += 1
    return dropped


def note_discarded_near(timers: Heap, lanes: list[Lane], discarded: int) -> int:
    """`note_discarded` for the near heap and its lanes, rebuilt together."""
    discarded += 1
    if discarded > COMPACT_AFTER and discarded * 2 > len(timers) + sum(map(len, lanes)):
        compact_near(timers, lanes)
        return 0
    return discarded


def any_live(timers: Heap, far: Heap, lanes: list[Lane]) -> bool:
    """Whether any timer of the heaps or lanes is still to fire."""
    if any(not timer.cancelled for lane in lanes for timer in lane):
        return True
    return any(not entry[2].cancelled for entry in itertools.chain(timers, far))


def queued(timers: Heap, lanes: list[Lane]) -> list[tuple[float, int, Timer]]:
    """Every near timer's (when, seq, timer), cancelled ones included, in no order."""
    entries = [entry for entry in timers if entry[2].lane < 0]
    entries.extend((timer.when, timer.seq, timer) for lane in lanes for timer in lane)
    return entries
