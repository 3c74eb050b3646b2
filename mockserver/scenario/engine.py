"""The engine that plays scenario rules out on the virtual clock (`rules.py` parses them).

`Engine.choose` picks the rule for an arriving item (the first whose `when` holds, counting
`first: N`); a rule starting with the core's `fail` answers the call that brought the item in
(`ScriptedFault`, or a latency the server waits: `scripted_latency`). `Engine.schedule` runs a
rule's steps on the clock, each `after` seconds after the one before, through the vendor's
`perform(item_key, step)`, and wakes the item's waits after each; `Engine.at` is a vendor's own
timer for an item (a timeout). The engine knows no vendor: what a step does is `perform`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any

from mockserver.base.durations import parse_duration
from mockserver.base.errors import ApiError
from mockserver.records.clock import Clock, Timer
from mockserver.scenario.steps import Rule, RuleSet, Step

log = logging.getLogger("mockserver.scenario")


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


class _Plan(list[Timer]):
    """One item's scripted steps on the clock: the list of their timers, and the argument they
    share (a timer is named "<plan>:<word>", so a plan shows as its item's key). A list itself,
    so a live item keeps one object fewer for the collector to walk. Its timers fire in order,
    so the step due next is found by counting rather than kept per timer; it is emptied once
    none is left to fire (its timers point at it: no cycle is left for the collector)."""

    __slots__ = ("earlier", "key", "next", "perform", "ran", "steps", "vendor")

    def __init__(
        self,
        key: str,
        steps: tuple[Step, ...],
        perform: Perform,
        vendor: str,
        earlier: _Plan | None,
    ) -> None:
        # (no list.__init__: a new list is empty already)
        self.key = key
        self.steps = steps  # as scripted, `fail` steps included (they have no timer)
        self.perform = perform
        self.vendor = vendor
        self.next = 0  # where to look for the next step to run
        self.ran = 0  # how many of its timers have fired
        self.earlier = earlier  # a plan of the same item still under way when this one came

    def __str__(self) -> str:
        return self.key

    __eq__ = object.__eq__  # a plan is itself, whatever timers it holds
    __ne__ = object.__ne__


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
        counts = self._counts
        for index, rule in enumerate(ruleset.rules):
            key = (ruleset.name, index)
            count = counts.get(key, 0)
            first = rule.first
            if first is not None and count >= first:
                continue
            if rule.when and not matches(rule.when):
                continue
            counts[key] = count + 1
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
        kept = self._timings.get(id(steps))  # (`_timed`, its usual case inlined)
        timed = kept[1] if kept is not None and kept[0] is steps else self._timed(steps)
        if not timed:
            return
        plans = self._plans
        plan = _Plan(item_key, steps, perform, vendor, plans.get(item_key))
        append = plan.append
        clock = self._clock
        call_at_with = clock.call_at_with
        run = self._run_step
        due = clock.timestamp()
        for after, word, detail in timed:
            due += after
            append(call_at_with(due, run, plan, word, detail))
        plans[item_key] = plan

    def _step(self, plan: _Plan) -> Awaitable[None] | None:
        """A plan's timer fired: run its next step."""
        steps = plan.steps
        index = plan.next
        while steps[index].word == "fail":
            index += 1
        step = steps[index]
        plan.next = index + 1
        plan.ran += 1
        if plan.ran == len(plan):
            plan.clear()  # its timers point at it: no cycle is left for the collector
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
        while earlier is not None and not len(earlier):  # (a plan done has none left)
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
            for timer in plan:
                discard(timer)  # (one that has fired is left as it is)
            plan.clear()  # (no cycle through the timers left in the heap)
            plan = plan.earlier


async def _then_changed(awaited: Awaitable[None], changed: Callable[[str], None], key: str) -> None:
    await awaited
    changed(key)
