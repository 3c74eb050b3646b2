"""Change notification for long-polling waits: state changes wake whoever waits for them.

Control-plane waits ("until request X is completed", "until 3 deliveries match") re-check their
condition each time anything in the world changes, so tests never poll in loops. A world's
notifier passes each change on to its parent, the server-wide one the reviewer console waits on;
`version` counts the changes, so a waiter can tell whether anything happened since it looked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Notifier:
    def __init__(self, parent: Notifier | None = None) -> None:
        self._event = asyncio.Event()
        self._parent = parent
        self.version = 0

    def notify(self) -> None:
        """Something changed: wake every waiter (and the parent's)."""
        self.version += 1
        self._event.set()
        self._event = asyncio.Event()
        if self._parent is not None:
            self._parent.notify()

    async def wait_for(self, condition: Callable[[], bool], timeout: float) -> bool:
        """True as soon as `condition()` holds; False if it still doesn't after `timeout` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            event = self._event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return condition()
        return True
