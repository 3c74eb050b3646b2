"""The virtual clock's background runner (`clock.py`'s `Clock` is one): a loop callback
(`_tick`) at the earliest timer's time, not a task, so a wake costs one loop timer and fires
every plain timer then due in one go; a timer returning an awaitable hands what is left to a
task that holds the clock's lock until it is settled.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import math
from collections.abc import Awaitable

from mockserver.records.heaps import Heap, Lane, pop_cancelled, settle
from mockserver.records.timer import Timer

ALARM_GRAIN_HZ = 1000.0  # the runner wakes on whole milliseconds of the loop's time (`_arm`)
TICK_PASSES = 8  # passes over what is due in one runner wake before it lets the loop run


class Runner:
    """What fires a clock's timers as time passes; `Clock` keeps the timers and the time."""

    _timers: Heap
    _far: Heap
    _lanes: list[Lane]
    _discarded: int
    _lock: asyncio.Lock
    _loop: asyncio.AbstractEventLoop | None
    _alarm: asyncio.Handle | None
    _alarm_at: float
    _firing: bool
    _finishing: asyncio.Task[None] | None

    def timestamp(self) -> float:
        raise NotImplementedError

    @property
    def _rate(self) -> float:
        raise NotImplementedError

    def _fire_plain(self, limit: float, jump: bool) -> tuple[Awaitable[None], Timer] | None:
        raise NotImplementedError

    async def _fire_due(self, limit: float, *, jump: bool) -> int:
        raise NotImplementedError

    def start(self) -> None:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._arm()

    async def stop(self) -> None:
        """Stop firing timers (one settling is cancelled) until `start` is called again."""
        self._loop = None
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
        finishing = self._finishing
        if finishing is not None:
            finishing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await finishing
            self._finishing = None

    def _next_delay(self) -> float | None:
        if self._timers and self._timers[0][2].cancelled:
            self._discarded = max(0, self._discarded - pop_cancelled(self._timers, self._lanes))
        far = self._far
        if not self._timers and not far:
            return None
        due = self._timers[0][0] if self._timers else far[0][0]
        if far and far[0][0] < due:
            due = far[0][0]  # (the runner wakes for it, and brings it near then)
        ahead = due - self.timestamp()
        if ahead <= 0:
            return 0.0
        rate = self._rate
        return None if rate == 0 else ahead / rate

    def _wake(self) -> None:
        """The runner sleeps until the earliest timer: have it look again (not while it fires
        or a timer settles: it looks again once done)."""
        if self._loop is not None and not self._firing and self._finishing is None:
            self._arm()

    def _arm(self) -> None:
        """Have `_tick` run when the earliest timer is due: at once, or at the end of the
        millisecond of the loop's time it falls in, so the timers due in one millisecond fire
        in one wake (an idle loop wakes on whole milliseconds anyway: its epoll wait rounds
        the timeout up to one); an alarm already set for that millisecond stays as it is."""
        loop = self._loop
        alarm = self._alarm
        delay = self._next_delay()
        if loop is None or delay is None:
            if alarm is not None:
                alarm.cancel()
                self._alarm = None
            return
        if delay == 0.0:
            if alarm is not None and self._alarm_at == 0.0:
                return  # already coming at once
            at = 0.0
        else:
            at = math.ceil((loop.time() + delay) * ALARM_GRAIN_HZ) / ALARM_GRAIN_HZ
            if alarm is not None and self._alarm_at == at:
                return
        if alarm is not None:
            alarm.cancel()
        self._alarm_at = at
        self._alarm = loop.call_soon(self._tick) if at == 0.0 else loop.call_at(at, self._tick)

    def _tick(self) -> None:
        """Fire what is due now; an awaitable a timer returns is settled (with the timers due
        behind it) by a task holding the lock. An advance holding the lock re-arms when done."""
        self._alarm = None
        loop = self._loop
        if loop is None or self._finishing is not None or self._lock.locked():
            return
        timers = self._timers
        self._firing = True
        try:
            # again while more is due (a batch takes time), a few times at most: timers that
            # keep scheduling timers due at once must not keep the loop from its other work
            for _ in range(TICK_PASSES):
                limit = self.timestamp()
                awaited = self._fire_plain(limit, False)
                if awaited is not None or not timers or timers[0][0] > self.timestamp():
                    break
        finally:
            self._firing = False
        if awaited is None:
            self._arm()
        else:
            self._finishing = loop.create_task(self._finish(*awaited, limit), name="clock")

    async def _finish(self, awaited: Awaitable[None], timer: Timer, limit: float) -> None:
        try:
            async with self._lock:
                await settle(awaited, timer)
                await self._fire_due(limit, jump=False)
        finally:
            if inspect.iscoroutine(awaited):
                awaited.close()  # never started (stopped first): no "never awaited" warning
            self._finishing = None
            if self._loop is not None:
                self._arm()
