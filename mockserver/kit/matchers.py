"""Rule matchers: the `when` keys of a scenario rule, declared once per vendor as a table.

A vendor lists its matcher keys in a `MatcherTable`; each `Matcher` has the JSON Schema of its
value and a predicate `test(wanted, subject)`. The common kinds (text contains, text matches a
regex, one of, a subset of fields) are built here, so they behave the same for every vendor;
a vendor passes only how to read the text or the field from its subject. `first: N` is the
engine's (`scenario/rules.py`), and an unknown key is refused by the schema at load with the
same `file:line:col` message for every vendor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mockserver.base.userregex import compile_user_pattern
from mockserver.scenario.patterns import regex_schema


@dataclass(frozen=True)
class Matcher:
    """One `when` key: `test(wanted, subject)` says whether a subject matches its value."""

    key: str
    schema: Mapping[str, Any]
    test: Callable[[Any, Any], bool]


class MatcherTable:
    """A vendor's `when` keys; a rule matches when every key it gives holds."""

    def __init__(self, matchers: Iterable[Matcher]) -> None:
        self._matchers = {m.key: m for m in matchers}
        if "first" in self._matchers:
            raise ValueError("`first` is the engine's key, not a matcher")

    def __iter__(self) -> Iterator[Matcher]:
        return iter(self._matchers.values())

    def schemas(self) -> dict[str, dict[str, Any]]:
        return {m.key: dict(m.schema) for m in self}

    def matches(self, when: Mapping[str, Any], subject: Any) -> bool:
        """Whether every key of `when` (`first` excluded) holds for `subject`."""
        for key, wanted in when.items():
            if key == "first":
                continue
            matcher = self._matchers.get(key)
            if matcher is None:  # the schema refuses these at load; never match by accident
                raise ValueError(f"unknown `when` key {key!r}")
            if not matcher.test(wanted, subject):
                return False
        return True


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


STRING_OR_LIST: dict[str, Any] = {
    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]
}


def text_contains(
    text: Callable[[Any], str],
    description: str = "text contains (any of; case does not matter)",
    key: str = "text_contains",
) -> Matcher:
    """The subject's text contains the value, or any of a list; case-insensitive."""

    def test(wanted: Any, subject: Any) -> bool:
        haystack = text(subject).lower()
        return any(str(w).lower() in haystack for w in _as_list(wanted))

    return Matcher(key, {**STRING_OR_LIST, "description": description}, test)


def text_matches(
    text: Callable[[Any], str],
    description: str = "text matches this regular expression",
    key: str = "text_matches",
) -> Matcher:
    """The subject's text matches a regular expression (searched, case-sensitive; RE2 syntax,
    linear time: mockserver/base/userregex.py)."""

    def test(wanted: Any, subject: Any) -> bool:
        return compile_user_pattern(str(wanted)).search(text(subject))

    return Matcher(key, regex_schema(description), test)


def one_of(
    key: str,
    value: Callable[[Any], Any],
    description: str,
    choices: Sequence[str] | None = None,
) -> Matcher:
    """The subject's field equals the value, or one of a list (from `choices` if given)."""
    item: dict[str, Any] = {"type": "string"}
    if choices is not None:
        item["enum"] = list(choices)
    schema = {
        "description": description,
        "anyOf": [item, {"type": "array", "items": item, "minItems": 1}],
    }

    def test(wanted: Any, subject: Any) -> bool:
        return value(subject) in _as_list(wanted)

    return Matcher(key, schema, test)


def subset(
    key: str, fields: Callable[[Any], Mapping[str, Any] | None], description: str
) -> Matcher:
    """The subject's mapping has every given field with the given value."""

    def test(wanted: Any, subject: Any) -> bool:
        actual = fields(subject) or {}
        return all(actual.get(k) == v for k, v in dict(wanted).items())

    return Matcher(key, {"type": "object", "description": description}, test)
