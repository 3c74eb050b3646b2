"""Webhook attempts due on a running clock, sent in batches by a few worker tasks per namespace.

An attempt waiting its turn is one entry in a queue, not a task of its own: a spam wave
against a receiver that never answers once held tens of thousands of tasks (each a coroutine
frame waiting on a lock, kilobytes apiece). Attempts are queued by URL and subject (the item
the webhook is about): one item's webhooks to one URL go out one at a time, in the order they
fell due (`request.claimed` before `request.completed`), while different items' webhooks to
one receiver go out together. A worker takes a batch: the next attempt of up to `batch(url)`
queues of one receiver (scheme://host:port), which the dispatcher sends on one connection
(fastpost.py; a receiver it does not serve gets batches of one). At most `total` workers send
for a namespace, at most `per_target` of them to one receiver (so a receiver that never
answers holds a few connections, never everyone's). What is queued is bounded by the
dispatcher's pending deliveries, each of which has at most one attempt scheduled or queued.

What a wave costs per attempt is one entry here and there, no container of its own: a key's
first attempt is itself the entry ready to go (`_ready`), and only the attempts behind it (an
item's second webhook while its first is still waiting) are in a queue of that key's.
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
Send = Callable[[list[J]], Awaitable[None]]
Key = tuple[str, str | None]  # (url, subject): the attempts that go out in order


class Sender(Generic[J]):
    """Queues of attempts per (url, subject), and the workers that empty them in batches
    (`send(jobs)` each); `key(job)` is the job's (url, subject)."""

    def __init__(
        self,
        send: Send[J],
        key: Callable[[J], Key],
        total: int,
        per_target: int,
        batch: Callable[[str], int],
        alive: Callable[[J], bool] = lambda _job: True,
        most: int = 0,
    ) -> None:
        """`alive(job)`: whether a queued attempt is still to be sent (one abandoned while it
        waited is not); once more than `most` attempts are queued (0: no limit), the queues
        drop those that are not, so a receiver that hangs cannot make them grow without
        bound while the dispatcher abandons what they hold."""
        self._send = send
        self._key = key
        self._alive = alive
        self._most = most
        self._queued = 0
        self.total = total
        self.per_target = per_target
        self.batch = batch
        # key -> the attempts behind its first (None: none), while any is ready or sending
        self._queues: dict[Key, deque[J] | None] = {}
        self._ready: dict[str, deque[J]] = {}  # origin -> the first attempt of each key ready
        self._turns: deque[str] = deque()  # origins with keys ready, in turn
        self._busy: dict[str, int] = {}  # origin -> batches sending to it
        self._sending = 0  # attempts in those batches
        self._workers: set[asyncio.Task[None]] = set()
        self._starting = 0  # workers made that have not looked for work yet
        self.closing = False

    def put(self, job: J) -> None:
        """Queue an attempt behind those already waiting for its URL and subject."""
        key = self._key(job)
        origin = _origin(key[0])
        queues = self._queues
        if key not in queues:  # (a key sending now readies the next once it is done)
            queues[key] = None
            ready = self._ready.get(origin)  # (`_make_ready`, inline: every attempt's way)
            if ready is None:
                self._ready[origin] = deque((job,))
                self._turns.append(origin)
            else:
                ready.append(job)
        else:
            queue = queues[key]
            if queue is None:
                queues[key] = deque((job,))
            else:
                queue.append(job)
        self._queued += 1
        if self._most and self._queued > self._most:
            self._sweep()
        # A worker only where one is of use: none is starting (it will take this, or start
        # another as it does), and this receiver has a slot free (else the workers sending to
        # it take this when they are done). Under a wave that is one task per batch, not one
        # per attempt (most of which found nothing to do and ended).
        if not self._starting and self._busy.get(origin, 0) < self.per_target:
            self._spawn()

    def _spawn(self) -> None:
        if len(self._workers) >= self.total or self.closing:
            return
        self._starting += 1
        self._workers.add(asyncio.get_running_loop().create_task(self._work()))

    def _more_to_take(self) -> bool:
        """Whether a receiver with keys ready has a slot free (another worker is of use)."""
        busy, most = self._busy, self.per_target
        return any(busy.get(origin, 0) < most for origin in self._turns)

    def _sweep(self) -> None:
        """Drop queued attempts that are no longer to be sent: those behind a key's first,
        then the first ones ready (the next alive behind one takes its place, a key left with
        none is forgotten)."""
        alive, queues = self._alive, self._queues
        for queue in queues.values():
            if queue is not None:
                kept = [job for job in queue if alive(job)]
                if len(kept) != len(queue):
                    queue.clear()
                    queue.extend(kept)
        for ready in self._ready.values():
            firsts: list[J] = []
            for job in ready:
                key = self._key(job)
                queue = queues[key]
                while not alive(job) and queue:
                    job = queue.popleft()
                if alive(job):
                    firsts.append(job)
                else:
                    del queues[key]
            ready.clear()
            ready.extend(firsts)  # (an origin left with none is dropped when its turn comes)
        self._queued = self._count()

    def _count(self) -> int:
        """Attempts queued, not sending."""
        behind = sum(len(q) for q in self._queues.values() if q is not None)
        return behind + sum(len(ready) for ready in self._ready.values())

    def waiting(self) -> int:
        """Attempts queued, those sending included."""
        return self._count() + self._sending

    def workers(self) -> int:
        return len(self._workers)

    def _make_ready(self, origin: str, job: J) -> None:
        ready = self._ready.get(origin)
        if ready is None:
            ready = self._ready[origin] = deque()
            self._turns.append(origin)
        ready.append(job)

    def _next(self) -> tuple[str, list[J]] | None:
        """The next receiver in turn with a slot free, and up to `batch` of its ready
        attempts (each the first of its key)."""
        for _ in range(len(self._turns)):
            origin = self._turns.popleft()
            if self._busy.get(origin, 0) >= self.per_target:
                self._turns.append(origin)  # its turn comes again once a slot frees
                continue
            ready = self._ready[origin]
            if not ready:  # (emptied by `_sweep`)
                del self._ready[origin]
                continue
            most = self.batch(self._key(ready[0])[0])
            if most >= len(ready):  # (all of them: a wave's usual batch)
                jobs = list(ready)
                ready.clear()
            else:
                jobs = [ready.popleft() for _ in range(most)]
            if ready:
                self._turns.append(origin)
            else:
                del self._ready[origin]
            return origin, jobs
        return None

    async def _work(self) -> None:
        self._starting -= 1
        try:
            while not self.closing:
                taken = self._next()
                if taken is None:
                    return
                origin, jobs = taken
                self._queued -= len(jobs)
                self._busy[origin] = self._busy.get(origin, 0) + 1
                self._sending += len(jobs)
                if not self._starting and self._turns and self._more_to_take():
                    self._spawn()  # other receivers (or this one's other slots) have work too
                try:
                    await self._send(jobs)
                except asyncio.CancelledError:
                    raise
                except Exception:  # one attempt's bug must never stop the namespace's webhooks
                    log.exception("webhook attempts to %s failed unexpectedly", origin)
                finally:
                    self._done(origin, jobs)
        finally:
            task = asyncio.current_task()
            if task is not None:  # (it leaves `_workers` itself: no done callback to run)
                self._workers.discard(task)

    def _done(self, origin: str, jobs: list[J]) -> None:
        self._sending -= len(jobs)
        busy = self._busy[origin] - 1
        if busy:
            self._busy[origin] = busy
        else:
            del self._busy[origin]
        queues, key_of = self._queues, self._key
        for job in jobs:
            key = key_of(job)
            queue = queues.pop(key)
            if queue:  # the next of this key is ready now
                self._make_ready(origin, queue.popleft())
                queues[key] = queue if queue else None

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
        self._workers.difference_update(late)  # (one cancelled before it began left none)


@functools.lru_cache(maxsize=1024)
def _origin(url: str) -> str:
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname}:{parts.port}"
    except ValueError:
        return url
