"""HITL create/update request bodies: current shape, older seed shape, lenient and strict."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from mockserver.base.errors import ApiError
from mockserver.vendors.hitl.response_types import SelectOption
from mockserver.vendors.hitl.validation import (
    FIELD_NAMES,
    CreateRequestInput,
    parse_create_request,
    parse_update_request,
    validate_create_request,
)

SEED_OPTIONS = [
    "✅ Approve - Follows guidelines",
    "⚠️ Approve with Warning - Minor issues",
    "❌ Reject - Violates guidelines",
    "🚨 Reject and Flag - Serious violation",
]
# The seed quickstart (https://docs.hitl.sh/quickstart), step 4 (no `type`, no `platform`, a
# default outside the options)
SEED_STEP4 = {
    "loop_id": "65f1234567890abcdef12345",
    "request_text": 'Please review this user comment:\n\n"Check out my link in bio!"',
    "response_type": "single_select",
    "response_config": {"options": SEED_OPTIONS},
    "priority": "medium",
    "processing_type": "time-sensitive",
    "default_response": "❌ Reject - Review timeout",
    "timeout_seconds": 3600,
}
# A body with every field openapi marks required (hitl-sh/docs.hitl.sh responses/types.mdx
# @0e23b17)
DOCS_BODY = {
    "processing_type": "time-sensitive",
    "type": "markdown",
    "priority": "high",
    "request_text": "Please review this user comment for community guideline compliance:",
    "response_type": "single_select",
    "response_config": {
        "options": [{"value": "approve", "label": "✅ Approve"}, {"value": "reject", "label": "❌"}]
    },
    "default_response": "reject",
    "timeout_seconds": 1800,
    "platform": "api",
}


def failed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with pytest.raises(ApiError) as info:
        fn(*args, **kwargs)
    assert (info.value.status, info.value.message) == (400, "Validation failed")
    return info.value.data


def lenient(body: Any) -> CreateRequestInput:
    return parse_create_request(body, strict=False)


def test_seed_quickstart_request_is_accepted_leniently() -> None:
    req = lenient(SEED_STEP4)
    assert (req.processing_type, req.type, req.priority, req.platform) == (
        "time-sensitive",
        "markdown",
        "medium",
        "api",
    )
    assert (req.response_type, req.response_config.form) == ("single_select", "legacy")
    assert req.response_config.raw == {"options": SEED_OPTIONS}
    assert (req.default_response, req.timeout_seconds, req.legacy) == (
        "❌ Reject - Review timeout",
        3600,
        None,
    )
    # The sample wins over the documented required list: strict fills in the same defaults.
    assert parse_create_request(SEED_STEP4, strict=True) == req


def test_seed_complete_example_without_timeout_or_default() -> None:
    body = {k: v for k, v in SEED_STEP4.items() if k not in ("timeout_seconds", "default_response")}
    body["metadata"] = {"user_id": "user123", "content_type": "comment"}
    req = lenient(body)
    assert (req.timeout_seconds, req.default_response) == (3600, None)
    assert req.metadata == {"user_id": "user123", "content_type": "comment"}


def test_documented_body_passes_strict_mode() -> None:
    req = parse_create_request(DOCS_BODY, strict=True)
    assert (req.priority, req.timeout_seconds, req.default_response) == ("high", 1800, "reject")
    assert req.response_config.options[0] == SelectOption("approve", "✅ Approve")
    with_loop = parse_create_request(
        DOCS_BODY | {"loop_id": "65f1234567890abcdef12345"}, strict=True
    )
    assert with_loop == req


# Fields openapi marks required that the vendor's own samples leave out (the seed quickstart's
# steps 4 and 7 and use cases): strict mode fills them in as lenient mode does.
SAMPLES_OMIT = ("timeout_seconds", "default_response", "platform", "priority", "type")


@pytest.mark.parametrize("drop", [*SAMPLES_OMIT, "processing_type"])
def test_strict_mode_accepts_what_the_samples_leave_out(drop: str) -> None:
    body = {k: v for k, v in DOCS_BODY.items() if k != drop}
    assert parse_create_request(body, strict=True) == lenient(body)


@pytest.mark.parametrize(
    ("drop", "problem", "lenient_problem"),
    [
        ("request_text", "request_text is required", "request_text is required"),
        # a config without its type cannot be read in either mode
        ("response_type", "response_type is required", "response_type is required"),
    ],
)
def test_strict_mode_requires_documented_fields(
    drop: str, problem: str, lenient_problem: str | None
) -> None:
    body = {k: v for k, v in DOCS_BODY.items() if k != drop}
    assert failed(parse_create_request, body, strict=True) == problem
    if lenient_problem is None:
        assert lenient(body).request_text == DOCS_BODY["request_text"]
    else:
        assert failed(parse_create_request, body, strict=False) == lenient_problem


def test_missing_response_config_is_required_in_strict_and_invalid_for_selects() -> None:
    body = {k: v for k, v in DOCS_BODY.items() if k != "response_config"}
    assert failed(parse_create_request, body, strict=True) == "response_config is required"
    with pytest.raises(ApiError) as info:
        lenient(body)
    assert (info.value.message, info.value.data) == (
        "Invalid response configuration",
        "options array required for select response type",
    )
    text = body | {"response_type": "text", "default_response": "none"}
    assert lenient(text).response_config.max_length == 1000


def test_strict_mode_checks_platform_and_unknown_keys() -> None:
    assert failed(parse_create_request, DOCS_BODY | {"platform": "cli"}, strict=True) == (
        "platform must be one of: n8n, zapier, web_portal, api, mobile, webhook"
    )
    assert lenient(DOCS_BODY | {"platform": "cli"}).platform == "cli"
    assert failed(parse_create_request, DOCS_BODY | {"platform": 5}, strict=False) == (
        "platform must be a string"
    )
    assert failed(parse_create_request, DOCS_BODY | {"title": "x"}, strict=True) == (
        "unknown field: title"
    )
    assert lenient(DOCS_BODY | {"title": "x"}).request_text == DOCS_BODY["request_text"]


def test_timeouts() -> None:
    deferred = DOCS_BODY | {"processing_type": "deferred"}
    assert lenient(
        {k: v for k, v in deferred.items() if k != "timeout_seconds"}
    ).timeout_seconds == (2592000)
    assert lenient(deferred | {"timeout_seconds": 604800}).timeout_seconds == 604800
    assert failed(parse_create_request, deferred | {"timeout_seconds": 604800}, strict=True) == (
        "timeout_seconds must be between 60 and 86400"
    )
    for bad in ("3600", True, 3600.0):
        assert failed(parse_create_request, DOCS_BODY | {"timeout_seconds": bad}, strict=False) == (
            "timeout_seconds must be an integer"
        )
    assert failed(parse_create_request, DOCS_BODY | {"timeout_seconds": 59}, strict=False) == (
        "timeout_seconds must be between 60 and 86400"
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"request_text": ""}, "request_text must be between 1 and 2000 characters"),
        ({"request_text": "x" * 2001}, "request_text must be between 1 and 2000 characters"),
        ({"request_text": 5}, "request_text must be a string"),
        ({"request_text": None}, "request_text is required"),
        ({"priority": "urgent"}, "priority must be one of: low, medium, high, critical"),
        ({"processing_type": "asap"}, "processing_type must be one of: time-sensitive, deferred"),
        ({"type": "pdf"}, "type must be one of: markdown, image, file, video, audio"),
        ({"type": "image"}, "image_url is required when type is 'image'"),
        ({"type": "file"}, "file_url is required when type is 'file'"),
        (
            {"type": "image", "image_url": "not a url"},
            "image_url must be a valid http or https URL",
        ),
        ({"context": ["x"]}, "context must be an object"),
        ({"context": {"blob": "x" * 51200}}, "context must be under 50KB"),
        ({"metadata": "x"}, "metadata must be an object"),
        ({"tags": ["a", 1]}, "tags must be an array of strings"),
        (
            {"callback_url": "ftp://example.com/hook"},
            "callback_url must be a valid http or https URL",
        ),
        ({"response_type": "slider"}, "response_type must be one of: text, single_select, "),
        (
            {"default_response": "maybe"},
            "default_response must be one of the options: approve, reject",
        ),
    ],
)
def test_create_request_field_errors(change: dict[str, Any], problem: str) -> None:
    data = failed(parse_create_request, DOCS_BODY | change, strict=False)
    assert data.startswith(problem)


def test_response_config_errors_use_their_own_message() -> None:
    with pytest.raises(ApiError) as info:
        lenient(DOCS_BODY | {"response_config": {}})
    assert (info.value.message, info.value.data) == (
        "Invalid response configuration",
        "options array required for select response type",
    )
    assert failed(parse_create_request, "not an object", strict=False) == (
        "request body must be a JSON object"
    )


def test_optional_fields_are_kept() -> None:
    req = lenient(
        DOCS_BODY
        | {
            "type": "image",
            "image_url": "https://example.com/a.jpg",
            "callback_url": "https://hooks.example.com/hitl",
            "tags": ["spam", "urgent"],
            "platform": "n8n",
            "platform_version": "1.0.0",
            "context": {"post_id": "p1"},
        }
    )
    assert (req.type, req.image_url, req.callback_url) == (
        "image",
        "https://example.com/a.jpg",
        "https://hooks.example.com/hitl",
    )
    assert (req.tags, req.platform, req.platform_version, req.context) == (
        ("spam", "urgent"),
        "n8n",
        "1.0.0",
        {"post_id": "p1"},
    )


def test_the_route_stores_every_field_the_body_sets_and_no_other() -> None:
    """What the create route stores (validate_create_request's fields): each field the body
    sets, checked, with its default where it sets none; a field sent as null is not set."""
    body = DOCS_BODY | {
        "type": "video",
        "video_url": "https://example.com/v.mp4",
        "file_name": "v.mp4",
        "metadata": {"m": [1, None]},
        "tags": ["a"],
        "callback_url": "https://hooks.example.com/h",
        "platform_version": "2",
        "context": {"c": 1},
        "image_url": None,
        "file_type": None,
    }
    for strict in (False, True):
        parts = validate_create_request(body, strict=strict)
        assert parts.fields == {
            "request_text": DOCS_BODY["request_text"],
            "response_type": "single_select",
            "processing_type": "time-sensitive",
            "type": "video",
            "priority": "high",
            "timeout_seconds": 1800,
            "video_url": "https://example.com/v.mp4",
            "file_name": "v.mp4",
            "context": {"c": 1},
            "metadata": {"m": [1, None]},
            "platform": "api",
            "platform_version": "2",
            "callback_url": "https://hooks.example.com/h",
            "tags": ["a"],
        }
        assert parts.default_response == "reject" and parts.legacy is None
    assert set(parts.fields) <= set(FIELD_NAMES)
    assert set(FIELD_NAMES) | {"response_config", "default_response", "legacy"} == {
        f.name for f in dataclasses.fields(CreateRequestInput)
    }
    older = validate_create_request(
        {"content": "aGVsbG8=", "content_type": "document", "priority": "urgent"}, strict=False
    )
    assert older.fields == {
        "priority": "critical",
        "request_text": "Review this document",
        "type": "file",
        "file_url": "data:application/octet-stream;base64,aGVsbG8=",
        "response_type": "single_select",
        "processing_type": "time-sensitive",
        "timeout_seconds": 3600,
        "platform": "api",
    }
    assert older.legacy == {"content": "aGVsbG8=", "content_type": "document", "priority": "urgent"}


def test_missing_response_type_and_config_default_to_legacy_decisions() -> None:
    body = {"request_text": "Review this", "processing_type": "deferred"}
    req = lenient(body)
    assert (req.response_type, req.response_config.form) == ("single_select", "legacy")
    assert [o.value for o in req.response_config.options] == [
        "Approve",
        "Reject",
        "Needs Changes",
        "Escalate",
    ]
    assert failed(
        parse_create_request, body | {"response_config": {"max_length": 5}}, strict=False
    ) == ("response_type is required")


# --- PATCH ----------------------------------------------------------------------------------


def test_update_request_returns_typed_fields_for_dataclasses_replace() -> None:
    current = parse_create_request(DOCS_BODY, strict=True)
    updates = parse_update_request(
        {"request_text": "New text", "priority": "low", "tags": ["a"], "callback_url": None},
        current,
        strict=False,
    )
    assert updates == {
        "request_text": "New text",
        "priority": "low",
        "tags": ("a",),
        "callback_url": None,
    }
    assert dataclasses.replace(current, **updates).priority == "low"


def test_update_request_checks_defaults_and_configs() -> None:
    current = parse_create_request(DOCS_BODY, strict=True)
    assert failed(parse_update_request, {"default_response": "maybe"}, current, strict=False) == (
        "default_response must be one of the options: approve, reject"
    )
    new_cfg = {"options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]}
    updates = parse_update_request({"response_config": new_cfg}, current, strict=False)
    assert [o.value for o in updates["response_config"].options] == ["yes", "no"]
    assert failed(parse_update_request, {"response_config": new_cfg}, current, strict=True) == (
        "default_response must be one of the options: yes, no"
    )
    as_dict = {
        "response_type": "rating",
        "response_config": {"scale_max": 5},
        "processing_type": "deferred",
    }
    assert parse_update_request(
        {"default_response": 4, "timeout_seconds": 604800}, as_dict, strict=False
    ) == {
        "default_response": 4,
        "timeout_seconds": 604800,
    }
    assert failed(parse_update_request, {"default_response": 9}, as_dict, strict=False) == (
        "default_response 9 is outside the scale 1-5"
    )


def test_update_request_errors() -> None:
    current = parse_create_request(DOCS_BODY, strict=True)
    for body in ({}, {"colour": "red"}):
        with pytest.raises(ApiError) as info:
            parse_update_request(body, current, strict=False)
        assert (info.value.status, info.value.message) == (
            400,
            "At least one field must be provided for update",
        )
    assert failed(parse_update_request, {"priority": "urgent"}, current, strict=False) == (
        "priority must be one of: low, medium, high, critical"
    )
    assert failed(parse_update_request, {"timeout_seconds": 10}, current, strict=False) == (
        "timeout_seconds must be between 60 and 86400"
    )
    assert failed(parse_update_request, {"response_type": "text"}, current, strict=True) == (
        "field cannot be updated: response_type"
    )
    assert failed(parse_update_request, {"priority": "low", "x": 1}, current, strict=True) == (
        "unknown field: x"
    )
