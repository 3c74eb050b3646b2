"""Per-key request budgets that reset at the top of each virtual hour.

Vendor-neutral counting; each vendor decides the budget, the headers and the 429 body.
"""

from __future__ import annotations

from typing import NamedTuple


class Usage(NamedTuple):
    """One key's budget as it stands (a tuple: made on every call, cheaply)."""

    limit: int
    used: int
    reset_at: float
    allowed: bool

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


class RateLimiter:
    def __init__(self, limit: int, window: float = 3600.0) -> None:
        self.limit = limit
        self.window = window
        self._windows: dict[str, tuple[float, int]] = {}

    def _current(self, key: str, now: float) -> tuple[float, int]:
        start = now - (now % self.window)
        win_start, used = self._windows.get(key, (start, 0))
        return (start, 0) if win_start != start else (win_start, used)

    def hit(self, key: str, now: float) -> Usage:
        """Count one call for `key`; `allowed` is False once the window's budget is spent."""
        start, used = self._current(key, now)
        allowed = used < self.limit
        if allowed:
            used += 1
        self._windows[key] = (start, used)
        return Usage(self.limit, used, start + self.window, allowed)

    def peek(self, key: str, now: float) -> Usage:
        start, used = self._current(key, now)
        return Usage(self.limit, used, start + self.window, used < self.limit)

    def unchanged(self, key: str, usage: Usage, now: float) -> bool:
        """Whether `key`'s budget at `now` is still `usage`, as a call counted it (`hit`):
        nothing refunded or counted since, in the same window. `peek` and a comparison, without
        making the Usage (a call's answer asks, every call)."""
        start = now - (now % self.window)
        stored = self._windows.get(key)
        return (
            stored is not None
            and stored[0] == start
            and stored[1] == usage.used
            and start + self.window == usage.reset_at
        )

    def refund(self, key: str, now: float) -> None:
        """Give one call back (HITL refunds cancelling a pending request)."""
        start, used = self._current(key, now)
        self._windows[key] = (start, max(0, used - 1))
