"""The shared rule engine: first match wins, `first: N` caps a rule, steps run in sequence."""

from __future__ import annotations

import gc
import logging
from collections.abc import Mapping
from typing import Any

import pytest

from mockserver.records.clock import Clock
from mockserver.scenario.rules import Engine, Rule, RuleSet, Step

START = 1_767_225_600.0


def ruleset() -> RuleSet:
    return RuleSet(
        "r",
        (
            Rule({"tag": "a"}, (Step("x"),), first=2),
            Rule({"tag": "a"}, (Step("y"),)),
            Rule({}, (Step("z"),), otherwise=True),
        ),
    )


def matcher(tag: str) -> Any:
    return lambda when: when.get("tag") == tag


def words(rule: Rule | None) -> list[str]:
    return [s.word for s in rule.steps] if rule else []


def test_first_caps_a_rule_and_later_rules_take_over() -> None:
    engine = Engine(Clock(START, "manual"))
    rules = ruleset()
    picked = [words(engine.choose(rules, matcher("a"))) for _ in range(4)]
    assert picked == [["x"], ["x"], ["y"], ["y"]]
    assert words(engine.choose(rules, matcher("b"))) == ["z"]


def test_first_counts_only_the_items_its_rule_took() -> None:
    """Items a `first: N` rule's `when` turns away do not use up its N (nor do items taken by
    the rules before it)."""
    engine = Engine(Clock(START, "manual"))
    rules = RuleSet(
        "r",
        (
            Rule({"tag": "b"}, (Step("w"),)),
            Rule({"tag": "a"}, (Step("x"),), first=1),
            Rule({}, (Step("z"),), otherwise=True),
        ),
    )
    picked = [words(engine.choose(rules, matcher(tag))) for tag in ("b", "c", "b", "a", "a")]
    assert picked == [["w"], ["z"], ["w"], ["x"], ["z"]]


def test_no_rule_matches_without_a_default() -> None:
    engine = Engine(Clock(START, "manual"))
    rules = RuleSet("r", (Rule({"tag": "a"}, (Step("x"),)),))
    assert engine.choose(rules, matcher("b")) is None


async def test_steps_run_after_the_previous_one_and_cancel_stops_the_rest() -> None:
    clock = Clock(START, "manual")
    engine = Engine(clock)
    done: list[tuple[str, float]] = []

    async def perform(_key: str, step: Step) -> None:
        done.append((step.word, clock.timestamp() - START))

    steps = (Step("claim", after=30), Step("fail"), Step("respond", after=120))
    engine.schedule("item", steps, perform)
    await clock.advance(60)
    assert done == [("claim", 30.0)]
    await clock.advance(100)
    assert done == [("claim", 30.0), ("respond", 150.0)]

    engine.schedule("other", (Step("claim", after=10),), perform)
    engine.cancel("other")
    await clock.advance(20)
    assert len(done) == 2


def test_when_is_passed_to_the_vendor_matcher() -> None:
    engine = Engine(Clock(START, "manual"))
    seen: list[Mapping[str, Any]] = []

    def spy(when: Mapping[str, Any]) -> bool:
        seen.append(when)
        return True

    engine.choose(ruleset(), spy)
    assert seen == [{"tag": "a"}]


async def test_each_scripted_step_is_logged_and_shown_as_a_pending_timer(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "mockserver.scenario")
    clock = Clock(START, "manual")
    engine = Engine(clock, namespace="team-a")

    def perform(_key: str, step: Step) -> None:
        pass

    steps = (
        Step("respond", {"choose": "Approve"}, after=30, by="dana", where="qa.yaml:9:11"),
        Step("timeout", where="qa.yaml:10:11"),
    )
    engine.schedule("r1", steps, perform, vendor="hitl")
    engine.schedule("i2", (Step("claim", where="qa.yaml:3:5"),), perform)  # no vendor named
    shown = [t.to_json(clock.timestamp()) for t in clock.pending()]
    assert [(t["label"], t["action"], t["args"], t["by"], t["where"]) for t in shown] == [
        ("i2:claim", "claim", {}, None, "qa.yaml:3:5"),
        ("r1:respond", "respond", {"choose": "Approve"}, "dana", "qa.yaml:9:11"),
        ("r1:timeout", "timeout", {}, None, "qa.yaml:10:11"),
    ]
    await clock.advance(30)
    records = [r for r in caplog.records if r.name == "mockserver.scenario"]
    assert [r.getMessage() for r in records] == [
        "item i2: scripted claim (qa.yaml:3:5)",
        "hitl r1: scripted respond by dana (qa.yaml:9:11)",
        "hitl r1: scripted timeout (qa.yaml:10:11)",
    ]
    fields = [
        tuple(r.__dict__[k] for k in ("vendor", "namespace", "item", "event")) for r in records
    ]
    assert fields == [
        (None, "team-a", "i2", "scripted.claim"),
        ("hitl", "team-a", "r1", "scripted.respond"),
        ("hitl", "team-a", "r1", "scripted.timeout"),
    ]
    assert all(r.levelno == logging.INFO for r in records)


async def test_plain_steps_and_every_plan_of_an_item_are_cancelled_together() -> None:
    """A plain `perform(key, step)` runs each step (no coroutine); an item scheduled twice
    (a new review round while the first is under way) has both plans dropped by `cancel`,
    also once the newer one has run its last step; the item's waits are woken per step."""
    clock = Clock(START, "manual")
    woken: list[str] = []
    engine = Engine(clock, changed=woken.append)
    done: list[tuple[str, str, float]] = []

    def perform(key: str, step: Step) -> None:
        done.append((key, step.word, clock.timestamp() - START))

    engine.schedule("item", (Step("claim", after=10), Step("respond", after=40)), perform)
    engine.schedule("item", (Step("fail"), Step("release", after=20)), perform)
    engine.schedule("solo", (Step("claim", after=5),), perform)
    await clock.advance(30)
    assert done == [("solo", "claim", 5.0), ("item", "claim", 10.0), ("item", "release", 20.0)]
    assert woken == ["solo", "item", "item"]
    engine.cancel("item")
    await clock.advance(100)
    assert len(done) == 3 and not clock.has_pending()
    engine.cancel("solo")  # done already: nothing to drop


def test_a_scheduled_item_keeps_its_timers_and_one_plan_only() -> None:
    """What a live item's scripted steps keep for the collector to walk until they have run:
    a timer per step and one plan (the list of them), nothing per step or item besides."""
    clock = Clock(START, "manual")
    engine = Engine(clock)
    steps = (Step("claim", after=1.0), Step("respond", after=2.0))

    def perform(key: str, step: Step) -> None:
        return None

    engine.schedule("warm-up", steps, perform)  # (the rule's shared details made once)
    items = 1_000
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        keys = [f"item-{n}" for n in range(items)]  # (strings: not tracked)
        for key in keys:
            engine.schedule(key, steps, perform)
        kept = len(gc.get_objects()) - before
    finally:
        gc.enable()
    assert kept <= items * (len(steps) + 1) + 16  # (+ a few lane heads' heap entries)
