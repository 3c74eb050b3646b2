"""Outharm state for one world: submissions, the manual queue and the scripted reviewers.

Queueing a submission (new manual submission, or add-to-queue / appeal) picks the first
`outharm.manual` rule that matches and schedules its steps on the virtual clock; with no
matching rule, a reviewer decides "not harmful" after `DEFAULT_DELAY`. A `decide` step (or the
control plane's `POST /_mockserver/items/outharm/{id}` with `{"decide": {...}}`) records the
verdict and sends the `moderation.manual.completed` webhook.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mockserver.errors import ApiError
from mockserver.scenario.rules import Rule, Step
from mockserver.vendor import VendorState
from mockserver.vendors.outharm import review, webhooks
from mockserver.vendors.outharm.config import OutharmConfig, Schema
from mockserver.vendors.outharm.models import Review, Source, Submission
from mockserver.vendors.outharm.scoring import score_submission

if TYPE_CHECKING:
    from mockserver.world import World

log = logging.getLogger("mockserver.outharm")

DEFAULT_DELAY = 60.0
DEFAULT_RULE = Rule(
    when={},
    steps=(Step("decide", {"harmful": False}, DEFAULT_DELAY, None, "default rule"),),
    otherwise=True,
    where="default rule",
)


class OutharmState(VendorState):
    def __init__(self, world: World, cfg: OutharmConfig) -> None:
        self.world = world
        self.cfg = cfg
        self.submissions: dict[str, Submission] = {}
        self.problems: list[str] = []

    # -- submissions --------------------------------------------------------------------------
    def new_submission(
        self, schema: Schema, content: dict[str, list[str]], source: Source
    ) -> Submission:
        """A submission with a fresh id (not stored yet)."""
        sub = Submission(
            id=self.world.ids.uuid(),
            schema=schema,
            content=content,
            created_at=self.world.clock.timestamp(),
            source=source,
        )
        if source == "automated":
            sub.automated = score_submission(schema, content, self.cfg.automated)
        return sub

    def store(self, sub: Submission) -> None:
        self.submissions[sub.id] = sub
        self.world.changed(sub.id)

    def find(self, submission_id: str) -> Submission | None:
        return self.submissions.get(submission_id.lower())

    # -- the manual queue ---------------------------------------------------------------------
    def choose(self, sub: Submission, appeal: bool) -> Rule:
        """The rule for a submission entering the queue (counted toward its `first`)."""
        rule = self.world.engine.choose(
            self.cfg.manual, lambda when: review.rule_matches(when, sub, appeal)
        )
        return rule or DEFAULT_RULE

    def enqueue(self, sub: Submission, rule: Rule, appeal: bool) -> Review:
        """Queue a (stored or new) submission for review and schedule the rule's steps."""
        self.submissions[sub.id] = sub
        entry = Review(
            number=len(sub.reviews) + 1,
            appeal=appeal,
            queued_at=self.world.clock.timestamp(),
            rule=rule.where,
        )
        sub.reviews.append(entry)

        async def perform(step: Step) -> None:
            await self.perform(sub.id, entry.number, step, rule)

        self.world.engine.schedule(sub.id, rule.steps, perform, "outharm")
        self.world.changed(sub.id)
        return entry

    def decide(self, sub: Submission, step: Step, when: Mapping[str, Any], *, strict: bool) -> None:
        """Record the verdict of `step` on the open review and send the webhook."""
        entry = sub.open_review
        if entry is None:
            raise ApiError(400, f"Submission is not queued for manual review ({sub.status})")
        previous = sub.previous_decisions()
        if previous is None:  # `uphold` on a fresh manual submission: what scoring says
            previous = score_submission(sub.schema, sub.content, self.cfg.automated).decisions()
        entry.decisions = review.decisions(step.args, sub, when, previous, strict=strict)
        entry.decided_at = self.world.clock.timestamp()
        entry.decided_by = self.world.reviewer(step.by)
        self.world.engine.cancel(sub.id)
        delivery = webhooks.emit(self.world, self.cfg.webhook, sub, entry.decisions)
        entry.delivery_id = delivery.id if delivery is not None else None
        self.world.changed(sub.id)

    # -- scripted and manual reviewer actions -------------------------------------------------
    async def perform(self, submission_id: str, number: int, step: Step, rule: Rule) -> None:
        """Run a scripted step of review `number`; a step that no longer applies is noted."""
        sub = self.submissions.get(submission_id)
        if sub is None or sub.open_review is None or sub.open_review.number != number:
            return
        if step.word != "decide":
            return  # `hold`: nobody decides
        try:
            self.decide(sub, step, rule.when, strict=False)
        except (ApiError, ValueError) as exc:
            message = exc.message if isinstance(exc, ApiError) else str(exc)
            note = f"{step.where}: decide on submission {sub.id}: {message}"
            self.problems.append(note)
            log.warning("scenario step skipped: %s", note)

    async def act(self, item_id: str, step: Step) -> dict[str, Any]:
        sub = self.find(item_id)
        if sub is None:
            raise ApiError(404, "Submission not found")
        if step.word == "fail":
            raise ApiError(400, "`fail` applies only when a submission arrives")
        if step.word == "decide":
            try:
                self.decide(sub, step, {}, strict=True)
            except ValueError as exc:
                raise ApiError(400, str(exc)) from None
        return sub.to_item()

    def item_status(self, item_id: str) -> str | None:
        sub = self.find(item_id)
        return sub.status if sub else None

    def items(self, status: str | None = None) -> list[dict[str, Any]]:
        return [
            sub.to_item()
            for sub in self.submissions.values()
            if status is None or sub.status == status
        ]
