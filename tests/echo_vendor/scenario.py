"""Echo's section of a scenario file: API keys, the webhook endpoint and the scripted rules.

    echo:
      keys: [test-key]
      webhook: {url: "http://localhost:9000/hooks/echo", secret: whsec_x}
      rules:
        - when: {text_contains: spam}
          then: [{reject: {after: 30s, reason: spam}}]
        - otherwise: {approve: {after: 1m}}

The rule words come from the action and matcher tables (the core derives them and hands them to
`section_schema`), so a typo'd word is reported like any vendor's:
`file:line:col: echo.rules[0].then[0].aprove: unknown key (did you mean 'approve'?)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.kit.vendor import ScenarioSection
from mockserver.scenario.context import SectionContext
from mockserver.scenario.rules import RuleSet, rules_schema
from mockserver.scenario.vocabulary import Vocabulary

from .actions import ACTIONS

DECISIONS = frozenset(ACTIONS.words)


@dataclass(frozen=True)
class Webhook:
    url: str
    secret: str


@dataclass(frozen=True)
class EchoConfig:
    keys: tuple[str, ...] | None
    webhook: Webhook | None
    rules: RuleSet


def section_schema(words: Vocabulary) -> dict[str, Any]:
    """The section's JSON Schema; its rules take the vendor's words."""
    return {
        "type": "object",
        "additionalProperties": False,
        "description": "Echo review: keys, webhook endpoint and scripted reviewers",
        "properties": {
            "keys": {"type": "array", "items": {"type": "string"}, "description": "API keys"},
            "webhook": {
                "type": "object",
                "additionalProperties": False,
                "required": ["url", "secret"],
                "properties": {
                    "url": {"type": "string", "description": "where decisions are sent"},
                    "secret": {"type": "string", "description": "the HMAC key of its signature"},
                },
            },
            "rules": rules_schema(words, "messages"),
        },
    }


def parse(data: Mapping[str, Any] | None, ctx: SectionContext) -> EchoConfig:
    data = data or {}
    hook = data.get("webhook")
    return EchoConfig(
        keys=tuple(data["keys"]) if "keys" in data else None,
        webhook=Webhook(hook["url"], hook["secret"]) if hook else None,
        rules=ctx.rules(("rules",), data.get("rules")),
    )


def check(data: Mapping[str, Any], ctx: SectionContext) -> list[str]:
    """For `mockserver validate`: a step after a decision never runs (the message is decided
    and no word applies to it any more)."""
    problems: list[str] = []
    for i, rule in enumerate(data.get("rules") or []):
        key = "otherwise" if "otherwise" in rule else "then"
        steps = rule.get(key) or []
        steps = steps if isinstance(steps, list) else [steps]
        for j, step in enumerate(steps[:-1]):
            word = step if isinstance(step, str) else next(iter(step))
            if word in DECISIONS:
                where = ("rules", i, key, j + 1)
                message = f"never runs: the message is already decided by `{word}`"
                problems += ctx.fail(where, message).problems
                break
    return problems


SECTION = ScenarioSection(section_schema, parse, check)
