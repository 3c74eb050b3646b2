"""Checking the scenario's `hive.review` rules (the shared rule format) when it loads.

`check_review` runs on the schema-valid list: rule and action names must exist, `if`
conditions and `text_matches` regexes must compile, and `fail` (a core word that answers the
submission itself) is refused because a review starts after the task has been answered.
Matching a rule's `when` against an item is `matchers.py`'s.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from mockserver.userregex import UserRegexError, compile_user_pattern

from .actions import DECIDE
from .classes import ALL_CLASSES
from .expressions import Condition, compile_condition
from .scenario_errors import KeyPath, SectionError


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
                compile_user_pattern(when["text_matches"])
            except UserRegexError as exc:
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
