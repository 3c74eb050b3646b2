"""Lenience and strict mode for Outharm (issue 22): each convenience the sandbox allows beyond
Outharm's documents is a lenience note naming its public source, and strict mode (`--strict`
or `outharm: {strict: true}`) refuses it with Outharm's `{name, message, status_code}` body.
The documented calls get no note in either mode."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario

SCHEMA_ID = "550e8400-e29b-41d4-a716-446655440000"
BODY = {"schema_id": SCHEMA_ID, "content": {"title": ["Blog post about AI safety"]}}
BEARER = {"Authorization": "Bearer om-test"}
HOOK = "{url: 'http://127.0.0.1:9/hook', secret: s}"  # never called: nobody decides here


@dataclass(frozen=True)
class Case:
    rule: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    detail: str
    strict: tuple[int, str, str]  # status, name, message
    source: str
    webhook: bool = True


CASES = [
    Case(
        "outharm.bearer_scheme_case",
        "/moderation/automated",
        BODY,
        {"Authorization": "bearer om-test"},
        "bearer",
        (400, "invalid-token-format", "Invalid API token format"),
        "https://outharm.com/docs/api/auth",
    ),
    Case(
        "outharm.unknown_field",
        "/moderation/automated",
        {**BODY, "priority": "high"},
        BEARER,
        "priority",
        (400, "validation-error", "Unknown field 'priority'"),
        "https://outharm.com/docs/api/automated",
    ),
    Case(
        "outharm.manual_without_webhook",
        "/moderation/manual",
        BODY,
        BEARER,
        "",
        (
            400,
            "webhook-not-configured",
            "Manual moderation needs a webhook endpoint (Console, Manual Moderation settings)",
        ),
        "https://outharm.com/docs/api/manual",
        webhook=False,
    ),
]


async def _client(aiohttp_client: Any, *, strict: bool, section: str) -> Any:
    text = f"clock: manual\noutharm: {section}\n"
    scenario = parse_scenario(text, "t.yaml", VENDORS)
    app = build_app(Settings(strict=strict), VENDORS, ScenarioLibrary(scenario))
    return await aiohttp_client(app)


def _section(webhook: bool, strict: bool = False) -> str:
    keys = [f"webhook: {HOOK}"] if webhook else []
    if strict:
        keys.append("strict: true")
    return "{" + ", ".join(keys) + "}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
async def test_a_convenience_is_noted_when_lenient_and_refused_when_strict(
    aiohttp_client: Any, case: Case
) -> None:
    lenient = await _client(aiohttp_client, strict=False, section=_section(case.webhook))
    resp = await lenient.post(case.path, json=case.body, headers=case.headers)
    assert resp.status == 200, await resp.text()
    entry = (await (await lenient.get("/_mockserver/journal")).json())["entries"][-1]
    (note,) = entry["lenience"]
    assert (note["rule"], note.get("detail", ""), note["source"]) == (
        case.rule,
        case.detail,
        case.source,
    )
    assert note["real"] == f"answer {case.strict[0]}: {case.strict[2]}"
    report = await (await lenient.get("/_mockserver/lenience")).json()
    assert [(r["rule"], r["count"]) for r in report["rules"]] == [(case.rule, 1)]

    for strict in (
        await _client(aiohttp_client, strict=True, section=_section(case.webhook)),
        await _client(aiohttp_client, strict=False, section=_section(case.webhook, strict=True)),
    ):
        resp = await strict.post(case.path, json=case.body, headers=case.headers)
        status, name, message = case.strict
        assert (resp.status, await resp.json()) == (
            status,
            {"name": name, "message": message, "status_code": str(status)},
        )
        items = await (await strict.get("/_mockserver/items?vendor=outharm")).json()
        assert items["items"] == []  # refused before anything was kept


async def test_an_appeal_without_a_webhook_is_noted_too(aiohttp_client: Any) -> None:
    client = await _client(aiohttp_client, strict=False, section="{}")
    automated = await client.post("/moderation/automated", json=BODY, headers=BEARER)
    submission = (await automated.json())["submission_id"]
    resp = await client.post(f"/submissions/{submission}/moderation/manual", headers=BEARER)
    assert resp.status == 200
    report = await (await client.get("/_mockserver/lenience")).json()
    assert [r["rule"] for r in report["rules"]] == ["outharm.manual_without_webhook"]


@pytest.mark.parametrize("strict", [False, True])
async def test_the_documented_calls_get_no_note(aiohttp_client: Any, strict: bool) -> None:
    # The seed's and the API pages' calls: Bearer, {schema_id, content}, a webhook configured.
    client = await _client(aiohttp_client, strict=strict, section=_section(True))
    automated = await client.post("/moderation/automated", json=BODY, headers=BEARER)
    assert automated.status == 200
    submission = (await automated.json())["submission_id"]
    queued = await client.post(f"/submissions/{submission}/moderation/manual", headers=BEARER)
    assert queued.status == 200
    manual = await client.post("/moderation/manual", json=BODY, headers=BEARER)
    assert manual.status == 200
    report = await (await client.get("/_mockserver/lenience")).json()
    assert report == {"rules": [], "total": 0}
