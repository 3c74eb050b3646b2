"""Outharm errors through HTTP: auth (https://outharm.com/docs/api/auth), the error body shape
with `status_code` as a string (https://outharm.com/docs/api/errors), and the core's not-found /
not-allowed / too-large / injected-fault answers."""

from __future__ import annotations

import time
from typing import Any

import pytest

from .conftest import AUTH, SCHEMA_ID, Api, MakeSandbox

BODY = {"schema_id": SCHEMA_ID, "content": {"title": ["hello"]}}
ENDPOINTS = ["/moderation/automated", "/moderation/manual"]


async def error_of(resp: Any) -> tuple[int, dict[str, Any]]:
    body = await resp.json()
    assert set(body) == {"name", "message", "status_code"}
    assert body["status_code"] == str(resp.status)  # a STRING (outharm.com/docs/api/errors)
    return resp.status, body


@pytest.fixture
async def api(sandbox: MakeSandbox) -> Api:
    return await sandbox({"tokens": ["om-test", "om-other"]})


@pytest.mark.parametrize("path", ENDPOINTS)
async def test_no_authorization_header_is_token_required(api: Api, path: str) -> None:
    status, body = await error_of(await api.post(path, BODY, headers={}))
    assert status == 401
    assert body == {
        "name": "token-required",
        "message": "API token is required",
        "status_code": "401",
    }


async def test_an_empty_authorization_header_counts_as_missing(api: Api) -> None:
    status, body = await error_of(
        await api.post(ENDPOINTS[0], BODY, headers={"Authorization": " "})
    )
    assert (status, body["name"]) == (401, "token-required")


@pytest.mark.parametrize(
    "header", ["om-test", "Basic b20tdGVzdA==", "Bearer", "Bearer ", "Token om-test", "Bearer a b"]
)
async def test_a_malformed_header_is_invalid_token_format(api: Api, header: str) -> None:
    status, body = await error_of(
        await api.post(ENDPOINTS[0], BODY, headers={"Authorization": header})
    )
    assert status == 400
    assert body == {
        "name": "invalid-token-format",
        "message": "Invalid API token format",
        "status_code": "400",
    }


@pytest.mark.parametrize("path", ENDPOINTS)
async def test_an_unknown_token_is_invalid_token(api: Api, path: str) -> None:
    resp = await api.post(path, BODY, headers={"Authorization": "Bearer om-revoked"})
    status, body = await error_of(resp)
    assert status == 401
    assert body == {
        "name": "invalid-token",
        "message": "API token not found or invalid",
        "status_code": "401",
    }


async def test_every_listed_token_works_and_the_scheme_ignores_case(api: Api) -> None:
    for header in ("Bearer om-test", "bearer om-other", "BEARER  om-test "):
        resp = await api.post(ENDPOINTS[0], BODY, headers={"Authorization": header})
        assert resp.status == 200, header


async def test_any_token_is_accepted_when_the_scenario_lists_none(sandbox: MakeSandbox) -> None:
    api = await sandbox({})
    resp = await api.post(
        ENDPOINTS[0], BODY, headers={"Authorization": "Bearer your_api_token_here"}
    )
    assert resp.status == 200


async def test_auth_is_checked_before_the_body_and_on_add_to_queue(api: Api) -> None:
    status, body = await error_of(await api.post(ENDPOINTS[1], data=b"{", headers={}))
    assert (status, body["name"]) == (401, "token-required")
    resp = await api.post(
        "/submissions/123e4567-e89b-12d3-a456-426614174000/moderation/manual", headers={}
    )
    assert (await error_of(resp))[1]["name"] == "token-required"
    resp = await api.post(
        "/submissions/123e4567-e89b-12d3-a456-426614174000/moderation/manual",
        headers={"Authorization": "Bearer nope"},
    )
    assert (await error_of(resp))[1]["name"] == "invalid-token"


async def test_an_unknown_path_is_not_found_in_outharm_shape(api: Api) -> None:
    status, body = await error_of(await api.post("/moderation/nothing", BODY))
    assert status == 404
    assert body["name"] == "not-found"
    assert body["message"] == "No such endpoint: POST /moderation/nothing"


async def test_a_wrong_method_is_not_allowed_in_outharm_shape(api: Api) -> None:
    resp = await api.client.get("/moderation/manual", headers=AUTH)
    status, body = await error_of(resp)
    assert (status, body["name"]) == (405, "not-allowed")


async def test_a_body_over_the_size_limit_is_content_too_large_400(sandbox: MakeSandbox) -> None:
    api = await sandbox({}, settings={"max_body": 2000})
    big = {"schema_id": SCHEMA_ID, "content": {"title": ["x" * 5000]}}
    status, body = await error_of(await api.post(ENDPOINTS[0], big))
    # https://outharm.com/docs/api/errors lists content-too-large among the 400s.
    assert (status, body["name"]) == (400, "content-too-large")


async def test_an_injected_fault_is_rendered_in_outharm_shape(sandbox: MakeSandbox) -> None:
    faults = [{"vendor": "outharm", "path": "/moderation/*", "status": 503, "times": 1}]
    api = await sandbox({}, faults=faults)
    status, body = await error_of(await api.post(ENDPOINTS[0], BODY))
    assert status == 503
    assert body == {
        "name": "service-unavailable",
        "message": "Service temporarily unavailable",
        "status_code": "503",
    }
    assert (await api.post(ENDPOINTS[0], BODY)).status == 200


async def test_a_rule_fail_step_answers_the_submission_with_an_error(sandbox: MakeSandbox) -> None:
    manual = [{"when": {"first": 1}, "then": {"fail": {"status": 429}}}]
    api = await sandbox({"manual": manual})
    status, body = await error_of(await api.post(ENDPOINTS[1], BODY))
    assert body == {
        "name": "too-many-requests",
        "message": "Too Many Requests",
        "status_code": "429",
    }
    assert status == 429
    assert (await api.post(ENDPOINTS[1], BODY)).status == 200
    assert [i["status"] for i in (await api.control("GET", "/items?vendor=outharm"))["items"]] == [
        "queued"
    ]


async def test_manual_endpoints_need_the_manual_subscription(sandbox: MakeSandbox) -> None:
    api = await sandbox({"manual_subscription": False})
    expected = {
        "name": "manual-moderation-subscription-required",
        "message": "Manual moderation subscription required",
        "status_code": "403",
    }
    scored = await api.automated({"title": ["fine"]})  # automated needs no manual subscription
    for resp in (await api.post(ENDPOINTS[1], BODY), await api.queue(scored["submission_id"])):
        status, body = await error_of(resp)
        assert (status, body) == (403, expected)


async def test_a_rule_fail_latency_delays_the_answer_in_real_time(sandbox: MakeSandbox) -> None:
    """docs/fidelity.md: scripted latency is real time (what a client's timeout sees).
    A lower bound only: a slow machine can take longer, never less."""
    manual = [{"when": {"first": 1}, "then": {"fail": {"latency": "200ms"}}}]
    api = await sandbox({"manual": manual})
    started = time.monotonic()
    resp = await api.post(ENDPOINTS[1], BODY)
    assert time.monotonic() - started >= 0.2
    assert resp.status == 200, await resp.text()  # a latency alone still accepts the call
