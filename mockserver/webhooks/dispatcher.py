"""The delivery engine: every webhook goes through here, every attempt is recorded.

A delivery is a body (exact bytes), headers and a URL. Attempts are timers on the world's
virtual clock: the first is due at once, retries follow the policy's schedule. A scenario can
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

import fnmatch
import logging
import time
from collections.abc import Mapping

from mockserver.base.filters import EVERY_DELIVERY, DeliveryFilter
from mockserver.base.ids import IdFactory
from mockserver.base.redaction import redact_url
from mockserver.base.urls import url_problem
from mockserver.records.clock import Clock
from mockserver.records.notifier import Notifier
from mockserver.scenario.model import WebhookFault
from mockserver.webhooks.answers import reason
from mockserver.webhooks.deliveries import (
    Attempt,
    Delivery,
    DeliveryLog,
)
from mockserver.webhooks.http1 import Target
from mockserver.webhooks.policy import RetryPolicy
from mockserver.webhooks.posting import Poster, SessionFactory
from mockserver.webhooks.sender import Sender
from mockserver.webhooks.transport import (
    NAMESPACE_IN_FLIGHT,
    TARGET_IN_FLIGHT,
)

log = logging.getLogger("mockserver.webhooks")

MAX_PENDING = 5_000  # pending deliveries per namespace (MOCKSERVER_MAX_PENDING_DELIVERIES)
BATCH = 32  # attempts to one receiver sent together on one connection (sender.py, fastpost.py)
BOUND_LOG_EVERY = 10.0  # seconds (real time) between two warnings about the pending bound
AT_BOUND = (
    "abandoned: {count} deliveries were pending (the bound, MOCKSERVER_MAX_PENDING_DELIVERIES)"
    " and this was the oldest"
)
AT_SHUTDOWN = "abandoned: the sandbox shut down (or the namespace was reset) first"
# An attempt going out on a shared connection: its delivery, the attempt, when it was due, where.
_Sending = tuple[Delivery, Attempt, float, Target]
NONE: frozenset[str] = frozenset()  # no secret headers (most deliveries)


class Dispatcher:
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
        self.namespace = namespace  # for log lines only
        self._clock = clock
        self._ids = ids
        self._notifier = notifier
        self._session = session
        self.log = DeliveryLog(cap)
        self._faults = faults
        self._fault_used: dict[int, int] = {}
        self.max_pending = max(1, max_pending)
        self._pending: dict[str, Delivery] = {}  # id -> delivery, oldest first
        self.abandoned_at_bound = 0
        self._bound_logged_at = -BOUND_LOG_EVERY
        self._bound_unlogged = 0
        self._sender: Sender[Delivery] = Sender(
            self._attempt_batch,
            _queue_key,
            NAMESPACE_IN_FLIGHT,
            TARGET_IN_FLIGHT,
            self._batch,
            alive=_still_pending,
            most=2 * self.max_pending + 64,
        )
        self._due_later = self._due  # one bound method for every attempt's timer
        self._poster = Poster(session)

    def _batch(self, url: str) -> int:
        """Attempts to one receiver sent together: BATCH on one connection for a plain-HTTP
        receiver (fastpost.py), one at a time through the aiohttp session otherwise."""
        return BATCH if self._poster.target(url) is not None else 1

    @property
    def pending(self) -> int:
        """Deliveries still pending (at most `max_pending`)."""
        return len(self._pending)

    def get(self, delivery_id: str) -> Delivery | None:
        return self.log.get(delivery_id)

    def send(
        self,
        *,
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
        `secret_headers` are recorded as fingerprints only."""
        delivery = Delivery(
            id=self._ids.object_id(),
            vendor=vendor,
            event=event,
            url=url,
            headers={"Content-Type": "application/json", **headers},
            body=body,
            policy=policy,
            created=self._clock.timestamp(),
            subject=subject,
            redelivery_of=redelivery_of,
            secret_headers=frozenset(h.lower() for h in secret_headers) if secret_headers else NONE,
        )
        self.log.append(delivery)
        if len(self._pending) >= self.max_pending:
            self._abandon_oldest()
        self._pending[delivery.id] = delivery
        self._schedule(delivery, self._clock.timestamp())
        self._notifier.notify("deliveries", delivery.subject, delivery)
        return delivery

    def _abandon_oldest(self) -> None:
        """The pending bound is reached: the oldest pending delivery is abandoned, recorded
        (its state, its reason, the counter) and, at most every BOUND_LOG_EVERY s, logged."""
        oldest = next(iter(self._pending.values()))
        count = len(self._pending)
        self._abandon(oldest, AT_BOUND.format(count=count))
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

    def _schedule(self, delivery: Delivery, due: float) -> None:
        """An attempt as a timer at virtual time `due` (one shared callback, the delivery's id
        as its argument: no closure per attempt).

        On a manual clock the attempt runs inside the timer (with the attempts due at the same
        instant right behind it: `_attempt_in_order`), so `advance` returns only once it is
        settled and everything happens in virtual-time order. On a real or scaled clock it
        is queued for the sender's workers (at once, when it is due now), so a slow receiver
        never delays other timers
        (scripted reviewers, timeouts, other receivers); one item's attempts to one URL still
        go out one at a time, in order (sender.py).
        """
        delivery.next_due = due
        if self._clock.mode != "manual" and due <= self._clock.timestamp():
            self._sender.put(delivery)  # due now on a running clock: no timer to wait for
            return
        delivery.timer = self._clock.call_at_with(due, self._due_later, delivery.id, "webhook")

    async def _due(self, delivery_id: str) -> None:
        delivery = self._pending.get(delivery_id)
        if delivery is None or delivery.next_due is None:
            return
        delivery.timer = None
        if self._clock.mode != "manual":
            self._sender.put(delivery)
            return
        # A manual clock: the attempts due at this instant right behind this one go with it
        # (a test deciding a hundred requests at once sends their webhooks in a few batches)
        due = delivery.next_due
        deliveries = [delivery]
        for other_id in self._clock.take_due(self._due_later, due):
            other = self._pending.get(other_id)
            if other is not None and other.next_due is not None:
                other.timer = None
                deliveries.append(other)
        await self._attempt_in_order(deliveries)

    async def _attempt_in_order(self, deliveries: list[Delivery]) -> None:
        """A manual clock's attempts due at one instant, in the order their timers would have
        fired: each run of plain-HTTP attempts to one receiver (different items, at most
        BATCH) goes out together; anything else (a scenario's fakes, a refused URL, another
        kind of receiver) one by one after what came before it, as its own timer would."""
        batch: list[_Sending] = []
        keys: set[tuple[str, str | None]] = set()
        for delivery in deliveries:
            due = delivery.next_due
            if delivery.state != "pending" or due is None:
                continue
            target = None if self._faults else self._poster.target(delivery.url)
            if target is not None and _refusal(delivery) is not None:
                target = None
            key = _queue_key(delivery)
            joins = (
                target is not None
                and len(batch) < BATCH
                and key not in keys
                and (not batch or _same_origin(batch[0][3], target))
            )
            if batch and not joins:
                await self._post_together(batch)
                batch, keys = [], set()
                if delivery.state != "pending":
                    continue  # abandoned at the bound meanwhile
            if target is None:
                await self._attempt_batch([delivery])  # alone, in its turn
                continue
            batch.append((delivery, self._begin(delivery), due, target))
            keys.add(key)
        if batch:
            await self._post_together(batch)

    def _fake_answer(self, url: str) -> int | str | None:
        if not self._faults:
            return None
        for index, fault in enumerate(self._faults):
            if fnmatch.fnmatchcase(url, fault.url):
                used = self._fault_used.get(index, 0)
                if used < len(fault.answers):
                    self._fault_used[index] = used + 1
                    return fault.answers[used]
        return None

    async def _attempt_batch(self, deliveries: list[Delivery]) -> None:
        """The sender's batch (one receiver, different items): scenario fakes, the guard and
        non-plain-HTTP receivers one by one; the rest together on one connection."""
        together: list[_Sending] = []
        for delivery in deliveries:
            due = delivery.next_due
            if delivery.state != "pending" or due is None:
                continue  # abandoned at the bound while queued
            begun = self._attempt(delivery, due)
            if begun is None:
                continue
            attempt, target = begun
            if target is None:
                await self._post_alone(delivery, attempt, due)
            else:
                together.append((delivery, attempt, due, target))
        if together:
            await self._post_together(together)

    async def _post_together(self, sending: list[_Sending]) -> None:
        """Plain-HTTP attempts to one receiver, on one connection (`posting.py`), each then
        settled with its own answer."""
        started = time.perf_counter()
        await self._poster.post_together([(d, a, target) for d, a, _, target in sending])
        for delivery, attempt, due, _ in sending:
            self._finish(delivery, attempt, due, started)

    async def _post_alone(self, delivery: Delivery, attempt: Attempt, due: float) -> None:
        """One attempt through the aiohttp session (a receiver that is not plain HTTP)."""
        started = time.perf_counter()
        await self._poster.post(delivery, attempt)
        self._finish(delivery, attempt, due, started)

    def _attempt(self, delivery: Delivery, due: float) -> tuple[Attempt, Target | None] | None:
        """One attempt begun: settled here (a fake answer, the guard's refusal), or handed back
        to be sent, with its plain-HTTP target (None: through the aiohttp session)."""
        attempt = self._begin(delivery)
        if not attempt.simulated:
            refusal = _refusal(delivery)
            if refusal is None:
                return attempt, self._poster.target(delivery.url)
            attempt.error, attempt.refused = refusal, True
        self._finish(delivery, attempt, due, time.perf_counter())
        return None

    def _begin(self, delivery: Delivery) -> Attempt:
        """A new attempt; a scenario's fake answer (`faults: webhook`) settles it at once."""
        attempt = Attempt(len(delivery.attempts) + 1, self._clock.timestamp())
        delivery.next_due = None
        fake = self._fake_answer(delivery.url)
        if fake is not None:
            attempt.simulated = True
            if isinstance(fake, int):
                attempt.status = fake
            else:
                attempt.error = "timed out (simulated)" if fake == "timeout" else "connection reset"
        return attempt

    def _finish(self, delivery: Delivery, attempt: Attempt, due: float, started: float) -> None:
        attempt.duration_ms = (time.perf_counter() - started) * 1000
        delivery.attempts.append(attempt)
        if delivery.state == "pending":  # (not abandoned at the bound while it was sending)
            self._settle(delivery, attempt, due)
            if delivery.state != "pending":
                del self._pending[delivery.id]
        failed = attempt.status is None or not 200 <= attempt.status < 300
        level = logging.WARNING if failed else logging.INFO
        if log.isEnabledFor(level):  # the arguments alone (two URL redactions) cost µs
            url = redact_url(delivery.url)
            log.log(
                level,
                "webhook %s %s -> %s (attempt %d, %s)",
                delivery.event,
                url,
                attempt.status if attempt.status is not None else attempt.error,
                attempt.number,
                delivery.state,
                extra={
                    "vendor": delivery.vendor,
                    "method": "POST",
                    "path": url,
                    "status": attempt.status,
                    "namespace": self.namespace,
                    "item": delivery.subject,
                    "event": delivery.event,
                    "reason": reason(attempt) if failed else None,
                },
            )
        self._notifier.notify("deliveries", delivery.subject, delivery)

    def _settle(self, delivery: Delivery, attempt: Attempt, due: float) -> None:
        """Delivered, failed, or the next attempt: its wait counts from this attempt's due
        time, so the schedule holds however long the receiver took to answer."""
        policy = delivery.policy
        if attempt.status is not None and policy.delivered(attempt.status):
            delivery.state = "delivered"
            return
        if attempt.refused:
            delivery.state = "failed"
            return
        index = attempt.number - 1
        if policy.retryable(attempt.status) and index < len(policy.schedule):
            self._schedule(delivery, due + policy.schedule[index])
            return
        delivery.state = "failed"

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


def _refusal(delivery: Delivery) -> str | None:
    """Why this URL is refused before anything is sent (one that cannot be read strictly:
    `urls.url_problem`), or None. Whether it reaches the sandbox itself is checked where the
    effect happens: on the address each connection is about to reach or reached
    (transport.OwnAddresses), and on arrival (its mark header)."""
    problem = url_problem(delivery.url)
    return f"invalid URL: {problem}" if problem is not None else None


def _same_origin(one: Target, other: Target) -> bool:
    return one.host == other.host and one.port == other.port


def _still_pending(delivery: Delivery) -> bool:
    return delivery.state == "pending"


def _queue_key(delivery: Delivery) -> tuple[str, str | None]:
    return delivery.url, delivery.subject
