"""The `when` keys of the scenario's `hive.review` rules, as the core's matcher table.

A rule's `when` is tested against the `ReviewFacts` of one item entering the Review Feed: the
task's triggered Dashboard rules and scores, its text or URL, ids and metadata, and the user
reports that brought it there. The text, id and metadata keys are the core's common matchers
(`mockserver/kit/matchers.py`), with Hive's stricter schema (no empty strings) kept; `rule`, `if`,
`reported` and `report_category` are Hive's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from mockserver.kit.matchers import (
    Matcher,
    MatcherTable,
    one_of,
    subset,
    text_contains,
    text_matches,
)

from .classes import ALL_CLASSES
from .expressions import Condition, Env, compile_condition


@dataclass(frozen=True)
class ReviewFacts:
    """What a review rule can look at for one item."""

    rule_refs: frozenset[str]  # names and ids of the task's triggered rules
    env: Env
    text: str | None = None
    url: str | None = None
    user_id: str = ""
    post_id: str = ""
    content: Mapping[str, Any] = field(default_factory=dict)
    user: Mapping[str, Any] = field(default_factory=dict)
    reported: bool = False
    report_categories: frozenset[str] = frozenset()
    # The scenario's `when: {if: ...}` conditions compiled at load, by source text.
    conditions: Mapping[str, Condition] = field(default_factory=dict)


def _many(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


_STR_OR_LIST: Final[dict[str, Any]] = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ]
}


def _non_empty(matcher: Matcher) -> Matcher:
    """A common string-or-list matcher whose strings may not be empty (Hive's schema)."""
    return replace(matcher, schema={**_STR_OR_LIST, "description": matcher.schema["description"]})


def _only_text(matcher: Matcher) -> Matcher:
    """A text matcher that never holds for a URL or media task (it has no text)."""
    test = matcher.test
    return replace(
        matcher, test=lambda wanted, facts: facts.text is not None and test(wanted, facts)
    )


def _only_url(matcher: Matcher) -> Matcher:
    test = matcher.test
    return replace(
        matcher, test=lambda wanted, facts: facts.url is not None and test(wanted, facts)
    )


def _rule(wanted: Any, facts: ReviewFacts) -> bool:
    return any(ref in facts.rule_refs for ref in _many(wanted))


def _condition(wanted: Any, facts: ReviewFacts) -> bool:
    condition = facts.conditions.get(wanted) or compile_condition(wanted, ALL_CLASSES)
    return condition.evaluate(facts.env)


def _reported(wanted: Any, facts: ReviewFacts) -> bool:
    return facts.reported is bool(wanted)


def _report_category(wanted: Any, facts: ReviewFacts) -> bool:
    return any(c in facts.report_categories for c in _many(wanted))


def _text(facts: ReviewFacts) -> str:
    return facts.text or ""


def _url(facts: ReviewFacts) -> str:
    return facts.url or ""


MATCHERS: Final = MatcherTable(
    [
        Matcher(
            "rule",
            {
                **_STR_OR_LIST,
                "description": "the task triggered this Dashboard rule (name or id; any of a list)",
            },
            _rule,
        ),
        Matcher(
            "if",
            {
                "type": "string",
                "minLength": 1,
                "description": "a rule condition on the task's scores, e.g. 'bullying >= 3 or pii'",
            },
            _condition,
        ),
        _only_text(_non_empty(text_contains(_text, "text_data contains (any of; no case)"))),
        _only_text(text_matches(_text, "text_data matches this regex")),
        _only_url(
            _non_empty(
                text_contains(_url, "the submitted url contains (any of)", key="url_contains")
            )
        ),
        _non_empty(
            one_of(
                "user_id",
                lambda facts: facts.user_id,
                "submitted by this user (patron) id (any of)",
            )
        ),
        _non_empty(one_of("post_id", lambda facts: facts.post_id, "this post id (any of)")),
        subset("content", lambda facts: facts.content, "content_metadata has these values"),
        subset("user", lambda facts: facts.user, "user (patron) metadata has these values"),
        Matcher(
            "reported",
            {
                "type": "boolean",
                "description": "the item came to the Review Feed through POST /api/v1/report",
            },
            _reported,
        ),
        Matcher(
            "report_category",
            {**_STR_OR_LIST, "description": "a report named this category (any of)"},
            _report_category,
        ),
    ]
)
