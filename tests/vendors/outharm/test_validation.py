"""Outharm request validation: one test per documented rule, asserting status, name and message."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.base.errors import ApiError
from mockserver.vendors.outharm.models import DEFAULT_SCHEMA, DEFAULT_SCHEMA_ID, Schema
from mockserver.vendors.outharm.validation import (
    check_content_type,
    parse_body,
    validate_submission,
)

SCHEMAS = {DEFAULT_SCHEMA_ID: DEFAULT_SCHEMA}

# The seed docs' request example for POST /moderation/manual, verbatim.
SEED_EXAMPLE: dict[str, Any] = {
    "schema_id": "550e8400-e29b-41d4-a716-446655440000",
    "content": {
        "title": ["User-generated content requiring expert review"],
        "description": [
            "Complex content that needs human judgment",
            "Context-sensitive material to evaluate",
        ],
        "images": [
            "https://example.com/user-uploaded-image.jpg",
            "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD...",
        ],
    },
}


def body(content: Any) -> dict[str, Any]:
    return {"schema_id": DEFAULT_SCHEMA_ID, "content": content}


def fails(payload: Any, schemas: dict[str, Schema] | None = None) -> ApiError:
    with pytest.raises(ApiError) as info:
        validate_submission(payload, SCHEMAS if schemas is None else schemas)
    return info.value


def assert_error(err: ApiError, status: int, code: str, message: str) -> None:
    assert (err.status, err.code, err.message) == (status, code, message)


def test_seed_example_validates_against_default_schema() -> None:
    schema, content = validate_submission(SEED_EXAMPLE, SCHEMAS)
    assert schema is DEFAULT_SCHEMA
    assert content == SEED_EXAMPLE["content"]
    assert list(content) == ["title", "description", "images"]


def test_schema_id_is_case_insensitive() -> None:
    schema, _ = validate_submission(
        {"schema_id": DEFAULT_SCHEMA_ID.upper(), "content": {"title": ["hi"]}}, SCHEMAS
    )
    assert schema is DEFAULT_SCHEMA


@pytest.mark.parametrize("content_type", ["application/json", "Application/JSON; charset=utf-8"])
def test_content_type_json_is_accepted(content_type: str) -> None:
    check_content_type(content_type)


@pytest.mark.parametrize("content_type", [None, "", "text/plain", "application/jsonx"])
def test_content_type_other_is_invalid_content_type(content_type: str | None) -> None:
    with pytest.raises(ApiError) as info:
        check_content_type(content_type)
    assert_error(info.value, 400, "invalid-content-type", "Content-Type must be application/json")


def test_body_not_json_is_validation_error() -> None:
    with pytest.raises(ApiError) as info:
        parse_body(b"{not json")
    assert_error(info.value, 400, "validation-error", "Request body must be valid JSON")
    assert parse_body(b'{"a": 1}') == {"a": 1}


@pytest.mark.parametrize("payload", [None, [], "text", 3])
def test_body_not_object_is_missing_field(payload: Any) -> None:
    assert_error(
        fails(payload),
        400,
        "missing-field",
        "Request body must be a JSON object with schema_id and content",
    )


@pytest.mark.parametrize("payload", [{"content": {"title": ["x"]}}, {"schema_id": None}])
def test_schema_id_missing_is_missing_field(payload: dict[str, Any]) -> None:
    assert_error(fails(payload), 400, "missing-field", "Field 'schema_id' is required")


@pytest.mark.parametrize("schema_id", ["not-a-uuid", 42, DEFAULT_SCHEMA_ID.replace("-", "")])
def test_schema_id_not_uuid_is_invalid_field_value(schema_id: Any) -> None:
    err = fails({"schema_id": schema_id, "content": {"title": ["x"]}})
    assert_error(err, 400, "invalid-field-value", "Field 'schema_id' must be a valid UUID")


def test_unknown_schema_is_schema_not_found() -> None:
    err = fails({"schema_id": "123e4567-e89b-12d3-a456-426614174000", "content": {"title": ["x"]}})
    assert_error(err, 404, "schema-not-found", "Schema not found or not accessible")


def test_content_missing_is_missing_field() -> None:
    err = fails({"schema_id": DEFAULT_SCHEMA_ID})
    assert_error(err, 400, "missing-field", "Field 'content' is required")


@pytest.mark.parametrize("content", [["title", "x"], "title", 1])
def test_content_not_object_is_invalid_field_value(content: Any) -> None:
    err = fails(body(content))
    assert_error(
        err, 400, "invalid-field-value", "Field 'content' must be an object of value arrays"
    )


def test_empty_content_is_validation_error() -> None:
    assert_error(fails(body({})), 400, "validation-error", "Content cannot be empty")


def test_more_than_50_fields_is_validation_error() -> None:
    content = {f"f{i}": ["x"] for i in range(51)}
    err = fails(body(content))
    assert_error(err, 400, "validation-error", "Content cannot have more than 50 fields, got 51")


def test_50_fields_pass_the_count_rule() -> None:
    components = {f"f{i}": "text" for i in range(50)}
    schema = Schema(DEFAULT_SCHEMA_ID, "Wide", components)
    _, content = validate_submission(
        body({name: ["x"] for name in components}), {DEFAULT_SCHEMA_ID: schema}
    )
    assert len(content) == 50


def test_empty_field_name_is_validation_error() -> None:
    assert_error(fails(body({"": ["x"]})), 400, "validation-error", "Field names cannot be empty")


def test_field_name_over_100_characters_is_validation_error() -> None:
    name = "a" * 101
    err = fails(body({name: ["x"]}))
    assert_error(err, 400, "validation-error", f"Field '{name}' name cannot exceed 100 characters")


def test_field_not_in_schema_is_validation_error() -> None:
    err = fails(body({"title": ["x"], "tags": ["y"]}))
    message = "Field 'tags' is not a component of schema 'General content'"
    assert_error(err, 400, "validation-error", message)


@pytest.mark.parametrize("value", ["just a string", {"0": "x"}, None])
def test_value_not_array_is_invalid_field_value(value: Any) -> None:
    err = fails(body({"title": value}))
    assert_error(err, 400, "invalid-field-value", "Field 'title' must be an array of values")


def test_empty_array_is_validation_error() -> None:
    err = fails(body({"title": []}))
    assert_error(err, 400, "validation-error", "Field 'title' must have at least one value")


def test_more_than_100_values_is_validation_error() -> None:
    err = fails(body({"comments": ["x"] * 101}))
    message = "Field 'comments' cannot have more than 100 values, got 101"
    assert_error(err, 400, "validation-error", message)
    assert len(validate_submission(body({"comments": ["x"] * 100}), SCHEMAS)[1]["comments"]) == 100


@pytest.mark.parametrize("value", ["", "   ", "\n\t"])
def test_blank_value_is_validation_error(value: str) -> None:
    err = fails(body({"title": ["ok", value]}))
    message = "Field 'title' value at index 1 cannot be empty or whitespace-only"
    assert_error(err, 400, "validation-error", message)


@pytest.mark.parametrize("value", [1, None, ["x"], {"url": "x"}, True])
def test_non_string_value_is_invalid_field_value(value: Any) -> None:
    err = fails(body({"title": [value]}))
    assert_error(err, 400, "invalid-field-value", "Field 'title' value at index 0 must be a string")


def test_url_of_2048_characters_is_validation_error() -> None:
    prefix = "https://example.com/"
    too_long = prefix + "a" * (2048 - len(prefix))
    err = fails(body({"images": [too_long]}))
    message = "Field 'images' value at index 0: URL must be under 2048 characters"
    assert_error(err, 400, "validation-error", message)
    validate_submission(body({"images": [too_long[:-1]]}), SCHEMAS)


def test_data_url_without_base64_is_invalid_image_format() -> None:
    err = fails(body({"avatar": ["data:image/png,rawbytes"]}))
    message = "Field 'avatar' value at index 0: data URL must include ';base64,'"
    assert_error(err, 400, "invalid-image-format", message)


@pytest.mark.parametrize("value", ["example.com/a.jpg", "ftp://example.com/a.jpg", "a cat"])
def test_image_value_not_url_is_invalid_image_format(value: str) -> None:
    err = fails(body({"images": [value]}))
    message = "Field 'images' value at index 0 must be an http(s) URL or a base64 data URL"
    assert_error(err, 400, "invalid-image-format", message)


def test_text_values_that_look_like_urls_are_plain_text() -> None:
    long_url = "https://example.com/" + "a" * 3000
    _, content = validate_submission(body({"body": [long_url, "data:nothing"]}), SCHEMAS)
    assert content["body"] == [long_url, "data:nothing"]


def test_structure_is_checked_before_the_schema_lookup() -> None:
    err = fails({"schema_id": "123e4567-e89b-12d3-a456-426614174000", "content": {}})
    assert err.code == "validation-error"
