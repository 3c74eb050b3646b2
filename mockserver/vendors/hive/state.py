"""Hive state for one world: tasks, their completion on the virtual clock, the Review Feed and
the moderators (scripted by `hive.review`, or a tester through the control plane).

Lifecycle of a task: `processing` -> `completed` (at once for sync; `callback_delay` later for
async, through the scenario engine, when the result is POSTed to callback_url). On completion
every triggered rule with a named action fires it, and the first with `action: review` puts the
task in the Review Feed (`pending`), as does a user report. A moderator then `decide`s (each
chosen Dashboard action is POSTed, https://docs.thehive.ai/docs/actions) or `dismiss`es, through
the action table (`actions.py`). Control-plane item ids are task ids (any of a v2 task's
per-model ids).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.base.errors import ApiError
from mockserver.kit.vendor import VendorState
from mockserver.scenario.steps import Step

from . import results, variants, webhooks
from .actions import ACTIONS, TaskStore
from .analysis import Analysis, analyze_text, analyze_url, triggered_rules
from .classes import ALL_VISUAL_HEADS, MODEL_2023_HEADS
from .matchers import MATCHERS, ReviewFacts
from .models import HiveTask, Report, Review, ReviewStatus
from .scenario_model import ACTION_NONE, ACTION_REVIEW, HiveConfig, Rule
from .validation import Content, DashboardSubmission, ModelsSubmission, ReportSubmission

if TYPE_CHECKING:
    from mockserver.kit.vendor import Vendor
    from mockserver.kit.worldview import WorldView


class HiveState(VendorState[HiveConfig]):
    def __init__(self, world: WorldView, vendor: Vendor) -> None:
        super().__init__(world, vendor)
        cfg = self.cfg
        self.strict = cfg.strict if cfg.strict is not None else world.settings.strict
        self.tasks: dict[str, HiveTask] = {}
        self.aliases: dict[str, str] = {}  # v2: every model's task id -> the task's first id
        self.reports: list[Report] = []
        self.rules_created = world.clock.timestamp()  # the Dashboard rules' created_at

    # -- submissions --------------------------------------------------------------------------
    def _task_id(self) -> str:
        if self.world.variants.is_(variants.TASK_ID, "uuid4"):
            return self.world.ids.uuid()
        return self.world.ids.uuid1(self.world.clock.timestamp())

    def _analyze(self, content: Content) -> Analysis:
        chosen = self.world.variants
        if content.text is not None:
            if chosen.is_(variants.TEXT_CLASSES, "seed"):
                return analyze_text(
                    content.text, self.cfg, variants.SEED_OUTPUT, variants.SEED_MODERATED
                )
            if chosen.is_(variants.TEXT_CLASSES, "model_2021"):
                return analyze_text(
                    content.text,
                    self.cfg,
                    variants.MODEL_2021_OUTPUT,
                    variants.MODEL_2021_MODERATED,
                )
            return analyze_text(content.text, self.cfg)
        heads = ALL_VISUAL_HEADS
        if chosen.is_(variants.VISUAL_CLASSES, "model_2023"):
            heads = MODEL_2023_HEADS
        if content.url is not None:
            return analyze_url(content.url, self.cfg, heads)
        # A media upload is scored like a URL, by its file name (the bytes are not looked at).
        assert content.upload is not None
        return analyze_url(content.upload.filename, self.cfg, heads)

    def submit_dashboard(
        self, sub: DashboardSubmission, *, version: str, is_async: bool, legacy: bool
    ) -> HiveTask:
        analysis = self._analyze(sub.content)
        ids = tuple(self._task_id() for _ in sub.models) or (self._task_id(),)
        task = HiveTask(
            id=ids[0],
            api="dashboard",
            version=version,
            analysis=analysis,
            created_at=self.world.clock.timestamp(),
            id_field=sub.id_field,
            user_id=sub.user_id,
            post_id=sub.post_id,
            content_metadata=sub.content_metadata,
            user_metadata=sub.user_metadata,
            callback_url=sub.callback_url,
            is_async=is_async,
            legacy=legacy,
            models=sub.models,
            task_ids=ids,
            content_token=self.world.ids.token(22),
            triggered=triggered_rules(
                self.cfg, analysis, content=sub.content_metadata, user=sub.user_metadata
            ),
        )
        return self._submit(task)

    def submit_models(self, sub: ModelsSubmission, *, version: str, is_async: bool) -> HiveTask:
        task_id = self._task_id()
        task = HiveTask(
            id=task_id,
            api="models",
            version=version,
            analysis=self._analyze(sub.content),
            created_at=self.world.clock.timestamp(),
            callback_url=sub.callback_url,
            metadata=sub.metadata,
            is_async=is_async,
            task_ids=(task_id,),
        )
        return self._submit(task)

    def _submit(self, task: HiveTask) -> HiveTask:
        self.tasks[task.id] = task
        for alias in task.task_ids[1:]:
            self.aliases[alias] = task.id
        if task.is_async:
            due = task.created_at + self.cfg.callback_delay
            self.world.engine.at(task.id, due, self._complete_later, "done")
        else:
            self._complete(task)
        return task  # no wait names a new id; the core wakes the rest after the call

    def result(self, task: HiveTask) -> dict[str, Any]:
        return results.result(task, self.rules_created)

    def _complete_later(self, task_id: str) -> None:
        task = self.tasks.get(task_id)
        if task is not None and task.status == "processing":
            self._complete(task)

    def _complete(self, task: HiveTask) -> None:
        task.status = "completed"
        task.completed_at = self.world.clock.timestamp()
        if task.is_async:
            webhooks.send_callback(self, task, self.result(task))
        for rule in task.triggered:
            if rule.action not in (ACTION_REVIEW, ACTION_NONE):
                self._fire(task, [rule.action], rule, None, "rule")
        review_rule = next((r for r in task.triggered if r.action == ACTION_REVIEW), None)
        if review_rule is not None:
            self._open_review(task, Review(self.world.clock.timestamp(), review_rule, "rule"))

    # -- reports ------------------------------------------------------------------------------
    def report(self, sub: ReportSubmission) -> tuple[Report, HiveTask]:
        """File a user report: the post's (or user's) latest task goes to the Review Feed."""
        key, value = ("post_id", sub.post_id) if sub.post_id else ("user_id", sub.user_id)
        found = [
            t for t in self.tasks.values() if t.api == "dashboard" and getattr(t, key) == value
        ]
        if not found:
            # The content must first have been submitted through the Dashboard
            # (https://docs.thehive.ai/docs/submit-user-reports-to-the-dashboard).
            raise ApiError(404, f"No content was submitted with {key} {value!r}", code="not_found")
        task = found[-1]
        report = Report(
            id=self.world.ids.uuid(),
            post_id=sub.post_id,
            user_id=sub.user_id,
            reporter_id=sub.reporter_id,
            categories=sub.categories,
            reason=sub.reason,
            created_at=self.world.clock.timestamp(),
        )
        self.reports.append(report)
        pending = task.review is not None and task.review.status == "pending"
        if pending and task.review is not None:
            task.review.reports.append(report)
        else:
            self._open_review(task, Review(report.created_at, None, "report", [report]))
        self.changed(task.id)
        return report, task

    # -- the Review Feed ----------------------------------------------------------------------
    def _facts(self, task: HiveTask) -> ReviewFacts:
        reports = task.review.reports if task.review else []
        return ReviewFacts(
            rule_refs=frozenset(ref for r in task.triggered for ref in (r.name, r.id)),
            env=task.analysis.env(task.content_metadata, task.user_metadata),
            text=task.text,
            url=task.url,
            user_id=task.user_id,
            post_id=task.post_id,
            content=task.content_metadata,
            user=task.user_metadata,
            reported=bool(reports),
            report_categories=frozenset(c for r in reports for c in r.categories),
            conditions=self.cfg.review_conditions,
        )

    def _open_review(self, task: HiveTask, review: Review) -> None:
        if task.review is not None:
            task.past_reviews.append(task.review)
        task.review = review
        if review.source == "content_feed":
            return
        facts = self._facts(task)
        chosen = self.world.engine.choose(
            self.cfg.review, lambda when: MATCHERS.matches(when, facts)
        )
        if chosen is not None:
            review.scripted_by = chosen.where
            self.world.engine.schedule(
                task.id, chosen.steps, ACTIONS.performer(self), self.vendor.name
            )

    def _pending(self, task: HiveTask) -> Review:
        """The open review a moderator acts on; a completed task that is not in the Review
        Feed is acted on from the Content Feed (https://docs.thehive.ai/docs/actions)."""
        if task.api != "dashboard":
            raise ApiError(409, "Models API tasks have no Review Feed", code="not_reviewable")
        if task.review is not None and task.review.status == "pending":
            return task.review
        if task.status != "completed":
            raise ApiError(409, f"task {task.id} is still processing", code="not_reviewable")
        self._open_review(task, Review(self.world.clock.timestamp(), None, "content_feed"))
        assert task.review is not None
        return task.review

    def _close(self, task: HiveTask, review: Review, status: ReviewStatus, step: Step) -> None:
        review.status = status
        review.decided_at = self.world.clock.timestamp()
        review.decided_by = self.world.reviewer(step.by)
        note = step.args.get("note")
        review.note = str(note) if note is not None else None
        self.world.engine.cancel(task.id)

    def decide(self, task: HiveTask, step: Step) -> None:
        raw = step.args.get("action")
        if raw is None:
            raise ApiError(400, 'decide needs an action, e.g. {"action": "ban_user"}')
        names = [raw] if isinstance(raw, str) else [str(n) for n in raw]
        unknown = [n for n in names if n not in self.cfg.actions]
        if unknown:
            known = ", ".join(sorted(self.cfg.actions)) or "none declared under hive.actions"
            raise ApiError(400, f"unknown action {unknown[0]!r} (actions: {known})")
        review = self._pending(task)
        self._close(task, review, "decided", step)
        review.actions = tuple(names)
        self._fire(task, names, review.rule, review, "review")

    def dismiss(self, task: HiveTask, step: Step) -> None:
        review = self._pending(task)
        self._close(task, review, "dismissed", step)

    def _fire(
        self, task: HiveTask, names: list[str], rule: Rule | None, review: Review | None, how: str
    ) -> None:
        moderator = review.decided_by if review else None
        for name in names:
            delivery = webhooks.fire_action(
                self,
                self.cfg.actions[name],
                task,
                rule=rule,
                moderator=moderator,
                trigger=how,
            )
            task.fired.append({"action": name, "trigger": how, "delivery_id": delivery.id})

    # -- what the core's action table and control plane read ----------------------------------
    def find(self, task_id: str) -> HiveTask | None:
        """A task by its id or, for a v2 task, any of its per-model ids."""
        return self.tasks.get(self.aliases.get(task_id, task_id))

    def status_of(self, task: HiveTask) -> str:
        """The review's status once the task reached the Review Feed, else the task's."""
        return task.review.status if task.review else task.status

    def summary(self, task: HiveTask) -> str:
        return task.summary

    def item_json(self, task: HiveTask) -> dict[str, Any]:
        """The task as a control-plane item (the action table adds the moderator words)."""
        return task.item_json(sorted(self.cfg.actions))

    def changed(self, task_id: str) -> None:
        task = self.find(task_id)
        self.world.changed(task.id if task is not None else task_id)

    def all_items(self) -> list[HiveTask]:
        """Tasks that reached the Review Feed (or were acted on), oldest first."""
        return [t for t in self.tasks.values() if t.review is not None]


# The action table's handlers are typed against `TaskStore`; the table cannot import this module
# (this module imports the table), so mypy checks here that this store is one.
_STORE: type[TaskStore] = HiveState
