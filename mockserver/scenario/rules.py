"""The shared rule format and the engine that plays rules out on the virtual clock.

Every vendor's scripted reviewers use the same shape:

    rules:
      - when: {text_contains: crypto, first: 3}     # vendor matcher keys + `first`
        then:                                       # steps, run one after the other
          - claim: {after: 30s, by: dana@example.com}
          - respond: {after: 2m, choose: Reject}
      - otherwise: [{respond: {after: 5s, choose: random}}]

`after` is measured from the previous step (from arrival for the first one). The first rule
whose `when` matches wins; `first: N` stops a rule after N matches; `otherwise` catches the rest.
Vendors contribute matcher keys and action words (`Vocabulary`); the engine is the same for all.
`fail` is a core action: the submission itself is answered with an error or delayed; `choose`
raises it (`ScriptedFault`), so the server answers it for every vendor.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from mockserver.base.durations import DURATION_PATTERN, parse_duration
from mockserver.base.errors import ApiError
from mockserver.records.clock import Clock, Timer
from mockserver.scenario.steps import Rule, RuleSet, Step
from mockserver.scenario.vocabulary import Vocabulary

log = logging.getLogger("mockserver.scenario")

DURATION_SCHEMA: dict[str, Any] = {
    "description": "a duration: 30s, 2m, 1h30m, 800ms, or a number of seconds",
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": DURATION_PATTERN},
    ],
}

FAIL_SCHEMA: dict[str, Any] = {
    "status": {
        "type": "integer",
        "minimum": 400,
        "maximum": 599,
        "description": "answer the submission with this HTTP status (429, 500, 503 ...)",
    },
    "message": {"type": "string", "description": "error message in the vendor's error body"},
    "latency": {
        **DURATION_SCHEMA,
        "description": "a duration like 800ms or 2s to delay the answer by (real time)",
    },
}


# Not mutated: the scenario JSON Schema is data, built when the vendors' modules are imported,
# before mutmut switches a mutant on, so no test can see a mutant here (issue 18). What it
# builds is checked instead: tests/core/test_scenario_loader.py compares the published
# scenarios/scenario.schema.json with the code, and every loader test validates against it.
# pragma: no mutate start
def _action_schema(word: str, props: Mapping[str, Any], description: str) -> dict[str, Any]:
    properties = {
        "after": {
            **DURATION_SCHEMA,
            "description": "a duration like 30s, 2m or 1h to wait after the previous step",
        },
        "by": {"type": "string", "description": "reviewer e-mail or name ('random' to pick)"},
        **props,
    }
    return {
        "description": description,
        "anyOf": [
            {"type": "null"},
            {"type": "object", "additionalProperties": False, "properties": properties},
        ],
    }


def rules_schema(vocabulary: Vocabulary, what: str) -> dict[str, Any]:
    """JSON Schema for a rule list built from a vendor's vocabulary."""
    actions = {"fail": FAIL_SCHEMA, **vocabulary.actions}
    desc = vocabulary.descriptions
    action_props = {
        word: _action_schema(word, props, desc.get(word, word)) for word, props in actions.items()
    }
    bare = sorted(vocabulary.bare_words)
    step_schema: dict[str, Any] = {
        "anyOf": [
            {"type": "string", "enum": bare, "description": "an action with no settings"},
            {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 1,
                "additionalProperties": False,
                "properties": action_props,
                "description": "one action word with its settings",
            },
        ]
    }
    steps_schema: dict[str, Any] = {
        "description": "what happens: one step, or a list run in order",
        "anyOf": [
            {"type": "array", "items": step_schema},
            step_schema,
        ],
    }
    when_schema = {
        "type": "object",
        "additionalProperties": False,
        "description": f"which {what} this rule applies to; all keys must match",
        "properties": {
            "first": {
                "type": "integer",
                "minimum": 1,
                "description": "apply to the first N that match, then let later rules decide",
            },
            **vocabulary.when,
        },
    }
    rule = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "description": "a label for logs"},
            "when": when_schema,
            "then": steps_schema,
            "otherwise": steps_schema,
        },
    }
    return {"type": "array", "items": rule, "description": f"scripted handling of {what}"}


# pragma: no mutate end


def parse_steps(data: Any, where: Callable[[tuple[str | int, ...]], str]) -> tuple[Step, ...]:
    """Steps from a schema-valid `then`/`otherwise` value."""
    items = data if isinstance(data, list) else [data]
    steps: list[Step] = []
    for i, item in enumerate(items):
        path: tuple[str | int, ...] = (i,) if isinstance(data, list) else ()
        if isinstance(item, str):
            steps.append(Step(item, {}, 0.0, None, where(path)))
            continue
        ((word, args),) = item.items()
        args = dict(args or {})
        after = parse_duration(args.pop("after", 0))
        by = args.pop("by", None)
        steps.append(Step(word, args, after, by, where((*path, word))))
    return tuple(steps)


