"""A loaded scenario: plain, typed, immutable data that worlds are built from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from mockserver.records.clock import ClockMode


@dataclass(frozen=True)
class Reviewer:
    id: str
    name: str
    email: str


@dataclass(frozen=True)
class HttpFault:
    """Answer matching calls with an error status and/or extra latency, `times` times."""

    vendor: str | None = None
    method: str | None = None
    path: str | None = None
    status: int | None = None
    message: str | None = None
    latency: float = 0.0
    times: int | None = None
    where: str = ""


@dataclass(frozen=True)
class WebhookFault:
    """Pretend the receiver at `url` answered with these statuses ('timeout', 'reset' too)."""

    url: str
    answers: tuple[int | str, ...] = ()
    where: str = ""


@dataclass(frozen=True)
class DeliverySettings:
    """Webhook retry schedule override (seconds between attempts) and per-attempt timeout."""

    retry: tuple[float, ...] | None = None
    timeout: float | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    source: str
    seed: int = 0
    clock: ClockMode = "real"
    scale: float = 1.0
    start: float | None = None
    reviewers: tuple[Reviewer, ...] = ()
    http_faults: tuple[HttpFault, ...] = ()
    webhook_faults: tuple[WebhookFault, ...] = ()
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    sections: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    variants: Mapping[str, str] = field(default_factory=dict)
    """The `variants:` map: `vendor.name` -> form (checked against the vendors' variants)."""

    def section(self, vendor: str) -> Any:
        return self.sections[vendor]

    def find_reviewer(self, ref: str) -> Reviewer | None:
        return find_reviewer(self.reviewers, ref)


def find_reviewer(reviewers: Sequence[Reviewer], ref: str) -> Reviewer | None:
    """A reviewer by e-mail, name or id (case-insensitive), else by the part of the e-mail
    before `@` or the first name when only one reviewer has it (`dana`)."""
    low = ref.lower()
    for r in reviewers:
        if low in (r.email.lower(), r.name.lower(), r.id.lower()):
            return r
    short = [
        r
        for r in reviewers
        if low in (r.email.lower().split("@")[0], (r.name.lower().split() or [""])[0])
    ]
    return short[0] if len(short) == 1 else None


ClockSetting = Literal["real", "manual"] | Mapping[str, Any]
