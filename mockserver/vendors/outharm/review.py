"""The scripted human reviewers' logic: which rule a queued submission gets, and the verdict a
`decide` step gives, per field and per value (the words are in vocabulary.py).

Matching: every `when` key must hold. The value tests (`any_text_contains`, `any_text_matches`,
`image_url_contains`, `image_url_matches`) each need one value of the right component type to
match; with `field`, only that component's values are looked at.

Verdicts, most specific first: `values[field][i]`, then `fields[field]`, then the base: the
previous verdict with `uphold`, else `harmful` (default false) - limited, with `matching`, to the
values the rule's value tests matched (the others are safe).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mockserver.vendors.outharm.models import Decisions, Submission
from mockserver.vendors.outharm.scoring import ValueDecision
from mockserver.vendors.outharm.vocabulary import VALUE_TESTS


def verdict(value: Any) -> ValueDecision:
    """A verdict as written (`false`, `true`, `spam`, `[spam, hate]`) as `(harmful, categories)`."""
    if isinstance(value, bool):
        return (value, ())
    if isinstance(value, str):
        return (True, (value,))
    return (True, tuple(str(c) for c in value))


def _options(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def value_matches(when: Mapping[str, Any], kind: str, value: str) -> bool:
    """Whether one value of a `kind` ("text"/"image") component passes any of the value tests."""
    return any(_test(key, want, kind, value) for key, want in when.items() if key in VALUE_TESTS)


def _test(key: str, want: Any, kind: str, value: str) -> bool:
    if key.startswith("any_text") and kind != "text":
        return False
    if key.startswith("image") and kind != "image":
        return False
    if key.endswith("contains"):
        return any(o.casefold() in value.casefold() for o in _options(want))
    return re.search(str(want), value) is not None


def _looked_at(when: Mapping[str, Any], sub: Submission) -> list[str]:
    """The components the value tests look at: all, or those `field` names."""
    names = list(sub.content)
    if "field" in when:
        wanted = set(_options(when["field"]))
        names = [n for n in names if n in wanted]
    return names


def rule_matches(when: Mapping[str, Any], sub: Submission, appeal: bool) -> bool:
    """Whether a rule's `when` holds for a submission entering the manual queue."""
    if "appeal" in when and bool(when["appeal"]) != appeal:
        return False
    if "was_harmful" in when and bool(when["was_harmful"]) != sub.was_harmful():
        return False
    if "schema" in when and str(when["schema"]).lower() not in (
        sub.schema.id.lower(),
        sub.schema.name.lower(),
    ):
        return False
    names = _looked_at(when, sub)
    if "field" in when and not names:
        return False
    for key in VALUE_TESTS:
        if key in when and not any(
            _test(key, when[key], _kind(sub, name), value)
            for name in names
            for value in sub.content[name]
        ):
            return False
    return True


def _kind(sub: Submission, name: str) -> str:
    return sub.schema.components.get(name, "text")


def decisions(
    args: Mapping[str, Any],
    sub: Submission,
    when: Mapping[str, Any],
    previous: Decisions,
    *,
    strict: bool = False,
) -> Decisions:
    """The verdict a `decide` step gives on every value of the submission.

    `previous` is the base for `uphold`. `strict` (a control-plane call) turns a `fields` or
    `values` entry that does not fit the submission into a ValueError instead of ignoring it.
    """
    if strict:
        _check_fits(args, sub)
    harmful = verdict(args.get("harmful", False))
    matching = bool(args.get("matching")) and any(k in when for k in VALUE_TESTS)
    looked_at = set(_looked_at(when, sub))
    fields = args.get("fields") or {}
    values = args.get("values") or {}
    out: Decisions = {}
    for name, items in sub.content.items():
        kind = _kind(sub, name)
        base = previous.get(name, [])
        field_verdict = verdict(fields[name]) if name in fields else None
        per_value = values.get(name, [])
        row: list[ValueDecision] = []
        for index, item in enumerate(items):
            if index < len(per_value):
                row.append(verdict(per_value[index]))
            elif field_verdict is not None:
                row.append(field_verdict)
            elif args.get("uphold"):
                row.append(base[index] if index < len(base) else (False, ()))
            elif matching and not (name in looked_at and value_matches(when, kind, item)):
                row.append((False, ()))
            else:
                row.append(harmful)
        out[name] = row
    return out


def _check_fits(args: Mapping[str, Any], sub: Submission) -> None:
    if args.get("uphold") and "harmful" in args:
        raise ValueError("give `uphold: true` or `harmful`, not both")
    for group in ("fields", "values"):
        for name in args.get(group) or {}:
            if name not in sub.content:
                have = ", ".join(sub.content)
                raise ValueError(f"{group}: submission has no field {name!r} (it has: {have})")
    for name, verdicts in (args.get("values") or {}).items():
        count = len(sub.content[name])
        if len(verdicts) > count:
            raise ValueError(
                f"values: field {name!r} has {count} value(s), got {len(verdicts)} verdicts"
            )
