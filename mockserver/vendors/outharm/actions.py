"""Outharm's reviewer words, as an action table: `decide` and `hold`.

`decide` gives the human verdict per field and per value, which becomes the documented
`moderation.manual.completed` webhook (https://outharm.com/docs/api/webhooks); it applies to a
submission whose review is open (`queued`). `hold` does nothing: the submission stays queued until
someone decides it through the control plane. Scripted steps apply only to the review round they
were scripted for (`OutharmState.enqueue` guards them).

Verdicts, most specific first: `values[field][i]`, then `fields[field]`, then the base: the
previous verdict with `uphold`, else `harmful` (default false) - limited, with `matching`, to
the values the rule's value tests matched (the others are safe). A scripted `decide` ignores a
`fields`/`values` entry the submission does not fit (a scenario serves many shapes); the same
step sent through the control plane is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from mockserver.kit.actions import Action, ActionTable, ItemStore
from mockserver.scenario.steps import Step
from mockserver.vendors.outharm.matchers import VALUE_TESTS, Candidate, value_matches

if TYPE_CHECKING:
    from mockserver.vendors.outharm.models import Decisions, Submission
    from mockserver.vendors.outharm.scoring import ValueDecision

SLUG_PATTERN = "^[a-z][a-z0-9-]*$"
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


def verdict(value: Any) -> ValueDecision:
    """A verdict as written (`false`, `true`, `spam`, `[spam, hate]`) as `(harmful, categories)`."""
    if isinstance(value, bool):
        return (value, ())
    if isinstance(value, str):
        return (True, (value,))
    return (True, tuple(str(c) for c in value))


def decisions(
    args: Mapping[str, Any],
    sub: Submission,
    when: Mapping[str, Any],
    previous: Decisions,
    *,
    strict: bool = False,
) -> Decisions:
    """The verdict a `decide` step gives on every value of the submission.

    `when` is the rule's (what `matching` reads); `previous` is the base for `uphold`. `strict`
    (a control-plane call) turns a `fields` or `values` entry that does not fit the submission
    into a ValueError instead of ignoring it.
    """
    if strict:
        _check_fits(args, sub)
    harmful = verdict(args.get("harmful", False))
    matching = bool(args.get("matching")) and any(k in when for k in VALUE_TESTS)
    looked_at = set(Candidate.of(sub, False, when).names)
    fields = args.get("fields") or {}
    values = args.get("values") or {}
    out: Decisions = {}
    for name, items in sub.content.items():
        kind = sub.kind_of(name)
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


class SubmissionStore(ItemStore, Protocol):
    """What the words do to the store (`state.OutharmState`, which imports this table and is
    checked against this protocol there)."""

    def previous_decisions(self, sub: Submission) -> Decisions: ...

    def record(self, sub: Submission, verdicts: Decisions, by: str | None) -> None: ...


def _decide(state: SubmissionStore, sub: Submission, step: Step) -> None:
    entry = sub.open_review
    assert entry is not None  # `applies_from`: only a queued submission reaches here
    # A manual call is strict and reads no rule; a scripted step reads the rule that queued it.
    when = {} if step.manual else entry.when
    verdicts = decisions(step.args, sub, when, state.previous_decisions(sub), strict=step.manual)
    state.record(sub, verdicts, step.by)


def _hold(state: SubmissionStore, sub: Submission, step: Step) -> None:
    """Nobody decides; the scripted steps after it still run."""


ACTIONS = ActionTable(
    [
        Action(
            "decide",
            "a reviewer decides (moderation.manual.completed webhook); default: not harmful",
            _decide,
            schema=_DECIDE,
            applies_from=frozenset({"queued"}),
            refusal=lambda sub, status: f"Submission is not queued for manual review ({status})",
        ),
        Action(
            "hold",
            "nobody decides: the submission stays queued (decide it via the control plane)",
            _hold,
        ),
    ],
    kind="submission",
    missing=lambda _id: "Submission not found",
)
