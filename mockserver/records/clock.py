"""The virtual clock: what time it is in the sandbox, and the timers that fire on it.

Three modes: `real` (virtual time runs with the wall clock), `scaled` (N times faster) and
`manual` (time moves only when `advance` or `set_time` is called). Every timestamp, timeout,
scripted reviewer delay and webhook retry is a timer on this clock. Advancing a manual clock
fires everything that falls due, in order, with the clock showing each timer's own due time
while it runs, so timestamps come out exactly as they would have in real time.

A timer's callback may be a plain function (it is done when it returns None) or return an
awaitable, which the clock awaits before it fires the next timer. The runner is a loop callback
(no task) that fires every plain timer due when it wakes in one go; a timer returning an
awaitable hands what is left to a task that holds the clock's lock until it is settled.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal, TypeVar, cast

from mockserver.records.clockrunner import Runner
from mockserver.records.heaps import (
    COMPACT_AFTER,
    LANES,
    Heap,
    Lane,
    any_live,
    move_due,
    next_in_lane,
    note_discarded,
    note_discarded_near,
    pop_first,
    queued,
    settle,
)
from mockserver.records.timer import NO_ARG, Timer, TimerCallback, iso

__all__ = [
    "COMPACT_AFTER",
    "EARLIEST",
    "LATEST",
    "MAX_SCALE",
    "Clock",
    "ClockMode",
    "Timer",
    "TimerCallback",
    "iso",
]

log = logging.getLogger("mockserver.clock")

ClockMode = Literal["real", "scaled", "manual"]

# The times an ISO-8601 timestamp with a four-digit year can show: 1970-01-01 to 9999-12-31.
EARLIEST = 0.0
LATEST = 253_402_300_799.0
MAX_SCALE = 1_000_000.0
T = TypeVar("T")
_SHOWN_NOW: list[tuple[float, str]] = [(math.nan, "")]  # the time now_iso wrote last, and how
_WithArg = Callable[[Any], Awaitable[None] | None]
NEAR = 60.0  # timers due later than about this (a request's timeout) wait in the far heap


class Clock(Runner):
    """Virtual time plus a queue of timers, fired by its runner (`clockrunner.py`)."""

    def __init__(
        self,
        start: float,
        mode: ClockMode = "real",
        scale: float = 1.0,
        wall: Callable[[], float] = time.monotonic,
    ) -> None:
        self._wall = wall
        self._anchor_virtual = start
        self._anchor_wall = wall()
        self._mode: ClockMode = mode
        self._scale = scale if mode == "scaled" else 1.0
        # Two heaps of (when, seq, timer): every timer due by `_near_until` is in `_timers`,
        # every later one in `_far` (moved over as its time nears: `_bring_near`), so the heap
        # the runner pops from holds the timers due soon and not every request's timeout;
        # most near timers wait in lanes, only each lane's first in the heap (heaps.py).
        self._timers: Heap = []
        self._lanes: list[Lane] = [Lane(number) for number in range(LANES)]
        self._far: Heap = []
        self._near_until = start + 2 * NEAR
        self._far_discarded = 0
        self._seq = itertools.count()
        self._lock = asyncio.Lock()  # held while an advance or an awaited timer is firing
        self._loop: asyncio.AbstractEventLoop | None = None  # the runner's, once started
        self._alarm: asyncio.Handle | None = None  # when the runner looks next
        self._alarm_at = 0.0  # the loop time it is set for (0: at once)
        self._firing = False  # the runner is firing plain timers (no re-arming meanwhile)
        self._finishing: asyncio.Task[None] | None = None  # a timer's awaitable, settling
        self._discarded = 0  # timers discarded (cancelled) still near (heap, lanes), about
        self.fired = 0

    # -- reading -----------------------------------------------------------------------------
    @property
    def mode(self) -> ClockMode:
        return self._mode

    @property
    def scale(self) -> float:
        return self._scale

    @property
    def _rate(self) -> float:
        return 0.0 if self._mode == "manual" else self._scale

    def timestamp(self) -> float:
        """Virtual seconds since the epoch."""
        if self._mode == "manual":  # (the usual test's clock: no wall clock to read)
            return self._anchor_virtual
        return self._anchor_virtual + (self._wall() - self._anchor_wall) * self._scale

    def now_iso(self) -> str:
        now = self.timestamp()
        shown = _SHOWN_NOW[0]
        if shown[0] == now:  # a stopped clock (manual, or a test's) shows one time many times
            return shown[1]
        text = iso(now)
        _SHOWN_NOW[0] = (now, text)
        return text

    def pending(self) -> list[Timer]:
        """Timers still to fire, soonest first."""
        near = queued(self._timers, self._lanes)
        return [t for _, _, t in sorted(near + self._far) if not t.cancelled]

    def has_pending(self) -> bool:
        """Whether any timer is still to fire (a scripted step, a timeout, a webhook)."""
        return any_live(self._timers, self._far, self._lanes)

    def describe(self) -> dict[str, object]:
        pending = self.pending()
        return {
            "now": self.now_iso(),
            "timestamp": round(self.timestamp(), 3),
            "mode": self._mode,
            "scale": self._scale,
            "pending_timers": len(pending),
            "next_due": iso(pending[0].when) if pending else None,
        }

    # -- timers ------------------------------------------------------------------------------
    def call_at(
        self,
        when: float,
        callback: TimerCallback,
        label: str = "",
        detail: Mapping[str, Any] | None = None,
    ) -> Timer:
        """`callback()` at `when` on the virtual clock (a timer with no argument)."""
        return self.call_at_with(when, cast(_WithArg, callback), NO_ARG, label, detail)

    def call_at_with(
        self,
        when: float,
        callback: Callable[[T], Awaitable[None] | None],
        arg: T,
        label: str = "",
        detail: Mapping[str, Any] | None = None,
    ) -> Timer:
        """`call_at` of `callback(arg)`: with a callback shared by many timers (a bound method
        kept once), no closure per timer; it is named "<arg>:<label>". A timer due by
        `_near_until` goes behind the last of a lane due no later than it, else first into an
        empty lane, else into the near heap; a later one into the far heap."""
        timer = Timer(when, next(self._seq), label, callback, False, detail, arg)
        if when <= self._near_until:
            timers = self._timers
            free = None
            for lane in self._lanes:
                if not lane:
                    if free is None:
                        free = lane
                elif lane[-1].when <= when:
                    lane.append(timer)
                    timer.lane = lane.number
                    return timer  # behind its lane's first timer: not the earliest, no entry
            if free is not None:  # the first of an empty lane (with an entry in the heap)
                free.append(timer)
                timer.lane = free.number
        else:
            timers = self._far
        heapq.heappush(timers, (when, timer.seq, timer))
        if timers[0][2] is timer:
            # the runner sleeps until the earliest timer: only a new earliest one wakes it
            # (not every request's timeout: each wake would cost a loop turn per request)
            self._wake()
        return timer

    def discard(self, timer: Timer) -> None:
        """Cancel `timer` for good. A cancelled timer stays in its heap (or lane) until its time
        comes (a webhook retry: up to a day), so once discarded ones outnumber the live ones the
        heap is rebuilt without them: it stays within twice the timers that can still fire."""
        if timer.cancelled:
            return
        timer.cancelled = True
        if timer.when > self._near_until:  # (in the far heap: a request's timeout)
            self._far_discarded = note_discarded(self._far, self._far_discarded)
        else:
            self._discarded = note_discarded_near(self._timers, self._lanes, self._discarded)

    def _bring_near(self, limit: float) -> None:
        """Move the far timers due by `limit` and a while after it into the near heap."""
        self._near_until = limit + 2 * NEAR
        dropped = move_due(self._far, self._timers, self._near_until)
        self._far_discarded = max(0, self._far_discarded - dropped)

    def take_due(self, callback: Callable[[T], Awaitable[None] | None], when: float) -> list[T]:
        """The arguments of the timers next in line, in the order they would fire, that call
        `callback` at `when` (timers of `call_at_with`), taken off the clock as fired: a timer
        firing takes those behind it to do their work together (a manual clock's webhook
        attempts due at one instant go out as batches). Stops at the first other timer."""
        taken: list[T] = []
        timers = self._timers
        while timers and timers[0][0] == when:
            timer = timers[0][2]
            if timer.cancelled:
                pop_first(timers, self._lanes)
                self._discarded = max(0, self._discarded - 1)
                continue
            if timer.callback is not callback or timer.arg is NO_ARG:
                break
            pop_first(timers, self._lanes)
            timer.cancelled = True  # fired
            taken.append(timer.arg)
        self.fired += len(taken)
        return taken

    def call_later(self, delay: float, callback: TimerCallback, label: str = "") -> Timer:
        return self.call_at(self.timestamp() + delay, callback, label)

    # -- moving time -------------------------------------------------------------------------
    def _jump_to(self, ts: float) -> None:
        self._anchor_virtual = ts
        self._anchor_wall = self._wall()

    async def advance(self, seconds: float) -> int:
        """Move time forward, firing every timer that falls due, in order. Returns the count."""
        if not seconds >= 0:  # also refuses NaN
            raise ValueError("the clock cannot be advanced by a negative duration")
        if self.timestamp() + seconds > LATEST:
            raise ValueError("the clock cannot go past 9999-12-31T23:59:59Z")
        async with self._lock:
            target = self.timestamp() + seconds
            fired = await self._fire_due(target, jump=True)
            if target > self.timestamp():
                self._jump_to(target)
            self._wake()
            return fired

    async def set_time(self, ts: float) -> int:
        """Set the virtual time; moving forward fires what falls due, moving back fires nothing."""
        if not EARLIEST <= ts <= LATEST:
            raise ValueError("the time must be between 1970-01-01 and 9999-12-31")
        if ts >= self.timestamp():
            return await self.advance(ts - self.timestamp())
        async with self._lock:
            self._jump_to(ts)
            self._wake()
            return 0

    def set_mode(self, mode: ClockMode, scale: float = 1.0) -> None:
        """Switch between real, scaled and manual time without a jump."""
        if mode == "scaled" and not 0 < scale <= MAX_SCALE:
            raise ValueError(f"scale must be more than 0 and at most {MAX_SCALE:,.0f}")
        self._jump_to(self.timestamp())
        self._mode = mode
        self._scale = scale if mode == "scaled" else 1.0
        self._wake()

    async def _fire_due(self, limit: float, *, jump: bool) -> int:
        before = self.fired  # (what a timer takes along with it counts too: `take_due`)
        while (awaited := self._fire_plain(limit, jump)) is not None:
            await settle(*awaited)
        return self.fired - before

    def _fire_plain(self, limit: float, jump: bool) -> tuple[Awaitable[None], Timer] | None:
        """Fire the timers due by `limit`, in order, until one returns an awaitable: that one
        (with its timer) is returned for the caller to await before it fires the rest."""
        if limit + NEAR > self._near_until:
            self._bring_near(limit)
        timers = self._timers
        lanes = self._lanes
        while timers and timers[0][0] <= limit:
            timer = heapq.heappop(timers)[2]
            if timer.lane >= 0:
                next_in_lane(timers, lanes, timer)
            if timer.cancelled:
                if self._discarded:
                    self._discarded -= 1
                continue
            if jump and timer.when > self.timestamp():
                self._jump_to(timer.when)
            self.fired += 1
            timer.cancelled = True  # fired (as `Timer.fire`, inlined: called per timer)
            arg = timer.arg
            try:
                awaited = timer.callback() if arg is NO_ARG else timer.callback(arg)
            except Exception:  # a failing timer must never stop the clock
                log.exception("timer %r failed", timer.name)
                continue
            if awaited is not None:
                return awaited, timer
        return None

    async def quiesce(self) -> None:
        """Return once no timer is firing (a webhook attempt in flight has finished)."""
        finishing = self._finishing
        if finishing is not None:
            await asyncio.wait((finishing,))
        async with self._lock:
            return

    def drop_timers(self) -> None:
        """Forget every pending timer (the clock's world is gone): timers hold the stores they
        act on, and a stopped clock can outlive its world (the runner's cancellation traceback
        keeps it), which must not keep a million stored requests alive."""
        self._timers.clear()
        self._far.clear()
        for lane in self._lanes:
            lane.clear()
        self._discarded = self._far_discarded = 0
