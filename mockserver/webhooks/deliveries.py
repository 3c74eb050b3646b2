"""What the delivery log holds: each webhook delivery with every attempt, as the control plane
shows them, and the bounded log with its index by id (queries and waits filter it with
`filters.DeliveryFilter`). The dispatcher (`dispatcher.py`, `attempts.py`) makes and settles them.

A spam wave keeps thousands of deliveries pending (a failing receiver retries for a day), so a
record is slotted, its body is the one bytes object every target of the event shares, and its
times (made, each attempt's, the next attempt's) are floats formatted only when shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from mockserver.base import jsonio
from mockserver.base.boundedlog import BoundedLog
from mockserver.base.redaction import redact_headers, redact_text, redact_url
from mockserver.records.clock import Timer, iso
from mockserver.webhooks.policy import RetryPolicy

DeliveryState = Literal["pending", "delivered", "failed", "abandoned"]


@dataclass(slots=True)
class Attempt:
    number: int
    time: float  # virtual time it started (shown as `at`, formatted only when shown)
    status: int | None = None
    error: str | None = None
    duration_ms: float = 0.0
    simulated: bool = False
    answer: str | None = None  # the first ANSWER_PREFIX bytes of the receiver's answer
    answer_truncated: bool = False
    location: str | None = None  # where a 3xx pointed (never followed)
    refused: bool = False  # never sent: the target is the sandbox itself

    @property
    def at(self) -> str:
        return iso(self.time)

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "at": self.at,
            "status": self.status,
            "error": self.error,
            "duration_ms": round(self.duration_ms, 2),
            "simulated": self.simulated,
            "answer": self.answer,
            "answer_truncated": self.answer_truncated,
            "location": redact_url(self.location) if self.location else None,
        }


@dataclass(slots=True)
class Delivery:
    id: str
    vendor: str
    event: str
    url: str
    headers: dict[str, str]
    body: bytes
    policy: RetryPolicy
    created: float  # virtual time it was made (shown as `created_at` when shown)
    subject: str | None = None
    state: DeliveryState = "pending"
    attempts: list[Attempt] = field(default_factory=list)
    next_due: float | None = None  # virtual time of the next attempt, while one is scheduled
    redelivery_of: str | None = None
    secret_headers: frozenset[str] = frozenset()  # lower-case names shown only as fingerprints
    abandoned_reason: str | None = None  # why it was abandoned (shutdown, the pending bound)
    timer: Timer | None = field(default=None, repr=False)  # the next attempt's, while scheduled

    @property
    def created_at(self) -> str:
        return iso(self.created)

    @property
    def next_attempt_at(self) -> str | None:
        return iso(self.next_due) if self.next_due is not None else None

    def payload(self) -> Any:
        try:
            return jsonio.loads(self.body)
        except ValueError:
            return self.body.decode("utf-8", "replace")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "vendor": self.vendor,
            "event": self.event,
            "subject": self.subject,
            "url": redact_url(self.url),
            "headers": redact_headers(self.headers, self.secret_headers),
            "body": redact_text(self.body.decode("utf-8", "replace")),
            "payload": redact_text(self.payload()),
            "state": self.state,
            "attempts": [a.to_json() for a in self.attempts],
            "next_attempt_at": self.next_attempt_at,
            "created_at": self.created_at,
            "redelivery_of": self.redelivery_of,
            "abandoned_reason": self.abandoned_reason,
        }


class DeliveryLog(BoundedLog[Delivery]):
    """The bounded delivery log, with an index by id that forgets whatever the log drops or
    clears (so a dropped or cleared delivery is not found by id, and the index stays bounded)."""

    def __init__(self, cap: int) -> None:
        super().__init__(cap)
        self._by_id: dict[str, Delivery] = {}

    def append(self, entry: Delivery) -> None:
        # (BoundedLog.append and the index's upkeep in one call: every webhook comes here)
        entries = self._entries
        if len(entries) == self.cap:
            self.dropped += 1
            if entries:
                self._by_id.pop(entries[0].id, None)
        entries.append(entry)
        self.total += 1
        if self.cap > 0:
            self._by_id[entry.id] = entry

    def clear(self) -> None:
        super().clear()
        self._by_id.clear()

    def get(self, delivery_id: str) -> Delivery | None:
        return self._by_id.get(delivery_id)
