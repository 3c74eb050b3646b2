"""The server-wide change feed the reviewer console follows (`GET /_mockserver/wait/changes`).

Every world's notifier also bumps the feed's `version` when anything in that world changes (an
item, a call, a delivery attempt), and the worlds bump it when a namespace is made, reset or
dropped. A console that saw version N waits until the version differs, then reads what it
shows. A bump costs an increment while no console waits.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Hashable

from mockserver.records.notifier import Notifier, WaitLimits


class ChangeFeed:
    def __init__(self, limits: WaitLimits | None = None) -> None:
        self.version = 0
        self._event: asyncio.Event | None = None
        self.limits = limits if limits is not None else WaitLimits()
        self.parked = 0

    def bump(self) -> None:
        self.version += 1
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, since: int, timeout: float) -> bool:
        """Whether the version differs from `since`, waiting up to `timeout` seconds for it."""
        if self.version != since or timeout <= 0:
            return self.version != since
        self.limits.admit(self.parked)  # the feed counts as one namespace of waits
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        self.parked += 1
        self.limits.parked += 1
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout)
        finally:
            self.parked -= 1
            self.limits.parked -= 1
        return self.version != since


class FeedingNotifier(Notifier):
    """A world's notifier that also tells the change feed."""

    def __init__(self, feed: ChangeFeed) -> None:
        super().__init__(feed.limits)
        self.feed = feed

    def notify(
        self, topic: str | None = None, key: Hashable | None = None, subject: object = None
    ) -> None:
        if self._topics:  # (no wait parked: nothing to wake, only the feed to bump)
            super().notify(topic, key, subject)
        feed = self.feed
        if feed._event is None:  # no console waits: `feed.bump()` is this increment
            feed.version += 1
        else:
            feed.bump()

    def item_changed(self, key: Hashable | None = None) -> None:
        # (`notify("item", key)` as one call: the engine calls it after every scripted step)
        if self._topics:
            Notifier.notify(self, "item", key)
        feed = self.feed
        if feed._event is None:
            feed.version += 1
        else:
            feed.bump()
