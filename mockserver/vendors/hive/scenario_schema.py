"""JSON Schema (2020-12) of the `hive:` section of a scenario file.

The scenario loader validates every section with its schema first (for `file:line: key` errors);
`scenario.parse_section` then checks what a schema cannot: regexes, conditions, references.
The `review` rules' words and `when` keys come from the action and matcher tables: the core
derives them (`Vendor.words`) and hands them to `section_schema(words)`.
"""

from __future__ import annotations

from typing import Any, Final

from mockserver.scenario.patterns import regex_schema
from mockserver.scenario.rules import DURATION_SCHEMA, rules_schema
from mockserver.scenario.vocabulary import Vocabulary

from .classes import TEXT_CLASSES, VISUAL_CLASSES

# `fail` is a core word; what it does in the review rules, for the schema's readers.
FAIL_DESCRIPTION: Final = "not used in hive.review (reviews happen after the task was answered)"

ACTION_NAME_PATTERN: Final = r"^[A-Za-z_][A-Za-z0-9_-]*$"
PARAM_SOURCE_PATTERN: Final = (
    r"^(user_id|post_id|task_id|rule_id|rule_name|action|moderator|(content|user)\..+)$"
)

_TEXT_RULE: Final[dict[str, Any]] = {
    "type": "object",
    "description": "Scores one text class when the submitted text matches.",
    "additionalProperties": False,
    "required": ["class"],
    "oneOf": [{"required": ["matches"]}, {"required": ["contains"]}],
    "properties": {
        "matches": regex_schema("Python regular expression searched in the text."),
        "contains": {"type": "string", "description": "Substring, matched case-insensitively."},
        "class": {"enum": list(TEXT_CLASSES), "description": "Text class (head) this rule scores."},
        "score": {
            "type": "integer",
            "minimum": 1,
            "maximum": 3,
            "default": 3,
            "description": "Severity 1-3; binary heads (spam, promotions) always report 3.",
        },
    },
}

_DENY_ENTRY: Final[dict[str, Any]] = {
    "description": "A word or phrase, or {value, type}; reported in text_filters.",
    "oneOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["value"],
            "properties": {
                "value": {"type": "string", "minLength": 1, "description": "Word or phrase."},
                "type": {
                    "type": "string",
                    "minLength": 1,
                    "default": "profanity",
                    "description": "The text_filters `type` reported for this entry.",
                },
            },
        },
    ],
}

_VISUAL_RULE: Final[dict[str, Any]] = {
    "type": "object",
    "description": "For URL inputs: which class wins its head when the URL matches.",
    "additionalProperties": False,
    "required": ["class"],
    "oneOf": [{"required": ["url_matches"]}, {"required": ["url_contains"]}],
    "properties": {
        "url_matches": regex_schema("Python regular expression on the URL."),
        "url_contains": {"type": "string", "description": "Substring of the URL, any case."},
        "class": {"enum": list(VISUAL_CLASSES), "description": "Visual class given the score."},
        "score": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 1,
            "default": 0.95,
            "description": "Confidence 0-1; the rest of the head shares 1 - score.",
        },
    },
}

_RULE: Final[dict[str, Any]] = {
    "type": "object",
    "description": "A Dashboard rule; reported in triggered_rules when its condition holds.",
    "additionalProperties": False,
    "required": ["name", "if"],
    "properties": {
        "id": {
            "type": "string",
            "minLength": 1,
            "description": "Rule id; derived from the name (22 base62 characters) when absent.",
        },
        "name": {"type": "string", "minLength": 1, "description": "Rule name (rule_name)."},
        "if": {
            "type": "string",
            "minLength": 1,
            "description": "Condition, e.g. 'bullying >= 2 or pii' (see expressions.py).",
        },
        "action": {
            "type": "string",
            "minLength": 1,
            "default": "none",
            "description": "'review' (send to Review Feed), 'none', or a name under actions.",
        },
        "type": {
            "enum": ["post", "user"],
            "default": "post",
            "description": "Dashboard rule type (rule_type in legacy answers).",
        },
    },
}

_ACTION: Final[dict[str, Any]] = {
    "type": "object",
    "description": "A Dashboard action: a callback the Dashboard POSTs to when it fires.",
    "additionalProperties": False,
    "required": ["url"],
    "properties": {
        "url": {"type": "string", "minLength": 1, "description": "Endpoint URL (callback)."},
        "header": {
            "type": "string",
            "pattern": r"^[^:\s]+:.*$",
            "description": "Optional static auth header, 'Name: value'.",
        },
        "params": {
            "type": "object",
            "description": "Query parameter name -> source: user_id, post_id, task_id, rule_id, "
            "rule_name, action, moderator (reviewer e-mail), content.<key> or user.<key>.",
            "additionalProperties": {"type": "string", "pattern": PARAM_SOURCE_PATTERN},
        },
    },
}


def section_schema(words: Vocabulary) -> dict[str, Any]:
    """The `hive:` section's JSON Schema, its review rules in `words`."""
    return {
        "type": "object",
        "description": "Hive: Models API and Moderation Dashboard API behaviour.",
        "additionalProperties": False,
        "properties": {
            **_PROPERTIES,
            "review": rules_schema(words, "items in the Review Feed"),
        },
    }


_PROPERTIES: Final[dict[str, Any]] = {
    "keys": {
        "type": "array",
        "minItems": 1,
        "items": {"type": "string", "minLength": 1},
        "description": "Accepted API keys ('authorization: token <key>'); absent = any key.",
    },
    "text": {
        "type": "array",
        "items": _TEXT_RULE,
        "description": "Text scoring rules; a class scores the max of its matching rules.",
    },
    "deny_list": {
        "type": "array",
        "items": _DENY_ENTRY,
        "description": "Words and phrases reported in text_filters (type 'profanity').",
    },
    "visual": {
        "type": "array",
        "items": _VISUAL_RULE,
        "description": "URL scoring rules; the first matching rule per head wins.",
    },
    "rules": {
        "type": "array",
        "items": _RULE,
        "description": "Dashboard rules, evaluated in order, reported as triggered_rules.",
    },
    "actions": {
        "type": "object",
        "propertyNames": {"pattern": ACTION_NAME_PATTERN},
        "additionalProperties": _ACTION,
        "description": "Dashboard actions by name, referenced by rules' action.",
    },
    "strict": {
        "type": "boolean",
        "description": "refuse what Hive's documents do not allow (ids as numbers, "
        "patron_id on v2, callback_url on sync calls, unknown fields, the /models alias); "
        "default: as --strict says",
    },
    "callback_delay": {
        **DURATION_SCHEMA,
        "description": "how long after an async acknowledgement the result is POSTed to "
        "callback_url (default 1s)",
    },
}
