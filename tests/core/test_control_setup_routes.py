"""The control plane's set-up calls as a CI script reads them: health (which scenario a
namespace runs), reset (one namespace or all, and the log line each leaves), the current
scenario, the schema, and dropping a namespace; each answer in full, so a field that goes
missing or a namespace that is mixed up fails here."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from mockserver import __version__
from mockserver.http import appkeys
from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario
from tests.support.polling import until_async

from .conftest import AUTH, Client, MakeClient, advance, create_loop

BASE = """
name: base
description: One reviewer; nothing is decided unless a test acts.
clock: manual
start: "2026-03-01T12:00:00Z"
reviewers: [{name: Dana Reviewer, email: dana@example.com}]
hitl:
  rules: [{otherwise: timeout}]
"""
OTHER = 'name: other\nclock: manual\nstart: "2026-05-01T08:00:00Z"\n'
TEAM_A = {"X-Mockserver-Namespace": "team-a"}


def state_lines(caplog: pytest.LogCaptureFixture, event: str) -> list[tuple[str, Any]]:
    """The `mockserver.state` log lines of one event, with the namespace each names."""
    return [
        (r.getMessage(), r.__dict__.get("namespace"))
        for r in caplog.records
        if r.__dict__.get("event") == event and r.name == "mockserver.state"
    ]


async def test_health_says_what_runs_for_the_namespace_asking(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    await client.get("/v1/test", headers={"Authorization": "Bearer test-key~team-b"})
    resp = await client.put("/_mockserver/scenario", data=OTHER, headers=TEAM_A)
    assert resp.status == 200
    body = await (await client.get("/_mockserver/health")).json()
    uptime = body.pop("uptime_seconds")
    assert isinstance(uptime, float | int) and 0 <= uptime < 60
    assert body == {
        "status": "ok",
        "version": __version__,
        "scenario": "base",
        "vendors": [v.name for v in VENDORS],
        "namespaces": ["team-a", "team-b"],
        "waits": {"parked": 0, "parked_all": 0},
    }
    body = await (await client.get("/_mockserver/health", headers=TEAM_A)).json()
    assert body["scenario"] == "other"


async def test_health_counts_the_waits_parked_in_the_namespace_and_in_all(
    sandbox: MakeClient,
) -> None:
    """What a script that sends a wait from one thread and acts from another reads to know
    the wait has arrived; asking creates no namespace."""
    client = await sandbox(BASE)

    async def waits(namespace: str) -> dict[str, int]:
        headers = {"X-Mockserver-Namespace": namespace}
        found: dict[str, int] = (
            await (await client.get("/_mockserver/health", headers=headers)).json()
        )["waits"]
        return found

    async def counted() -> bool:
        return await waits("team-a") == {"parked": 1, "parked_all": 1}

    path = "/_mockserver/wait/journal?count=1&method=DELETE&timeout=30"
    wait = asyncio.create_task(client.get(path, headers=TEAM_A))
    await until_async(counted, "the wait counted in health")
    assert await waits("team-b") == {"parked": 0, "parked_all": 1}
    body = await (await client.get("/_mockserver/health")).json()
    assert body["namespaces"] == ["team-a"]  # team-b was only asked about
    await client.post("/_mockserver/reset", headers=TEAM_A)  # the wait answers 503 at once
    assert (await wait).status == 503
    assert await waits("team-a") == {"parked": 0, "parked_all": 0}


async def test_health_counts_uptime_from_the_start(
    aiohttp_client: Callable[..., Awaitable[Client]],
) -> None:
    library = ScenarioLibrary(default=parse_scenario(BASE, "test.yaml", VENDORS))
    app = build_app(Settings(), VENDORS, library)
    app[appkeys.STARTED_AT] = time.time() - 90  # as if started a minute and a half ago
    client = await aiohttp_client(app)
    uptime = (await (await client.get("/_mockserver/health")).json())["uptime_seconds"]
    assert 90 <= uptime < 150


async def test_reset_answers_with_the_fresh_clock_and_logs_the_scenario(
    sandbox: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "mockserver")
    client = await sandbox(BASE)
    await advance(client, "1h")
    resp = await client.post("/_mockserver/reset")
    assert resp.status == 200
    assert await resp.json() == {
        "reset": "",
        "clock": {
            "now": "2026-03-01T12:00:00Z",
            "timestamp": 1772366400.0,
            "mode": "manual",
            "scale": 1.0,
            "pending_timers": 0,
            "next_due": None,
        },
    }
    await client.put("/_mockserver/scenario", data=OTHER, headers=TEAM_A)
    caplog.clear()
    resp = await client.post("/_mockserver/reset", headers=TEAM_A)
    body = await resp.json()
    assert (body["reset"], body["clock"]["now"]) == ("team-a", "2026-05-01T08:00:00Z")
    assert state_lines(caplog, "reset") == [("reset: a fresh world on scenario 'other'", "team-a")]


@pytest.mark.parametrize("flag", ["1", "true"])
async def test_reset_all_names_the_namespaces_left_and_logs_once(
    sandbox: MakeClient, caplog: pytest.LogCaptureFixture, flag: str
) -> None:
    caplog.set_level(logging.INFO, "mockserver")
    client = await sandbox(BASE)
    await create_loop(client)
    await client.post("/_mockserver/clock/advance?namespace=team-a", json={"by": "1h"})
    resp = await client.post(f"/_mockserver/reset?all={flag}")
    assert await resp.json() == {"reset": "all", "namespaces": ["", "team-a"]}
    assert state_lines(caplog, "reset") == [("reset: every namespace", None)]
    clock = await (await client.get("/_mockserver/clock", headers=TEAM_A)).json()
    assert clock["now"] == "2026-03-01T12:00:00Z"
    loops = await (await client.get("/v1/api/loops", headers=AUTH)).json()
    assert loops["data"]["count"] == 0


async def test_reset_with_all_off_resets_only_the_namespace_asking(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    await client.post("/_mockserver/clock/advance?namespace=team-a", json={"by": "1h"})
    resp = await client.post("/_mockserver/reset?all=0")
    assert (await resp.json())["reset"] == ""
    clock = await (await client.get("/_mockserver/clock", headers=TEAM_A)).json()
    assert clock["now"] == "2026-03-01T13:00:00Z"


async def test_the_scenario_download_describes_what_the_namespace_runs(
    sandbox: MakeClient,
) -> None:
    client = await sandbox(BASE)
    body = await (await client.get("/_mockserver/scenario")).json()
    assert body.pop("available") == []  # nothing loaded from a folder
    ready_made = body.pop("ready_made")  # the scenarios shipped with the sandbox
    assert ready_made == sorted(ready_made) and "hitl-reject" in ready_made
    assert body == {
        "problems": [],
        "name": "base",
        "source": "test.yaml",
        "description": "One reviewer; nothing is decided unless a test acts.",
        "clock": "manual",
        "reviewers": [
            {"name": "Dana Reviewer", "email": "dana@example.com", "id": body["reviewers"][0]["id"]}
        ],
    }
    await client.put("/_mockserver/scenario?source=qa/other.yaml", data=OTHER, headers=TEAM_A)
    mine = await (await client.get("/_mockserver/scenario", headers=TEAM_A)).json()
    assert (mine["name"], mine["source"]) == ("other", "qa/other.yaml")


async def test_the_scenario_download_lists_what_the_scenario_got_wrong(
    sandbox: MakeClient,
) -> None:
    yaml = "clock: manual\nhitl:\n  rules:\n    - otherwise: [{respond: {choose: Maybe}}]\n"
    client = await sandbox(yaml)
    assert (await (await client.get("/_mockserver/scenario")).json())["problems"] == []
    loop_id = await create_loop(client)
    body = {
        "request_text": "x",
        "response_type": "single_select",
        "response_config": {"options": ["Approve", "Reject"]},
        "default_response": "Reject",
        "priority": "medium",
        "processing_type": "time-sensitive",
    }
    resp = await client.post(f"/v1/api/loops/{loop_id}/requests", json=body, headers=AUTH)
    assert resp.status == 201
    await advance(client, "1h")
    problems = (await (await client.get("/_mockserver/scenario")).json())["problems"]
    assert len(problems) == 1 and "Maybe" in problems[0]


async def test_a_scenario_by_name_is_loaded_for_one_namespace(
    sandbox: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "mockserver")
    client = await sandbox(BASE)
    name = "hitl-reject"  # shipped with the sandbox
    resp = await client.put("/_mockserver/scenario?namespace=team-a", json={"name": name})
    assert resp.status == 200
    assert (await resp.json())["name"] == name
    mine = await (await client.get("/_mockserver/scenario", headers=TEAM_A)).json()
    theirs = await (await client.get("/_mockserver/scenario")).json()
    assert (mine["name"], theirs["name"]) == (name, "base")
    ((message, namespace),) = state_lines(caplog, "scenario")
    assert message.startswith(f"scenario {name!r} loaded from ") and namespace == "team-a"
    assert not message.endswith("(every namespace reset)")


async def test_a_json_upload_with_more_than_a_name_is_a_scenario(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    resp = await client.put("/_mockserver/scenario", json={"name": "inline", "clock": "manual"})
    assert resp.status == 200
    assert await resp.json() == {"name": "inline", "source": "<uploaded>"}


async def test_an_empty_upload_says_it_declares_nothing(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    names = ", ".join(v.name for v in VENDORS)
    for text, what in [
        ("", "the body is empty"),
        ("# a comment\n", "the body holds only a comment"),
    ]:
        resp = await client.put("/_mockserver/scenario", data=text)
        assert resp.status == 400
        assert (await resp.json())["problems"] == [
            f"<uploaded>:1:1: {what}: it declares nothing for any vendor ({names}); if you sent "
            "a file with `curl -d @file`, curl removed its line breaks, so a first-line comment "
            "swallowed the rest: send it with `--data-binary @file`"
        ]
    # the current scenario is kept
    assert (await (await client.get("/_mockserver/scenario")).json())["name"] == "base"


async def test_the_schema_is_served_at_both_addresses(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    schema = await (await client.get("/_mockserver/schema")).json()
    assert schema == await (await client.get("/_mockserver/scenario.schema.json")).json()
    assert set(v.name for v in VENDORS) <= set(schema["properties"])


async def test_dropping_a_namespace_answers_its_name_or_says_it_is_unknown(
    sandbox: MakeClient,
) -> None:
    client = await sandbox(BASE)
    await client.put("/_mockserver/scenario", data=OTHER, headers=TEAM_A)
    assert await (await client.get("/_mockserver/namespaces")).json() == {"namespaces": ["team-a"]}
    resp = await client.delete("/_mockserver/namespaces/team-a")
    assert (resp.status, await resp.json()) == (200, {"dropped": "team-a"})
    # its scenario override went with it
    body = await (await client.get("/_mockserver/scenario", headers=TEAM_A)).json()
    assert body["name"] == "base"
    resp = await client.delete("/_mockserver/namespaces/nobody")
    assert (resp.status, await resp.json()) == (404, {"error": "no namespace 'nobody'"})


async def test_a_library_name_with_whitespace_around_it_still_loads_the_library_file(
    sandbox: MakeClient,
) -> None:
    client = await sandbox(BASE)
    resp = await client.put("/_mockserver/scenario", data='\n  {"name": "hitl-reject"}\n')
    assert resp.status == 200
    assert await resp.json() == {"name": "hitl-reject", "source": "scenarios/hitl-reject.yaml"}


async def test_a_one_line_json_upload_gets_no_curl_hint(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    text = ' {"clock": "manul", "description": "one line of JSON, as a client sends it"}'
    resp = await client.put("/_mockserver/scenario", data=text)
    assert resp.status == 400
    problems = (await resp.json())["problems"]
    assert len(problems) == 1 and "manul" in problems[0]


async def test_an_upload_saved_in_latin1_is_read_with_replacement_characters(
    sandbox: MakeClient,
) -> None:
    """A file saved by an editor in Latin-1 (`café` as one byte) still loads, never a 500."""
    client = await sandbox(BASE)
    resp = await client.put("/_mockserver/scenario", data=b"clock: manual\ndescription: caf\xe9\n")
    assert (resp.status, await resp.json()) == (200, {"name": "uploaded", "source": "<uploaded>"})
    current = await (await client.get("/_mockserver/scenario")).json()
    assert current["description"] == "caf\ufffd"


async def test_an_upload_of_an_empty_object_declares_nothing(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    resp = await client.put("/_mockserver/scenario", json={})
    assert resp.status == 400
    (problem,) = (await resp.json())["problems"]
    assert "it declares nothing for any vendor" in problem


async def test_a_scaled_clock_upload_is_logged_with_its_scale(
    sandbox: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "mockserver")
    client = await sandbox(BASE)
    resp = await client.put("/_mockserver/scenario", data="name: fast\nclock: scale:60\n")
    assert resp.status == 200
    assert state_lines(caplog, "scenario") == [
        ("scenario 'fast' loaded from <uploaded>, clock scale:60 (every namespace reset)", "")
    ]


async def test_a_reset_back_on_the_default_scenario_says_so_in_the_log(
    sandbox: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "mockserver")
    client = await sandbox(BASE)
    await client.put("/_mockserver/scenario", data=OTHER, headers=TEAM_A)
    resp = await client.post("/_mockserver/reset?scenario=default", headers=TEAM_A)
    body = await resp.json()
    assert (body["reset"], body["clock"]["now"]) == ("team-a", "2026-03-01T12:00:00Z")
    resp = await client.post("/_mockserver/reset?all=1&scenario=default")
    assert await resp.json() == {"reset": "all", "namespaces": []}
    assert state_lines(caplog, "reset") == [
        ("reset: a fresh world on scenario 'base'", "team-a"),
        ("reset: every namespace on the default scenario", None),
    ]