def parse_rules(
    name: str, data: list[Any] | None, where: Callable[[tuple[str | int, ...]], str]
) -> RuleSet:
    """A RuleSet from a schema-valid rule list; `where(path)` gives file:line for a sub-path."""
    rules: list[Rule] = []
    for i, raw in enumerate(data or []):
        when = dict(raw.get("when") or {})
        first = when.pop("first", None)
        otherwise = "otherwise" in raw
        body = raw["otherwise"] if otherwise else raw.get("then", [])
        key = "otherwise" if otherwise else "then"

        def at(p: tuple[str | int, ...], i: int = i, key: str = key) -> str:
            return where((i, key, *p))

        steps = parse_steps(body, at)
        rules.append(Rule(when, steps, first, otherwise, where((i,))))
    return RuleSet(name, tuple(rules))


class ScriptedFault(ApiError):
    """The rule chosen for an arriving item starts with `fail` and a `status`: the call that
    brought the item in is answered with that status (after the step's `latency`, real time: a
    client's own timeout is what is tested) instead of creating it. Raised by `Engine.choose`,
    so no vendor can forget it; the server answers it in the vendor's error body, worded by the
    step's `message` or, without one, by the vendor (`Vendor.fault_message`)."""

    def __init__(self, status: int, message: str | None, latency: float) -> None:
        super().__init__(status, message or "")
        self.worded = message is not None
        self.latency = latency

    def error(self, phrase: Callable[[int], str]) -> ApiError:
        """The error to render, worded by `phrase(status)` when the step gave no message."""
        return ApiError(self.status, self.message if self.worded else phrase(self.status))


_LATENCY: ContextVar[float] = ContextVar("mockserver_scripted_latency", default=0.0)


def scripted_latency(reset: bool = False) -> float:
    """The latency (seconds, real time) a chosen rule's leading `fail: {latency}` (with no
    status) adds to the current call's answer; the server waits it before answering. `reset`
    clears it (the server does so before each vendor call: a connection's calls share one
    context)."""
    if reset:
        _LATENCY.set(0.0)
        return 0.0
    return _LATENCY.get()


def _fault(fault: Step) -> None:
    """The core's `fail` step for the call that brought an item in: ScriptedFault with a
    status; a latency alone is noted for the server to wait before answering."""
    latency = parse_duration(fault.args["latency"]) if fault.args.get("latency") else 0.0
    if fault.args.get("status"):
        message = fault.args.get("message")
        raise ScriptedFault(int(fault.args["status"]), str(message) if message else None, latency)
    if latency:
        _LATENCY.set(_LATENCY.get() + latency)


Matcher = Callable[[Mapping[str, Any]], bool]
Perform = Callable[[str, Step], Awaitable[None] | None]
"""`perform(item_key, step)`: run a scripted step now (None: done; or an awaitable to await)."""
ItemCallback = Callable[[str], Awaitable[None] | None]
Timed = tuple[float, str, Mapping[str, Any]]  # a step with a timer: after, word, detail


@dataclass(slots=True, eq=False)
class _Plan:
    """One item's scripted steps on the clock: the argument its timers share (a timer is named
    "<plan>:<word>", so a plan shows as its item's key). Its timers fire in order, so the step
    due next is found by counting rather than kept per timer."""

    key: str
    steps: tuple[Step, ...]  # as scripted, `fail` steps included (they have no timer)
    perform: Perform
    vendor: str
    timers: list[Timer] = field(default_factory=list)  # emptied once none is left to fire
    next: int = 0  # where to look for the next step to run
    ran: int = 0  # how many of its timers have fired
    earlier: _Plan | None = None  # a plan of the same item still under way when this one came

    def __str__(self) -> str:
        return self.key


