"""The delivery engine: every webhook goes through here, every attempt is recorded.

A delivery is a body (exact bytes), headers and a URL. Attempts are timers on the world's
virtual clock: the first is due at once, retries follow the policy's schedule. A scenario can
fake a receiver's answers (`faults: - webhook: URL, answers: [500, 200]`). Nothing is lost: a
delivery ends `delivered`, `failed` (attempts exhausted or a final 4xx) or `abandoned` (the
sandbox shut down first), and can be redelivered on demand.
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
from yarl import URL

from mockserver.clock import Clock, iso
from mockserver.filters import EVERY_DELIVERY, DeliveryFilter
from mockserver.ids import IdFactory
from mockserver.notifier import Notifier
from mockserver.redaction import redact_text, redact_url
from mockserver.scenario.model import WebhookFault
from mockserver.urls import url_problem
from mockserver.webhooks.deliveries import (
    Attempt,
    Delivery,
    DeliveryLog,
)
from mockserver.webhooks.policy import RetryPolicy
from mockserver.webhooks.transport import (
    ANSWER_PREFIX,
    Slots,
    Transport,
    self_delivery,
)

log = logging.getLogger("mockserver.webhooks")

SessionFactory = Callable[[], aiohttp.ClientSession]


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
    ) -> None:
        self.namespace = namespace  # for log lines only
        self._clock = clock
        self._ids = ids
        self._notifier = notifier
        self._session = session
        self.log = DeliveryLog(cap)
        self._faults = faults
        self._fault_used: dict[int, int] = {}
        self._in_flight: set[asyncio.Task[None]] = set()
        self._sending: set[asyncio.Task[Any]] = set()  # the attempts past their receiver's lock
        self._closing = False
        self._receiver_locks: dict[str, asyncio.Lock] = {}
        self._slots = Slots()
        self._own = session.own if isinstance(session, Transport) else None

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
            created_at=self._clock.now_iso(),
            subject=subject,
            redelivery_of=redelivery_of,
            secret_headers=frozenset(h.lower() for h in secret_headers),
        )
        self.log.append(delivery)
        self._schedule(delivery, self._clock.timestamp())
        self._notifier.notify("deliveries", delivery.subject, delivery)
        return delivery

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
        """An attempt as a timer at virtual time `due`.

        On a manual clock the attempt runs inside the timer, so `advance` returns only once it
        is settled and everything happens in virtual-time order. On a real or scaled clock it
        runs as a task, so a slow receiver never delays other timers (scripted reviewers,
        timeouts, other receivers); attempts to one URL still go out one at a time, in order.
        """
        delivery.next_attempt_at = iso(due)

        async def attempt() -> None:
            if self._clock.mode == "manual":
                await self._attempt(delivery, due)
                return
            task = asyncio.get_running_loop().create_task(self._attempt(delivery, due))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

        self._clock.call_at(due, attempt, f"webhook:{delivery.id}")

    def _fake_answer(self, url: str) -> int | str | None:
        for index, fault in enumerate(self._faults):
            if fnmatch.fnmatchcase(url, fault.url):
                used = self._fault_used.get(index, 0)
                if used < len(fault.answers):
                    self._fault_used[index] = used + 1
                    return fault.answers[used]
        return None

    async def _attempt(self, delivery: Delivery, due: float) -> None:
        lock = self._receiver_locks.setdefault(delivery.url, asyncio.Lock())
        async with lock:
            if self._closing:
                return  # shutting down: the delivery stays pending and is recorded abandoned
            task = asyncio.current_task()
            if task is not None:
                self._sending.add(task)
            try:
                await self._attempt_now(delivery, due)
            finally:
                if task is not None:
                    self._sending.discard(task)

    async def _attempt_now(self, delivery: Delivery, due: float) -> None:
        if delivery.state != "pending":
            return
        attempt = Attempt(len(delivery.attempts) + 1, self._clock.now_iso())
        delivery.next_attempt_at = None
        started = time.perf_counter()
        fake = self._fake_answer(delivery.url)
        if fake is not None:
            attempt.simulated = True
            if isinstance(fake, int):
                attempt.status = fake
            else:
                attempt.error = "timed out (simulated)" if fake == "timeout" else "connection reset"
        else:
            async with self._slots.hold(delivery.url):
                await self._post(delivery, attempt)
        attempt.duration_ms = (time.perf_counter() - started) * 1000
        delivery.attempts.append(attempt)
        self._settle(delivery, attempt, due)
        failed = attempt.status is None or not 200 <= attempt.status < 300
        log.log(
            logging.WARNING if failed else logging.INFO,
            "webhook %s %s -> %s (attempt %d, %s)",
            delivery.event,
            redact_url(delivery.url),
            attempt.status if attempt.status is not None else attempt.error,
            attempt.number,
            delivery.state,
            extra={
                "vendor": delivery.vendor,
                "method": "POST",
                "path": redact_url(delivery.url),
                "status": attempt.status,
                "namespace": self.namespace,
                "item": delivery.subject,
                "event": delivery.event,
                "reason": _reason(attempt) if failed else None,
            },
        )
        self._notifier.notify("deliveries", delivery.subject, delivery)

    async def _post(self, delivery: Delivery, attempt: Attempt) -> None:
        problem = url_problem(delivery.url)
        if problem is not None:
            attempt.error, attempt.refused = f"invalid URL: {problem}", True
            return
        headers = delivery.headers
        if self._own is not None:  # the sandbox's mark: refused should it come back to it
            headers = {**headers, self._own.MARK_HEADER: self._own.marker}
        try:
            timeout = aiohttp.ClientTimeout(total=delivery.policy.timeout)
            async with self._session().post(
                delivery.url,
                data=delivery.body,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,  # a redirect is a failure; secrets never follow it
            ) as resp:
                attempt.status = resp.status
                if 300 <= resp.status < 400:
                    attempt.location = resp.headers.get("Location")
                    attempt.error = f"redirect to {attempt.location} not followed"
                await _read_answer(resp, attempt)
        except TimeoutError:
            attempt.error = f"timed out after {delivery.policy.timeout:g}s"
        except aiohttp.InvalidURL as exc:  # the client's own reading: it will not get better
            attempt.error, attempt.refused = f"invalid URL: {redact_text(str(exc))}", True
        except aiohttp.ClientError as exc:
            if self_delivery(exc):
                attempt.error, attempt.refused = _refusal(delivery.url), True
            else:
                attempt.error = f"{type(exc).__name__}: {redact_text(str(exc))}"
        except ValueError as exc:  # an unusable URL
            attempt.error = f"invalid URL: {exc}"

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
        """At shutdown: let attempts in flight finish within `grace` seconds, then stop them.

        Attempts queued behind a receiver's lock are not cancelled one by one: cancelling a
        lock's waiter removes it from the lock's queue, which costs the queue's length, so
        ten thousand queued attempts (a busy receiver under load) took ten seconds. Once
        closing, each queued attempt returns as soon as it gets the lock; only the attempts
        actually sending are cancelled, and the queues behind them then empty at once."""
        self._closing = True
        if not self._in_flight:
            return
        _, late = await asyncio.wait(set(self._in_flight), timeout=grace)
        if not late:
            return
        for task in list(self._sending):
            task.cancel()
        _, stuck = await asyncio.wait(late, timeout=grace)
        for task in stuck:  # none expected: a queued attempt returns once it has the lock
            task.cancel()

    def abandon_pending(self) -> int:
        """At shutdown: mark what was never delivered, so it is recorded rather than lost."""
        count = 0
        for delivery in self.log:
            if delivery.state == "pending":
                delivery.state = "abandoned"
                delivery.next_attempt_at = None
                count += 1
        return count

    def query(self, where: DeliveryFilter = EVERY_DELIVERY) -> list[Delivery]:
        """Deliveries `where` lets through, oldest first."""
        return self.log.select(where.matches)


async def _read_answer(resp: aiohttp.ClientResponse, attempt: Attempt) -> None:
    """Record at most ANSWER_PREFIX bytes of the answer, as sent (the session never
    decompresses); a longer answer is cut and its connection dropped, not read to the end."""
    chunks: list[bytes] = []
    left = ANSWER_PREFIX
    while left > 0:
        chunk = await resp.content.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    raw = b"".join(chunks)
    encoding = resp.headers.get("Content-Encoding", "identity").strip().lower()
    if raw and encoding != "identity":
        attempt.answer = f"<{len(raw)} bytes of {encoding} content, not decoded>"
    else:
        attempt.answer = raw.decode("utf-8", "replace") if raw else None
    if not resp.content.at_eof():
        attempt.answer_truncated = True
        resp.close()


def _refusal(url: str) -> str:
    """Why an attempt to `url` was refused, naming the host and port as the client read them."""
    target = URL(url)
    return (
        f"refused: {target.host}:{target.port} is this sandbox's own address; webhooks are "
        "never delivered to the sandbox itself"
    )


def _reason(attempt: Attempt) -> str:
    """Why an attempt failed, in words a log reader acts on."""
    if attempt.error:
        return attempt.error + (" (simulated by the scenario)" if attempt.simulated else "")
    why = f"the receiver answered {attempt.status}"
    return why + (" (simulated by the scenario)" if attempt.simulated else "")
