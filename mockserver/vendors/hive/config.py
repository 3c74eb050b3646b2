"""The `hive:` section of a scenario as data: scoring rules, deny list, Dashboard rules, actions,
the async callback delay and the scripted Review Feed moderators.

`parse_section` turns the (schema-valid) YAML mapping into frozen dataclasses with compiled
regexes and conditions. Anything wrong raises `SectionError` (a ValueError) naming the key, e.g.
`hive.rules[1].if: invalid condition 'spam >=': expected a value, ... at position 7`; its `path`
lets the vendor report the problem at the file's line and column.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from mockserver.durations import parse_duration
from mockserver.scenario.rules import RuleSet, parse_rules

from .classes import ALL_CLASSES, VISUAL_CLASS_HEAD
from .expressions import Condition, compile_condition
from .patterns import PROFANITY_TYPE, deny_pattern
from .review_rules import check_review
from .schema import SECTION_SCHEMA
from .section_errors import KeyPath, SectionError, dotted

__all__ = [
    "ACTION_NONE",
    "ACTION_REVIEW",
    "SECTION_SCHEMA",
    "Action",
    "DenyEntry",
    "HiveConfig",
    "Rule",
    "SectionError",
    "TextRule",
    "VisualRule",
    "parse_section",
    "stable_rule_id",
]

ACTION_REVIEW: Final = "review"
ACTION_NONE: Final = "none"
# The Dashboard's action id for "send to Review Feed" (seed legacy example).
REVIEW_ACTION_ID: Final = "send_post_to_review"
DEFAULT_PARAMS: Final[dict[str, str]] = {"user_id": "user_id", "post_id": "post_id"}
# Async results are POSTed this long after the acknowledgement unless the scenario says otherwise.
DEFAULT_CALLBACK_DELAY: Final = 1.0
REVIEW_RULESET: Final = "hive.review"
_BASE62: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class TextRule:
    """Gives `cls` the severity `score` when `pattern` is found in the text."""

    pattern: re.Pattern[str]
    cls: str
    score: int


@dataclass(frozen=True)
class DenyEntry:
    """A deny-list word or phrase and the text_filters `type` it is reported with."""

    value: str
    type: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class VisualRule:
    """Gives visual class `cls` (of head `head`) the confidence `score` when the URL matches."""

    pattern: re.Pattern[str]
    cls: str
    head: str
    score: float


@dataclass(frozen=True)
class Rule:
    """A Dashboard rule: triggered when `condition` holds; `action` is review, none or a name."""

    id: str
    name: str
    condition: Condition
    action: str = ACTION_NONE
    type: str = "post"

    @property
    def action_id(self) -> str | None:
        """The Dashboard's `action_id` for this rule (legacy answers)."""
        if self.action == ACTION_REVIEW:
            return REVIEW_ACTION_ID
        return None if self.action == ACTION_NONE else self.action


@dataclass(frozen=True)
class Action:
    """A Dashboard action callback: POST `url` with `params` as query string and `header`."""

    name: str
    url: str
    header: tuple[str, str] | None = None
    # query parameter name -> source (user_id, post_id, ..., content.<key>, user.<key>)
    params: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_PARAMS))


@dataclass(frozen=True)
class HiveConfig:
    """Everything the Hive emulation reads from a scenario; the defaults accept and flag nothing."""

    keys: tuple[str, ...] | None = None
    text: tuple[TextRule, ...] = ()
    deny_list: tuple[DenyEntry, ...] = ()
    visual: tuple[VisualRule, ...] = ()
    rules: tuple[Rule, ...] = ()
    actions: Mapping[str, Action] = field(default_factory=dict)
    callback_delay: float = DEFAULT_CALLBACK_DELAY
    # Review Feed moderators in the shared rule format, and the compiled `when: {if: ...}`
    # conditions they use, by source text.
    review: RuleSet = field(default_factory=lambda: RuleSet(REVIEW_RULESET))
    review_conditions: Mapping[str, Condition] = field(default_factory=dict)

    def accepts_key(self, key: str) -> bool:
        """Whether an API key is accepted: listed, or any non-empty key when none are listed."""
        if not key:
            return False
        return self.keys is None or key in self.keys

    def rule(self, name_or_id: str) -> Rule | None:
        """A rule by id or by name."""
        for rule in self.rules:
            if name_or_id in (rule.id, rule.name):
                return rule
        return None


def stable_rule_id(name: str) -> str:
    """A 22-character base62 rule id derived from the rule name, the same on every run."""
    number = int.from_bytes(hashlib.sha256(f"hive-rule:{name}".encode()).digest(), "big")
    chars = []
    for _ in range(22):
        number, digit = divmod(number, 62)
        chars.append(_BASE62[digit])
    return "".join(chars)


def parse_section(data: Mapping[str, Any] | None) -> HiveConfig:
    """Validate and compile the `hive:` section (None or absent = defaults)."""
    if data is None:
        return HiveConfig()
    error = best_match(Draft202012Validator(SECTION_SCHEMA).iter_errors(data))
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
    )


def _regex(where: KeyPath, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise SectionError(where, f"bad regular expression {pattern!r}: {exc}") from None


def _text_rule(where: KeyPath, raw: Mapping[str, Any]) -> TextRule:
    if "matches" in raw:
        pattern = _regex((*where, "matches"), raw["matches"])
    else:
        pattern = re.compile(re.escape(raw["contains"]), re.IGNORECASE)
    return TextRule(pattern=pattern, cls=raw["class"], score=int(raw.get("score", 3)))


def _deny_entry(raw: str | Mapping[str, Any]) -> DenyEntry:
    value, kind = (raw, PROFANITY_TYPE) if isinstance(raw, str) else (raw["value"], raw.get("type"))
    return DenyEntry(value=value, type=kind or PROFANITY_TYPE, pattern=deny_pattern(value))


def _visual_rule(where: KeyPath, raw: Mapping[str, Any]) -> VisualRule:
    if "url_matches" in raw:
        pattern = _regex((*where, "url_matches"), raw["url_matches"])
    else:
        pattern = re.compile(re.escape(raw["url_contains"]), re.IGNORECASE)
    cls = raw["class"]
    return VisualRule(
        pattern=pattern, cls=cls, head=VISUAL_CLASS_HEAD[cls], score=float(raw.get("score", 0.95))
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
