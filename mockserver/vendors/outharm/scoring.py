"""Deterministic automated moderation, and the bodies of moderation results.

Automated (https://outharm.com/docs/concepts/automated): every enabled category gets a score from
the scenario's rules (the highest score of the rules that match a value); `score >= threshold` is
harmful, with one global threshold. A value no rule matches gets no categories and is safe. Same
input, same output.

The automated response shape is UNKNOWN (the part of https://outharm.com/docs/api/automated
that gives it could not be read): the sandbox's documented choice mirrors the manual webhook
(https://outharm.com/docs/api/webhooks) plus `submission_id` and per-value `scores`. The manual
result is the documented `moderation.manual.completed` body: no scores, `detailed` parallel to the
values, `categories` only on harmful values. The automated settings a scenario gives (`automated:`
rules, threshold, categories) are the frozen `AutomatedConfig` defined here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from mockserver.base.userregex import UserPattern

MANUAL_COMPLETED = "moderation.manual.completed"

# The full list of 24 slugs is unknown. Documented slugs
# (https://outharm.com/docs/concepts/categories; `violence` and `hate` from the example of
# https://outharm.com/docs/api/webhooks), then guesses [I] for the Console's "Harassment" and
# "Self-Harm & Suicide" (https://outharm.com/docs/console) and for `spam`, which scenarios
# commonly use.
_DOCUMENTED_CATEGORIES = ("sexual", "violence", "hate", "fascism", "alcohol", "smoking", "blood")
_MORE_CATEGORIES = ("knife", "gun", "harassment", "self-harm", "spam")
DEFAULT_CATEGORIES: tuple[str, ...] = _DOCUMENTED_CATEGORIES + _MORE_CATEGORIES

Target = Literal["any", "text", "image"]


@dataclass(frozen=True)
class AutomatedRule:
    """A scoring rule: a value it matches gets `category` with `score`.

    `field` restricts it to one component, `target` to text or image components. A value
    matches when it contains `contains` (case-insensitive) or `pattern` finds a match in it.
    """

    category: str
    score: float
    field: str | None = None
    target: Target = "any"
    contains: str | None = None
    pattern: UserPattern | None = None

    def applies(self, field_name: str, component_type: str, value: str) -> bool:
        """Whether this rule matches `value` of component `field_name` of type `component_type`."""
        if self.field is not None and self.field != field_name:
            return False
        if self.target != "any" and self.target != component_type:
            return False
        if self.contains is not None:
            return self.contains.casefold() in value.casefold()
        return self.pattern is not None and self.pattern.search(value)


@dataclass(frozen=True)
class AutomatedConfig:
    """The project's automated moderation settings: one global threshold
    (https://outharm.com/docs/concepts/automated)."""

    threshold: float = 0.5
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    rules: tuple[AutomatedRule, ...] = ()


# A human verdict on one value: (is_harmful, categories). Categories are ignored when not harmful.
ValueDecision = tuple[bool, tuple[str, ...]]
# Verdicts per field, one per submitted value, in the submitted order.
ManualDecisions = Mapping[str, Sequence[ValueDecision]]


@dataclass(frozen=True)
class ValueResult:
    """The automated verdict on one value.

    `scores` holds the enabled categories some rule gave this value, in rule order;
    `categories` those of them at or above the threshold, in the same order.
    """

    scores: dict[str, float] = field(default_factory=dict, hash=False)
    categories: tuple[str, ...] = ()

    @property
    def is_harmful(self) -> bool:
        """Harmful when any enabled category reached the threshold."""
        return bool(self.categories)

    def to_json(self) -> dict[str, Any]:
        """`{"is_harmful", "categories" (if harmful), "scores" (if any rule matched)}`."""
        out: dict[str, Any] = {"is_harmful": self.is_harmful}
        if self.is_harmful:
            out["categories"] = list(self.categories)
        if self.scores:
            out["scores"] = dict(self.scores)
        return out


@dataclass(frozen=True)
class FieldResult:
    """The automated verdicts on one field's values, parallel to the submitted array."""

    detailed: tuple[ValueResult, ...]

    @property
    def is_harmful(self) -> bool:
        """Harmful when any of its values is."""
        return any(v.is_harmful for v in self.detailed)


@dataclass(frozen=True)
class AutomatedResult:
    """The automated verdict on a submission, per field in request order."""

    results: dict[str, FieldResult] = field(hash=False)

    @property
    def is_harmful(self) -> bool:
        """Harmful when any field is."""
        return any(f.is_harmful for f in self.results.values())

    def to_json(self, submission_id: str, schema_id: str) -> dict[str, Any]:
        """The `POST /moderation/automated` response body (the sandbox's shape, see above)."""
        return {
            "submission_id": submission_id,
            "schema_id": schema_id,
            "is_harmful": self.is_harmful,
            "results": {
                name: {
                    "is_harmful": fr.is_harmful,
                    "detailed": [v.to_json() for v in fr.detailed],
                }
                for name, fr in self.results.items()
            },
        }

    def decisions(self) -> dict[str, list[ValueDecision]]:
        """The same verdicts as manual decisions, e.g. for a review that upholds them."""
        return {
            name: [(v.is_harmful, v.categories) for v in fr.detailed]
            for name, fr in self.results.items()
        }


def score_value(
    field_name: str, component_type: str, value: str, cfg: AutomatedConfig
) -> ValueResult:
    """Score one value: each enabled category gets the highest score of the rules matching it.

    Only enabled categories are analysed (https://outharm.com/docs/concepts/automated), so rules
    for other categories are skipped.
    """
    enabled = set(cfg.categories)
    scores: dict[str, float] = {}
    for rule in cfg.rules:
        if rule.category in enabled and rule.applies(field_name, component_type, value):
            scores[rule.category] = max(scores.get(rule.category, rule.score), rule.score)
    # https://outharm.com/docs/concepts/automated: "score >= threshold -> harmful"; a score equal
    # to the threshold is harmful.
    harmful = tuple(c for c, s in scores.items() if s >= cfg.threshold)
    return ValueResult(scores=scores, categories=harmful)


def score_submission(
    components: Mapping[str, str], content: Mapping[str, Sequence[str]], cfg: AutomatedConfig
) -> AutomatedResult:
    """Score validated content (see `validate_submission`) against a schema's components
    (`Schema.components`: name -> `text` or `image`).

    A field the schema does not know is scored as text; validation normally rejects it first.
    """
    return AutomatedResult(
        results={
            name: FieldResult(
                tuple(
                    score_value(name, components.get(name, "text"), value, cfg) for value in values
                )
            )
            for name, values in content.items()
        }
    )


def manual_result_json(
    submission_id: str, schema_id: str, decisions: ManualDecisions
) -> dict[str, Any]:
    """The documented `moderation.manual.completed` webhook body
    (https://outharm.com/docs/api/webhooks).

    `decisions` gives one `(is_harmful, categories)` per submitted value, per field. A harmful
    value carries its categories (possibly an empty list); a safe value carries none.
    """
    results: dict[str, Any] = {}
    for name, verdicts in decisions.items():
        detailed: list[dict[str, Any]] = []
        for harmful, categories in verdicts:
            entry: dict[str, Any] = {"is_harmful": harmful}
            if harmful:
                entry["categories"] = list(categories)
            detailed.append(entry)
        results[name] = {"is_harmful": any(h for h, _ in verdicts), "detailed": detailed}
    return {
        "event": MANUAL_COMPLETED,
        "data": {
            "submission_id": submission_id,
            "schema_id": schema_id,
            "is_harmful": any(r["is_harmful"] for r in results.values()),
            "results": results,
        },
    }


def uniform_decisions(
    content: Mapping[str, Sequence[str]], categories: Sequence[str]
) -> dict[str, list[ValueDecision]]:
    """The same verdict on every value: harmful with `categories`, or safe when there are none."""
    verdict: ValueDecision = (bool(categories), tuple(categories))
    return {name: [verdict] * len(values) for name, values in content.items()}