class Engine:
    """Chooses the rule for each arriving item and schedules its steps on the clock."""

    def __init__(
        self, clock: Clock, namespace: str = "", changed: Callable[[str], None] | None = None
    ) -> None:
        self._clock = clock
        self._namespace = namespace  # for log lines only
        self._changed = changed or (lambda _key: None)
        self._counts: dict[tuple[str, int], int] = {}
        self._plans: dict[str, _Plan] = {}  # item key -> its latest plan still under way
        self._notifying: dict[ItemCallback, ItemCallback] = {}
        self._details: dict[int, tuple[Step, Mapping[str, Any]]] = {}
        self._timings: dict[int, tuple[tuple[Step, ...], tuple[Timed, ...]]] = {}
        self._run_step = self._step  # one bound method shared by every step's timer

    def at(self, item_key: str, due: float, callback: ItemCallback, word: str) -> Timer:
        """A vendor's own timer for an item (a request's timeout, an async task's completion):
        `callback(item_key)` runs at `due` on the virtual clock, listed among the pending
        timers as `<item_key>:<word>`, and the item's waits are woken after it. One wrapper is
        kept per callback, so a million timers cost no closure each."""
        notifying = self._notifying.get(callback)
        if notifying is None:
            changed = self._changed

            def notifying(key: str, callback: ItemCallback = callback) -> Awaitable[None] | None:
                awaited = callback(key)
                if awaited is not None:
                    return _then_changed(awaited, changed, key)
                changed(key)
                return None

            self._notifying[callback] = notifying
        return self._clock.call_at_with(due, notifying, item_key, word)  # named "<key>:<word>"

    def choose(self, ruleset: RuleSet, matches: Matcher) -> Rule | None:
        """The first rule whose `when` holds (`matches(when)`), counting it toward `first`.
        A rule that starts with the core's `fail` answers the call that brought the item in:
        ScriptedFault with its status (so the vendor stores nothing), or, a latency alone, a
        delay the server adds to the answer (`scripted_latency`)."""
        for index, rule in enumerate(ruleset.rules):
            key = (ruleset.name, index)
            if rule.first is not None and self._counts.get(key, 0) >= rule.first:
                continue
            if rule.when and not matches(rule.when):
                continue
            self._counts[key] = self._counts.get(key, 0) + 1
            fault = rule.fault
            if fault is not None:
                _fault(fault)
            return rule
        return None

    def schedule(
        self, item_key: str, steps: tuple[Step, ...], perform: Perform, vendor: str = ""
    ) -> None:
        """Run each step `after` seconds after the previous one (`fail` steps are skipped):
        `perform(item_key, step)`, then the item's waits are woken; each step is logged as it
        runs, with the scenario line that scripted it. One plan per item, its timers sharing
        one callback (no closure, label or list per step)."""
        plan = _Plan(item_key, steps, perform, vendor)
        timers = plan.timers
        call_at_with = self._clock.call_at_with
        run = self._run_step
        due = self._clock.timestamp()
        for after, word, detail in self._timed(steps):
            due += after
            timers.append(call_at_with(due, run, plan, word, detail))
        if timers:
            earlier = self._plans.get(item_key)
            if earlier is not None:
                plan.earlier = earlier
            self._plans[item_key] = plan

    def _step(self, plan: _Plan) -> Awaitable[None] | None:
        """A plan's timer fired: run its next step."""
        steps = plan.steps
        index = plan.next
        while steps[index].word == "fail":
            index += 1
        step = steps[index]
        plan.next = index + 1
        plan.ran += 1
        if plan.ran == len(plan.timers):
            plan.timers.clear()  # its timers point at it: no cycle is left for the collector
            self._done(plan)
        key = plan.key
        if log.isEnabledFor(logging.INFO):  # the arguments alone cost microseconds
            vendor = plan.vendor
            log.info(
                "%s %s: scripted %s%s (%s)",
                vendor or "item",
                key,
                step.word,
                f" by {step.by}" if step.by else "",
                step.where,
                extra={
                    "vendor": vendor or None,
                    "namespace": self._namespace,
                    "item": key,
                    "event": f"scripted.{step.word}",
                },
            )
        awaited = plan.perform(key, step)
        if awaited is not None:
            return _then_changed(awaited, self._changed, key)
        self._changed(key)
        return None

    def _done(self, plan: _Plan) -> None:
        """A plan has run its last step: the item is forgotten, unless an earlier plan of it
        is still under way."""
        if self._plans.get(plan.key) is not plan:
            return
        earlier = plan.earlier
        while earlier is not None and not earlier.timers:  # (a plan done has none left)
            earlier = earlier.earlier
        if earlier is None:
            del self._plans[plan.key]
        else:
            self._plans[plan.key] = earlier

    def _timed(self, steps: tuple[Step, ...]) -> tuple[Timed, ...]:
        """Per step with a timer: the seconds since the one before (`fail` steps' included),
        its word and its console detail; worked out once per rule's steps, not per item."""
        kept = self._timings.get(id(steps))
        if kept is None or kept[0] is not steps:
            timed: list[Timed] = []
            after = 0.0
            for step in steps:
                after += step.after
                if step.word != "fail":
                    timed.append((after, step.word, self._detail(step)))
                    after = 0.0
            if len(self._timings) >= 1024:
                self._timings.clear()
            kept = self._timings[id(steps)] = (steps, tuple(timed))
        return kept[1]

    def _detail(self, step: Step) -> Mapping[str, Any]:
        """What the console shows of a scripted step's timer: one read-only mapping per step
        of the scenario, shared by every item's timer (was a dict per item and step)."""
        kept = self._details.get(id(step))
        if kept is None or kept[0] is not step:
            detail = {"action": step.word, "args": dict(step.args), "by": step.by}
            detail["where"] = step.where
            kept = (step, MappingProxyType(detail))
            if len(self._details) >= 1024:
                self._details.clear()
            self._details[id(step)] = kept
        return kept[1]

    def cancel(self, item_key: str) -> None:
        """Drop the steps still scheduled for an item (it was cancelled or decided by hand)."""
        plan = self._plans.pop(item_key, None)
        discard = self._clock.discard
        while plan is not None:
            for timer in plan.timers:
                discard(timer)  # (one that has fired is left as it is)
            plan.timers.clear()  # (no cycle through the timers left in the heap)
            plan = plan.earlier


async def _then_changed(awaited: Awaitable[None], changed: Callable[[str], None], key: str) -> None:
    await awaited
    changed(key)


__all__ = [
    "DURATION_SCHEMA",
    "Engine",
    "Rule",
    "RuleSet",
    "ScriptedFault",
    "Step",
    "parse_rules",
    "parse_steps",
    "scripted_latency",
]
