"""Freeing what a dropped namespace held, off the request path.

The server tunes the garbage collector to collect its oldest generation rarely (server.py,
`tune_gc`), so the reference cycles of a dropped world (stores, clock timers, callbacks) would
wait for a full collection that almost never comes: RSS climbed with every load-then-reset
round. After a reset or drop, one full collection runs shortly after the answer goes out
(coalesced: a burst of per-test resets costs one collection per COLLECT_DELAY)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Coroutine
from typing import Any, Protocol

from mockserver.base import gcpolicy

COLLECT_DELAY = 0.25  # seconds after a reset or drop (real time)


class Closable(Protocol):
    def close(self, grace: float = ...) -> Coroutine[Any, Any, int]: ...


class Cleanup:
    def __init__(self) -> None:
        self._pending: asyncio.TimerHandle | None = None
        self._closing: set[asyncio.Task[int]] = set()

    def collect_soon(self) -> None:
        """One full collection COLLECT_DELAY seconds from now, unless one is already due."""
        if self._pending is not None:
            return
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to schedule on
            loop = asyncio.get_running_loop()
            self._pending = loop.call_later(COLLECT_DELAY, self._collect)

    def _collect(self) -> None:
        self._pending = None
        gcpolicy.thaw()  # a dropped world may be frozen (gcpolicy): let the collection see it
        gc.collect()

    def close(self, world: Closable) -> None:
        """Close an evicted world in the background, then collect."""
        with contextlib.suppress(RuntimeError):
            task = asyncio.get_running_loop().create_task(world.close(0.5))
            self._closing.add(task)
            task.add_done_callback(self._closed)

    def _closed(self, task: asyncio.Task[int]) -> None:
        self._closing.discard(task)
        self.collect_soon()
