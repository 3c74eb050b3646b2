"""HITL answers: default_response checks, scripted answer specs and submitted response_data."""

from __future__ import annotations

import random
from typing import Any

import pytest

from mockserver.base.errors import ApiError
from mockserver.vendors.hitl.response_types import (
    ResponseConfig,
    answer_from_spec,
    check_default_response,
    fits_spec,
    parse_response_config,
    validate_response_data,
)

SEED_OPTIONS = [
    "✅ Approve - Follows guidelines",
    "⚠️ Approve with Warning - Minor issues",
    "❌ Reject - Violates guidelines",
    "🚨 Reject and Flag - Serious violation",
]
SELECT = [
    {"value": "approve", "label": "✅ Approve"},
    {"value": "reject", "label": "❌ Reject"},
    {"value": "escalate", "label": "🚨 Escalate"},
]
MULTI = [
    {"value": "address", "label": "📍 Incorrect Address"},
    {"value": "phone", "label": "📞 Wrong Phone Number"},
    {"value": "hours", "label": "🕒 Outdated Hours"},
    {"value": "no_issues", "label": "✅ No Issues Found"},
]
LABELS = {"1": "Poor Quality", "5": "Average", "7": "Good Quality", "10": "Excellent"}
PRICE = {"min_value": 50, "max_value": 500, "decimal_places": 2, "prefix": "$", "suffix": " USD"}


def cfg(response_type: str, config: dict[str, Any]) -> ResponseConfig:
    return parse_response_config(response_type, config, strict=False)


SEED = cfg("single_select", {"options": SEED_OPTIONS})
STRUCT = cfg("single_select", {"options": SELECT})
MULTI_LEGACY = cfg("multi_select", {"options": ["Spam", "Abuse", "Off-topic"]})
MULTI_STRUCT = cfg("multi_select", {"options": MULTI, "min_selections": 1, "max_selections": 2})
RATING_LEGACY = cfg("rating", {"min": 1, "max": 5})
RATING = cfg("rating", {"scale_min": 1, "scale_max": 10, "scale_step": 0.5, "labels": LABELS})
NUMBER_LEGACY = cfg("number", {"min": 0, "max": 100})
NUMBER = cfg("number", PRICE)
BOOL_LEGACY = cfg("boolean", {})
BOOL = cfg("boolean", {"true_label": "🚨 Suspicious", "false_label": "✅ Legit"})
TEXT = cfg("text", {"min_length": 50, "max_length": 80, "required": True})


def answer(config: ResponseConfig, spec: dict[str, Any], seed: int = 1) -> Any:
    return answer_from_spec(config, spec, random.Random(seed))


def default_problem(config: ResponseConfig, value: Any, *, strict: bool = False) -> Any:
    with pytest.raises(ApiError) as info:
        check_default_response(config, value, strict=strict)
    assert (info.value.status, info.value.message) == (400, "Validation failed")
    return info.value.data


# --- default_response -----------------------------------------------------------------------


def test_seed_quickstart_free_string_default_is_accepted_in_both_modes() -> None:
    # "must fit the response type" loses to the seed's own "❌ Reject - Review timeout"
    for strict in (False, True):
        check_default_response(SEED, "❌ Reject - Review timeout", strict=strict)
        check_default_response(SEED, SEED_OPTIONS[2], strict=strict)


@pytest.mark.parametrize("strict", [False, True])
def test_structured_single_select_default_accepts_value_label_or_object(strict: bool) -> None:
    for value in ("reject", "❌ Reject", {"selected_value": "reject"}):
        check_default_response(STRUCT, value, strict=strict)
    assert default_problem(STRUCT, "maybe", strict=strict) == (
        "default_response must be one of the options: approve, reject, escalate"
    )
    assert default_problem(STRUCT, {"selected_value": "reject", "selected_label": "No"}) == (
        "default_response label 'No' does not match option '❌ Reject'"
    )


