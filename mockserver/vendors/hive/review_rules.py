"""Checking and matching the scenario's `hive.review` rules (the shared rule format).

`check_review` runs at load time on the schema-valid list: rule and action names must exist,
`if` conditions and `text_matches` regexes must compile, and `fail` (a core word that answers
the submission itself) is refused because a review starts after the task has been answered.
`review_matches` decides whether a rule's `when` holds for one item in the Review Feed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .classes import ALL_CLASSES
from .expressions import Condition, Env, compile_condition
from .section_errors import KeyPath, SectionError
from .vocabulary import DECIDE


@dataclass(frozen=True)
class ReviewFacts:
    """What a review rule can look at for one item."""

    rule_refs: frozenset[str]  # names and ids of the task's triggered rules
    env: Env
    text: str | None = None
    url: str | None = None
    user_id: str = ""
    post_id: str = ""
    content: Mapping[str, Any] = field(default_factory=dict)
    user: Mapping[str, Any] = field(default_factory=dict)
    reported: bool = False
    report_categories: frozenset[str] = frozenset()


def _many(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


def check_review(
    raws: Sequence[Mapping[str, Any]], rule_refs: Collection[str], actions: Collection[str]
) -> dict[str, Condition]:
    """Validate the review rules; the compiled `if` conditions by their source text."""
    conditions: dict[str, Condition] = {}
    for i, raw in enumerate(raws):
        when = raw.get("when") or {}
        where: KeyPath = ("review", i, "when")
        for ref in _many(when.get("rule", [])):
            if ref not in rule_refs:
                known = ", ".join(sorted(rule_refs)) or "no rules declared"
                raise SectionError((*where, "rule"), f"unknown rule {ref!r} (rules: {known})")
        if "if" in when:
            try:
                conditions[when["if"]] = compile_condition(when["if"], ALL_CLASSES)
            except ValueError as exc:
                raise SectionError((*where, "if"), str(exc)) from None
        if "text_matches" in when:
            try:
                re.compile(when["text_matches"])
            except re.error as exc:
                raise SectionError((*where, "text_matches"), f"bad regex: {exc}") from None
        key = "otherwise" if "otherwise" in raw else "then"
        body = raw.get(key)
        steps = body if isinstance(body, list) else [body]
        for j, step in enumerate(steps):
            at: KeyPath = ("review", i, key, j) if isinstance(body, list) else ("review", i, key)
            _check_step(at, step, actions)
    return conditions


def _check_step(at: KeyPath, step: Any, actions: Collection[str]) -> None:
    if not isinstance(step, Mapping):
        return
    if "fail" in step:
        raise SectionError(
            (*at, "fail"), "not available in hive.review: a review starts after the answer"
        )
    if DECIDE in step:
        args = step[DECIDE] or {}
        if "action" not in args:
            raise SectionError((*at, DECIDE), "give the action taken, e.g. {action: ban_user}")
        for name in _many(args["action"]):
            if name not in actions:
                known = ", ".join(sorted(actions)) or "none declared under hive.actions"
                raise SectionError(
                    (*at, DECIDE, "action"), f"unknown action {name!r} (actions: {known})"
                )


def review_matches(
    when: Mapping[str, Any], facts: ReviewFacts, conditions: Mapping[str, Condition]
) -> bool:
    """Whether every key of a review rule's `when` holds for the item."""
    return all(_holds(key, want, facts, conditions) for key, want in when.items())


def _holds(key: str, want: Any, facts: ReviewFacts, conditions: Mapping[str, Condition]) -> bool:
    if key == "rule":
        return any(ref in facts.rule_refs for ref in _many(want))
    if key == "if":
        condition = conditions.get(want) or compile_condition(want, ALL_CLASSES)
        return condition.evaluate(facts.env)
    if key == "text_contains":
        text = (facts.text or "").lower()
        return facts.text is not None and any(w.lower() in text for w in _many(want))
    if key == "text_matches":
        return facts.text is not None and re.search(want, facts.text) is not None
    if key == "url_contains":
        url = (facts.url or "").lower()
        return facts.url is not None and any(w.lower() in url for w in _many(want))
    if key == "user_id":
        return facts.user_id in _many(want)
    if key == "post_id":
        return facts.post_id in _many(want)
    if key in ("content", "user"):
        actual = facts.content if key == "content" else facts.user
        return all(actual.get(k) == v for k, v in want.items())
    if key == "reported":
        return facts.reported is bool(want)
    if key == "report_category":
        return any(c in facts.report_categories for c in _many(want))
    return False
