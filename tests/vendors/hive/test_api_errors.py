"""Every refusal answers a clear 4xx in one JSON shape: `{code, error, message[, details]}`
(Hive documents no error body; docs/fidelity.md)."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from .conftest import MODELS_HOST, Sandbox

TEXT = {"patron_id": "u", "post_id": "p", "text_data": "hello"}


def without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


@pytest.mark.parametrize(
    ("path", "body", "code", "needle"),
    [
        (
            "/api/v1/task/sync",
            {**TEXT, "url": "https://x.test/a.jpg"},
            "conflicting_fields",
            "exactly one",
        ),
        ("/api/v1/task/sync", without(TEXT, "text_data"), "missing_field", "text_data"),
        ("/api/v1/task/sync", {**TEXT, "text_data": ""}, "missing_field", "text_data"),
        ("/api/v1/task/sync", without(TEXT, "post_id"), "missing_field", "post_id"),
        ("/api/v1/task/sync", without(TEXT, "patron_id"), "missing_field", "patron_id"),
        ("/api/v2/task/sync", without(TEXT, "patron_id"), "missing_field", "user_id"),
        ("/api/v1/task/sync", {**TEXT, "user_id": "other"}, "conflicting_fields", "user_id"),
        ("/api/v1/task/async", TEXT, "missing_field", "callback_url"),
        ("/api/v1/task/sync", {**TEXT, "post_id": {"a": 1}}, "invalid_field", "post_id"),
        (
            "/api/v1/task/sync",
            {**TEXT, "content_metadata": "nope"},
            "invalid_field",
            "content_metadata",
        ),
        (
            "/api/v1/task/sync",
            {**without(TEXT, "text_data"), "url": "ftp://x/a.jpg"},
            "unsupported_input",
            "http",
        ),
        ("/api/v2/task/sync", {**TEXT, "models": ["visual"]}, "unsupported_input", "visual"),
        ("/api/v2/task/sync", {**TEXT, "models": []}, "invalid_field", "models"),
        ("/api/v1/report", {"post_id": "p"}, "missing_field", "report_categories"),
        ("/api/v1/report", {"report_categories": ["spam"]}, "missing_field", "post_id"),
    ],
)
async def test_bad_fields(
    sandbox: Sandbox, path: str, body: dict[str, Any], code: str, needle: str
) -> None:
    hive = await sandbox()
    error = await hive.error(await hive.post(path, body), 400, code)
    assert needle in error["message"]


async def test_media_is_refused_by_the_dashboard(sandbox: Sandbox) -> None:
    hive = await sandbox()
    form = aiohttp.FormData()
    form.add_field("patron_id", "u")
    form.add_field("post_id", "p")
    form.add_field("media", b"...", filename="a.png", content_type="image/png")
    await hive.error(await hive.post("/api/v1/task/sync", data=form), 400, "unsupported_input")


async def test_models_api_needs_exactly_one_input(sandbox: Sandbox) -> None:
    hive = await sandbox()
    resp = await hive.post("/api/v2/task/sync", data={"metadata": "x"}, host=MODELS_HOST)
    error = await hive.error(resp, 400, "missing_field")
    assert "media, url and text_data" in error["message"]
    form = {"url": "https://x.test/a.jpg", "text_data": "hi"}
    resp = await hive.post("/models/api/v2/task/sync", data=form)
    await hive.error(resp, 400, "conflicting_fields")
    for blank in (" ", "\x85", "\u2028"):  # white space only (make fuzz found "\x85": a 500)
        resp = await hive.post("/models/api/v2/task/sync", data={"url": blank})
        error = await hive.error(resp, 400, "missing_field")
        assert "url is blank" in error["message"]


@pytest.mark.parametrize(
    ("auth", "status", "code"),
    [
        ({}, 401, "unauthorized"),
        ({"authorization": "Bearer hive-test"}, 401, "unauthorized"),
        ({"authorization": "token"}, 401, "unauthorized"),
        ({"authorization": "token wrong-key"}, 403, "forbidden"),
    ],
)
async def test_bad_keys(sandbox: Sandbox, auth: dict[str, str], status: int, code: str) -> None:
    hive = await sandbox()
    await hive.error(await hive.post("/api/v1/task/sync", TEXT, auth=auth), status, code)
    resp = await hive.post(
        "/api/v2/task/sync", data={"text_data": "x"}, auth=auth, host=MODELS_HOST
    )
    await hive.error(resp, status, code)


@pytest.mark.parametrize(
    ("data", "content_type", "status", "code"),
    [
        ('{"patron_id": "u",', "application/json", 400, "invalid_json"),
        ('["not", "an", "object"]', "application/json", 400, "invalid_json"),
        ("patron_id=u", "text/plain", 415, "unsupported_media_type"),
        ("", "application/json", 400, "empty_body"),
    ],
)
async def test_bad_bodies(
    sandbox: Sandbox, data: str, content_type: str, status: int, code: str
) -> None:
    hive = await sandbox()
    resp = await hive.post("/api/v1/task/sync", data=data, content_type=content_type)
    await hive.error(resp, status, code)


async def test_report_needs_submitted_content_and_the_dashboard(sandbox: Sandbox) -> None:
    hive = await sandbox()
    report = {"post_id": "never-sent", "report_categories": ["spam"]}
    error = await hive.error(await hive.post("/api/v1/report", report), 404, "not_found")
    assert "never-sent" in error["message"]
    resp = await hive.post("/api/v1/report", report, host=MODELS_HOST)
    await hive.error(resp, 404, "not_found")


async def test_get_task_errors(sandbox: Sandbox) -> None:
    hive = await sandbox()
    auth = {"authorization": "token hive-test"}
    resp = await hive.client.get("/api/v1/task?task_id=x", headers=auth)  # Dashboard host
    await hive.error(resp, 404, "not_found")
    resp = await hive.client.get("/models/api/v1/task", headers=auth)
    await hive.error(resp, 400, "missing_field")
    resp = await hive.client.get("/models/api/v1/task?task_id=nope", headers=auth)
    await hive.error(resp, 404, "not_found")
    resp = await hive.client.get("/models/api/v1/task?task_id=x")
    await hive.error(resp, 401, "unauthorized")


async def test_unknown_paths_and_methods_answer_in_the_same_shape(sandbox: Sandbox) -> None:
    hive = await sandbox()
    await hive.error(await hive.post("/api/v1/nothing", TEXT), 404, "not_found")
    resp = await hive.client.get("/api/v1/task/sync", headers={"authorization": "token hive-test"})
    await hive.error(resp, 405, "not_allowed")


async def test_scenario_faults_use_the_hive_shape(sandbox: Sandbox) -> None:
    from .conftest import SCENARIO

    hive = await sandbox(
        SCENARIO + "faults:\n  - {vendor: hive, path: /api/v1/task/*, status: 503, times: 1}\n"
    )
    error = await hive.error(await hive.post("/api/v1/task/sync", TEXT), 503, "server_error")
    assert error["message"] == "Service temporarily unavailable"
    await hive.ok("/api/v1/task/sync", TEXT)
