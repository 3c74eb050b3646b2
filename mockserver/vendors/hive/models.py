"""Hive state records: submitted tasks, their Review Feed item, reports and fired actions.

No aiohttp here: the handlers build these, the state store keeps them, `results.py` turns them
into the vendor's answer bodies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from mockserver.scenario.model import Reviewer

from .analysis import Analysis, TextAnalysis
from .scenario_model import Rule
from .validation import IdField

Api = Literal["dashboard", "models"]
TaskStatus = Literal["processing", "completed"]
ReviewStatus = Literal["pending", "decided", "dismissed"]
# How an item reached review: a triggered `action: review` rule, a user report, or a moderator
# acting on it directly from the Content Feed (https://docs.thehive.ai/docs/actions).
ReviewSource = Literal["rule", "report", "content_feed"]


def hive_time(ts: float) -> str:
    """Hive's timestamps always carry milliseconds: 2022-04-05T02:58:52.577Z."""
    dt = datetime.fromtimestamp(ts, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class Report:
    """A user report (POST /api/v1/report)."""

    id: str
    post_id: str | None
    user_id: str | None
    reporter_id: str | None
    categories: tuple[str, ...]
    reason: str | None
    created_at: float

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "post_id": self.post_id,
            "user_id": self.user_id,
            "reporter_id": self.reporter_id,
            "report_categories": list(self.categories),
            "report_reason": self.reason,
            "created_on": hive_time(self.created_at),
        }


@dataclass
class Review:
    """One round in the Review Feed: opened by a review rule or a report, closed by a decision."""

    opened_at: float
    rule: Rule | None = None  # the triggered rule that sent the item here
    source: ReviewSource = "rule"
    reports: list[Report] = field(default_factory=list)
    status: ReviewStatus = "pending"
    scripted_by: str | None = None  # where the review rule handling it is in the scenario
    decided_at: float | None = None
    decided_by: Reviewer | None = None
    actions: tuple[str, ...] = ()
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "opened_at": hive_time(self.opened_at),
            "source": self.source,
            "rule": self.rule.name if self.rule else None,
            "reports": [r.to_json() for r in self.reports],
            "scripted_by": self.scripted_by,
            "decided_at": hive_time(self.decided_at) if self.decided_at else None,
            "decided_by": self.decided_by.email if self.decided_by else None,
            "actions": list(self.actions),
            "note": self.note,
        }


@dataclass
class HiveTask:
    """One submitted task (a Dashboard post's content, or a Models API task)."""

    id: str
    api: Api
    version: str  # "v1" or "v2"
    analysis: Analysis
    created_at: float
    id_field: IdField = "patron_id"
    user_id: str = ""
    post_id: str = ""
    content_metadata: dict[str, Any] = field(default_factory=dict)
    user_metadata: dict[str, Any] = field(default_factory=dict)
    callback_url: str | None = None
    metadata: Any = None  # Models API: passed back untouched
    is_async: bool = False
    legacy: bool = False
    models: tuple[str, ...] = ()
    task_ids: tuple[str, ...] = ()  # v2: one per model, the first is `id`
    content_token: str = ""  # legacy content_id's first part
    triggered: tuple[Rule, ...] = ()
    status: TaskStatus = "processing"
    completed_at: float | None = None
    review: Review | None = None
    past_reviews: list[Review] = field(default_factory=list)
    fired: list[dict[str, Any]] = field(default_factory=list)  # actions fired, in order

    @property
    def text(self) -> str | None:
        return self.analysis.text if isinstance(self.analysis, TextAnalysis) else None

    @property
    def url(self) -> str | None:
        return None if isinstance(self.analysis, TextAnalysis) else self.analysis.url

    @property
    def summary(self) -> str:
        return (self.text if self.text is not None else self.url or "")[:80]

    def item_json(self, available_actions: list[str]) -> dict[str, Any]:
        """The task as a control-plane item (GET /_mockserver/items). `available_actions` are
        the Dashboard actions a moderator may take (names under `hive.actions`); the moderator
        words an item offers (`actions`) are added by the action table."""
        review = self.review
        return {
            "id": self.id,
            "kind": "review" if review else "task",
            "status": review.status if review else self.status,
            "summary": self.summary,
            "api": f"{self.api} {self.version}",
            "post_id": self.post_id or None,
            "user_id": self.user_id or None,
            "triggered_rules": [r.name for r in self.triggered],
            "created_at": hive_time(self.created_at),
            "review": review.to_json() if review else None,
            "past_reviews": [r.to_json() for r in self.past_reviews],
            "fired_actions": list(self.fired),
            "available_actions": available_actions,
            "text": self.text,
            "url": self.url,
        }
