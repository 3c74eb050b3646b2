"""Change notification for long-polling waits: state changes wake whoever waits for them.

Control-plane waits ("until request X is completed", "until 3 deliveries match") re-check their
condition each time anything in the world changes, so tests never poll in loops.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Notifier:
    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._waiting = 0

    def notify(self) -> None:
        """Something changed: wake every waiter (every API call notifies: nothing to do, and
        no new Event, while nobody waits)."""
        if self._waiting:
            self._event.set()
            self._event = asyncio.Event()

    async def wait_for(self, condition: Callable[[], bool], timeout: float) -> bool:
        """True as soon as `condition()` holds; False if it still doesn't after `timeout` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            event = self._event
            self._waiting += 1
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return condition()
            finally:
                self._waiting -= 1
        return True
