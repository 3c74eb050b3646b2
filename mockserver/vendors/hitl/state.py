"""HITL.sh state for one world: loops, requests, their lifecycle and the scripted reviewers.

Lifecycle (declared in `lifecycle.py`): pending -claim-> claimed -respond-> completed;
pending/claimed -> timeout at `timeout_at` (the default response applies); pending/claimed
-cancel-> cancelled. A request changes status only through `move`, which sends the webhook
event the lifecycle gives the new status.

Reviewers act through the action table (`actions.py`), which checks the status a word applies
from and wakes the request's waits after it; timers (a request's timeout, a delayed join) run
through the scenario engine (`world.engine.at`), which wakes them too. HTTP handlers that
change a request say so (`changed`).

Pages cited by path, the OpenAPI file (api-reference/openapi.json) included, are in
github.com/hitl-sh/docs.hitl.sh @0e23b17.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from mockserver.base.errors import ApiError
from mockserver.base.ratelimit import RateLimiter
from mockserver.kit.vendor import VendorState
from mockserver.records.lenience import Lenience
from mockserver.scenario.model import Reviewer
from mockserver.scenario.rules import Rule, Step
from mockserver.vendors.hitl import membership, variants, webhooks
from mockserver.vendors.hitl.actions import ACTIONS, RequestStore
from mockserver.vendors.hitl.answer_forms import reshape
from mockserver.vendors.hitl.answers import answer_from_spec
from mockserver.vendors.hitl.models import (
    SANDBOX_OWNER_ID,
    ApiUser,
    HitlRequest,
    Loop,
    Member,
)
from mockserver.vendors.hitl.response_model import answer_form
from mockserver.vendors.hitl.scenario import HitlConfig

if TYPE_CHECKING:
    from mockserver.kit.vendor import Vendor
    from mockserver.kit.worldview import WorldView

log = logging.getLogger("mockserver.hitl")
_RANDOM: Mapping[str, Any] = MappingProxyType({"random": True})  # a respond step with no answer


class HitlState(VendorState[HitlConfig]):
    def __init__(self, world: WorldView, vendor: Vendor) -> None:
        super().__init__(world, vendor)
        cfg = self.cfg
        self.strict = cfg.strict if cfg.strict is not None else world.settings.strict
        self.limiter = RateLimiter(cfg.rate_limit or world.settings.rate_limit)
        self.loops: dict[str, Loop] = {}
        self.requests: dict[str, HitlRequest] = {}
        self.last_joined: list[Reviewer] = []  # who the latest `join` joined (control plane)
        # one bound method shared by every timer of a kind (no closure per request or loop)
        self._expire_later = self._expire
        self._join_later = self._join_due
        self._perform = ACTIONS.performer(self)  # every request's scripted steps
        self._events = {s.name: s.event for s in self.lifecycle}  # status -> its webhook event
        # create-request body bytes -> what strict mode would say (lenient.shadow)
        self.strict_verdicts: dict[bytes, Lenience | None] = {}
        self._steps_of: dict[int, tuple[Rule, tuple[Step, ...]]] = {}
        self._joined: membership.Joined = {}  # per loop, the scenario reviewers who joined
        now = world.clock.timestamp()
        for seed in cfg.loops:
            reviewers = world.scenario.reviewers
            if seed.members is not None:
                reviewers = tuple(
                    r
                    for r in reviewers
                    if any(world.scenario.find_reviewer(m) == r for m in seed.members)
                )
            loop = Loop(
                id=seed.id or world.ids.object_id(),
                name=seed.name,
                description=seed.description,
                icon=seed.icon,
                creator_id=SANDBOX_OWNER_ID,
                created_at=now,
                updated_at=now,
                members=[Member(r.id, r.email, r.name, "member", now) for r in reviewers],
                invite_code=world.ids.code(6),
            )
            self.loops[loop.id] = loop

    def request_json(self, req: HitlRequest) -> dict[str, Any]:
        """The request as this world's `hitl.response_by` form shows it."""
        return req.to_json(self.world.variants.form(variants.RESPONSE_BY))

    # -- loops --------------------------------------------------------------------------------
    def can_use_loop(self, user: ApiUser, loop: Loop) -> bool:
        return loop.creator_id in (user.user_id, SANDBOX_OWNER_ID)

    def new_loop(self, user: ApiUser, name: str, description: str, icon: str) -> Loop:
        """A loop with its creator as the one active member (api-reference/loops/create-loop.mdx);
        scenario reviewers join as the section's `join` says
        (api-reference/loops/loop-members.mdx: only by invite code)."""
        now = self.world.clock.timestamp()
        members = [Member(user.user_id, user.email, "API user", "admin", now)]
        loop = Loop(
            id=self.world.ids.object_id(),
            name=name,
            description=description,
            icon=icon,
            creator_id=user.user_id,
            created_at=now,
            updated_at=now,
            members=members,
            invite_code=self.world.ids.code(6),
        )
        self.loops[loop.id] = loop
        join = self.cfg.join
        if join == "on_create":
            self.join(loop, None)
        elif not isinstance(join, str):
            self.world.engine.at(loop.id, now + join, self._join_later, "join")
        return loop  # the core wakes the waits after the call (app.py's vendor middleware)

    def _join_due(self, loop_id: str) -> None:
        loop = self.loops.get(loop_id)
        if loop is not None:
            self.join(loop, None)

    def join(self, loop: Loop, by: str | None) -> list[Reviewer]:
        self.last_joined = membership.join(self.world, loop, by)
        return self.last_joined

    def loop_by_ref(self, ref: str) -> Loop | None:
        """A loop by id or invite code (what a reviewer types in the app)."""
        return self.loops.get(ref.lower()) or next(
            (loop for loop in self.loops.values() if loop.invite_code == ref), None
        )

    def _member_reviewer(self, req: HitlRequest, by: str | None, where: str) -> Reviewer:
        loop = self.loops.get(req.loop_id)
        return membership.acting_reviewer(self.world, loop, by, where, self.strict, self._joined)

    def delete_loop(self, loop: Loop) -> dict[str, int]:
        doomed = [r for r in self.requests.values() if r.loop_id == loop.id]
        for req in doomed:
            self._finished(req)
            del self.requests[req.id]
        del self.loops[loop.id]
        self.world.changed()  # its requests are gone: every wait on an item re-checks
        return {
            "members_removed": len(loop.members),
            "requests_deleted": len(doomed),
            "responses_deleted": sum(1 for r in doomed if r.status == "completed"),
        }

    # -- requests -----------------------------------------------------------------------------
    def add_request(self, req: HitlRequest, rule: Rule | None) -> None:
        self.requests[req.id] = req
        req.timeout_timer = self.world.engine.at(
            req.id, req.timeout_at, self._expire_later, "timeout"
        )
        if rule is not None:
            req.rule = rule.where
            steps = self._scheduled_steps(rule)
            if steps:
                self.world.engine.schedule(req.id, steps, self._perform, self.vendor.name)

    def _scheduled_steps(self, rule: Rule) -> tuple[Step, ...]:
        """The steps a rule schedules for each request (worked out once per rule): a plain
        `timeout` step schedules nothing, the request expires at its timeout_at."""
        kept = self._steps_of.get(id(rule))
        if kept is None or kept[0] is not rule:
            steps = tuple(s for s in rule.steps if not (s.word == "timeout" and s.after == 0))
            if len(self._steps_of) >= 256:
                self._steps_of.clear()
            kept = self._steps_of[id(rule)] = (rule, steps)
        return kept[1]

    def loop_of(self, req: HitlRequest) -> Loop | None:
        return self.loops.get(req.loop_id)

    def _touch(self, req: HitlRequest) -> float:
        now = self.world.clock.timestamp()
        req.updated_at = now
        return now

    def move(self, req: HitlRequest, status: str) -> None:
        """Put a request in `status` and send the webhook event the lifecycle gives it."""
        req.status = status
        event = self._events[status]
        if event is not None:
            webhooks.emit(self, event, req, self.loops.get(req.loop_id))  # (`loop_of`)

    # The action table checks the status each word applies from before these run.
    def claim(self, req: HitlRequest, by: str | None, where: str = "") -> None:
        reviewer = self._member_reviewer(req, by, where)
        req.claimed_at = self._touch(req)
        req.claimed_by = reviewer
        self.move(req, "claimed")

    def respond(self, req: HitlRequest, answer: Any, by: str | None, where: str = "") -> None:
        if by is None and req.claimed_by:
            reviewer = req.claimed_by
        else:
            reviewer = self._member_reviewer(req, by, where)
        if req.claimed_by is not None and reviewer.id != req.claimed_by.id:
            raise ApiError(
                400,
                f"Request is claimed by {req.claimed_by.name} ({req.claimed_by.email}): only "
                "they can respond (release it first, or leave `by` out)",
            )
        req.response_at = self._touch(req)
        req.response_by = reviewer
        req.response_data = reshape(
            req.config, answer, self.world.variants.form(variants.RESPONSE_DATA)
        )
        req.previous_status = req.status
        self._finished(req)
        self.move(req, "completed")

    def expire(self, req: HitlRequest) -> None:
        req.timed_out_at = self._touch(req)
        req.previous_status = req.status
        self._finished(req)
        self.move(req, "timeout")

    def set_timeout(self, req: HitlRequest, seconds: int) -> None:
        """A new `timeout_seconds` (PATCH): `timeout_at` moves, counted from creation."""
        req.set_field("timeout_seconds", seconds)
        req.timeout_at = req.created_at + seconds
        self._drop_timeout(req)
        req.timeout_timer = self.world.engine.at(
            req.id, req.timeout_at, self._expire_later, "timeout"
        )

    def _finished(self, req: HitlRequest) -> None:
        """A decided request has nothing left to happen: its scripted steps and its timeout
        timer are dropped, so neither the clock nor the console lists a stale plan."""
        self.world.engine.cancel(req.id)
        self._drop_timeout(req)

    def _drop_timeout(self, req: HitlRequest) -> None:
        """Its timeout timer is discarded from the clock's heap (which keeps no timer, and no
        heap entry, per stored request for an hour)."""
        if req.timeout_timer is not None:
            self.world.clock.discard(req.timeout_timer)
            req.timeout_timer = None

    def _expire(self, request_id: str) -> None:
        req = self.requests.get(request_id)
        # A PATCH of timeout_seconds replaces the timer; the check stays for a timer already
        # firing when it came.
        due = req is not None and self.world.clock.timestamp() >= req.timeout_at
        if req is not None and due and req.status in self.lifecycle.waiting:
            self.expire(req)
            log.info(
                "hitl %s: timed out at its timeout_at (default response: %s)",
                req.id,
                req.fields.get("default_response"),
                extra={
                    "vendor": "hitl",
                    "namespace": self.world.namespace,
                    "item": req.id,
                    "event": "request.timeout",
                },
            )

    def cancel(self, req: HitlRequest) -> None:
        """The `cancel` action and `DELETE /requests/{id}` (which says `changed` itself)."""
        # `hitl.cancel_rule`: api-reference/requests/cancel-request.mdx @0e23b17 also cancels
        # claimed requests (no refund); newer published pages allow only pending ones
        pending_only = self.world.variants.is_(variants.CANCEL, "pending_only")
        allowed = ("pending",) if pending_only else self.lifecycle.waiting
        if req.status not in allowed:
            raise ApiError(400, "Request cannot be cancelled in current state")
        req.cancelled_at = self._touch(req)
        req.previous_status = req.status
        self._finished(req)
        if req.previous_status == "pending":
            self.limiter.refund(req.owner.key, self.world.clock.timestamp())
        self.move(req, "cancelled")

    def release(self, req: HitlRequest) -> None:
        self._touch(req)
        req.claimed_by = None
        req.claimed_at = None
        self.move(req, "pending")

    def answer(self, req: HitlRequest, spec: Mapping[str, Any]) -> Any:
        """The response_data a scripted or manual `respond` step gives (random if no spec)."""
        return answer_from_spec(req.config, spec or _RANDOM, self.world.rng)

    # -- what the action table and the control plane read --------------------------------------
    def find(self, item_id: str) -> HitlRequest | None:
        return self.requests.get(item_id)

    def status_of(self, item: HitlRequest) -> str:
        return item.status

    def changed(self, item_id: str) -> None:
        self.world.changed(item_id)

    def all_items(self) -> Iterable[HitlRequest]:
        return self.requests.values()

    def summary(self, item: HitlRequest) -> str:
        return str(item.fields["request_text"][:80])

    def item_json(self, r: HitlRequest) -> dict[str, Any]:
        """A request as the control plane and the reviewer console show it (the core adds its
        status, its summary and the `actions` it offers now)."""
        shown = r.to_json()
        loop = self.loop_of(r)
        return {
            "id": r.id,
            "kind": "request",
            "response_type": r.config.response_type,
            "options": [o.label for o in r.config.options],
            "created_at": shown["created_at"],
            "timeout_at": shown["timeout_at"],
            # what the reviewer console shows and the answer form it builds
            "text": r.fields["request_text"],
            "image_url": shown["image_url"],
            "context": shown["context"],
            "priority": r.priority,
            "loop": loop.name if loop else r.loop_id,
            "answer_form": answer_form(r.config),
            "default_response": r.default_response,
            "claimed_by": r.claimed_by.email if r.claimed_by else None,
            "response_by": r.response_by.email if r.response_by else None,
            "response_data": r.response_data,
            "rule": r.rule,
        }


# The action table's handlers are typed against `RequestStore`; the table cannot import this module
# (this module imports the table), so mypy checks here that this store is one.
_STORE: type[RequestStore] = HitlState
