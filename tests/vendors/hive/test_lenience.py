"""Lenience and strict mode for Hive (issue 22): each convenience the sandbox allows beyond
Hive's documents is a lenience note naming its public source (on the call's journal entry and
in `GET /_mockserver/lenience`), and strict mode (`--strict` or `hive: {strict: true}`) refuses
it with Hive's error body. Documented calls get no note in either mode."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario

AUTH = {"authorization": "token k"}
TEXT = {"text_data": "hello", "post_id": "p1"}


@dataclass(frozen=True)
class Case:
    """A call that relies on one convenience, and what strict mode answers instead."""

    rule: str
    method: str
    path: str
    json: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    detail: str = ""
    strict: tuple[int, str] = (400, "invalid_field")
    source: str = "https://docs.thehive.ai/"


CASES = [
    Case(
        "hive.numeric_id",
        "POST",
        "/api/v1/task/sync",
        {**TEXT, "post_id": 7, "patron_id": "u"},
        detail="post_id",
    ),
    Case(
        "hive.numeric_id",
        "POST",
        "/api/v1/report",
        {"user_id": 42, "report_categories": ["spam"]},
        detail="user_id",
    ),
    Case(
        "hive.user_id_name",
        "POST",
        "/api/v2/task/sync",
        {**TEXT, "patron_id": "u"},
        detail="patron_id on v2",
        strict=(400, "missing_field"),
        source="https://docs.thehive.ai/docs/dashboard-api-reference-v2-multi-model-support",
    ),
    Case(
        "hive.user_id_name",
        "POST",
        "/api/v1/task/sync",
        {**TEXT, "patron_id": "u", "user_id": "u"},
        detail="both names sent",
        strict=(400, "conflicting_fields"),
    ),
    Case(
        "hive.callback_url_on_sync",
        "POST",
        "/api/v1/task/sync",
        {**TEXT, "patron_id": "u", "callback_url": "https://example.com/cb"},
    ),
    Case(
        "hive.callback_url_on_sync",
        "POST",
        "/api/v2/task/sync",
        form={"text_data": "hi", "callback_url": "https://example.com/cb"},
        headers={"Host": "api.thehive.ai"},
        source="https://docs.thehive.ai/reference/submit-a-task-synchronously",
    ),
    Case(
        "hive.unknown_field",
        "POST",
        "/api/v1/task/sync",
        {**TEXT, "patron_id": "u", "priority": "high"},
        detail="priority",
    ),
    Case(
        "hive.unknown_field",
        "POST",
        "/api/v2/task/sync",
        form={"text_data": "hi", "x": "1"},
        headers={"Host": "api.thehive.ai"},
        detail="x",
    ),
    Case(
        "hive.unknown_field",
        "POST",
        "/api/v1/report",
        {"post_id": "p1", "report_categories": ["spam"], "severity": 3},
        detail="severity",
    ),
    Case(
        "hive.models_alias",
        "POST",
        "/models/api/v2/task/sync",
        form={"text_data": "hi"},
        detail="the /models path alias",
        strict=(404, "not_found"),
    ),
    Case(
        "hive.content_type_guessed",
        "POST",
        "/api/v1/task/sync",
        raw=b'{"text_data": "hi", "post_id": "p1", "patron_id": "u"}',
        strict=(415, "unsupported_media_type"),
    ),
]


async def _client(aiohttp_client: Any, *, strict: bool, section: str = "{}") -> Any:
    text = f"clock: manual\nhive: {section}\n"
    scenario = parse_scenario(text, "t.yaml", VENDORS)
    app = build_app(Settings(strict=strict), VENDORS, ScenarioLibrary(scenario))
    return await aiohttp_client(app)


async def _send(client: Any, case: Case) -> tuple[int, Any]:
    headers = {**AUTH, **case.headers}
    if case.raw is not None:
        # a body with no Content-Type at all (aiohttp would add one to bytes otherwise)
        resp = await client.request(
            case.method,
            case.path,
            data=case.raw,
            headers=headers,
            skip_auto_headers={"Content-Type"},
        )
    elif case.form is not None:
        resp = await client.request(case.method, case.path, data=case.form, headers=headers)
    else:
        resp = await client.request(case.method, case.path, json=case.json, headers=headers)
    return resp.status, await resp.json()


async def _first_report(client: Any) -> None:
    """Reports need the post (or user) to have been submitted first
    (https://docs.thehive.ai/docs/submit-user-reports-to-the-dashboard)."""
    for post in ({**TEXT, "patron_id": "42"}, {**TEXT, "user_id": "42"}):
        resp = await client.post("/api/v1/task/sync", json=post, headers=AUTH)
        assert resp.status == 200


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule}-{c.path}-{c.detail}")
async def test_a_convenience_is_noted_when_lenient_and_refused_when_strict(
    aiohttp_client: Any, case: Case
) -> None:
    lenient = await _client(aiohttp_client, strict=False)
    await _first_report(lenient)
    status, body = await _send(lenient, case)
    assert status == 200, body
    entry = (await (await lenient.get("/_mockserver/journal?limit=1")).json())["entries"][-1]
    (note,) = entry["lenience"]
    assert (note["rule"], note.get("detail", "")) == (case.rule, case.detail)
    assert note["source"].startswith(case.source)
    report = await (await lenient.get("/_mockserver/lenience")).json()
    assert [(r["rule"], r["count"]) for r in report["rules"]] == [(case.rule, 1)]
    assert report["rules"][0]["real"].startswith(f"answer {case.strict[0]}: ")

    for strict in (
        await _client(aiohttp_client, strict=True),
        await _client(aiohttp_client, strict=False, section="{strict: true}"),
    ):
        await _first_report(strict)
        status, body = await _send(strict, case)
        assert (status, body["code"], body["error"]) == (case.strict[0], *case.strict), body
        assert body["message"] == report["rules"][0]["real"].split(": ", 1)[1]


