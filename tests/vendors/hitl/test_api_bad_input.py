"""Bad input classes over HTTP: each gets HITL's status and `{error, msg, data}` envelope with a
message naming what is wrong, and never a 500 (issue 2, "Bad input")."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import API, MakeSandbox, Sandbox

INVALID_BODY = "Invalid request body"
FAILED = "Validation failed"
NO_SUCH_ID = "65f1234567890abcdef99999"


def _format_problem(value: str, kind: str) -> str:
    return f"{kind} ID {value!r} is not a 24-character hex ObjectID"


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ('{"name": ', "body is not valid JSON: Expecting value: line 1 column 10 (char 9)"),
        (
            "{'name': 'a'}",
            "body is not valid JSON: Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1)",
        ),
        (
            '{"name": "a"} trailing',
            "body is not valid JSON: Extra data: line 1 column 15 (char 14)",
        ),
        ("[" * 100_000 + "]" * 100_000, "body is nested too deeply (more than 100 levels)"),
    ],
)
async def test_malformed_json(sandbox: Sandbox, raw: str, detail: str) -> None:
    headers = {"Content-Type": "application/json"}
    await sandbox.fail("POST", f"{API}/loops", 400, INVALID_BODY, detail, raw=raw, headers=headers)


async def test_body_that_is_not_utf8(sandbox: Sandbox) -> None:
    reply = await sandbox.call(
        "POST",
        f"{API}/loops",
        raw=b'{"name": "\xff"}',
        headers={"Content-Type": "application/json"},
    )
    assert (reply.status, reply.body["msg"]) == (400, INVALID_BODY)
    assert reply.body["data"].startswith("body is not valid JSON: 'utf-8' codec can't decode")


async def test_missing_body(sandbox: Sandbox, loop_id: str) -> None:
    for path in (f"{API}/loops", f"{API}/loops/{loop_id}/requests"):
        await sandbox.fail("POST", path, 400, INVALID_BODY, "a JSON body is required")


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
async def test_wrong_content_type(sandbox: Sandbox, content_type: str) -> None:
    await sandbox.fail(
        "POST",
        f"{API}/loops",
        400,
        INVALID_BODY,
        f"Content-Type must be application/json, got {content_type}",
        raw='{"name": "a"}',
        headers={"Content-Type": content_type},
    )


async def test_json_with_charset_parameter_is_fine(sandbox: Sandbox) -> None:
    await sandbox.ok(
        "POST",
        f"{API}/loops",
        "Loop created successfully with QR code",
        201,
        raw='{"name": "a"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )


@pytest.mark.parametrize(
    ("fields", "msg", "detail"),
    [
        ({"request_text": 5}, FAILED, "request_text must be a string"),
        ({"request_text": None}, FAILED, "request_text is required"),
        ({"priority": 3}, FAILED, "priority must be one of: low, medium, high, critical"),
        ({"timeout_seconds": "3600"}, FAILED, "timeout_seconds must be an integer"),
        ({"timeout_seconds": True}, FAILED, "timeout_seconds must be an integer"),
        ({"timeout_seconds": 90.5}, FAILED, "timeout_seconds must be an integer"),
        ({"context": "post 7"}, FAILED, "context must be an object"),
        ({"metadata": []}, FAILED, "metadata must be an object"),
        ({"tags": "a,b"}, FAILED, "tags must be an array of strings"),
        ({"tags": [1]}, FAILED, "tags must be an array of strings"),
        ({"callback_url": 1}, FAILED, "callback_url must be a string"),
        (
            {"callback_url": "ftp://x.test/h"},
            FAILED,
            "callback_url must be a valid http or https URL",
        ),
        ({"callback_url": "http://[::1"}, FAILED, "callback_url must be a valid http or https URL"),
        (
            {"response_type": "yes_no"},
            FAILED,
            "response_type must be one of: text, single_select, "
            "multi_select, rating, number, boolean",
        ),
        (
            {"response_config": "Approve,Reject"},
            "Invalid response configuration",
            "response_config must be an object",
        ),
        (
            {"response_config": {"options": "Approve"}},
            "Invalid response configuration",
            "options array required for select response type",
        ),
        (
            {"response_config": {"options": ["A", {"value": "b", "label": "B"}]}},
            "Invalid response configuration",
            "options must be all strings or all objects",
        ),
        ({"type": "image"}, FAILED, "image_url is required when type is 'image'"),
        (
            {"processing_type": "asap"},
            FAILED,
            "processing_type must be one of: time-sensitive, deferred",
        ),
    ],
)
async def test_wrong_field_types_on_create_request(
    sandbox: Sandbox, loop_id: str, fields: dict[str, Any], msg: str, detail: str
) -> None:
    body = {
        "request_text": "Review this",
        "response_type": "single_select",
        "response_config": {"options": ["Approve", "Reject"]},
        **fields,
    }
    await sandbox.fail("POST", f"{API}/loops/{loop_id}/requests", 400, msg, detail, json_body=body)


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({"request_text": ""}, "request_text must be between 1 and 2000 characters"),
        ({"request_text": "   "}, "request_text must be between 1 and 2000 characters"),
        ({"request_text": "x" * 2001}, "request_text must be between 1 and 2000 characters"),
        ({"timeout_seconds": 59}, "timeout_seconds must be between 60 and 86400"),
        ({"timeout_seconds": 86401}, "timeout_seconds must be between 60 and 86400"),
        ({"timeout_seconds": -1}, "timeout_seconds must be between 60 and 86400"),
        (
            {"processing_type": "deferred", "timeout_seconds": 2592001},
            "timeout_seconds must be between 60 and 2592000",
        ),
        ({"context": {"blob": "x" * 51_200}}, "context must be under 50KB"),
    ],
)
async def test_out_of_range_values(
    sandbox: Sandbox, loop_id: str, fields: dict[str, Any], detail: str
) -> None:
    body = {"request_text": "Review this", "response_type": "boolean", **fields}
    await sandbox.fail(
        "POST", f"{API}/loops/{loop_id}/requests", 400, FAILED, detail, json_body=body
    )


async def test_range_edges_are_accepted(sandbox: Sandbox, loop_id: str) -> None:
    edges: tuple[dict[str, Any], ...] = (
        {"request_text": "x" * 2000, "timeout_seconds": 60},
        {"request_text": "x", "timeout_seconds": 86400},
    )
    for fields in edges:
        await sandbox.new_request(loop_id, **fields)


async def test_malformed_and_unknown_ids(sandbox: Sandbox, loop_id: str) -> None:
    rid = (await sandbox.new_request(loop_id))["id"]
    bad = ("123", "zzzzzzzzzzzzzzzzzzzzzzzz", rid + "0", "65f1234567890abcdef1234%20")
    for value in bad:
        shown = value.replace("%20", " ")
        loop_problem = _format_problem(shown, "loop")
        request_problem = _format_problem(shown, "request")
        for method, path in (
            ("GET", f"{API}/loops/{value}"),
            ("GET", f"{API}/loops/{value}/members"),
            ("GET", f"{API}/loops/{value}/requests"),
            ("DELETE", f"{API}/loops/{value}"),
        ):
            await sandbox.fail(method, path, 400, "Invalid loop ID format", loop_problem)
        for method, path in (
            ("GET", f"{API}/requests/{value}"),
            ("DELETE", f"{API}/requests/{value}"),
            ("GET", f"/v1/requests/{value}/response"),
        ):
            # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
            await sandbox.fail(method, path, 400, "Invalid request ID format", request_problem)
    await sandbox.fail("GET", f"{API}/loops/{NO_SUCH_ID}/members", 404, "Loop not found")
    await sandbox.fail(
        "POST",
        f"{API}/requests/{NO_SUCH_ID}/feedback",
        404,
        "Request not found",
        json_body={"feedback": {"rating": 5}},
    )
    await sandbox.fail(
        "PATCH", f"{API}/requests/{NO_SUCH_ID}", 404, "Request not found", json_body={}
    )


async def test_oversized_body_is_413_in_the_hitl_envelope(sandbox: Sandbox) -> None:
    huge = json.dumps({"name": "a", "description": "x" * (1024 * 1024)})
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    await sandbox.fail(
        "POST",
        f"{API}/loops",
        413,
        "Request body is too large",
        raw=huge,
        headers={"Content-Type": "application/json"},
    )
    # Exactly 1 MiB is still read (and then judged on its content).
    padding = 1024 * 1024 - len(json.dumps({"name": "a", "description": ""}))
    at_limit = json.dumps({"name": "a", "description": "x" * padding})
    assert len(at_limit) == 1024 * 1024
    await sandbox.fail(
        "POST",
        f"{API}/loops",
        400,
        FAILED,
        "description must be at most 500 characters",
        raw=at_limit,
        headers={"Content-Type": "application/json"},
    )


@pytest.mark.parametrize(
    "path",
    ["/v1/test", f"{API}/loops", f"{API}/requests", "/v1/loops", "/v1/requests"],
)
async def test_unknown_query_parameters(sandbox: Sandbox, path: str) -> None:
    await sandbox.fail("GET", path + "?verbose=1", 400, FAILED, "unknown query parameter: verbose")


async def test_unknown_query_parameters_on_item_endpoints(sandbox: Sandbox, loop_id: str) -> None:
    rid = (await sandbox.new_request(loop_id))["id"]
    for path in (
        f"{API}/loops/{loop_id}",
        f"{API}/loops/{loop_id}/members",
        f"{API}/loops/{loop_id}/requests",
        f"{API}/requests/{rid}",
        f"/v1/requests/{rid}/response",
    ):
        await sandbox.fail(
            "GET", path + "?expand=all", 400, FAILED, "unknown query parameter: expand"
        )


async def test_unknown_paths_and_methods(sandbox: Sandbox) -> None:
    await sandbox.fail("GET", f"{API}/reviews", 404, "No such endpoint: GET /v1/api/reviews")
    await sandbox.fail("PATCH", f"{API}/loops", 405, "Method PATCH is not allowed on /v1/api/loops")


# -- never a 500 -------------------------------------------------------------------------------
_JUNK: list[Any] = [None, [], "", "x" * 3000, -1, 1.5, True, {"a": [None]}]
_VALID_CONFIGS: dict[str, dict[str, Any]] = {
    "text": {"max_length": 100},
    "single_select": {"options": ["A", "B"]},
    "multi_select": {"options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
    "rating": {"scale_min": 1, "scale_max": 5},
    "number": {"min_value": 0, "max_value": 10},
    "boolean": {"true_label": "Yes", "false_label": "No"},
}
_CONFIG_KEYS = {
    "text": ["max_length", "min_length", "required"],
    "single_select": ["options", "required"],
    "multi_select": ["options", "min_selections", "max_selections"],
    "rating": ["scale_min", "scale_max", "scale_step", "labels", "min", "max"],
    "number": ["min_value", "max_value", "decimal_places", "allow_negative", "min", "max"],
    "boolean": ["true_label", "false_label"],
}
_REQUEST_FIELDS = [
    "request_text",
    "priority",
    "processing_type",
    "type",
    "response_type",
    "response_config",
    "default_response",
    "timeout_seconds",
    "context",
    "metadata",
    "tags",
    "callback_url",
    "platform",
    "platform_version",
    "image_url",
    "file_url",
    "video_url",
    "content",
    "content_type",
    "ai_analysis",
]


def _bodies(target: str) -> list[Any]:
    """Bodies that are valid except for one junk value, so validation reaches every field."""
    bodies: list[Any] = list(_JUNK)
    if target == "loop":
        bodies += [{"name": "a", key: j} for key in ("name", "description", "icon") for j in _JUNK]
    elif target == "feedback":
        keys = ["rating", "accuracy", "comment", "tags", "category", "would_recommend"]
        bodies += [{"feedback": j} for j in _JUNK]
        bodies += [{"feedback": {key: j}} for key in keys for j in _JUNK]
    else:
        for kind, config in _VALID_CONFIGS.items():
            base = {"request_text": "x", "response_type": kind, "response_config": config}
            if target == "patch":
                base = {"response_config": config}
            bodies += [{**base, "default_response": j} for j in _JUNK]
            bodies += [
                {**base, "response_config": {**config, k: j}}
                for k in _CONFIG_KEYS[kind]
                for j in _JUNK
            ]
        if target == "create":
            bodies += [{"request_text": "x", key: j} for key in _REQUEST_FIELDS for j in _JUNK]
            bodies += [{"content": "x", key: j} for key in _REQUEST_FIELDS for j in _JUNK]
        else:
            bodies += [{key: j} for key in _REQUEST_FIELDS for j in _JUNK]
    return bodies


@pytest.mark.parametrize("strict", [False, True])
async def test_no_body_causes_a_server_error(make_sandbox: MakeSandbox, strict: bool) -> None:
    sandbox = await make_sandbox({"strict": strict, "rate_limit": 1_000_000})
    loop_id = (await sandbox.new_loop())["id"]
    pending = (await sandbox.new_request(loop_id))["id"]
    done = (await sandbox.new_request(loop_id))["id"]
    await sandbox.act(done, {"respond": {"choose": "Approve"}})
    targets = [
        ("POST", f"{API}/loops", "loop"),
        ("PUT", f"{API}/loops/{loop_id}", "loop"),
        ("POST", f"{API}/loops/{loop_id}/requests", "create"),
        ("PATCH", f"{API}/requests/{pending}", "patch"),
        ("POST", f"{API}/requests/{done}/feedback", "feedback"),
    ]
    statuses: set[int] = set()
    for method, path, target in targets:
        for body in _bodies(target):
            reply = await sandbox.call(method, path, json_body=body)
            assert reply.status < 500, (method, path, body, reply.body)
            assert set(reply.body) == {"error", "msg", "data"}
            assert reply.body["error"] is (reply.status >= 400)
            assert reply.body["msg"], body
            statuses.add(reply.status)
    assert 400 in statuses
    assert statuses <= {200, 201, 400}
    assert (await sandbox.control("GET", "/journal?status=500"))["count"] == 0
