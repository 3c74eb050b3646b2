"""The delivery engine: every webhook goes through here, every attempt is recorded.

A delivery is a body (exact bytes), headers and a URL. Attempts are timers on the world's
virtual clock: the first is due at once (on a running clock it goes straight to the sender's
queue), retries follow the policy's schedule; `attempts.py` makes and settles them. A scenario can
fake a receiver's answers (`faults: - webhook: URL, answers: [500, 200]`). Nothing is lost: a
delivery ends `delivered`, `failed` (attempts exhausted or a final 4xx) or `abandoned` (the
sandbox shut down first, or the pending bound below), and can be redelivered on demand.

Pending deliveries are bounded (`max_pending`, MOCKSERVER_MAX_PENDING_DELIVERIES, per
namespace): a receiver that fails every attempt keeps each delivery pending for a day of
retries, so a spam wave would otherwise grow memory without limit. At the bound the oldest
pending delivery is abandoned, its `abandoned_reason` says why, `abandoned_at_bound` counts it
and a warning says so (at most one line per BOUND_LOG_EVERY seconds, with the count).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Mapping

from mockserver.base.filters import EVERY_DELIVERY, DeliveryFilter
from mockserver.base.ids import IdFactory
from mockserver.base.redaction import redact_url
from mockserver.records.clock import Clock
from mockserver.records.notifier import Notifier
from mockserver.scenario.model import WebhookFault
from mockserver.webhooks.attempts import Attempts
from mockserver.webhooks.deliveries import Delivery, DeliveryLog
from mockserver.webhooks.policy import RetryPolicy
from mockserver.webhooks.posting import SessionFactory

log = logging.getLogger("mockserver.webhooks")

MAX_PENDING = 5_000  # pending deliveries per namespace (MOCKSERVER_MAX_PENDING_DELIVERIES)
BOUND_LOG_EVERY = 10.0  # seconds (real time) between two warnings about the pending bound
AT_BOUND = (
    "abandoned: {count} deliveries were pending (the bound, MOCKSERVER_MAX_PENDING_DELIVERIES)"
    " and this was the oldest"
)
AT_SHUTDOWN = "abandoned: the sandbox shut down (or the namespace was reset) first"
NONE: frozenset[str] = frozenset()  # no secret headers (most deliveries)


class Dispatcher(Attempts):
    """Queues deliveries, keeps them pending within the bound, abandons, redelivers, answers
    queries; each attempt is made and settled by `Attempts` (attempts.py)."""

    def __init__(
        self,
        clock: Clock,
        ids: IdFactory,
        notifier: Notifier,
        session: SessionFactory,
        cap: int,
        faults: tuple[WebhookFault, ...] = (),
        namespace: str = "",
        max_pending: int = MAX_PENDING,
    ) -> None:
        super().__init__(clock, notifier, session, faults, namespace, max(1, max_pending))
        self._ids = ids
        self._session = session
        self.log = DeliveryLog(cap)
        # the ids of the pending deliveries, oldest first, among some settled since (skipped
        # when the oldest is looked for; dropped whenever they outnumber the pending ones)
        self._order: deque[str] = deque()
        self._unordered = 64  # ids it takes before it is rebuilt (then at most 2 per pending)
        self.abandoned_at_bound = 0
        self._bound_logged_at = -BOUND_LOG_EVERY
        self._bound_unlogged = 0
        self._bound_reason = (0, "")  # the pending count at the bound, and the reason it gives

    @property
    def pending(self) -> int:
        """Deliveries still pending (at most `max_pending`)."""
        return len(self._pending)

    def get(self, delivery_id: str) -> Delivery | None:
        return self.log.get(delivery_id)

    def send(
        self,
        vendor: str,
        event: str,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        policy: RetryPolicy,
        subject: str | None = None,
        redelivery_of: str | None = None,
        secret_headers: tuple[str, ...] = (),
    ) -> Delivery:
        """Queue a delivery; its first attempt is due now on the virtual clock. The values of
        `secret_headers` are recorded as fingerprints only. (The outboxes pass the arguments
        in order: each of a wave's webhooks comes through here.)"""
        now = self._clock.timestamp()
        delivery = Delivery(
            self._ids.object_id(),
            vendor,
            event,
            url,
            {"Content-Type": "application/json", **headers},
            body,
            policy,
            now,
            subject,
            "pending",
            [],
            now,
            redelivery_of,
            frozenset([h.lower() for h in secret_headers]) if secret_headers else NONE,
        )
        self.log.append(delivery)
        pending = self._pending
        if len(pending) >= self.max_pending:
            self._abandon_oldest()
        pending[delivery.id] = delivery
        self._order.append(delivery.id)
        self._unordered -= 1
        if not self._unordered:  # the order holds mostly settled ones: only the pending kept
            self._order = deque(pending)
            self._unordered = len(pending) + 64
        if self._clock.mode == "manual":
            delivery.timer = self._clock.call_at_with(now, self._due_later, delivery.id, "webhook")
        else:
            self._sender.put(delivery)  # due now on a running clock: no timer to wait for
        self._notifier.notify("deliveries", subject, delivery)
        return delivery

    def _abandon_oldest(self) -> None:
        """The pending bound is reached: the oldest pending delivery is abandoned, recorded
        (its state, its reason, the counter) and, at most every BOUND_LOG_EVERY s, logged."""
        # (not next(iter(self._pending)): a dict that settles from the front keeps the slots
        # of what it let go until it grows again, and a scan from its start walks them all)
        pending, order = self._pending, self._order
        oldest = pending.get(order.popleft())
        while oldest is None:  # settled or abandoned since it was queued
            oldest = pending.get(order.popleft())
        count = len(pending)
        if self._bound_reason[0] != count:  # (one text for every delivery abandoned at it)
            self._bound_reason = (count, AT_BOUND.format(count=count))
        self._abandon(oldest, self._bound_reason[1])
        self.abandoned_at_bound += 1
        self._bound_unlogged += 1
        now = time.monotonic()
        if now - self._bound_logged_at >= BOUND_LOG_EVERY:
            self._bound_logged_at = now
            log.warning(
                "webhooks: %d deliveries pending, the bound (MOCKSERVER_MAX_PENDING_DELIVERIES): "
                "the oldest is abandoned for each new one; %d abandoned since the last line, "
                "%d in all (this one: %s to %s)",
                count,
                self._bound_unlogged,
                self.abandoned_at_bound,
                oldest.event,
                redact_url(oldest.url),
                extra={
                    "vendor": oldest.vendor,
                    "namespace": self.namespace,
                    "item": oldest.subject,
                    "event": "delivery.abandoned",
                    "reason": "pending bound",
                },
            )
            self._bound_unlogged = 0

    def _abandon(self, delivery: Delivery, reason: str) -> None:
        delivery.state = "abandoned"
        delivery.abandoned_reason = reason
        self._unschedule(delivery)
        self._pending.pop(delivery.id, None)
        self._notifier.notify("deliveries", delivery.subject, delivery)

    def _unschedule(self, delivery: Delivery) -> None:
        delivery.next_due = None
        if delivery.timer is not None:
            self._clock.discard(delivery.timer)
            delivery.timer = None

    def redeliver(self, delivery: Delivery) -> Delivery:
        return self.send(
            vendor=delivery.vendor,
            event=delivery.event,
            url=delivery.url,
            body=delivery.body,
            headers={k: v for k, v in delivery.headers.items() if k != "Content-Type"},
            policy=delivery.policy,
            subject=delivery.subject,
            redelivery_of=delivery.id,
            secret_headers=tuple(delivery.secret_headers),
        )

    async def drain(self, grace: float) -> None:
        """At shutdown: let attempts sending finish within `grace` seconds, then stop them.
        Queued attempts never start (they are entries in a queue, not tasks to cancel one by
        one): their deliveries stay pending, and `abandon_pending` records them."""
        await self._sender.drain(grace)

    def abandon_pending(self) -> int:
        """At shutdown: mark what was never delivered, so it is recorded rather than lost."""
        doomed = list(self._pending.values())
        for delivery in doomed:
            self._abandon(delivery, AT_SHUTDOWN)
        return len(doomed)

    def query(self, where: DeliveryFilter = EVERY_DELIVERY) -> list[Delivery]:
        """Deliveries `where` lets through, oldest first."""
        return self.log.select(where.matches)
