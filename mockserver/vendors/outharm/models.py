"""Outharm submissions and their manual reviews, as the state store keeps them.

A submission is created by `POST /moderation/automated` (scored at once) or
`POST /moderation/manual` (queued at once). `POST /submissions/{id}/moderation/manual` queues
it (again) for a human: each time is one `Review`, decided once. Status, for the control plane:
`scored` (automated only, never queued), `queued` (a review waits for its verdict),
`completed` (the last review is decided). A content `Schema`
(https://outharm.com/docs/concepts/schemas) is what a submission is checked against; the
scenario's `schemas:` list gives them (default: `DEFAULT_SCHEMA`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from mockserver.records.clock import iso
from mockserver.scenario.model import Reviewer
from mockserver.vendors.outharm.scoring import AutomatedResult, ValueDecision, manual_result_json

Source = Literal["automated", "manual"]
Decisions = dict[str, list[ValueDecision]]
DEFAULT_SCHEMA_ID = "550e8400-e29b-41d4-a716-446655440000"


@dataclass(frozen=True)
class Component:
    """One component of a schema: a field name and its type, `text` or `image`."""

    name: str
    type: str


@dataclass(frozen=True)
class Schema:
    """A content schema (https://outharm.com/docs/concepts/schemas); `components` maps component
    name to `text` or `image`."""

    id: str
    name: str
    components: dict[str, str] = field(hash=False)

    def component_list(self) -> tuple[Component, ...]:
        """The components in declaration order."""
        return tuple(Component(n, t) for n, t in self.components.items())


LEGACY_SCHEMA = Schema(
    id="00000000-0000-0000-0000-000000000000",
    name="Legacy prediction (one image)",
    components={"image": "image"},
)
"""What a legacy-generation prediction is checked and scored against (`legacy.py`): its one
multipart `image`, by file name. The API of that generation knows no schemas."""

DEFAULT_SCHEMA = Schema(
    id=DEFAULT_SCHEMA_ID,
    name="General content",
    components=dict.fromkeys(("title", "description", "body", "comments"), "text")
    | dict.fromkeys(("images", "avatar"), "image"),
)


@dataclass
class Review:
    """One pass through the manual queue; `appeal` when queued by the add-to-queue endpoint."""

    number: int
    appeal: bool
    queued_at: float
    rule: str
    decided_at: float | None = None
    decided_by: Reviewer | None = None
    decisions: Decisions | None = None
    delivery_id: str | None = None
    request_id: int | None = None
    """The legacy generation's `requestId` (`moderationRequestId` in its webhook)."""
    when: Mapping[str, Any] = field(default_factory=dict)
    """The `when` of the rule that queued it: what a scripted `decide: {matching: true}` reads."""

    def to_json(self, submission: Submission) -> dict[str, Any]:
        result = None
        if self.decisions is not None:
            body = manual_result_json(submission.id, submission.schema.id, self.decisions)
            result = body["data"]
        return {
            "number": self.number,
            "appeal": self.appeal,
            "rule": self.rule,
            "queued_at": iso(self.queued_at),
            "decided_at": iso(self.decided_at) if self.decided_at is not None else None,
            "decided_by": self.decided_by.email if self.decided_by else None,
            "result": result,
            "delivery_id": self.delivery_id,
            **({"request_id": self.request_id} if self.request_id is not None else {}),
        }


@dataclass
class Submission:
    id: str
    schema: Schema
    content: dict[str, list[str]]
    created_at: float
    source: Source
    automated: AutomatedResult | None = None
    reviews: list[Review] = field(default_factory=list)
    legacy: bool = False
    """A legacy-generation prediction: its id is the `predictionId` (`legacy.py`)."""

    @property
    def status(self) -> str:
        """One of the lifecycle's statuses (`lifecycle.py`)."""
        if not self.reviews:
            return "scored"
        return "queued" if self.reviews[-1].decided_at is None else "completed"

    @property
    def open_review(self) -> Review | None:
        """The review waiting for a verdict, if any."""
        review = self.reviews[-1] if self.reviews else None
        return review if review is not None and review.decided_at is None else None

    def previous_decisions(self) -> Decisions | None:
        """The last verdict given: the latest decided review's, else the automated one."""
        for review in reversed(self.reviews):
            if review.decisions is not None:
                return review.decisions
        return self.automated.decisions() if self.automated is not None else None

    def was_harmful(self) -> bool:
        """Whether the last verdict was harmful (no verdict yet counts as not harmful)."""
        previous = self.previous_decisions() or {}
        return any(harmful for verdicts in previous.values() for harmful, _ in verdicts)

    def summary(self) -> str:
        """The first text value, shortened, for listings."""
        for name, values in self.content.items():
            if self.schema.components.get(name, "text") == "text":
                return values[0][:80]
        return next(iter(self.content.values()))[0][:80]

    def kind_of(self, name: str) -> str:
        """The type of component `name`: `text` or `image` (an unknown one counts as text)."""
        return self.schema.components.get(name, "text")

    def to_item(self) -> dict[str, Any]:
        """The control plane's view of the submission (`GET /_mockserver/items`); the action
        table adds the `actions` it offers now."""
        last = self.reviews[-1] if self.reviews else None
        return {
            "id": self.id,
            "kind": "submission",
            "status": self.status,
            "summary": self.summary(),
            "schema_id": self.schema.id,
            "source": self.source,
            "created_at": iso(self.created_at),
            "content": self.content,
            "automated": (
                self.automated.to_json(self.id, self.schema.id) if self.automated else None
            ),
            "appeal": last.appeal if last else False,
            "reviews": [r.to_json(self) for r in self.reviews],
            "result": last.to_json(self)["result"] if last else None,
            "components": dict(self.schema.components),  # name -> text or image
        }