def test_multi_select_default() -> None:
    check_default_response(MULTI_STRUCT, ["no_issues"], strict=True)
    check_default_response(MULTI_STRUCT, {"selected_values": ["address"]}, strict=True)
    check_default_response(MULTI_STRUCT, "no_issues", strict=False)
    assert default_problem(MULTI_STRUCT, "no_issues", strict=True) == (
        "default_response must be an array of option values"
    )
    assert default_problem(MULTI_STRUCT, ["nope"]) == (
        "default_response must be one of the options: address, phone, hours, no_issues"
    )
    check_default_response(MULTI_STRUCT, [], strict=False)
    assert default_problem(MULTI_STRUCT, [], strict=True) == (
        "default_response selects 0 option(s) but the request allows 1-2"
    )


def test_rating_and_number_defaults() -> None:
    check_default_response(RATING, 5, strict=True)
    check_default_response(RATING, {"rating": 7.5}, strict=True)
    assert default_problem(RATING, 11) == "default_response 11 is outside the scale 1-10"
    check_default_response(RATING, 3.3, strict=False)
    assert default_problem(RATING, 3.3, strict=True) == (
        "default_response 3.3 is not on a step of 0.5 from 1"
    )
    assert default_problem(RATING, True) == "default_response must be a number"
    check_default_response(NUMBER, 89.99, strict=True)
    check_default_response(NUMBER, {"number": 100}, strict=True)
    assert default_problem(NUMBER, 501) == "default_response 501 is above the maximum 500"
    check_default_response(NUMBER, 60.125, strict=False)
    assert default_problem(NUMBER, 60.125, strict=True) == (
        "default_response 60.125 has more than 2 decimal places"
    )


def test_boolean_and_text_defaults() -> None:
    check_default_response(BOOL_LEGACY, True, strict=True)
    check_default_response(BOOL, {"boolean": False}, strict=True)
    check_default_response(BOOL, "✅ Legit", strict=False)
    check_default_response(BOOL_LEGACY, "true", strict=False)
    assert default_problem(BOOL_LEGACY, "true", strict=True) == (
        "default_response must be true or false"
    )
    assert default_problem(BOOL, "maybe") == "default_response must be true or false"
    docs_default = "No feedback provided within timeout period"  # 42 chars, min_length 50
    # the docs' example and the MCP client's own default are shorter than min_length: the
    # samples win, so a default is not held to min_length in either mode
    check_default_response(TEXT, docs_default, strict=False)
    check_default_response(TEXT, docs_default, strict=True)
    assert default_problem(TEXT, "x" * 81) == "default_response must be at most 80 characters"
    assert default_problem(TEXT, 42) == "default_response must be a string"
    check_default_response(TEXT, None, strict=True)


# --- answer_from_spec -----------------------------------------------------------------------


def test_seed_options_by_label_value_index_and_fragment() -> None:
    assert answer(SEED, {"choose": SEED_OPTIONS[1]}) == SEED_OPTIONS[1]
    assert answer(SEED, {"choose": 2}) == "❌ Reject - Violates guidelines"
    assert answer(SEED, {"choose": "reject and flag"}) == SEED_OPTIONS[3]
    decision = answer(SEED, {"choose": 0})
    assert "Approve" in decision  # what the seed's webhook handler tests
    with pytest.raises(ValueError, match="ambiguous: it matches ✅ Approve"):
        answer(SEED, {"choose": "Approve"})
    with pytest.raises(ValueError, match="unknown option 'Maybe'; options are: ✅ Approve"):
        answer(SEED, {"choose": "Maybe"})
    with pytest.raises(ValueError, match=r"option index 4 is out of range \(0-3\)"):
        answer(SEED, {"choose": 4})


def test_random_choice_is_deterministic_for_a_seed() -> None:
    first = [answer(SEED, {"random": True}, seed) for seed in range(30)]
    again = [answer(SEED, {"choose": "random"}, seed) for seed in range(30)]
    assert first == again
    assert set(first) <= set(SEED_OPTIONS)
    assert len(set(first)) > 1
    rng_a, rng_b = random.Random(99), random.Random(99)
    seq_a = [answer_from_spec(SEED, {"random": True}, rng_a) for _ in range(10)]
    assert seq_a == [answer_from_spec(SEED, {"random": True}, rng_b) for _ in range(10)]


