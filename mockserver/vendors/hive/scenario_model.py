"""The `hive:` section of a scenario as typed data: scoring rules, deny list, Dashboard rules,
Dashboard actions, the async callback delay and the scripted Review Feed moderators.

`scenario.parse_section` builds a `HiveConfig` from the YAML mapping; everything here is frozen,
with compiled regexes and conditions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from mockserver.base.userregex import UserPattern
from mockserver.scenario.steps import RuleSet

from .expressions import Condition

ACTION_REVIEW: Final = "review"
ACTION_NONE: Final = "none"
# The Dashboard's action id for "send to Review Feed" (the seed's legacy example,
# https://docs.thehive.ai/docs/dashboard-api-reference).
REVIEW_ACTION_ID: Final = "send_post_to_review"
DEFAULT_PARAMS: Final[dict[str, str]] = {"user_id": "user_id", "post_id": "post_id"}
# Async results are POSTed this long after the acknowledgement unless the scenario says otherwise.
DEFAULT_CALLBACK_DELAY: Final = 1.0
REVIEW_RULESET: Final = "hive.review"
_BASE62: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class TextRule:
    """Gives `cls` the severity `score` when `pattern` is found in the text."""

    pattern: UserPattern
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

    pattern: UserPattern
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
    strict: bool | None = None
    """Refuse what Hive's documents do not allow (None: as `--strict` says)."""

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
