"""The `hitl:` section of a scenario: keys, limits, loops, webhook targets and reviewer rules.

`SECTION` is what the vendor declares (`ScenarioSection`): the schema, given the vendor's words
(the core derives them from the action and matcher tables and the lifecycle's events: the
rules' words, the webhook targets' `events`), the parser, and `mockserver validate`'s checks of
scripted answers (`scenario_checks.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.base.durations import parse_duration
from mockserver.kit.vendor import ScenarioSection
from mockserver.scenario.context import SectionContext
from mockserver.scenario.patterns import compile_pattern
from mockserver.scenario.rules import DURATION_SCHEMA, RuleSet, rules_schema
from mockserver.scenario.sectionfile import section_file
from mockserver.scenario.vocabulary import Vocabulary
from mockserver.vendors.hitl.scenario_checks import check_section

TARGET_MODES = ["normal", "wrong_signature", "no_signature", "duplicate"]
FAIL_DESCRIPTION = "answer the create call itself with an error status and/or latency"


def section_schema(vocabulary: Vocabulary) -> dict[str, Any]:
    """The `hitl:` section's JSON Schema, given the vendor's words."""
    return {
        "type": "object",
        "additionalProperties": False,
        "description": "HITL.sh: API keys, loops, webhook targets and scripted reviewers",
        "properties": {
            "keys": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "description": "accepted API keys (default: any non-empty key)",
            },
            "strict": {
                "type": "boolean",
                "description": "enforce every documented validation rule",
            },
            "rate_limit": {
                "type": "integer",
                "minimum": 1,
                "description": "calls per key per hour (the real service: 100)",
            },
            "join": {
                "description": "when scenario reviewers join a loop created through the API: "
                "invite (default: only by a `join` step or control call, as with a real invite "
                "code), on_create (at once), or a duration like 30s after the loop is created",
                "anyOf": [{"enum": ["invite", "on_create"]}, DURATION_SCHEMA],
            },
            "webhook_secret": {
                "type": "string",
                "description": "secret that signs deliveries to each request's callback_url",
            },
            "loops": {
                "type": "array",
                "description": "loops that exist from the start, with fixed ids",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name"],
                    "properties": {
                        "id": {"type": "string", "pattern": "^[0-9a-fA-F]{24}$"},
                        "name": {"type": "string", "minLength": 1, "maxLength": 100},
                        "description": {"type": "string", "maxLength": 500},
                        "icon": {"type": "string"},
                        "members": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "reviewer e-mails (default: every reviewer)",
                        },
                    },
                },
            },
            "webhooks": {
                "type": "array",
                "description": "receivers of every request event, besides each callback_url",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["url"],
                    "properties": {
                        "url": {"type": "string", "pattern": "^https?://"},
                        "secret": {"type": "string"},
                        "events": {"type": "array", "items": {"enum": list(vocabulary.events)}},
                        "mode": {
                            "enum": TARGET_MODES,
                            "description": "security tests: wrong_signature, "
                            "no_signature, duplicate",
                        },
                    },
                },
            },
            "rules": rules_schema(vocabulary, "review requests"),
        },
    }


@dataclass(frozen=True)
class LoopSeed:
    id: str | None
    name: str
    description: str
    icon: str
    members: tuple[str, ...] | None


@dataclass(frozen=True)
class WebhookTarget:
    url: str
    secret: str | None
    events: frozenset[str] | None
    mode: str


@dataclass(frozen=True)
class HitlConfig:
    keys: frozenset[str] | None = None
    strict: bool | None = None
    rate_limit: int | None = None
    webhook_secret: str | None = None
    join: str | float = "invite"
    """`invite`, `on_create`, or seconds after a new loop is created."""
    loops: tuple[LoopSeed, ...] = ()
    webhooks: tuple[WebhookTarget, ...] = ()
    rules: RuleSet = field(default_factory=lambda: RuleSet("hitl.rules"))


def parse_section(data: Mapping[str, Any] | None, ctx: SectionContext) -> HitlConfig:
    data = data or {}
    for i, rule in enumerate(data.get("rules", [])):
        pattern = (rule.get("when") or {}).get("text_matches")
        if pattern is not None:
            try:
                compile_pattern(pattern)
            except ValueError as exc:
                raise ctx.fail(("rules", i, "when", "text_matches"), str(exc)) from None
    loops = []
    for i, raw in enumerate(data.get("loops", [])):
        members = raw.get("members")
        for j, ref in enumerate(members or []):
            if not ctx.has_reviewer(ref):
                raise ctx.fail(("loops", i, "members", j), ctx.unknown_reviewer(ref))
        loops.append(
            LoopSeed(
                id=raw.get("id", "").lower() or None,
                name=raw["name"],
                description=raw.get("description", ""),
                icon=raw.get("icon", "shield-check"),
                members=tuple(members) if members is not None else None,
            )
        )
    targets = tuple(
        WebhookTarget(
            url=t["url"],
            secret=t.get("secret"),
            events=frozenset(t["events"]) if "events" in t else None,
            mode=t.get("mode", "normal"),
        )
        for t in data.get("webhooks", [])
    )
    keys = data.get("keys")
    return HitlConfig(
        keys=frozenset(keys) if keys is not None else None,
        strict=data.get("strict"),
        rate_limit=data.get("rate_limit"),
        webhook_secret=data.get("webhook_secret"),
        join=_join(data.get("join", "invite")),
        loops=tuple(loops),
        webhooks=targets,
        rules=ctx.rules(("rules",), data.get("rules")),
    )


def _join(value: Any) -> str | float:
    if value in ("invite", "on_create"):
        return str(value)
    return parse_duration(value)


# The embedded default scenario's `hitl:` section is this folder's default.yaml.
SECTION = ScenarioSection(section_schema, parse_section, check_section, section_file(__package__))