def test_structured_single_select_answer() -> None:
    expected = {"selected_value": "reject", "selected_label": "❌ Reject"}
    assert answer(STRUCT, {"choose": "reject"}) == expected
    assert answer(STRUCT, {"choose": "❌ Reject"}) == expected
    assert answer(STRUCT, {"choose": 1}) == expected
    assert answer(STRUCT, {"random": True})["selected_value"] in {"approve", "reject", "escalate"}


def test_multi_select_answers_in_both_forms() -> None:
    assert answer(MULTI_LEGACY, {"choose_many": ["Off-topic", 0]}) == ["Spam", "Off-topic"]
    assert answer(MULTI_LEGACY, {"choose": "Abuse"}) == ["Abuse"]
    assert answer(MULTI_STRUCT, {"choose_many": ["hours", "📍 Incorrect Address"]}) == {
        "selected_values": ["address", "hours"],
        "selected_labels": ["📍 Incorrect Address", "🕒 Outdated Hours"],
    }
    with pytest.raises(ValueError, match="selects 3 option"):
        answer(MULTI_STRUCT, {"choose_many": [0, 1, 2]})
    with pytest.raises(ValueError, match="selects 'phone' more than once"):
        answer(MULTI_STRUCT, {"choose_many": ["phone", 1]})
    for seed in range(20):
        picked = answer(MULTI_STRUCT, {"choose_many": "random"}, seed)["selected_values"]
        assert 1 <= len(picked) <= 2


def test_rating_answers() -> None:
    assert answer(RATING_LEGACY, {"rating": 4}) == 4
    assert answer(RATING, {"rating": 7.5}) == {"rating": 7.5, "rating_label": "Good Quality"}
    assert answer(RATING, {"rating": 10.0}) == {"rating": 10, "rating_label": "Excellent"}
    seed_cfg = cfg("rating", {"scale_max": 5})
    assert answer(seed_cfg, {"rating": 4}) == {"rating": 4, "rating_label": None}
    with pytest.raises(ValueError, match="rating 11 is outside the scale 1-10"):
        answer(RATING, {"rating": 11})
    with pytest.raises(ValueError, match=r"rating 2\.2 is not on a step of 0\.5"):
        answer(RATING, {"rating": 2.2})
    for seed in range(20):
        value = answer(RATING, {"random": True}, seed)["rating"]
        assert 1 <= value <= 10 and (value * 2) == int(value * 2)


def test_number_answers() -> None:
    assert answer(NUMBER_LEGACY, {"number": 42}) == 42
    assert answer(NUMBER, {"number": 299.99}) == {
        "number": 299.99,
        "formatted_value": "$299.99 USD",
    }
    units = cfg(
        "number", {"min_value": 0, "max_value": 1000, "decimal_places": 0, "suffix": " units"}
    )
    assert answer(units, {"number": 347}) == {"number": 347, "formatted_value": "347 units"}
    with pytest.raises(ValueError, match="number 20 is below the minimum 50"):
        answer(NUMBER, {"number": 20})
    with pytest.raises(ValueError, match="has more than 2 decimal places"):
        answer(NUMBER, {"number": 99.999})
    for seed in range(20):
        value = answer(NUMBER, {"random": True}, seed)["number"]
        assert 50 <= value <= 500 and round(value, 2) == value


def test_boolean_and_text_answers() -> None:
    assert answer(BOOL_LEGACY, {"boolean": True}) is True
    assert answer(BOOL, {"boolean": False}) == {"boolean": False, "boolean_label": "✅ Legit"}
    assert {answer(BOOL_LEGACY, {"random": True}, seed) for seed in range(20)} == {True, False}
    note = "A considered review of the article, accurate and well sourced."
    assert answer(TEXT, {"text": note}) == note
    with pytest.raises(ValueError, match="text must be at least 50 characters"):
        answer(TEXT, {"text": "Too short"})
    for seed in range(20):
        text = answer(TEXT, {"random": True}, seed)
        assert 50 <= len(text.strip()) <= 80


def test_spec_that_does_not_fit_raises_value_error() -> None:
    with pytest.raises(ValueError, match="'rating' does not apply to a single_select request"):
        answer(SEED, {"rating": 3})
    with pytest.raises(ValueError, match="only one of: choose, text"):
        answer(SEED, {"choose": 0, "text": "x"})
    with pytest.raises(ValueError, match="an answer needs one of"):
        answer(SEED, {"after": "5m"})


