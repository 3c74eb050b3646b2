"""The bound on plain-HTTP webhook connections busy at once (`fastpost.py`), shared by every
namespace: a free place is taken by a plain call, with no coroutine (a wave's every batch);
when none is free, batches wait for one in turn, each as long as its own deadline allows.

(An `asyncio.Semaphore` did this before: its free case made a coroutine and two generators
per batch.)
"""

from __future__ import annotations

import asyncio
from collections import deque


class Gate:
    """At most `most` places taken at once; a place given back goes to the next waiting."""

    def __init__(self, most: int) -> None:
        self._free = most
        # those waiting, in turn (one that stopped waiting stays until `give` skips it);
        # while any waits, no place is free (`give` hands it on), so `take_now` cannot jump
        # the queue
        self._waiting: deque[asyncio.Future[None]] = deque()

    def take_now(self) -> bool:
        """Take a free place; False when none is (then `take` waits for one)."""
        if self._free:
            self._free -= 1
            return True
        return False

    async def take(self) -> None:
        """Wait in turn for a place (after `take_now` found none free). Stopped while
        waiting (a deadline, a cancel), it takes none: one handed to it just then goes on to
        the next."""
        place: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(place)
        try:
            await place
        except BaseException:
            if place.done() and not place.cancelled():
                self.give()
            else:
                place.cancel()
            raise

    def give(self) -> None:
        """Give a place back: to the next still waiting, or free."""
        waiting = self._waiting
        while waiting:
            place = waiting.popleft()
            if not place.done():
                place.set_result(None)
                return
        self._free += 1
