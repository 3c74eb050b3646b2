"""Making and settling a delivery's attempts: the dispatcher's half that talks to receivers.

An attempt is due on a timer (a manual clock's, run inside `advance` with every attempt due at
the same instant) or from the sender's queue (a running clock); it is begun (a scenario's fake
answer or the URL guard may settle it at once), posted alone or with others to one receiver on
one connection (`posting.py`), then settled: delivered, failed, or the next attempt scheduled
by the policy, counted from this one's due time. `Dispatcher` (dispatcher.py) keeps the
deliveries; this class is its base, so the hot path is one object's methods.
"""

from __future__ import annotations

import fnmatch
import logging
import time

from mockserver.base.redaction import redact_url
from mockserver.base.urls import CACHED_URL, url_problem
from mockserver.records.clock import Clock
from mockserver.records.notifier import Notifier
from mockserver.scenario.model import WebhookFault
from mockserver.webhooks.answers import reason
from mockserver.webhooks.deliveries import Attempt, Delivery
from mockserver.webhooks.http1 import Target
from mockserver.webhooks.posting import Poster, SessionFactory
from mockserver.webhooks.sender import Sender
from mockserver.webhooks.transport import NAMESPACE_IN_FLIGHT, TARGET_IN_FLIGHT

log = logging.getLogger("mockserver.webhooks")

BATCH = 32  # attempts to one receiver sent together on one connection (sender.py, fastpost.py)
# An attempt going out on a shared connection: its delivery, the attempt, when it was due, where.
_Sending = tuple[Delivery, Attempt, float, Target]


class Attempts:
    """A namespace's attempts: scheduled, sent and settled, for the deliveries in `_pending`."""

    def __init__(
        self,
        clock: Clock,
        notifier: Notifier,
        session: SessionFactory,
        faults: tuple[WebhookFault, ...],
        namespace: str,
        max_pending: int,
    ) -> None:
        self.namespace = namespace  # for log lines only
        self._clock = clock
        self._notifier = notifier
        self._faults = faults
        self._fault_used: dict[int, int] = {}
        self.max_pending = max_pending
        self._pending: dict[str, Delivery] = {}  # id -> delivery, oldest first
        self._sender: Sender[Delivery] = Sender(
            self._attempt_batch,
            _queue_key,
            NAMESPACE_IN_FLIGHT,
            TARGET_IN_FLIGHT,
            self._batch,
            alive=_still_pending,
            most=2 * max_pending + 64,
        )
        self._due_later = self._due  # one bound method for every attempt's timer
        self._poster = Poster(session)
        self._routes: dict[str, tuple[str | None, Target | None]] = {}  # url -> `_route(url)`

    def _batch(self, url: str) -> int:
        """Attempts to one receiver sent together: BATCH on one connection for a plain-HTTP
        receiver (fastpost.py), one at a time through the aiohttp session otherwise."""
        return BATCH if self._poster.target(url) is not None else 1

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
            refusal, target = self._routes.get(delivery.url) or self._route(delivery.url)
            if self._faults or refusal is not None:
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
        routes = self._routes
        now = self._clock.timestamp()  # (when the batch's attempts begin: one reading for all)
        for delivery in deliveries:
            due = delivery.next_due
            if delivery.state != "pending" or due is None:
                continue  # abandoned at the bound while queued
            if self._faults:
                attempt = self._begin(delivery)
                if attempt.simulated:
                    self._finish_now(delivery, attempt, due)
                    continue
            else:  # (`_begin` with no fake to look for: a wave's every attempt)
                attempt = Attempt(len(delivery.attempts) + 1, now)
                delivery.next_due = None
            refusal, target = routes.get(delivery.url) or self._route(delivery.url)
            if refusal is not None:
                attempt.error, attempt.refused = refusal, True
                self._finish_now(delivery, attempt, due)
            elif target is None:
                await self._post_alone(delivery, attempt, due)
                now = self._clock.timestamp()  # (the next begins after this one's wait)
            else:
                together.append((delivery, attempt, due, target))
        if together:
            await self._post_together(together)

    def _route(self, url: str) -> tuple[str | None, Target | None]:
        """Why `url` is refused before anything is sent (one that cannot be read strictly:
        `urls.url_problem`) or None, and its plain-HTTP target (None: through the aiohttp
        session); remembered for a URL of usual length (a wave sends to a few). Whether it
        reaches the sandbox itself is checked where the effect happens: on the address each
        connection is about to reach or reached (transport.OwnAddresses), and on arrival (its
        mark header)."""
        problem = url_problem(url)
        refusal = f"invalid URL: {problem}" if problem is not None else None
        route = (refusal, self._poster.target(url))
        if len(url) <= CACHED_URL:
            if len(self._routes) >= 1024:
                self._routes.clear()
            self._routes[url] = route
        return route

    async def _post_together(self, sending: list[_Sending]) -> None:
        """Plain-HTTP attempts to one receiver, on one connection (`posting.py`), each then
        settled with its own answer."""
        started = time.perf_counter()
        await self._poster.post_together(sending)
        took = (time.perf_counter() - started) * 1000
        for delivery, attempt, due, _ in sending:
            self._finish(delivery, attempt, due, took)

    async def _post_alone(self, delivery: Delivery, attempt: Attempt, due: float) -> None:
        """One attempt through the aiohttp session (a receiver that is not plain HTTP)."""
        started = time.perf_counter()
        await self._poster.post(delivery, attempt)
        self._finish(delivery, attempt, due, (time.perf_counter() - started) * 1000)

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

    def _finish_now(self, delivery: Delivery, attempt: Attempt, due: float) -> None:
        """An attempt settled where it was begun (a fake answer, the URL guard's refusal)."""
        started = time.perf_counter()
        self._finish(delivery, attempt, due, (time.perf_counter() - started) * 1000)

    def _finish(self, delivery: Delivery, attempt: Attempt, due: float, took: float) -> None:
        """The attempt recorded (`took` ms), its delivery settled, logged and announced."""
        attempt.duration_ms = took
        delivery.attempts.append(attempt)
        status = attempt.status
        if delivery.state == "pending":  # (not abandoned at the bound while it was sending)
            if status is not None and delivery.policy.delivered(status):
                delivery.state = "delivered"  # (`_settle`'s first case, a wave's every attempt)
            else:
                self._settle(delivery, attempt, due)
            if delivery.state != "pending":
                del self._pending[delivery.id]
        failed = status is None or not 200 <= status < 300
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


def _same_origin(one: Target, other: Target) -> bool:
    return one.host == other.host and one.port == other.port


def _still_pending(delivery: Delivery) -> bool:
    return delivery.state == "pending"


def _queue_key(delivery: Delivery) -> tuple[str, str | None]:
    return delivery.url, delivery.subject
