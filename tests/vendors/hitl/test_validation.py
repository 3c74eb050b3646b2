"""HITL validation: object ids, loop bodies, list queries and feedback (requests: separate file)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mockserver.base.errors import ApiError
from mockserver.vendors.hitl.lifecycle import LIFECYCLE
from mockserver.vendors.hitl.validation import (
    ListQuery,
    check_object_id,
    parse_create_loop,
    parse_feedback,
    parse_list_query,
    parse_update_loop,
)

LOOP_ID = "65f1234567890abcdef12345"
SEED_LOOP = {
    "name": "Content Moderation Team",
    "description": "Reviews user-generated content for community guidelines compliance",
    "icon": "🛡️",
}


def raises(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> ApiError:
    with pytest.raises(ApiError) as info:
        fn(*args, **kwargs)
    assert info.value.status == 400
    return info.value


def failed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    err = raises(fn, *args, **kwargs)
    assert err.message == "Validation failed"
    return err.data


# --- ids ------------------------------------------------------------------------------------


def test_object_ids() -> None:
    assert check_object_id(LOOP_ID, "loop") == LOOP_ID
    assert check_object_id(LOOP_ID.upper(), "request") == LOOP_ID
    for kind, bad in (("loop", "123"), ("request", "z" * 24), ("user", LOOP_ID + "0")):
        err = raises(check_object_id, bad, kind)
        # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
        assert err.message == f"Invalid {kind} ID format"
        assert bad in err.data


# --- loops ----------------------------------------------------------------------------------


def test_create_loop_seed_body_in_both_modes() -> None:
    expected = dict(SEED_LOOP)
    assert parse_create_loop(SEED_LOOP) == expected
    assert parse_create_loop(SEED_LOOP, strict=True) == expected


def test_create_loop_icon_is_required_only_in_strict_mode() -> None:
    loop = parse_create_loop({"name": "Team"})
    assert loop == {"name": "Team", "description": "", "icon": "shield-check"}
    assert parse_create_loop({"name": "Team", "icon": ""})["icon"] == "shield-check"
    assert failed(parse_create_loop, {"name": "Team"}, strict=True) == "icon is required"
    assert failed(parse_create_loop, {"name": "Team", "icon": "i" * 101}) == (
        "icon must be at most 100 characters"
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({}, "name is required"),
        ({"name": None}, "name is required"),
        ({"name": 5}, "name must be a string"),
        ({"name": ""}, "name must be between 1 and 100 characters"),
        ({"name": "   "}, "name must be between 1 and 100 characters"),
        ({"name": "n" * 101}, "name must be between 1 and 100 characters"),
        ({"name": "ok", "description": "d" * 501}, "description must be at most 500 characters"),
        ({"name": "ok", "description": ["x"]}, "description must be a string"),
        ("name=Team", "request body must be a JSON object"),
    ],
)
def test_create_loop_errors(body: Any, problem: str) -> None:
    assert failed(parse_create_loop, body) == problem


def test_create_loop_extra_keys_lenient_only() -> None:
    body = {"name": "Team", "icon": "eye", "color": "blue"}
    assert parse_create_loop(body)["icon"] == "eye"
    assert failed(parse_create_loop, body, strict=True) == "unknown field: color"


def test_update_loop() -> None:
    assert parse_update_loop({"name": "Renamed"}) == {"name": "Renamed"}
    assert parse_update_loop({"description": None, "icon": "eye"}) == {
        "description": "",
        "icon": "eye",
    }
    for body in ({}, {"colour": "red"}):
        err = raises(parse_update_loop, body)
        assert (err.message, err.data) == ("At least one field must be provided for update", None)
    assert failed(parse_update_loop, {"name": ""}) == "name must be between 1 and 100 characters"
    assert failed(parse_update_loop, {"name": "x", "colour": "red"}, strict=True) == (
        "unknown field: colour"
    )


STATUSES = LIFECYCLE.names

# --- list query -----------------------------------------------------------------------------


def test_list_query_defaults_and_values() -> None:
    assert parse_list_query({}, STATUSES) == ListQuery(None, None, None, 50, 0, "created_at_desc")
    query = {
        "status": "claimed",
        "priority": "critical",
        "loop_id": LOOP_ID.upper(),
        "limit": "100",
        "offset": "20",
        "sort": "priority_desc",
    }
    assert parse_list_query(query, STATUSES) == ListQuery(
        "claimed", "critical", LOOP_ID, 100, 20, "priority_desc"
    )
    assert parse_list_query({"status": "", "limit": ""}, STATUSES) == ListQuery()


def test_list_query_errors() -> None:
    err = raises(parse_list_query, {"status": "done"}, STATUSES)
    assert (err.message, err.data) == (
        "Invalid status filter value",
        "status must be one of: pending, claimed, completed, timeout, cancelled",
    )
    err = raises(parse_list_query, {"priority": "urgent"}, STATUSES)
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    assert (err.message, err.data) == (
        "Invalid priority filter value",
        "priority must be one of: low, medium, high, critical",
    )
    assert (
        raises(parse_list_query, {"loop_id": "abc"}, STATUSES).message == "Invalid loop ID format"
    )
    for limit in ("0", "101", "ten", "1.5"):
        err = raises(parse_list_query, {"limit": limit}, STATUSES)
        assert (err.message, err.data) == (
            "Invalid pagination parameters",
            "limit must be between 1 and 100",
        )
    err = raises(parse_list_query, {"offset": "-1"}, STATUSES)
    assert (err.message, err.data) == (
        "Invalid pagination parameters",
        "offset must be a non-negative integer",
    )
    assert failed(parse_list_query, {"sort": "newest"}, STATUSES) == (
        "sort must be one of: created_at_desc, created_at_asc, priority_desc, status_asc"
    )
    assert failed(parse_list_query, {"foo": "1"}, STATUSES) == "unknown query parameter: foo"


# --- feedback -------------------------------------------------------------------------------


def test_feedback_accepts_documented_fields_and_extras() -> None:
    feedback = {
        "rating": 5,
        "accuracy": 4.5,
        "timeliness": 1,
        "helpfulness": 3,
        "comment": "c" * 1000,
        "would_recommend": True,
        "follow_up_needed": False,
        "tags": ["fast"],
        "category": "positive",
        "reviewer_mood": "great",
    }
    assert parse_feedback({"feedback": feedback}) == feedback


def test_feedback_score_and_comment_messages() -> None:
    for key in ("rating", "accuracy", "timeliness", "helpfulness"):
        for bad in (0, 6, 5.5):
            err = raises(parse_feedback, {"feedback": {key: bad}})
            assert (err.message, err.data) == (
                "Rating values must be between 1 and 5",
                f"{key} must be between 1 and 5",
            )
    err = raises(parse_feedback, {"feedback": {"comment": "c" * 1001}})
    assert (err.message, err.data) == (
        "Comment exceeds maximum length of 1000 characters",
        "comment is 1001 characters long",
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({}, "feedback is required"),
        ({"feedback": None}, "feedback is required"),
        ({"feedback": {}}, "feedback must not be empty"),
        ({"feedback": "great"}, "feedback must be an object"),
        ({"feedback": {"rating": True}}, "rating must be a number"),
        ({"feedback": {"rating": "5"}}, "rating must be a number"),
        ({"feedback": {"comment": 5}}, "comment must be a string"),
        ({"feedback": {"would_recommend": "yes"}}, "would_recommend must be a boolean"),
        ({"feedback": {"follow_up_needed": 1}}, "follow_up_needed must be a boolean"),
        ({"feedback": {"tags": ["ok", 2]}}, "tags must be an array of strings"),
        (
            {"feedback": {"category": "meh"}},
            "category must be one of: positive, constructive, issue",
        ),
        (["feedback"], "request body must be a JSON object"),
    ],
)
def test_feedback_validation_errors(body: Any, problem: str) -> None:
    assert failed(parse_feedback, body) == problem
