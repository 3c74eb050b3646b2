"""The `when` keys of Outharm's `manual` reviewer rules, as a matcher table.

    manual:
      - when: {appeal: true}                            # appeals are overturned
        then: {decide: {after: 2h, harmful: false}}
      - when: {any_text_contains: "buy now", field: title}
        then: {decide: {after: 4h, harmful: [spam]}}

Every key must hold. The value tests (`any_text_contains`, `any_text_matches`,
`image_url_contains`, `image_url_matches`) each need one value of the right component type to
match, tested by the core's `text_contains` / `text_matches` on that value; with `field`, only
that component's values are looked at. The other keys test the submission as a whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from mockserver.kit.matchers import Matcher, MatcherTable, text_contains, text_matches
from mockserver.vendors.outharm.models import Submission

_TEXTS: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ]
}


def options(value: str | list[str]) -> list[str]:
    """A value written as one string or a list of them, as a list."""
    return [value] if isinstance(value, str) else list(value)


@dataclass(frozen=True)
class Candidate:
    """A submission entering the manual queue, as one rule's `when` sees it: `names` are the
    components its value tests look at (all, or those its `field` names)."""

    sub: Submission
    appeal: bool
    names: tuple[str, ...]

    @classmethod
    def of(cls, sub: Submission, appeal: bool, when: Mapping[str, Any]) -> Candidate:
        names = tuple(sub.content)
        if "field" in when:
            wanted = set(options(when["field"]))
            names = tuple(n for n in names if n in wanted)
        return cls(sub, appeal, names)

    def values(self, kind: str) -> Iterator[str]:
        """The values of the looked-at components of type `kind` (`text` or `image`)."""
        for name in self.names:
            if self.sub.kind_of(name) == kind:
                yield from self.sub.content[name]


# key -> (the component type it looks at, the core matcher that tests one value)
_VALUE_TESTS: dict[str, tuple[str, Matcher]] = {
    "any_text_contains": (
        "text",
        replace(
            text_contains(str, key="any_text_contains"),
            schema={**_TEXTS, "description": "a text value contains this (any of; ignoring case)"},
        ),
    ),
    "any_text_matches": (
        "text",
        text_matches(str, "a text value matches this regex", key="any_text_matches"),
    ),
    "image_url_contains": (
        "image",
        replace(
            text_contains(str, key="image_url_contains"),
            schema={
                **_TEXTS,
                "description": "an image value (URL or data URL) contains this (any of; no case)",
            },
        ),
    ),
    "image_url_matches": (
        "image",
        text_matches(str, "an image value matches regex", key="image_url_matches"),
    ),
}
VALUE_TESTS = tuple(_VALUE_TESTS)
"""The `when` keys that test single values; the others test the submission as a whole."""
REGEX_TESTS = ("any_text_matches", "image_url_matches")


def value_matches(when: Mapping[str, Any], kind: str, value: str) -> bool:
    """Whether one value of a `kind` component passes any of the rule's value tests (what
    `decide: {matching: true}` marks harmful)."""
    return any(
        test.test(when[key], value)
        for key, (looks_at, test) in _VALUE_TESTS.items()
        if key in when and looks_at == kind
    )


# Not mutated: these build the matcher table when the module is imported, before mutmut switches
# a mutant on, so no test can see a mutant here (as with scenario/rules.py's schema builders).
# What they build is tested through every `when` key in tests/vendors/outharm/test_review.py.
# pragma: no mutate start
def _value_test(key: str, kind: str, one: Matcher) -> Matcher:
    def test(wanted: Any, c: Candidate) -> bool:
        return any(one.test(wanted, value) for value in c.values(kind))

    return Matcher(key, one.schema, test)


def _flag(key: str, description: str, value: Any) -> Matcher:
    """A boolean key that holds when the candidate's `value(c)` is what the rule says."""
    return Matcher(
        key,
        {"type": "boolean", "description": description},
        lambda wanted, c: bool(wanted) == value(c),
    )


# pragma: no mutate end


def _schema_is(wanted: Any, c: Candidate) -> bool:
    return str(wanted).lower() in (c.sub.schema.id.lower(), c.sub.schema.name.lower())


MATCHERS = MatcherTable(
    [
        *(_value_test(key, kind, one) for key, (kind, one) in _VALUE_TESTS.items()),
        Matcher(
            "field",
            {
                **_TEXTS,
                "description": "the submission has this component (any of); value tests look there",
            },
            lambda wanted, c: bool(c.names),
        ),
        Matcher("schema", {"type": "string", "description": "schema id or name"}, _schema_is),
        _flag(
            "appeal",
            "queued by POST /submissions/{id}/moderation/manual (an appeal)",
            lambda c: c.appeal,
        ),
        _flag(
            "was_harmful",
            "the previous verdict (last manual one, else automated) was harmful",
            lambda c: c.sub.was_harmful(),
        ),
    ]
)


def rule_matches(when: Mapping[str, Any], sub: Submission, appeal: bool) -> bool:
    """Whether a rule's `when` holds for a submission entering the manual queue."""
    return MATCHERS.matches(when, Candidate.of(sub, appeal, when))
