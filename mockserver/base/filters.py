"""The two filters of the sandbox's logs: `JournalFilter` (which API calls) and `DeliveryFilter`
(which webhook deliveries).

One object each, used everywhere a log is filtered: the stores' queries, the control plane's
`GET`s and long-poll waits (`from_query`, with the 400 messages for a bad value), the control
clients (`to_query`), and the testing assertions (`matches_json`, over the control plane's JSON).
The keyword arguments of the testing API (`journal(vendor="hitl")`) are `JournalFields` /
`DeliveryFields` and become a filter in one place (`JournalFilter(**fields)`).

Standard library only: the control clients and `mockserver trigger` import it.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol, TypedDict


class FilterError(ValueError):
    """A query parameter that is not a valid filter value (the control plane answers 400)."""


def whole_number(
    query: Mapping[str, str], name: str, *, minimum: int = 0, maximum: int | None = None
) -> int | None:
    """The query parameter `name` as a whole number from `minimum` (to `maximum`), None when
    absent; FilterError saying what it must be."""
    raw = query.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise FilterError(f"query parameter {name!r} must be a whole number, got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        span = f"from {minimum} to {maximum}" if maximum is not None else f"{minimum} or more"
        raise FilterError(f"query parameter {name!r} must be {span}, got {raw!r}")
    return value


def _query(fields: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in fields.items() if v is not None}


def _glob(value: Any, pattern: str) -> bool:
    """A JSON field against a glob: a missing field matches none (not even `*`)."""
    return value is not None and fnmatch.fnmatchcase(str(value), pattern)


class Call(Protocol):
    """What a journal filter reads of a stored call (`journal.JournalEntry`)."""

    @property
    def seq(self) -> int: ...
    @property
    def vendor(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def status(self) -> int: ...


class JournalFields(TypedDict, total=False):
    """The journal filter as keyword arguments (the testing API's `journal(vendor=...)`)."""

    vendor: str | None
    method: str | None
    path: str | None
    status: int | None
    since: int | None


@dataclass(frozen=True, kw_only=True, slots=True)
class JournalFilter:
    """Which API calls: every given field must hold. `method` is case-insensitive, `path` a
    glob (`/v1/api/requests/*`), `since` a sequence number (calls after it)."""

    vendor: str | None = None
    method: str | None = None
    path: str | None = None
    status: int | None = None
    since: int | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> JournalFilter:
        """From a control-plane query string; FilterError for a bad `status` or `since`."""
        return cls(
            vendor=query.get("vendor"),
            method=query.get("method"),
            path=query.get("path"),
            status=whole_number(query, "status", minimum=100, maximum=599),
            since=whole_number(query, "since"),
        )

    def to_query(self) -> dict[str, str]:
        """The query parameters `from_query` reads back (unset fields left out)."""
        return _query(self.fields())

    def fields(self) -> dict[str, Any]:
        """Every field by name, in order (None: not filtered)."""
        return asdict(self)

    def matches(self, entry: Call) -> bool:
        """Whether a stored call passes (queries and waits run it on every entry)."""
        return (
            (self.vendor is None or entry.vendor == self.vendor)
            and (self.method is None or entry.method == self.method.upper())
            and (self.path is None or fnmatch.fnmatchcase(entry.path, self.path))
            and (self.status is None or entry.status == self.status)
            and (self.since is None or entry.seq > self.since)
        )

    def matches_json(self, entry: Mapping[str, Any]) -> bool:
        """Whether a call as the control plane shows it (`GET /journal`'s entries) passes: the
        same test as `matches`, on the JSON fields (a missing one matches no given value)."""
        seq = entry.get("seq")
        return (
            (self.vendor is None or entry.get("vendor") == self.vendor)
            and (self.method is None or entry.get("method") == self.method.upper())
            and (self.path is None or _glob(entry.get("path"), self.path))
            and (self.status is None or entry.get("status") == self.status)
            and (self.since is None or (isinstance(seq, int) and seq > self.since))
        )


class Sent(Protocol):
    """What a delivery filter reads of a recorded delivery (`webhooks.deliveries.Delivery`)."""

    @property
    def vendor(self) -> str: ...
    @property
    def event(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def subject(self) -> str | None: ...


class DeliveryCriteria(TypedDict, total=False):
    """The delivery filter's keyword arguments besides `event` (which the assertion
    `assert_webhook_delivered(event, ...)` takes first)."""

    vendor: str | None
    url: str | None
    subject: str | None
    state: str | None


class DeliveryFields(DeliveryCriteria, total=False):
    """The delivery filter as keyword arguments (the testing API's `deliveries(event=...)`)."""

    event: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class DeliveryFilter:
    """Which webhook deliveries: every given field must hold. `event` and `url` are globs;
    `state` is pending, delivered, failed or abandoned; `subject` the item's id."""

    event: str | None = None
    vendor: str | None = None
    url: str | None = None
    subject: str | None = None
    state: str | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> DeliveryFilter:
        """From a control-plane query string (every value is a text: nothing to refuse)."""
        return cls(
            event=query.get("event"),
            vendor=query.get("vendor"),
            url=query.get("url"),
            subject=query.get("subject"),
            state=query.get("state"),
        )

    def to_query(self) -> dict[str, str]:
        """The query parameters `from_query` reads back (unset fields left out)."""
        return _query(self.fields())

    def fields(self) -> dict[str, Any]:
        """Every field by name, in order (None: not filtered)."""
        return asdict(self)

    def matches(self, delivery: Sent) -> bool:
        """Whether a recorded delivery passes."""
        return (
            (self.vendor is None or delivery.vendor == self.vendor)
            and (self.event is None or fnmatch.fnmatchcase(delivery.event, self.event))
            and (self.url is None or fnmatch.fnmatchcase(delivery.url, self.url))
            and (self.state is None or delivery.state == self.state)
            and (self.subject is None or delivery.subject == self.subject)
        )

    def matches_json(self, delivery: Mapping[str, Any]) -> bool:
        """Whether a delivery as the control plane shows it (`GET /deliveries`) passes: the
        same test as `matches`, on the JSON fields (a missing one matches no given value)."""
        return (
            (self.vendor is None or delivery.get("vendor") == self.vendor)
            and (self.event is None or _glob(delivery.get("event"), self.event))
            and (self.url is None or _glob(delivery.get("url"), self.url))
            and (self.state is None or delivery.get("state") == self.state)
            and (self.subject is None or delivery.get("subject") == self.subject)
        )


EVERY_CALL = JournalFilter()
EVERY_DELIVERY = DeliveryFilter()
