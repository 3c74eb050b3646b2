"""HITL response_config parsing: both forms per type, lenient and strict (answers: test_answers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mockserver.base.errors import ApiError
from mockserver.vendors.hitl.response_types import (
    ResponseConfig,
    SelectOption,
    describe_options,
    parse_response_config,
)

SEED_OPTIONS = [
    "✅ Approve - Follows guidelines",
    "⚠️ Approve with Warning - Minor issues",
    "❌ Reject - Violates guidelines",
    "🚨 Reject and Flag - Serious violation",
]
STRUCTURED_OPTIONS = [
    {"value": "approve", "label": "✅ Approve", "description": "Fine", "color": "#22c55e"},
    {"value": "reject", "label": "❌ Reject", "description": "Violates guidelines"},
    {"value": "escalate", "label": "🚨 Escalate"},
]
MULTI_OPTIONS = [
    {"value": "address", "label": "📍 Incorrect Address"},
    {"value": "phone", "label": "📞 Wrong Phone Number"},
    {"value": "hours", "label": "🕒 Outdated Hours"},
    {"value": "no_issues", "label": "✅ No Issues Found"},
]
RATING_LABELS = {"1": "Poor Quality", "5": "Average", "7": "Good Quality", "10": "Excellent"}
PRICE = {"min_value": 50, "max_value": 500, "decimal_places": 2, "prefix": "$", "suffix": " USD"}


def raises(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> ApiError:
    with pytest.raises(ApiError) as info:
        fn(*args, **kwargs)
    return info.value


def config_problem(response_type: str, config: Any, *, strict: bool = False) -> Any:
    err = raises(parse_response_config, response_type, config, strict=strict)
    assert (err.status, err.message) == (400, "Invalid response configuration")
    return err.data


def parse(response_type: str, config: Any, *, strict: bool = False) -> ResponseConfig:
    return parse_response_config(response_type, config, strict=strict)


# --- config parsing -------------------------------------------------------------------------


def test_text_legacy_config_defaults_max_length_in_lenient_mode_only() -> None:
    cfg = parse("text", {})
    assert (cfg.form, cfg.min_length, cfg.max_length, cfg.required) == ("legacy", 0, 1000, False)
    assert parse("text", {"guidelines": "Be specific", "prompt": ""}).form == "legacy"
    assert config_problem("text", {}, strict=True) == "max_length is required"


def test_text_structured_config_and_limits() -> None:
    raw = {"placeholder": "Feedback", "min_length": 50, "max_length": 1000, "required": True}
    cfg = parse("text", raw, strict=True)
    assert (cfg.form, cfg.min_length, cfg.max_length, cfg.required) == (
        "structured",
        50,
        1000,
        True,
    )
    assert parse("text", {"max_length": 6000}).max_length == 6000
    assert (
        config_problem("text", {"max_length": 6000}, strict=True)
        == "max_length must be between 1 and 5000"
    )
    assert config_problem("text", {"max_length": 60000}) == "max_length must be between 1 and 50000"
    assert (
        config_problem("text", {"min_length": 20, "max_length": 10})
        == "min_length must not exceed max_length"
    )
    assert config_problem("text", {"max_length": "100"}) == "max_length must be an integer"
    assert config_problem("text", {"max_length": True}) == "max_length must be an integer"
    assert config_problem("text", {"required": "yes"}) == "required must be a boolean"


def test_single_select_legacy_string_options_keep_value_and_label_equal() -> None:
    cfg = parse("single_select", {"options": SEED_OPTIONS})
    assert cfg.form == "legacy"
    assert cfg.options[2] == SelectOption(SEED_OPTIONS[2], SEED_OPTIONS[2])
    assert describe_options(cfg) == SEED_OPTIONS


def test_single_select_structured_options() -> None:
    cfg = parse("single_select", {"options": STRUCTURED_OPTIONS, "required": True}, strict=True)
    assert cfg.form == "structured"
    assert cfg.required is True
    assert cfg.options[0] == SelectOption("approve", "✅ Approve", "Fine", "#22c55e")
    assert cfg.options[2] == SelectOption("escalate", "🚨 Escalate", None, None)
    assert describe_options(cfg) == ["✅ Approve", "❌ Reject", "🚨 Escalate"]


@pytest.mark.parametrize("config", [{}, {"options": "Approve,Reject"}, None])
def test_select_without_options_array(config: Any) -> None:
    assert config_problem("single_select", config) == (
        "options array required for select response type"
    )
    assert config_problem("multi_select", config, strict=True) == (
        "options array required for select response type"
    )


def test_option_count_is_one_to_twenty_lenient_and_two_to_twenty_strict() -> None:
    assert len(parse("single_select", {"options": ["Only"]}).options) == 1
    assert config_problem("single_select", {"options": ["Only"]}, strict=True) == (
        "options must have 2-20 items"
    )
    assert config_problem("single_select", {"options": []}) == "options must have 1-20 items"
    many = [f"o{i}" for i in range(21)]
    assert config_problem("single_select", {"options": many}) == "options must have 1-20 items"


def test_option_values_must_be_unique_and_non_empty() -> None:
    assert config_problem("single_select", {"options": ["a", "b", "a"]}) == (
        "duplicate option value: a"
    )
    dupes = [{"value": "x", "label": "X"}, {"value": "x", "label": "Other"}]
    assert config_problem("multi_select", {"options": dupes}) == "duplicate option value: x"
    assert config_problem("single_select", {"options": ["a", "  "]}) == (
        "options[1] must not be empty"
    )
    assert config_problem("single_select", {"options": ["a", {"value": "b"}]}) == (
        "options must be all strings or all objects"
    )
    assert config_problem("single_select", {"options": [{"value": 1, "label": "One"}]}) == (
        "options[0].value must be a string"
    )


def test_option_label_length_and_missing_fields_depend_on_mode() -> None:
    long_label = [{"value": "a", "label": "L" * 150}, {"value": "b", "label": "B"}]
    assert parse("single_select", {"options": long_label}).options[0].label == "L" * 150
    assert config_problem("single_select", {"options": long_label}, strict=True) == (
        "options[0].label must be at most 100 characters"
    )
    assert config_problem("single_select", {"options": ["x" * 201]}) == (
        "options[0] must be at most 200 characters"
    )
    no_label = [{"value": "a"}, {"label": "B"}]
    cfg = parse("single_select", {"options": no_label})
    assert cfg.options == (SelectOption("a", "a"), SelectOption("B", "B"))
    assert config_problem("single_select", {"options": no_label}, strict=True) == (
        "options[0].label is required"
    )
    colored = [{"value": "a", "label": "A", "color": "red"}, {"value": "b", "label": "B"}]
    assert parse("single_select", {"options": colored}).options[0].color == "red"
    assert config_problem("single_select", {"options": colored}, strict=True) == (
        "options[0].color must be a hex colour like #22c55e"
    )


def test_multi_select_selection_limits() -> None:
    cfg = parse(
        "multi_select", {"options": MULTI_OPTIONS, "min_selections": 1, "max_selections": 2}
    )
    assert (cfg.min_selections, cfg.max_selections) == (1, 2)
    assert parse("multi_select", {"options": ["A", "B"], "max_selections": 5}).max_selections == 5
    assert config_problem(
        "multi_select", {"options": ["A", "B"], "max_selections": 5}, strict=True
    ) == ("max_selections must not exceed the number of options (2)")
    assert config_problem("multi_select", {"options": ["A", "B"], "min_selections": 3}) == (
        "min_selections must not exceed the number of options (2)"
    )
    assert config_problem(
        "multi_select", {"options": MULTI_OPTIONS, "min_selections": 3, "max_selections": 2}
    ) == ("min_selections must not exceed max_selections")


def test_rating_structured_and_seed_shorthand() -> None:
    raw = {"scale_min": 1, "scale_max": 10, "scale_step": 0.5, "labels": RATING_LABELS}
    cfg = parse("rating", raw, strict=True)
    assert (cfg.form, cfg.min_value, cfg.max_value, cfg.step) == ("structured", 1, 10, 0.5)
    assert cfg.labels == RATING_LABELS
    seed = parse("rating", {"scale_max": 5})  # the seed quickstart: "scale_min defaults to 1"
    assert (seed.form, seed.min_value, seed.max_value, seed.step) == ("structured", 1, 5, 1)
    # hitl-sh/docs.hitl.sh responses/types.mdx @0e23b17 requires scale_min; the vendor's MCP
    # client sends none: the sample wins
    assert parse("rating", {"scale_max": 5}, strict=True) == seed
    assert config_problem("rating", {}) == "scale_max is required"
    assert config_problem("rating", {"scale_min": 1}) == "scale_max is required"
    assert config_problem("rating", {"scale_min": 5, "scale_max": 5}) == (
        "scale_max must be greater than scale_min"
    )
    assert config_problem("rating", {"scale_max": 5, "scale_step": 0}) == (
        "scale_step must be greater than 0"
    )
    assert config_problem("rating", {"scale_max": "5"}) == "scale_max must be a number"


def test_rating_legacy_forms() -> None:
    n8n = parse("rating", {"prompt": "", "min": 1, "max": 5}, strict=True)
    assert (n8n.form, n8n.min_value, n8n.max_value) == ("legacy", 1, 5)
    guide = parse("rating", {"min_value": 0, "max_value": 10, "step": 2, "labels": {"0": "Bad"}})
    assert (guide.form, guide.min_value, guide.max_value, guide.step) == ("legacy", 0, 10, 2)
    assert config_problem("rating", {"min": 1}) == "max is required"
    assert config_problem("rating", {"min": 3, "max": 2}) == "max must be greater than min"


def test_rating_labels_are_checked_against_the_scale_in_strict_mode() -> None:
    raw = {"scale_min": 1, "scale_max": 5, "labels": {"11": "Off the chart"}}
    assert parse("rating", raw).labels == {"11": "Off the chart"}
    assert config_problem("rating", raw, strict=True) == "labels key '11' is outside the scale 1-5"
    assert config_problem("rating", {"scale_max": 5, "labels": ["Poor"]}) == (
        "labels must be an object"
    )


def test_number_structured_and_legacy() -> None:
    cfg = parse("number", PRICE | {"allow_negative": False, "required": True}, strict=True)
    assert (cfg.form, cfg.min_value, cfg.max_value, cfg.decimal_places) == (
        "structured",
        50,
        500,
        2,
    )
    assert (cfg.prefix, cfg.suffix, cfg.allow_negative) == ("$", " USD", False)
    legacy = parse("number", {"min": 0, "max": 100})
    assert (legacy.form, legacy.min_value, legacy.max_value) == ("legacy", 0, 100)
    bare = parse("number", {})
    assert (bare.form, bare.min_value, bare.max_value) == ("legacy", 0, None)
    assert config_problem("number", {}, strict=True) == "max_value is required"
    assert config_problem("number", {"min_value": 0}, strict=True) == "max_value is required"
    assert config_problem("number", {"min_value": 10, "max_value": 10}) == (
        "max_value must be greater than min_value"
    )
    assert config_problem("number", {"max_value": 10, "decimal_places": 11}) == (
        "decimal_places must be between 0 and 10"
    )


def test_number_negative_minimum_needs_allow_negative_in_strict_mode() -> None:
    raw = {"min_value": -25000, "max_value": 25000}
    assert parse("number", raw).allow_negative is True
    assert config_problem("number", raw | {"allow_negative": False}, strict=True) == (
        "min_value must not be negative unless allow_negative is true"
    )
    assert parse("number", raw | {"allow_negative": True}, strict=True).min_value == -25000


def test_boolean_legacy_and_structured() -> None:
    legacy = parse("boolean", {})
    assert (legacy.form, legacy.true_label, legacy.false_label) == ("legacy", "Yes", "No")
    cfg = parse("boolean", {"true_label": "🚨 Suspicious", "false_label": "✅ Legit"}, strict=True)
    assert (cfg.form, cfg.true_label, cfg.false_label) == (
        "structured",
        "🚨 Suspicious",
        "✅ Legit",
    )
    half = parse("boolean", {"true_label": "Approve"})
    assert (half.true_label, half.false_label) == ("Approve", "No")
    assert config_problem("boolean", {"true_label": "Approve"}, strict=True) == (
        "false_label is required"
    )
    too_long = {"true_label": "T" * 101, "false_label": "F"}
    assert parse("boolean", too_long).true_label == "T" * 101
    assert config_problem("boolean", too_long, strict=True) == (
        "true_label must be at most 100 characters"
    )


def test_unknown_config_keys_only_fail_in_strict_mode() -> None:
    raw = {"scale_min": 1, "scale_max": 5, "colour_scheme": "warm", "prompt": ""}
    assert parse("rating", raw).raw == raw
    assert config_problem("rating", raw, strict=True) == (
        "unknown response_config key: colour_scheme"
    )
    assert (
        parse("rating", {"scale_min": 1, "scale_max": 5, "prompt": ""}, strict=True).max_value == 5
    )


def test_raw_is_the_config_as_sent_and_not_shared() -> None:
    nested: list[int] = [1]
    sent = {"options": ["Approve", "Reject"], "prompt": "", "extra": {"nested": nested}}
    cfg = parse("single_select", sent)
    nested.append(2)
    assert cfg.raw == {"options": ["Approve", "Reject"], "prompt": "", "extra": {"nested": [1]}}
    assert parse("text", None).raw == {}


def test_bad_config_container_and_response_type() -> None:
    assert config_problem("text", ["max_length", 10]) == "response_config must be an object"
    err = raises(parse_response_config, "slider", {}, strict=False)
    assert (err.status, err.message) == (400, "Validation failed")
    assert err.data == (
        "response_type must be one of: text, single_select, multi_select, rating, number, boolean"
    )
