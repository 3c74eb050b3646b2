"""Every documented validation rule ("Validation Rules" of https://outharm.com/docs/api/automated
and https://outharm.com/docs/api/manual), through HTTP on both endpoints that share them,
asserting status, name, message and the string status_code."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import SCHEMA_ID, Api, MakeSandbox

ENDPOINTS = ["/moderation/automated", "/moderation/manual"]


def body(content: Any) -> dict[str, Any]:
    return {"schema_id": SCHEMA_ID, "content": content}


LONG_NAME = "n" * 101
URL_2048 = "https://example.com/" + "a" * (2048 - len("https://example.com/"))

# (case id, request body, status, name, message)
CASES: list[tuple[str, Any, int, str, str]] = [
    ("empty-content", body({}), 400, "validation-error", "Content cannot be empty"),
    (
        "more-than-50-fields",
        body({f"f{i}": ["x"] for i in range(51)}),
        400,
        "validation-error",
        "Content cannot have more than 50 fields, got 51",
    ),
    (
        "field-not-in-schema",
        body({"headline": ["x"]}),
        400,
        "validation-error",
        "Field 'headline' is not a component of schema 'General content'",
    ),
    ("empty-field-name", body({"": ["x"]}), 400, "validation-error", "Field names cannot be empty"),
    (
        "field-name-over-100",
        body({LONG_NAME: ["x"]}),
        400,
        "validation-error",
        f"Field '{LONG_NAME}' name cannot exceed 100 characters",
    ),
    (
        "empty-array",
        body({"title": []}),
        400,
        "validation-error",
        "Field 'title' must have at least one value",
    ),
    (
        "more-than-100-values",
        body({"title": ["x"] * 101}),
        400,
        "validation-error",
        "Field 'title' cannot have more than 100 values, got 101",
    ),
    (
        "blank-value",
        body({"title": ["ok", " \t "]}),
        400,
        "validation-error",
        "Field 'title' value at index 1 cannot be empty or whitespace-only",
    ),
    (
        "url-of-2048-characters",
        body({"images": [URL_2048]}),
        400,
        "validation-error",
        "Field 'images' value at index 0: URL must be under 2048 characters",
    ),
    (
        "data-url-without-base64",
        body({"images": ["data:image/png,AAAA"]}),
        400,
        "invalid-image-format",
        "Field 'images' value at index 0: data URL must include ';base64,'",
    ),
    (
        "image-neither-url-nor-data-url",
        body({"images": ["ftp://example.com/a.png"]}),
        400,
        "invalid-image-format",
        "Field 'images' value at index 0 must be an http(s) URL or a base64 data URL",
    ),
    (
        "missing-schema-id",
        {"content": {"title": ["x"]}},
        400,
        "missing-field",
        "Field 'schema_id' is required",
    ),
    (
        "schema-id-not-a-uuid",
        {"schema_id": "posts", "content": {"title": ["x"]}},
        400,
        "invalid-field-value",
        "Field 'schema_id' must be a valid UUID",
    ),
    (
        "missing-content",
        {"schema_id": SCHEMA_ID},
        400,
        "missing-field",
        "Field 'content' is required",
    ),
    (
        "content-not-an-object",
        body(["x"]),
        400,
        "invalid-field-value",
        "Field 'content' must be an object of value arrays",
    ),
    (
        "values-not-an-array",
        body({"title": "x"}),
        400,
        "invalid-field-value",
        "Field 'title' must be an array of values",
    ),
    (
        "value-not-a-string",
        body({"title": [3]}),
        400,
        "invalid-field-value",
        "Field 'title' value at index 0 must be a string",
    ),
    (
        "body-not-an-object",
        [1, 2],
        400,
        "missing-field",
        "Request body must be a JSON object with schema_id and content",
    ),
    (
        "schema-not-found",
        {"schema_id": "00000000-0000-4000-8000-000000000000", "content": {"title": ["x"]}},
        404,
        "schema-not-found",
        "Schema not found or not accessible",
    ),
]


@pytest.fixture
async def api(sandbox: MakeSandbox) -> Api:
    return await sandbox({})


async def expect(resp: Any, status: int, name: str, message: str) -> None:
    assert resp.status == status, await resp.text()
    assert await resp.json() == {"name": name, "message": message, "status_code": str(status)}


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    ("payload", "status", "name", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
async def test_rule(
    api: Api, path: str, payload: Any, status: int, name: str, message: str
) -> None:
    await expect(await api.post(path, payload), status, name, message)


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_wrong_content_type(api: Api, path: str, content_type: str | None) -> None:
    headers = {"Authorization": "Bearer t"}
    if content_type:
        headers["Content-Type"] = content_type
    resp = await api.post(path, data=b'{"schema_id": "x"}', headers=headers)
    await expect(resp, 400, "invalid-content-type", "Content-Type must be application/json")


@pytest.mark.parametrize("path", ENDPOINTS)
async def test_body_that_is_not_json(api: Api, path: str) -> None:
    resp = await api.post(
        path,
        data=b"{nope",
        headers={"Authorization": "Bearer t", "Content-Type": "application/json"},
    )
    await expect(resp, 400, "validation-error", "Request body must be valid JSON")


@pytest.mark.parametrize("path", ENDPOINTS)
async def test_limits_themselves_are_accepted(api: Api, path: str) -> None:
    content = {
        "title": ["x"] * 100,
        "n" * 0 + "description": ["y"],
        "images": [URL_2048[:-1], "data:image/png;base64,AAAA"],
    }
    resp = await api.post(path, body(content))
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["submission_id"]


async def test_a_failed_request_creates_no_submission(api: Api) -> None:
    for path in ENDPOINTS:
        await api.post(path, body({}))
    assert (await api.control("GET", "/items?vendor=outharm"))["count"] == 0
