"""The `hitl:` section of a scenario: keys, limits, loops, webhook targets and reviewer rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.durations import parse_duration
from mockserver.scenario.context import SectionContext
from mockserver.scenario.rules import DURATION_SCHEMA, RuleSet, rules_schema
from mockserver.scenario.vocabulary import Vocabulary

RESPONSE_TYPES = ["text", "single_select", "multi_select", "rating", "number", "boolean"]
PRIORITIES = ["low", "medium", "high", "critical"]
WEBHOOK_EVENTS = ["request.claimed", "request.completed", "request.timeout", "request.cancelled"]
TARGET_MODES = ["normal", "wrong_signature", "no_signature", "duplicate"]

_STR_OR_LIST = {
    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]
}


def _one_or_many(enum: list[str], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "anyOf": [
            {"type": "string", "enum": enum},
            {"type": "array", "items": {"type": "string", "enum": enum}, "minItems": 1},
        ],
    }


_ANSWER_PROPS: dict[str, Any] = {
    "choose": {
        "description": "option by value, label or 0-based index, or 'random'",
        "anyOf": [{"type": "string"}, {"type": "integer", "minimum": 0}],
    },
    "choose_many": {
        "description": "multi_select: list of options (value, label or index), or 'random'",
        "anyOf": [
            {"type": "string", "enum": ["random"]},
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        ],
    },
    "text": {"type": "string", "description": "text answer"},
    "number": {"type": "number", "description": "number answer"},
    "rating": {"type": "number", "description": "rating answer"},
    "boolean": {"type": "boolean", "description": "boolean answer"},
    "random": {"type": "boolean", "description": "a plausible seeded random answer"},
}

VOCABULARY = Vocabulary(
    when={
        "loop": {"type": "string", "description": "loop id or name"},
        "text_contains": {**_STR_OR_LIST, "description": "request text contains (any of; no case)"},
        "text_matches": {"type": "string", "description": "request text matches this regex"},
        "priority": _one_or_many(PRIORITIES, "priority is (one of)"),
        "response_type": _one_or_many(RESPONSE_TYPES, "response type is (one of)"),
        "processing_type": _one_or_many(["time-sensitive", "deferred"], "processing type is"),
        "context": {"type": "object", "description": "these context fields have these values"},
        "metadata": {"type": "object", "description": "these metadata fields have these values"},
    },
    actions={
        "claim": {},
        "join": {},
        "respond": _ANSWER_PROPS,
        "timeout": {},
        "cancel": {},
        "release": {},
    },
    bare_words=frozenset({"claim", "join", "respond", "timeout", "cancel", "release"}),
    descriptions={
        "claim": "a reviewer claims the request (status claimed, request.claimed webhook)",
        "join": "reviewers join the loop with its invite code (`by` one; else every reviewer)",
        "respond": "a reviewer answers (status completed, request.completed webhook)",
        "timeout": "nobody answers: with `after`, time out then; alone, at timeout_at",
        "cancel": "the request is cancelled",
        "release": "the claiming reviewer gives the request back (claimed -> pending)",
        "fail": "answer the create call itself with an error status and/or latency",
    },
)

SECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "description": "HITL.sh: API keys, loops, webhook targets and scripted reviewers",
    "properties": {
        "keys": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "description": "accepted API keys (default: any non-empty key)",
        },
        "strict": {"type": "boolean", "description": "enforce every documented validation rule"},
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
                    "events": {"type": "array", "items": {"enum": WEBHOOK_EVENTS}},
                    "mode": {
                        "enum": TARGET_MODES,
                        "description": "security tests: wrong_signature, no_signature, duplicate",
                    },
                },
            },
        },
        "rules": rules_schema(VOCABULARY, "review requests"),
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
                re.compile(pattern)
            except re.error as exc:
                raise ctx.fail(("rules", i, "when", "text_matches"), f"bad regex: {exc}") from None
    loops = []
    for i, raw in enumerate(data.get("loops", [])):
        members = raw.get("members")
        for j, ref in enumerate(members or []):
            if not ctx.has_reviewer(ref):
                raise ctx.fail(("loops", i, "members", j), f"unknown reviewer {ref!r}")
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
