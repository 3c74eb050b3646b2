"""Outharm state for one world: submissions, the manual queue and the scripted reviewers.

Queueing a submission (new manual submission, or add-to-queue / appeal) picks the first
`outharm.manual` rule that matches and schedules its steps on the virtual clock; with no
matching rule, a reviewer decides "not harmful" after `DEFAULT_DELAY`. A `decide` step (or the
control plane's `POST /_mockserver/items/outharm/{id}` with `{"decide": {...}}`) records the
verdict and sends the `moderation.manual.completed` webhook. The words themselves live in the
action table (actions.py); this store offers what the table needs (`find`, `all_items`,
`status_of`, `summary`, `item_json`, `changed`) and what its handlers call
(`previous_decisions`, `record`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mockserver.kit.vendor import VendorState
from mockserver.scenario.rules import Rule, Step
from mockserver.vendors.outharm import webhooks
from mockserver.vendors.outharm.actions import ACTIONS, SubmissionStore
from mockserver.vendors.outharm.matchers import rule_matches
from mockserver.vendors.outharm.models import (
    LEGACY_SCHEMA,
    Decisions,
    Review,
    Schema,
    Source,
    Submission,
)
from mockserver.vendors.outharm.scenario import OutharmConfig
from mockserver.vendors.outharm.scoring import score_submission

if TYPE_CHECKING:
    from mockserver.kit.vendor import Vendor
    from mockserver.kit.worldview import WorldView

DEFAULT_DELAY = 60.0
DEFAULT_RULE = Rule(
    when={},
    steps=(Step("decide", {"harmful": False}, DEFAULT_DELAY, None, "default rule"),),
    otherwise=True,
    where="default rule",
)


class OutharmState(VendorState[OutharmConfig]):
    def __init__(self, world: WorldView, vendor: Vendor) -> None:
        super().__init__(world, vendor)
        cfg = self.cfg
        self.strict = cfg.strict if cfg.strict is not None else world.settings.strict
        self.submissions: dict[str, Submission] = {}
        self.predictions = 0  # legacy `predictionId`s and `requestId`s given so far
        self.requests = 0

    # -- what the action table asks ------------------------------------------------------------
    def find(self, submission_id: str) -> Submission | None:
        return self.submissions.get(submission_id.lower())

    def all_items(self) -> Iterable[Submission]:
        return self.submissions.values()

    def status_of(self, sub: Submission) -> str:
        return sub.status

    def summary(self, sub: Submission) -> str:
        return sub.summary()

    def item_json(self, sub: Submission) -> dict[str, Any]:
        return sub.to_item()

    def changed(self, submission_id: str) -> None:
        # Ids are found without case: wake the waits on the id as written and as stored.
        self.world.changed(submission_id)
        if submission_id != submission_id.lower():
            self.world.changed(submission_id.lower())

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
            sub.automated = score_submission(schema.components, content, self.cfg.automated)
        return sub

    def new_prediction(self, filename: str) -> Submission:
        """A legacy-generation prediction of one image, scored and stored; its id is the next
        `predictionId` (1, 2, ...)."""
        self.predictions += 1
        sub = self.new_submission(LEGACY_SCHEMA, {"image": [filename]}, "automated")
        sub.id = str(self.predictions)
        sub.legacy = True
        self.store(sub)
        return sub

    def store(self, sub: Submission) -> None:
        self.submissions[sub.id] = sub  # no wait names a new id; the core wakes the rest

    # -- the manual queue ---------------------------------------------------------------------
    def choose(self, sub: Submission, appeal: bool) -> Rule:
        """The rule for a submission entering the queue (counted toward its `first`)."""
        rule = self.world.engine.choose(
            self.cfg.manual, lambda when: rule_matches(when, sub, appeal)
        )
        return rule or DEFAULT_RULE

    def enqueue(self, sub: Submission, rule: Rule, appeal: bool) -> Review:
        """Queue a (stored or new) submission for review and schedule the rule's steps, which
        apply only while this review is the open one."""
        self.submissions[sub.id] = sub
        if sub.legacy:
            self.requests += 1
        entry = Review(
            number=len(sub.reviews) + 1,
            appeal=appeal,
            queued_at=self.world.clock.timestamp(),
            rule=rule.where,
            when=rule.when,
            request_id=self.requests if sub.legacy else None,
        )
        sub.reviews.append(entry)

        def this_round() -> bool:
            return sub.open_review is entry

        perform = ACTIONS.performer(self, guard=this_round)
        self.world.engine.schedule(sub.id, rule.steps, perform, self.vendor.name)
        self.changed(sub.id)
        return entry

    # -- what the `decide` handler calls ------------------------------------------------------
    def previous_decisions(self, sub: Submission) -> Decisions:
        """The base of `uphold`: the last verdict, else (a fresh manual submission) what
        automated scoring says."""
        previous = sub.previous_decisions()
        if previous is None:
            previous = score_submission(
                sub.schema.components, sub.content, self.cfg.automated
            ).decisions()
        return previous

    def record(self, sub: Submission, verdicts: Decisions, by: str | None) -> None:
        """Close the open review with `verdicts`, drop its remaining scripted steps and send
        the webhook."""
        entry = sub.open_review
        assert entry is not None  # the `decide` action applies to queued submissions only
        reviewer = self.world.reviewer(by)
        entry.decisions = verdicts
        entry.decided_at = self.world.clock.timestamp()
        entry.decided_by = reviewer
        self.world.engine.cancel(sub.id)
        delivery = webhooks.emit(self, self.cfg.webhook, sub, verdicts, entry.request_id)
        entry.delivery_id = delivery.id if delivery is not None else None


# The action table's handlers are typed against `SubmissionStore`; the table cannot import this
# module (this module imports the table), so mypy checks here that this store is one.
_STORE: type[SubmissionStore] = OutharmState
