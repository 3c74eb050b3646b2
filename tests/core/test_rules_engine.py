"""The shared rule engine: first match wins, `first: N` caps a rule, steps run in sequence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.clock import Clock
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


def test_no_rule_matches_without_a_default() -> None:
    engine = Engine(Clock(START, "manual"))
    rules = RuleSet("r", (Rule({"tag": "a"}, (Step("x"),)),))
    assert engine.choose(rules, matcher("b")) is None


async def test_steps_run_after_the_previous_one_and_cancel_stops_the_rest() -> None:
    clock = Clock(START, "manual")
    engine = Engine(clock)
    done: list[tuple[str, float]] = []

    async def perform(step: Step) -> None:
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
