"""The JSON Schema of the `outharm:` scenario section, given the vendor's scenario words.

The `manual` reviewer rules use the shared rule format with Outharm's words, which the core
derives from the action and matcher tables (`actions.py`, `matchers.py`) and hands to
`section_schema(words)`. Vendor facts are from Outharm's pages (https://outharm.com/docs/);
guesses are marked [I].
"""

from __future__ import annotations

from typing import Any

from mockserver.scenario.patterns import regex_schema
from mockserver.scenario.rules import rules_schema
from mockserver.scenario.vocabulary import Vocabulary
from mockserver.vendors.outharm.actions import SLUG_PATTERN
from mockserver.vendors.outharm.models import DEFAULT_SCHEMA_ID
from mockserver.vendors.outharm.scoring import DEFAULT_CATEGORIES

# https://outharm.com/docs/concepts/schemas: at most 20 components, each Text or Image.
MAX_COMPONENTS = 20
COMPONENT_TYPES = ("text", "image")
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

# `fail` is the core's word; what it does here is Outharm's.
FAIL_DESCRIPTION = (
    "answer the submit or add-to-queue call itself with an error status and/or latency"
)


def manual_schema(words: Vocabulary) -> dict[str, Any]:
    """The JSON Schema of `outharm.manual`: a rule list in the shared format."""
    schema = rules_schema(words, "submissions queued for manual review")
    items = {**schema["items"], "description": "one rule: `when` this, `then` these steps"}
    return {**schema, "items": items}


# The keys of an automated rule that say which values it looks at; exactly one per rule.
_MATCHERS: dict[str, str] = {
    "contains": "Case-insensitive substring a value must contain.",
    "matches": "Python regex searched in a value; use (?i) to ignore case.",
    "any_text_contains": "Case-insensitive substring, searched in every text component.",
    "any_text_matches": "Regex searched in values of every text component.",
    "image_url_contains": "Case-insensitive substring, searched in image values (URL or data URL).",
    "image_url_matches": "Regex searched in image values (URL or data URL).",
}
MATCHER_KEYS: tuple[str, ...] = tuple(_MATCHERS)


def _s(description: str, **schema: Any) -> dict[str, Any]:
    """A property schema with its editor-visible description."""
    return {"description": description, **schema}


def _str(description: str, **schema: Any) -> dict[str, Any]:
    return _s(description, type="string", **schema)


def _obj(description: str, properties: dict[str, Any], **schema: Any) -> dict[str, Any]:
    """A closed object schema: unknown keys are rejected."""
    return _s(
        description, type="object", additionalProperties=False, properties=properties, **schema
    )


_UNIT = {"type": "number", "minimum": 0, "maximum": 1}
_SLUG = _str("A category slug, e.g. hate, sexual, spam.", pattern=SLUG_PATTERN)

_RULE = _obj(
    "One scoring rule: the values it matches get `category` with `score`.",
    {
        "field": _str("Only values of this component (e.g. title).", minLength=1),
        **{
            key: regex_schema(text) if key.endswith("matches") else _str(text)
            for key, text in _MATCHERS.items()
        },
        "category": _SLUG,
        "score": _s("Confidence 0.0-1.0 (default 1.0); harmful when >= threshold.", **_UNIT),
    },
    required=["category"],
    oneOf=[{"required": [key]} for key in MATCHER_KEYS],
)

_SCHEMA = _obj(
    "A schema: a named set of text and image components.",
    {
        "id": _str("The schema's UUID, sent as schema_id.", pattern=UUID_PATTERN),
        "name": _str("Display name (default: 'Schema N')."),
        "components": _s(
            "Component name -> type (text or image); at most 20.",
            type="object",
            minProperties=1,
            maxProperties=MAX_COMPONENTS,
            propertyNames={"minLength": 1, "maxLength": 100},
            # A map, so its values are described instead of closed.
            additionalProperties=_s("The component's type.", enum=list(COMPONENT_TYPES)),
        ),
    },
    required=["id", "components"],
)

_AUTOMATED = _obj(
    "Deterministic automated moderation: rules give values category scores.",
    {
        "threshold": _s(
            "The one global threshold, 0.0 (strictest) to 1.0; default 0.5. "
            "A score >= threshold is harmful.",
            **_UNIT,
        ),
        "categories": _s(
            "Enabled categories; others are not analysed. Default: "
            f"{', '.join(DEFAULT_CATEGORIES)}, plus every category a rule names.",
            type="array",
            items=_SLUG,
            uniqueItems=True,
        ),
        "rules": _s("Scoring rules, tried on every value.", type="array", items=_RULE),
    },
)

_WEBHOOK = _obj(
    "Where manual results (moderation.manual.completed) are POSTed.",
    {
        "url": _str("Webhook endpoint URL.", pattern="^https?://"),
        "secret": _str("Shared secret, sent verbatim.", minLength=1),
        "header": _str(
            "Header carrying the secret: Authorization (default) gets 'Bearer <secret>', "
            "any other header the bare secret.",
            minLength=1,
        ),
    },
    required=["url", "secret"],
)


def section_schema(words: Vocabulary) -> dict[str, Any]:
    """A fragment (no "$schema"): the loader embeds it in the draft 2020-12 scenario schema."""
    return _obj(
        "Outharm emulation: accepted tokens, schemas, automated scoring, webhook, manual review.",
        {
            "tokens": _s(
                "Accepted bearer tokens; leave out to accept any non-empty token.",
                type="array",
                items=_str("A bearer token.", minLength=1),
                uniqueItems=True,
            ),
            "strict": _s(
                "Refuse what Outharm's documents do not allow (a lower-case bearer scheme, unknown "
                "body fields, manual review without a webhook); default: as --strict says.",
                type="boolean",
            ),
            "manual_subscription": _s(
                "Has a manual moderation subscription (default true); false answers 403 "
                "manual-moderation-subscription-required.",
                type="boolean",
            ),
            "schemas": _s(
                "The project's content schemas; leave out for one general-purpose schema "
                f"({DEFAULT_SCHEMA_ID}: title, description, body, comments, images, avatar).",
                type="array",
                items=_SCHEMA,
            ),
            "automated": _AUTOMATED,
            "webhook": _WEBHOOK,
            "manual": {
                **manual_schema(words),
                "description": "Scripted human reviewers: rules in the shared format; when no rule "
                "matches, the verdict is 'not harmful' 1 minute after queueing.",
            },
        },
    )