@pytest.mark.parametrize(
    ("response_type", "spec", "problem"),
    [
        ("single_select", {"choose": "Approve", "after": "1m"}, None),
        ("multi_select", {"choose_many": ["a", 1]}, None),
        ("rating", {"random": True}, None),
        ("single_select", {"rating": 3}, "'rating' does not apply to a single_select request"),
        ("text", {"choose": 1}, "'choose' does not apply to a text request (use text or random)"),
        ("boolean", {"boolean": "yes"}, "boolean must be true or false"),
        ("number", {"number": True}, "number must be a number"),
        ("single_select", {"choose": 1.5}, "choose must be an option value, label"),
        ("multi_select", {"choose_many": "a,b"}, "choose_many must be a list"),
        ("text", {"random": False}, "random must be true"),
        ("slider", {"random": True}, "unknown response type: slider"),
        ("text", "approve", "an answer must be a mapping"),
    ],
)
def test_fits_spec(response_type: str, spec: Any, problem: str | None) -> None:
    result = fits_spec(response_type, spec)
    if problem is None:
        assert result is None
    else:
        assert result is not None and result.startswith(problem)


# --- validate_response_data -----------------------------------------------------------------


def test_submitted_data_is_normalized_to_the_request_form() -> None:
    assert validate_response_data(SEED, {"selected_value": SEED_OPTIONS[0]}) == SEED_OPTIONS[0]
    assert validate_response_data(STRUCT, "❌ Reject") == {
        "selected_value": "reject",
        "selected_label": "❌ Reject",
    }
    assert validate_response_data(MULTI_LEGACY, {"selected_values": ["Spam"]}) == ["Spam"]
    assert validate_response_data(MULTI_STRUCT, ["phone"])["selected_labels"] == [
        "📞 Wrong Phone Number"
    ]
    assert validate_response_data(RATING_LEGACY, {"rating": 3}) == 3
    assert validate_response_data(RATING, 5) == {"rating": 5, "rating_label": "Average"}
    assert validate_response_data(NUMBER, {"number": 75, "formatted_value": "?"}) == {
        "number": 75,
        "formatted_value": "$75.00 USD",
    }
    assert validate_response_data(BOOL, True) == {"boolean": True, "boolean_label": "🚨 Suspicious"}
    assert validate_response_data(BOOL_LEGACY, {"boolean": False}) is False


@pytest.mark.parametrize(
    ("config", "data", "problem"),
    [
        (STRUCT, "Approve", "response_data must be one of the options: approve, reject"),
        (STRUCT, {"selected_value": "approve", "selected_label": "x"}, "label 'x' does not"),
        (STRUCT, {"selected_value": "approve", "note": "x"}, "unexpected key: note"),
        (MULTI_STRUCT, ["phone", "hours", "address"], "selects 3 option(s)"),
        (MULTI_STRUCT, {"selected_values": "phone"}, "selected_values must be an array"),
        (BOOL, {"boolean": True, "boolean_label": "✅ Legit"}, "boolean_label must be"),
        (TEXT, "   ", "response_data must be at least 50 characters"),
        (NUMBER_LEGACY, -1, "response_data must not be negative"),
        (RATING, "5", "response_data must be a number"),
        (TEXT, None, "response_data is required"),
    ],
)
def test_submitted_data_that_does_not_fit(config: ResponseConfig, data: Any, problem: str) -> None:
    with pytest.raises(ValueError) as info:
        validate_response_data(config, data)
    assert problem in str(info.value)


def test_one_scripted_spec_answers_each_response_type_as_it_fits_every_time() -> None:
    # a step's spec is read once per response type: what fits one type may not fit another
    spec = {"choose": 0}
    for _ in range(2):
        assert answer(SEED, spec) == SEED_OPTIONS[0]
        with pytest.raises(ValueError, match="'choose' does not apply to a text request"):
            answer(TEXT, spec)
    unfit = {"text": 5}
    for _ in range(2):
        with pytest.raises(ValueError, match="text must be a string"):
            answer(TEXT, unfit)
