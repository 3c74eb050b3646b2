"""Change notification for long-polling waits: a change wakes only the waits it can concern.

A wait names a topic (`item`, `journal`, `deliveries`), optionally a key (the item's id) and a
pre-filter (`accepts`: does this new journal entry / this delivery match my filters?). A change
names its topic, key and subject, and wakes only the waits of that topic with that key (or no
key) whose pre-filter accepts the subject; those re-check their full condition. So 500 tests
waiting on their own requests cost a create-request one dictionary look-up, not 500 wake-ups.
A change without a topic wakes every wait. With no wait at all, a change costs one test.

A pre-filter is also where a wait keeps its own tally (how many matching calls it has seen):
it answers whether the wait is now satisfied, so a change costs each concerned wait one test
and no wait ever rescans a log. Waits are bounded (`WaitLimits`): so many parked in one
namespace, so many in all; one more is refused at once (`TooManyWaits`), so nobody can park
enough waits in another's namespace to slow its calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

Accepts = Callable[[Any], bool]


class TooManyWaits(Exception):
    """No room for another parked wait (the message says which limit and its setting)."""


@dataclass
class WaitLimits:
    """How many waits may be parked at once: `per_namespace` in each notifier, `total` in all
    the notifiers sharing this object (`parked` counts them)."""

    per_namespace: int = 500
    total: int = 2000
    parked: int = 0

    def admit(self, parked_here: int) -> None:
        """TooManyWaits when one more wait would pass a limit."""
        if parked_here >= self.per_namespace:
            raise TooManyWaits(
                f"too many waits parked in this namespace ({self.per_namespace}, "
                "MOCKSERVER_NAMESPACE_WAITS): end some, or wait in a namespace of your own"
            )
        if self.parked >= self.total:
            raise TooManyWaits(
                f"too many waits parked in the sandbox ({self.total}, MOCKSERVER_MAX_WAITS)"
            )


@dataclass(eq=False)
class _Waiter:
    future: asyncio.Future[None]
    accepts: Accepts | None


class Notifier:
    def __init__(self, limits: WaitLimits | None = None) -> None:
        self.limits = limits if limits is not None else WaitLimits()
        self.parked = 0  # waits in `wait_for` now
        # topic -> key -> waiters; a topic or key of None waits on any
        self._topics: dict[str | None, dict[Hashable | None, set[_Waiter]]] = {}
        self.closed: str | None = None  # why waits end now (shutdown, reset), once closed
        self.wakeups = 0  # waits woken (for tests and benchmarks)
        self.checks = 0  # pre-filters evaluated

    @property
    def watched(self) -> bool:
        """Whether any wait is parked (with none, a change wakes nothing)."""
        return bool(self._topics)

    def item_changed(self, key: Hashable | None = None) -> None:
        """An item changed (`key`; None: some item): `notify("item", key)`, one call fewer for
        the engine, which says so after every scripted step."""
        self.notify("item", key)

    def notify(
        self, topic: str | None = None, key: Hashable | None = None, subject: object = None
    ) -> None:
        """Something changed: wake the waits it can concern (every wait without a topic)."""
        if not self._topics:
            return
        for wanted in (topic, None) if topic is not None else tuple(self._topics):
            keyed = self._topics.get(wanted)
            if not keyed:
                continue
            if topic is None or key is None or wanted is None:
                buckets = list(keyed.values())
            else:
                buckets = [b for b in (keyed.get(key), keyed.get(None)) if b]
            for bucket in buckets:
                for waiter in bucket:
                    self._wake(waiter, subject if topic is not None else None)

    def _wake(self, waiter: _Waiter, subject: object) -> None:
        if waiter.future.done():
            return
        if waiter.accepts is not None and subject is not None:
            self.checks += 1
            if not waiter.accepts(subject):
                return
        self.wakeups += 1
        waiter.future.set_result(None)

    def waiting(self) -> int:
        """How many waits are parked now."""
        return sum(len(b) for keyed in self._topics.values() for b in keyed.values())

    def close(self, reason: str) -> None:
        """End every wait now (each answers with what it has) and every later one at once."""
        if self.closed is None:
            self.closed = reason
        self.notify()

    async def wait_for(
        self,
        condition: Callable[[], bool],
        timeout: float,
        *,
        topic: str | None = None,
        key: Hashable | None = None,
        accepts: Accepts | None = None,
    ) -> bool:
        """True as soon as `condition()` holds; False if it still doesn't after `timeout` s
        or once the notifier is closed. Re-checked only on changes of `topic` (and `key`)
        whose subject `accepts` lets through."""
        if condition():
            return True
        if self.closed is None:
            self.limits.admit(self.parked)
        self.parked += 1
        self.limits.parked += 1
        try:
            return await self._wait(condition, timeout, topic, key, accepts)
        finally:
            self.parked -= 1
            self.limits.parked -= 1

    async def _wait(
        self,
        condition: Callable[[], bool],
        timeout: float,
        topic: str | None,
        key: Hashable | None,
        accepts: Accepts | None,
    ) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0 or self.closed is not None:
                return False
            waiter = _Waiter(loop.create_future(), accepts)
            keyed = self._topics.setdefault(topic, {})
            bucket = keyed.setdefault(key, set())
            bucket.add(waiter)
            try:
                async with asyncio.timeout(remaining):
                    await waiter.future
            except TimeoutError:
                return condition()
            finally:
                bucket.discard(waiter)
                if not bucket and keyed.get(key) is bucket:
                    del keyed[key]
                    if not keyed and self._topics.get(topic) is keyed:
                        del self._topics[topic]
        return True
