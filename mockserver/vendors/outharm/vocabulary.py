"""The words Outharm adds to the shared rule format, for the `outharm.manual` reviewer rules.

    manual:
      - when: {appeal: true}                            # appeals are overturned
        then: {decide: {after: 2h, harmful: false}}
      - when: {any_text_contains: "buy now"}
        then: {decide: {after: 4h, harmful: [spam]}}
      - otherwise: {decide: {after: 1h}}                # default verdict: not harmful

`when` keys look at the submission (its values, schema, how it reached the queue); `decide`
gives the human verdict per field and per value, which becomes the documented
`moderation.manual.completed` webhook (reference A.6). `manual_problems` checks what the JSON
Schema cannot (regexes, component names); it imports nothing of this package, so `config` can.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from mockserver.scenario.rules import rules_schema
from mockserver.scenario.vocabulary import Vocabulary

SLUG_PATTERN = "^[a-z][a-z0-9-]*$"
# The `when` keys that test single values; the others test the submission as a whole.
VALUE_TESTS = ("any_text_contains", "any_text_matches", "image_url_contains", "image_url_matches")
REGEX_TESTS = ("any_text_matches", "image_url_matches")

_TEXTS: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ]
}
_SLUG: dict[str, Any] = {"type": "string", "pattern": SLUG_PATTERN}
VERDICT_SCHEMA: dict[str, Any] = {
    "description": "a verdict: false (safe), true (harmful), or its categories, e.g. [spam, hate]",
    "anyOf": [
        {"type": "boolean"},
        _SLUG,
        {"type": "array", "items": _SLUG, "minItems": 1, "uniqueItems": True},
    ],
}

_DECIDE: dict[str, Any] = {
    "harmful": {
        **VERDICT_SCHEMA,
        "description": "verdict on every value (default false): false, true, or categories",
    },
    "fields": {
        "type": "object",
        "description": "verdict per component, e.g. {title: [hate], images: false}",
        "propertyNames": {"minLength": 1},
        "additionalProperties": VERDICT_SCHEMA,
    },
    "values": {
        "type": "object",
        "description": "verdict per value, in submitted order: {images: [false, [sexual]]}",
        "propertyNames": {"minLength": 1},
        "additionalProperties": {"type": "array", "items": VERDICT_SCHEMA, "minItems": 1},
    },
    "matching": {
        "type": "boolean",
        "description": "`harmful` only for the values the rule's text/image test matched",
    },
    "uphold": {
        "type": "boolean",
        "description": "repeat the previous verdict (last manual one, else automated scoring)",
    },
}

VOCABULARY = Vocabulary(
    when={
        "any_text_contains": {
            **_TEXTS,
            "description": "a text value contains this (any of; ignoring case)",
        },
        "any_text_matches": {"type": "string", "description": "a text value matches this regex"},
        "image_url_contains": {
            **_TEXTS,
            "description": "an image value (URL or data URL) contains this (any of; no case)",
        },
        "image_url_matches": {"type": "string", "description": "an image value matches regex"},
        "field": {
            **_TEXTS,
            "description": "the submission has this component (any of); value tests look there",
        },
        "schema": {"type": "string", "description": "schema id or name"},
        "appeal": {
            "type": "boolean",
            "description": "queued by POST /submissions/{id}/moderation/manual (an appeal)",
        },
        "was_harmful": {
            "type": "boolean",
            "description": "the previous verdict (last manual one, else automated) was harmful",
        },
    },
    actions={"decide": _DECIDE, "hold": {}},
    bare_words=frozenset({"decide", "hold"}),
    descriptions={
        "decide": "a reviewer decides (moderation.manual.completed webhook); default: not harmful",
        "hold": "nobody decides: the submission stays queued (decide it via the control plane)",
        "fail": "answer the submit or add-to-queue call itself with an error status and/or latency",
    },
)


def manual_schema() -> dict[str, Any]:
    """The JSON Schema of `outharm.manual`: a rule list in the shared format."""
    schema = rules_schema(VOCABULARY, "submissions queued for manual review")
    items = {**schema["items"], "description": "one rule: `when` this, `then` these steps"}
    return {**schema, "items": items}


def _texts(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _steps(rule: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Each step of a rule with its key path inside the rule."""
    key = "otherwise" if "otherwise" in rule else "then"
    body = rule.get(key)
    if isinstance(body, list):
        for i, step in enumerate(body):
            yield (key, i), step
    elif body is not None:
        yield (key,), body


def manual_problems(
    rules: list[Any] | None, components: Mapping[str, set[str]]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """`(path inside outharm.manual, message)` for each problem the JSON Schema cannot see:
    a bad regex, a component no schema has, `uphold` together with `harmful`."""
    known = ", ".join(sorted(components)) or "none"
    for i, rule in enumerate(rules or []):
        when = rule.get("when") or {}
        for key in REGEX_TESTS:
            if key in when:
                try:
                    re.compile(when[key])
                except re.error as exc:
                    yield (i, "when", key), f"invalid regular expression {when[key]!r}: {exc}"
        for name in _texts(when.get("field", [])):
            if name not in components:
                yield (i, "when", "field"), f"{name!r} is not a component of any schema ({known})"
        for path, step in _steps(rule):
            args = step.get("decide") if isinstance(step, dict) else None
            if not isinstance(args, dict):
                continue
            where = (i, *path, "decide")
            if args.get("uphold") and "harmful" in args:
                yield (*where, "uphold"), "give `uphold: true` or `harmful`, not both"
            for group in ("fields", "values"):
                for name in args.get(group) or {}:
                    if name not in components:
                        msg = f"{name!r} is not a component of any schema ({known})"
                        yield (*where, group, name), msg