async def test_the_models_host_alias_is_noted_and_not_an_alias_when_strict(
    aiohttp_client: Any,
) -> None:
    headers = {**AUTH, "Host": "models.localhost:8080"}
    lenient = await _client(aiohttp_client, strict=False)
    resp = await lenient.post("/api/v2/task/sync", data={"text_data": "hi"}, headers=headers)
    assert resp.status == 200 and (await resp.json())["code"] == 200  # the Models API
    report = await (await lenient.get("/_mockserver/lenience")).json()
    assert [(r["rule"], r["detail"]) for r in report["rules"]] == [
        ("hive.models_alias", "a models.* Host alias")
    ]
    strict = await _client(aiohttp_client, strict=True)
    resp = await strict.post("/api/v2/task/sync", data={"text_data": "hi"}, headers=headers)
    assert resp.status == 400  # the Dashboard's: no post_id, no user_id
    assert (await resp.json())["error"] == "missing_field"


@pytest.mark.parametrize(
    "path, body, headers",
    [
        ("/api/v1/task/sync", {**TEXT, "patron_id": "u1"}, {}),  # the seed's v1
        ("/api/v1/task/sync", {**TEXT, "user_id": "u1"}, {}),  # newer docs; oneprojectorg
        ("/api/v1/task/async", {**TEXT, "user_id": "u1", "callback_url": "https://e.x/c"}, {}),
        ("/api/v2/task/sync", {**TEXT, "user_id": "u1", "models": ["text"]}, {}),
        ("/api/v2/task/sync", {"text_data": "hi"}, {"Host": "api.thehive.ai"}),
        (
            "/api/v2/task/async",
            {"url": "https://e.x/a.jpg", "callback_url": "https://e.x/c", "metadata": "{}"},
            {"Host": "api.thehive.ai"},
        ),
    ],
)
async def test_documented_calls_get_no_note_and_pass_strict(
    aiohttp_client: Any, path: str, body: dict[str, Any], headers: dict[str, str]
) -> None:
    for strict in (False, True):
        client = await _client(aiohttp_client, strict=strict)
        resp = await client.post(path, json=body, headers={**AUTH, **headers})
        assert resp.status == 200, await resp.text()
        report = await (await client.get("/_mockserver/lenience")).json()
        assert report == {"rules": [], "total": 0}
