"""HITL.sh `response_config` parsing: both documented generations, normalized into one dataclass.

The model (`ResponseConfig`, and which keys make a config "structured") is in `response_model`.

Lenient (default) vs strict. Rules applied ONLY when `strict=True`:
- text `max_length` is required and must be 1-5000 (lenient: default 1000, range 1-50000 as in
  the vendor's Handoff server, Go module github.com/hitl-sh/handoff-server, no public commit);
- options count 2-20 (lenient 1-20); option label <=100 characters (lenient <=200);
- option objects need both `value` and `label` (lenient: a missing one copies the other);
  option `color` must be a hex colour;
- `max_selections` and `min_selections` must not exceed the number of options (lenient: only
  `min_selections` is checked, a larger `max_selections` just means "all");
- rating `labels` keys must be numbers on the scale (`scale_min` defaults to 1 in both modes:
  the vendor's MCP client sends only `{"scale_max": 5}`, and the sample wins);
- number `max_value` is required (lenient: no upper bound); a negative `min_value` needs
  `allow_negative: true`;
- boolean structured configs need both `true_label` and `false_label`, each <=100 characters
  (lenient: missing labels default to "Yes"/"No");
- unknown config keys are rejected (lenient: accepted and ignored). n8n's `prompt` and the
  documented legacy keys (`guidelines`, `allow_other`, `step`, `unit`, ...) are known keys.

Pages cited by path are in github.com/hitl-sh/docs.hitl.sh @0e23b17.
Rules applied in both modes: value types, `options` present and unique non-empty values,
`scale_max`/`max` present for rating, max > min, steps > 0, `decimal_places` 0-10.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

import orjson

from mockserver.base.errors import ApiError
from mockserver.vendors.hitl.response_model import (
    RESPONSE_TYPES,
    ConfigForm,
    Number,
    ResponseConfig,
    SelectOption,
    config_error,
    describe_options,
)

__all__ = [
    "RESPONSE_TYPES",
    "ResponseConfig",
    "SelectOption",
    "config_error",
    "describe_options",
    "parse_response_config",
]

_HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_SELECT_KEYS = {"options", "required", "allow_other", "randomize_order"}
_KNOWN_KEYS: dict[str, set[str]] = {
    "text": {"placeholder", "min_length", "max_length", "required", "guidelines"},
    "single_select": _SELECT_KEYS,
    "multi_select": _SELECT_KEYS | {"min_selections", "max_selections"},
    "rating": {"scale_min", "scale_max", "scale_step", "labels", "required", "min", "max"}
    | {"min_value", "max_value", "step", "show_numeric_labels"},
    "number": {"min_value", "max_value", "decimal_places", "prefix", "suffix", "placeholder"}
    | {"allow_negative", "required", "min", "max", "step", "unit", "validation_message"},
    "boolean": {"true_label", "false_label", "true_color", "false_color", "required"}
    | {"default_value"},
}


def parse_response_config(response_type: str, config: Any, *, strict: bool) -> ResponseConfig:
    """Validate `config` for `response_type` and normalize it; see the module docstring."""
    if response_type not in RESPONSE_TYPES:
        raise ApiError(
            400,
            "Validation failed",
            data="response_type must be one of: " + ", ".join(RESPONSE_TYPES),
        )
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise config_error("response_config must be an object")
    if strict:
        for key in config:
            if key != "prompt" and key not in _KNOWN_KEYS[response_type]:
                raise config_error(f"unknown response_config key: {key}")
    raw = _copy_json(config)
    required = _opt_bool(config, "required", False)
    if response_type == "text":
        return _parse_text(raw, config, required, strict)
    if response_type in ("single_select", "multi_select"):
        return _parse_select(response_type, raw, config, required, strict)
    if response_type == "rating":
        return _parse_rating(raw, config, required, strict)
    if response_type == "number":
        return _parse_number(raw, config, required, strict)
    return _parse_boolean(raw, config, required, strict)


def _parse_text(
    raw: dict[str, Any], cfg: dict[str, Any], required: bool, strict: bool
) -> ResponseConfig:
    structured = any(k in cfg for k in ("max_length", "min_length", "placeholder"))
    _opt_str(cfg, "guidelines")
    _opt_str(cfg, "placeholder")
    max_length = _opt_int(cfg, "max_length")
    limit = 5000 if strict else 50000
    if max_length is None:
        if strict:
            raise config_error("max_length is required")
        max_length = 1000
    elif not 1 <= max_length <= limit:
        raise config_error(f"max_length must be between 1 and {limit}")
    min_length = _opt_int(cfg, "min_length") or 0
    if min_length < 0:
        raise config_error("min_length must not be negative")
    if min_length > max_length:
        raise config_error("min_length must not exceed max_length")
    return ResponseConfig(
        "text",
        "structured" if structured else "legacy",
        raw,
        required,
        min_length=min_length,
        max_length=max_length,
    )


def _parse_select(
    response_type: str, raw: dict[str, Any], cfg: dict[str, Any], required: bool, strict: bool
) -> ResponseConfig:
    items = cfg.get("options")
    if not isinstance(items, list):
        raise config_error("options array required for select response type")
    low = 2 if strict else 1
    if not low <= len(items) <= 20:
        raise config_error(f"options must have {low}-20 items")
    if all(isinstance(item, str) for item in items):
        form: ConfigForm = "legacy"
    elif all(isinstance(item, dict) for item in items):
        form = "structured"
    else:
        raise config_error("options must be all strings or all objects")
    label_limit = 100 if strict else 200
    options = tuple(_parse_option(i, item, label_limit, strict) for i, item in enumerate(items))
    seen: set[str] = set()
    for option in options:
        if option.value in seen:
            raise config_error(f"duplicate option value: {option.value}")
        seen.add(option.value)
    _opt_bool(cfg, "allow_other", False)
    _opt_bool(cfg, "randomize_order", False)
    if response_type == "single_select":
        return ResponseConfig(response_type, form, raw, required, options=options)
    count = len(options)
    min_sel = _opt_int(cfg, "min_selections") or 0
    max_sel = _opt_int(cfg, "max_selections")
    if min_sel < 0:
        raise config_error("min_selections must not be negative")
    if max_sel is not None and max_sel < 1:
        raise config_error("max_selections must be at least 1")
    if max_sel is not None and min_sel > max_sel:
        raise config_error("min_selections must not exceed max_selections")
    if min_sel > count:
        raise config_error(f"min_selections must not exceed the number of options ({count})")
    if strict and max_sel is not None and max_sel > count:
        raise config_error(f"max_selections must not exceed the number of options ({count})")
    return ResponseConfig(
        response_type,
        form,
        raw,
        required,
        options=options,
        min_selections=min_sel,
        max_selections=max_sel,
    )


def _parse_option(index: int, item: Any, label_limit: int, strict: bool) -> SelectOption:
    where = f"options[{index}]"
    if isinstance(item, str):
        if not item.strip():
            raise config_error(f"{where} must not be empty")
        if len(item) > label_limit:
            raise config_error(f"{where} must be at most {label_limit} characters")
        return SelectOption(item, item)
    value, label = item.get("value"), item.get("label")
    for name, got in (("value", value), ("label", label)):
        if got is None and strict:
            raise config_error(f"{where}.{name} is required")
        if got is not None and not isinstance(got, str):
            raise config_error(f"{where}.{name} must be a string")
    value = value if value is not None else label
    label = label if label is not None else value
    if value is None or label is None or not value.strip() or not label.strip():
        raise config_error(f"{where} must have a non-empty value and label")
    if len(value) > 100:
        raise config_error(f"{where}.value must be at most 100 characters")
    if len(label) > label_limit:
        raise config_error(f"{where}.label must be at most {label_limit} characters")
    description = _opt_str(item, "description", where)
    color = _opt_str(item, "color", where)
    if strict and color is not None and not _HEX_COLOR.match(color):
        raise config_error(f"{where}.color must be a hex colour like #22c55e")
    return SelectOption(value, label, description, color)


def _parse_rating(
    raw: dict[str, Any], cfg: dict[str, Any], required: bool, strict: bool
) -> ResponseConfig:
    structured = any(key.startswith("scale_") for key in cfg)
    if structured:
        lo_key, hi_key, step_key = "scale_min", "scale_max", "scale_step"
    else:
        lo_key = "min_value" if "min_value" in cfg else "min"
        hi_key = "max_value" if "max_value" in cfg else "max"
        step_key = "step"
    high = _opt_num(cfg, hi_key)
    if high is None:
        legacy_keys = {"min", "max", "min_value", "max_value", "step"} & cfg.keys()
        raise config_error(f"{hi_key if legacy_keys else 'scale_max'} is required")
    low = _opt_num(cfg, lo_key)
    if low is None:
        # responses/types.mdx requires scale_min, but the vendor's MCP client sends only
        # `scale_max: 5` (hitl-sh/mcp.hitl.sh scripts/test-all-response-types.mjs @8230553): the
        # sample wins, in strict mode too.
        low = 1
    step = _opt_num(cfg, step_key)
    step = 1 if step is None else step
    if high <= low:
        raise config_error(f"{hi_key} must be greater than {lo_key}")
    if step <= 0:
        raise config_error(f"{step_key} must be greater than 0")
    labels = _parse_labels(cfg, low, high, strict)
    _opt_bool(cfg, "show_numeric_labels", False)
    return ResponseConfig(
        "rating",
        "structured" if structured else "legacy",
        raw,
        required,
        min_value=low,
        max_value=high,
        step=step,
        labels=labels,
    )


def _parse_labels(cfg: dict[str, Any], low: Number, high: Number, strict: bool) -> dict[str, str]:
    labels = cfg.get("labels")
    if labels is None:
        return {}
    if not isinstance(labels, dict):
        raise config_error("labels must be an object")
    for key, text in labels.items():
        if not isinstance(text, str):
            raise config_error(f"labels[{key!r}] must be a string")
        if strict:
            try:
                point = float(key)
            except ValueError:
                raise config_error(f"labels key {key!r} is not a number") from None
            if not low <= point <= high:
                raise config_error(f"labels key {key!r} is outside the scale {low}-{high}")
    return dict(labels)


def _parse_number(
    raw: dict[str, Any], cfg: dict[str, Any], required: bool, strict: bool
) -> ResponseConfig:
    structured = "min_value" in cfg or "max_value" in cfg
    lo_key, hi_key = ("min_value", "max_value") if structured else ("min", "max")
    high = _opt_num(cfg, hi_key)
    if high is None and strict:
        raise config_error(f"{hi_key if structured or 'min' in cfg else 'max_value'} is required")
    low = _opt_num(cfg, lo_key)
    # Lenient: a negative minimum implies negatives are allowed. Strict: `allow_negative`
    # defaults to false (responses/number.mdx), so a negative minimum must say it.
    allow_negative = _opt_bool(cfg, "allow_negative", low is not None and low < 0)
    if strict and low is not None and low < 0 and not _opt_bool(cfg, "allow_negative", False):
        raise config_error(f"{lo_key} must not be negative unless allow_negative is true")
    if low is None and not allow_negative:
        low = 0
    if low is not None and high is not None and high <= low:
        raise config_error(f"{hi_key} must be greater than {lo_key}")
    places = _opt_int(cfg, "decimal_places")
    places = 2 if places is None else places
    if not 0 <= places <= 10:
        raise config_error("decimal_places must be between 0 and 10")
    _opt_num(cfg, "step")
    return ResponseConfig(
        "number",
        "structured" if structured else "legacy",
        raw,
        required,
        min_value=low,
        max_value=high,
        decimal_places=places,
        prefix=_opt_str(cfg, "prefix") or "",
        suffix=_opt_str(cfg, "suffix") or "",
        allow_negative=allow_negative,
    )


def _parse_boolean(
    raw: dict[str, Any], cfg: dict[str, Any], required: bool, strict: bool
) -> ResponseConfig:
    structured = "true_label" in cfg or "false_label" in cfg
    labels: dict[str, str] = {}
    for key, default in (("true_label", "Yes"), ("false_label", "No")):
        text = _opt_str(cfg, key)
        if text is None and strict and structured:
            raise config_error(f"{key} is required")
        if text is not None and not text.strip():
            raise config_error(f"{key} must not be empty")
        if text is not None and strict and len(text) > 100:
            raise config_error(f"{key} must be at most 100 characters")
        labels[key] = default if text is None else text
    for key in ("true_color", "false_color"):
        _opt_str(cfg, key)
    return ResponseConfig(
        "boolean",
        "structured" if structured else "legacy",
        raw,
        required,
        true_label=labels["true_label"],
        false_label=labels["false_label"],
    )


def _opt_str(cfg: Mapping[str, Any], key: str, where: str = "") -> str | None:
    value = cfg.get(key)
    if value is not None and not isinstance(value, str):
        raise config_error(f"{where + '.' if where else ''}{key} must be a string")
    return value


def _opt_bool(cfg: Mapping[str, Any], key: str, default: bool) -> bool:
    value = cfg.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise config_error(f"{key} must be a boolean")
    return value


def _opt_int(cfg: Mapping[str, Any], key: str) -> int | None:
    value = cfg.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise config_error(f"{key} must be an integer")
    return value


def _opt_num(cfg: Mapping[str, Any], key: str) -> Number | None:
    value = cfg.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise config_error(f"{key} must be a number")
    return value


def _copy_json(value: dict[str, Any]) -> dict[str, Any]:
    """A private copy of a JSON object (orjson round trip: much cheaper than deepcopy)."""
    try:
        copied: dict[str, Any] = orjson.loads(orjson.dumps(value))
    except TypeError:  # an integer beyond 64 bits
        return copy.deepcopy(value)
    return copied
