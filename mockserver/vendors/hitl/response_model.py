"""HITL.sh response-config model: the normalized form of a request's `response_config`.

Two config generations coexist (structured: responses/*.mdx; legacy:
api-reference/requests/create-request.mdx and the OpenAPI examples; all in
github.com/hitl-sh/docs.hitl.sh @0e23b17). A `ResponseConfig` records which one a request used
(`form`) so answers can be returned in that same form, keeps the config exactly as sent in `raw`,
and holds normalized fields the rest of the emulator reads. Parsing lives in `response_config`;
answers in `answers` and `answer_checks`.

Which config counts as structured, per type:
- selects: options are objects (`{"value", "label", "description"?, "color"?}`); string options
  are legacy. A mix of strings and objects is rejected.
- rating: any `scale_*` key; otherwise legacy `{min, max}` or `{min_value, max_value, step}`.
- number: `min_value`/`max_value`; otherwise legacy `{min, max}` (or nothing).
- boolean: `true_label` or `false_label`; otherwise legacy `{}`.
- text: `max_length`, `min_length` or `placeholder`; otherwise legacy `{}` / `{guidelines}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from mockserver.base.errors import ApiError

RESPONSE_TYPES = ("text", "single_select", "multi_select", "rating", "number", "boolean")
ConfigForm = Literal["legacy", "structured"]
Number = int | float


@dataclass(frozen=True)
class SelectOption:
    """One option of a select config; legacy string options have value == label."""

    value: str
    label: str
    description: str | None = None
    color: str | None = None


@dataclass(frozen=True)
class ResponseConfig:
    """A parsed `response_config`; `raw` is returned to clients unchanged."""

    response_type: str
    form: ConfigForm
    raw: dict[str, Any] = field(default_factory=dict)
    required: bool = False
    # single_select / multi_select
    options: tuple[SelectOption, ...] = ()
    min_selections: int = 0
    max_selections: int | None = None
    # rating (scale_*) and number (min_value/max_value); None means unbounded
    min_value: Number | None = None
    max_value: Number | None = None
    step: Number | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    # text
    min_length: int = 0
    max_length: int | None = None
    # number
    decimal_places: int = 2
    prefix: str = ""
    suffix: str = ""
    allow_negative: bool = False
    # boolean
    true_label: str = "Yes"
    false_label: str = "No"


def config_error(detail: str) -> ApiError:
    """The 400 HITL answers for a config it cannot use (api-reference/errors.mdx)."""
    return ApiError(400, "Invalid response configuration", data=detail)


def describe_options(cfg: ResponseConfig) -> list[str]:
    """The option labels of a select config, for messages (empty for other types)."""
    return [option.label for option in cfg.options]


def answer_form(cfg: ResponseConfig) -> dict[str, Any]:
    """The bounds a reviewer's answer must keep, for the reviewer console's answer form."""
    form: dict[str, Any] = {"required": cfg.required}
    kind = cfg.response_type
    if kind in ("single_select", "multi_select"):
        form["options"] = [
            {"value": o.value, "label": o.label, "description": o.description} for o in cfg.options
        ]
        form["min_selections"] = cfg.min_selections
        form["max_selections"] = cfg.max_selections
    elif kind in ("rating", "number"):
        form.update(min_value=cfg.min_value, max_value=cfg.max_value, step=cfg.step)
        if kind == "number":
            form.update(decimal_places=cfg.decimal_places, prefix=cfg.prefix, suffix=cfg.suffix)
        else:
            form["labels"] = dict(cfg.labels)
    elif kind == "text":
        form.update(min_length=cfg.min_length, max_length=cfg.max_length)
    elif kind == "boolean":
        form.update(true_label=cfg.true_label, false_label=cfg.false_label)
    return form
