"""An append-only log with a cap: the oldest entries are dropped and counted.

The journal of received calls and the webhook delivery log are both bounded this way, so a long
CI run against one sandbox cannot exhaust memory.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class BoundedLog(Generic[T]):
    """Keeps the newest `cap` entries; `dropped` counts what fell off the front."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._entries: deque[T] = deque(maxlen=cap)
        self.dropped = 0
        self.total = 0
        self.clears = 0  # how many times it was cleared (a wait's tally starts over)

    def append(self, entry: T) -> None:
        if len(self._entries) == self.cap:
            self.dropped += 1
        self._entries.append(entry)
        self.total += 1

    def clear(self) -> None:
        self._entries.clear()
        self.clears += 1

    def __iter__(self) -> Iterator[T]:
        return iter(self._entries)

    def __reversed__(self) -> Iterator[T]:
        return reversed(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def select(self, keep: Callable[[T], bool]) -> list[T]:
        return [e for e in self._entries if keep(e)]
