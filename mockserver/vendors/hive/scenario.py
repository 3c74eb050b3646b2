"""The `hive:` section of a scenario, as the core's `ScenarioSection`: schema, parser, default.

`parse_section` turns the (schema-valid) YAML mapping into a `HiveConfig` (`scenario_model.py`)
with compiled regexes and conditions. Anything wrong raises `SectionError` (a ValueError) naming
the key, e.g. `hive.rules[1].if: invalid condition 'spam >=': expected a value, ... at position
7`; `SECTION.parse` reports it at the file's line and column, and gives each `hive.review` step
its file:line (with `by:` checked against the scenario's reviewers). Every semantic check runs
while parsing, so `mockserver validate` needs no separate `check`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from mockserver.base.durations import parse_duration
from mockserver.base.userregex import UserPattern, literal
from mockserver.kit.vendor import ScenarioSection
from mockserver.scenario.context import SectionContext
from mockserver.scenario.patterns import compile_pattern
from mockserver.scenario.rules import parse_rules
from mockserver.scenario.sectionfile import section_file
from mockserver.scenario.vocabulary import Vocabulary

from .actions import ACTIONS
from .classes import ALL_CLASSES, VISUAL_CLASS_HEAD
from .expressions import compile_condition
from .matchers import MATCHERS
from .patterns import PROFANITY_TYPE, deny_pattern
from .review_rules import check_review
from .scenario_errors import KeyPath, SectionError, dotted
from .scenario_model import (
    ACTION_NONE,
    ACTION_REVIEW,
    DEFAULT_CALLBACK_DELAY,
    DEFAULT_PARAMS,
    REVIEW_RULESET,
    Action,
    DenyEntry,
    HiveConfig,
    Rule,
    TextRule,
    VisualRule,
    stable_rule_id,
)
from .scenario_schema import section_schema

# What the embedded default scenario gives Hive: `default.yaml` in this folder, which explains it.
DEFAULT_SECTION: Final[Mapping[str, Any]] = section_file(__package__)


def parse(data: Mapping[str, Any] | None, ctx: SectionContext) -> HiveConfig:
    """The section's configuration, with problems at the file's line and column."""
    try:
        cfg = parse_section(data)
    except SectionError as exc:
        raise ctx.fail(exc.path, exc.problem) from None
    if not data or not data.get("review"):
        return cfg
    # Positions (file:line) for each step, and `by:` checked against the reviewers.
    return replace(cfg, review=ctx.rules(("review",), data["review"]))


SECTION: Final = ScenarioSection(section_schema, parse, default=DEFAULT_SECTION)


@functools.cache
def _validator() -> Draft202012Validator:
    """The section's schema for `parse_section` called on its own (the loader has validated
    a file's section already), with the words of the vendor's tables."""
    return Draft202012Validator(section_schema(Vocabulary.of(ACTIONS, MATCHERS)))


def parse_section(data: Mapping[str, Any] | None) -> HiveConfig:
    """Validate and compile the `hive:` section (None or absent = defaults)."""
    if data is None:
        return HiveConfig()
    error = best_match(_validator().iter_errors(data))
    if error is not None:
        raise SectionError(tuple(error.absolute_path), error.message)
    actions = {
        name: _action(("actions", name), name, raw)
        for name, raw in (data.get("actions") or {}).items()
    }
    keys = data.get("keys")
    rules = _rules(data.get("rules", []), set(actions))
    review_raw = data.get("review", [])
    refs = {r.name for r in rules} | {r.id for r in rules}
    conditions = check_review(review_raw, refs, set(actions))
    return HiveConfig(
        keys=tuple(keys) if keys is not None else None,
        text=tuple(_text_rule(("text", i), r) for i, r in enumerate(data.get("text", []))),
        deny_list=tuple(_deny_entry(e) for e in data.get("deny_list", [])),
        visual=tuple(_visual_rule(("visual", i), r) for i, r in enumerate(data.get("visual", []))),
        rules=rules,
        actions=actions,
        callback_delay=parse_duration(data.get("callback_delay", DEFAULT_CALLBACK_DELAY)),
        review=parse_rules(REVIEW_RULESET, review_raw, lambda p: dotted(("review", *p))),
        review_conditions=conditions,
        strict=data.get("strict"),
    )


def _regex(where: KeyPath, pattern: str) -> UserPattern:
    try:
        return compile_pattern(pattern)
    except ValueError as exc:
        raise SectionError(where, str(exc)) from None


def _text_rule(where: KeyPath, raw: Mapping[str, Any]) -> TextRule:
    if "matches" in raw:
        pattern = _regex((*where, "matches"), raw["matches"])
    else:
        pattern = literal(raw["contains"], ignore_case=True)
    return TextRule(pattern=pattern, cls=raw["class"], score=int(raw.get("score", 3)))


def _deny_entry(raw: str | Mapping[str, Any]) -> DenyEntry:
    value, kind = (raw, PROFANITY_TYPE) if isinstance(raw, str) else (raw["value"], raw.get("type"))
    return DenyEntry(value=value, type=kind or PROFANITY_TYPE, pattern=deny_pattern(value))


def _visual_rule(where: KeyPath, raw: Mapping[str, Any]) -> VisualRule:
    if "url_matches" in raw:
        pattern = _regex((*where, "url_matches"), raw["url_matches"])
    else:
        pattern = literal(raw["url_contains"], ignore_case=True)
    cls = raw["class"]
    return VisualRule(
        pattern=pattern,
        cls=cls,
        head=VISUAL_CLASS_HEAD[cls].name,
        score=float(raw.get("score", 0.95)),
    )


def _rules(raws: list[Mapping[str, Any]], actions: set[str]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen_names: set[str] = set()
    seen_ids: set[str] = set()
    for i, raw in enumerate(raws):
        where: KeyPath = ("rules", i)
        name = raw["name"]
        rule_id = raw.get("id") or stable_rule_id(name)
        if name in seen_names:
            raise SectionError((*where, "name"), f"duplicate rule name {name!r}")
        if rule_id in seen_ids:
            raise SectionError((*where, "id"), f"duplicate rule id {rule_id!r}")
        seen_names.add(name)
        seen_ids.add(rule_id)
        action = raw.get("action", ACTION_NONE)
        if action not in (ACTION_REVIEW, ACTION_NONE) and action not in actions:
            known = ", ".join(sorted({ACTION_REVIEW, ACTION_NONE} | actions))
            raise SectionError((*where, "action"), f"unknown action {action!r} (known: {known})")
        try:
            condition = compile_condition(raw["if"], ALL_CLASSES)
        except ValueError as exc:
            raise SectionError((*where, "if"), str(exc)) from None
        rule_type = raw.get("type", "post")
        rules.append(
            Rule(id=rule_id, name=name, condition=condition, action=action, type=rule_type)
        )
    return tuple(rules)


def _action(where: KeyPath, name: str, raw: Mapping[str, Any]) -> Action:
    if name in (ACTION_REVIEW, ACTION_NONE):
        raise SectionError(where, f"{name!r} is a built-in action name; choose another")
    header: tuple[str, str] | None = None
    if "header" in raw:
        key, colon, value = str(raw["header"]).partition(":")
        if not key.strip() or not colon:
            raise SectionError((*where, "header"), f"expected 'Name: value', got {raw['header']!r}")
        header = (key.strip(), value.strip())
    params = dict(raw["params"]) if "params" in raw else dict(DEFAULT_PARAMS)
    return Action(name=name, url=raw["url"], header=header, params=params)
