"""What a long-poll wait on the journal or the delivery log has seen so far, kept as it goes.

A wait counts the matching entries once, when it starts; then the notifier hands it each new
call or delivery change (its pre-filter, `accepts`), which costs one filter test and answers
whether the wait is now satisfied. So a change costs each concerned wait O(1), whatever the
size of the log or the `count` asked for: no wait rescans a log. A log cleared meanwhile
(`DELETE /_mockserver/journal`) is counted again, once.
"""

from __future__ import annotations

from mockserver.base.filters import DeliveryFilter, JournalFilter
from mockserver.records.journal import Journal, JournalEntry
from mockserver.webhooks.deliveries import Delivery, DeliveryLog


class JournalTally:
    """Calls matching `where` seen by a wait for `wanted` of them."""

    def __init__(self, journal: Journal, where: JournalFilter, wanted: int) -> None:
        self.journal, self.where, self.wanted = journal, where, wanted
        self._recount()

    def _recount(self) -> None:
        self.clears = self.journal.clears
        self.seen = sum(1 for e in self.journal if self.where.matches(e))

    def accepts(self, entry: JournalEntry) -> bool:
        """A new call was journalled: count it if it matches; whether the wait is satisfied."""
        if self.journal.clears != self.clears:
            self._recount()  # it includes `entry`, already appended
        elif self.where.matches(entry):
            self.seen += 1
        return self.seen >= self.wanted

    def reached(self) -> bool:
        return self.seen >= self.wanted


class DeliveryTally:
    """Deliveries matching `where` (their state changes: a set, not a count) seen by a wait
    for `wanted` of them."""

    def __init__(self, log: DeliveryLog, where: DeliveryFilter, wanted: int) -> None:
        self.log, self.where, self.wanted = log, where, wanted
        self._recount()

    def _recount(self) -> None:
        self.clears = self.log.clears
        self.ids = {d.id for d in self.log if self.where.matches(d)}

    def accepts(self, delivery: Delivery) -> bool:
        """A delivery was made or attempted: add or drop it; whether the wait is satisfied."""
        if self.log.clears != self.clears:
            self._recount()
        elif self.where.matches(delivery):
            self.ids.add(delivery.id)
        else:
            self.ids.discard(delivery.id)
        return len(self.ids) >= self.wanted

    def reached(self) -> bool:
        return len(self.ids) >= self.wanted
