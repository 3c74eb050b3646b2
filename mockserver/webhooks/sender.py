"""Webhook attempts due on a running clock, sent by a few worker tasks per namespace.

An attempt waiting its turn is one entry in a queue, not a task of its own: a spam wave
against a receiver that never answers once held tens of thousands of tasks (each a coroutine
frame waiting on a lock, kilobytes apiece). Here at most `total` workers send for a namespace,
at most `per_target` of them to one scheme://host:port (so one receiver that never answers
cannot hold everyone's connections). Attempts are queued by URL and subject (the item the
webhook is about): one item's webhooks to one URL go out one at a time, in the order they fell
due (`request.claimed` before `request.completed`), while different items' webhooks to one
receiver go out side by side. What is queued is bounded by the dispatcher's pending
deliveries, each of which has at most one attempt scheduled or queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar
from urllib.parse import urlsplit

log = logging.getLogger("mockserver.webhooks")

J = TypeVar("J")  # one attempt (the dispatcher's: a delivery)
Send = Callable[[J], Awaitable[None]]
Key = tuple[str, str | None]  # (url, subject): the attempts that go out in order


class Sender(Generic[J]):
    """Queues of attempts per (url, subject), and the workers that empty them (`send(job)`
    each); `key(job)` is the job's (url, subject)."""

    def __init__(self, send: Send[J], key: Callable[[J], Key], total: int, per_target: int) -> None:
        self._send = send
        self._key = key
        self.total = total
        self.per_target = per_target
        self._queues: dict[Key, deque[J]] = {}  # attempts waiting, while any waits or sends
        self._ready: deque[Key] = deque()  # keys with an attempt waiting and none sending
        self._parked: dict[str, deque[Key]] = {}  # origin -> ready keys waiting for its slot
        self._busy: dict[str, int] = {}  # origin -> attempts sending to it
        self._workers: set[asyncio.Task[None]] = set()
        self.closing = False

    def put(self, job: J) -> None:
        """Queue an attempt behind those already waiting for its URL."""
        key = self._key(job)
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = deque()
            self._ready.append(key)  # (a key sending now is readied again once it is done)
        queue.append(job)
        if len(self._workers) < self.total and not self.closing:
            task = asyncio.get_running_loop().create_task(self._work())
            self._workers.add(task)
            task.add_done_callback(self._workers.discard)

    def waiting(self) -> int:
        """Attempts queued, those sending included."""
        return sum(len(q) for q in self._queues.values()) + sum(self._busy.values())

    def workers(self) -> int:
        return len(self._workers)

    def _next(self) -> Key | None:
        """A key to send for now: waiting, and its origin under `per_target` (else parked)."""
        while self._ready:
            key = self._ready.popleft()
            origin = _origin(key[0])
            if self._busy.get(origin, 0) < self.per_target:
                return key
            self._parked.setdefault(origin, deque()).append(key)
        return None

    async def _work(self) -> None:
        while not self.closing:
            key = self._next()
            if key is None:
                return
            queue = self._queues[key]
            job = queue.popleft()
            origin = _origin(key[0])
            self._busy[origin] = self._busy.get(origin, 0) + 1
            try:
                await self._send(job)
            except asyncio.CancelledError:
                raise
            except Exception:  # one attempt's bug must never stop the namespace's webhooks
                log.exception("webhook attempt to %s failed unexpectedly", origin)
            finally:
                self._done(key, origin, queue)

    def _done(self, key: Key, origin: str, queue: deque[J]) -> None:
        busy = self._busy[origin] - 1
        if busy:
            self._busy[origin] = busy
        else:
            del self._busy[origin]
        parked = self._parked.get(origin)
        if parked:
            self._ready.append(parked.popleft())
            if not parked:
                del self._parked[origin]
        if queue:
            self._ready.append(key)
        else:
            del self._queues[key]

    async def drain(self, grace: float) -> None:
        """At shutdown: no new attempt starts; those sending get `grace` seconds, then stop.
        Queued attempts are left as they are (their deliveries stay pending, and the
        dispatcher records them abandoned)."""
        self.closing = True
        if not self._workers:
            return
        _, late = await asyncio.wait(set(self._workers), timeout=grace)
        for task in late:
            task.cancel()
        for task in late:
            with contextlib.suppress(asyncio.CancelledError):
                await task


@functools.lru_cache(maxsize=1024)
def _origin(url: str) -> str:
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname}:{parts.port}"
    except ValueError:
        return url
