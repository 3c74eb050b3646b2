"""Sending one webhook attempt to its receiver and reading the answer into the attempt.

Through the aiohttp session for an https receiver (or any URL `fastpost` leaves alone), or, for
plain-HTTP receivers, several attempts together on one keep-alive connection (`fastpost.py`).
Every attempt carries the sandbox's mark header, so one that comes back to the sandbox (a port
forward) is refused on arrival. Nothing here decides what an answer means for its delivery:
`attempts.py` settles it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import aiohttp

from mockserver.base.redaction import redact_text
from mockserver.webhooks import fastpost
from mockserver.webhooks.answers import read_answer, record_answer
from mockserver.webhooks.deliveries import Attempt, Delivery
from mockserver.webhooks.http1 import Answer, Refused, Target
from mockserver.webhooks.transport import (
    ANSWER_PREFIX,
    Transport,
    refused_as_own,
    self_delivery,
)

SessionFactory = Callable[[], aiohttp.ClientSession]
# An attempt going out on a shared connection: its delivery, the attempt, when it was due (the
# dispatcher's, not read here), where it goes.
Outgoing = tuple[Delivery, Attempt, float, Target]


class Poster:
    """Posts attempts through `session` (a `Transport` brings the fast client and the mark)."""

    def __init__(self, session: SessionFactory) -> None:
        self._session = session
        self._own = session.own if isinstance(session, Transport) else None
        self.fast = session.fast if isinstance(session, Transport) else None
        self._timeouts: dict[float, aiohttp.ClientTimeout] = {}

    def target(self, url: str) -> Target | None:
        """Where a plain-HTTP attempt to `url` goes on a shared connection; None when it goes
        through the aiohttp session."""
        return fastpost.parse(url) if self.fast is not None else None

    def _headers(self, delivery: Delivery) -> Mapping[str, str]:
        if self._own is None:
            return delivery.headers
        return {**delivery.headers, self._own.MARK_HEADER: self._own.marker}

    async def post(self, delivery: Delivery, attempt: Attempt) -> None:
        """One attempt through the aiohttp session (https, or a URL fastpost leaves alone)."""
        try:
            timeout = self._timeouts.get(delivery.policy.timeout)
            if timeout is None:
                timeout = aiohttp.ClientTimeout(total=delivery.policy.timeout)
                if len(self._timeouts) < 16:
                    self._timeouts[delivery.policy.timeout] = timeout
            async with self._session().post(
                delivery.url,
                data=delivery.body,
                headers=self._headers(delivery),
                timeout=timeout,
                allow_redirects=False,  # a redirect is a failure; secrets never follow it
            ) as resp:
                attempt.status = resp.status
                if 300 <= resp.status < 400:
                    attempt.location = resp.headers.get("Location")
                    attempt.error = f"redirect to {attempt.location} not followed"
                await read_answer(resp, attempt)
        except TimeoutError:
            attempt.error = f"timed out after {delivery.policy.timeout:g}s"
        except aiohttp.InvalidURL as exc:  # the client's own reading: it will not get better
            attempt.error, attempt.refused = f"invalid URL: {redact_text(str(exc))}", True
        except aiohttp.ClientError as exc:
            if self_delivery(exc):
                attempt.error, attempt.refused = refused_as_own(delivery.url), True
            else:
                attempt.error = f"{type(exc).__name__}: {redact_text(str(exc))}"
        except ValueError as exc:  # an unusable URL
            attempt.error = f"invalid URL: {exc}"

    async def post_together(self, outgoing: Sequence[Outgoing]) -> None:
        """Plain-HTTP attempts to one receiver, on one connection; each attempt gets its own
        answer. The batch waits as long as its most patient policy allows; an attempt not
        answered by then timed out after its own timeout. (The fast client adds the mark
        header itself: `Transport` made it with the mark.)"""
        assert self.fast is not None
        results: list[fastpost.Result] = [None] * len(outgoing)
        items = [(target, d.body, d.headers) for d, _, _, target in outgoing]
        timeout = max([d.policy.timeout for d, _, _, _ in outgoing])
        await self.fast.post_many(items, ANSWER_PREFIX, results, timeout)
        for (delivery, attempt, _, _), result in zip(outgoing, results, strict=True):
            if isinstance(result, Answer):  # (first: a wave's every answer)
                answer = result
                status = attempt.status = answer.status
                if 300 <= status < 400:
                    attempt.location = answer.headers.get("location")
                    attempt.error = f"redirect to {attempt.location} not followed"
                encoding = answer.headers.get("content-encoding")
                if encoding is None:  # (`record_answer`'s identity case, without the call)
                    attempt.answer = answer.body.decode("utf-8", "replace") if answer.body else None
                    attempt.answer_truncated = answer.truncated
                else:
                    record_answer(attempt, answer.body, encoding, answer.truncated)
            elif result is None:
                attempt.error = f"timed out after {delivery.policy.timeout:g}s"
            elif isinstance(result, fastpost.OwnAddress):
                attempt.error, attempt.refused = refused_as_own(delivery.url), True
            elif isinstance(result, Refused):
                attempt.error = redact_text(str(result))
