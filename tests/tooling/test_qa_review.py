"""Reviewing by hand as a QA engineer does (issue 25): "what waits for review" means the same at
every vendor, a finished item has no plan left on it or on the clock, and "time out" by hand
does what its help says."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from mockserver.cli.main import main
from mockserver.http.server import create_app
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS

from .helpers import AUTH, new_request, write

Client = TestClient[Any, Any]
SCHEMA = "550e8400-e29b-41d4-a716-446655440000"
SCENARIO = """
name: qa
clock: manual
start: 2026-01-05T10:00:00Z
reviewers:
  - {name: Dana Reviewer, email: dana@example.com}
hitl: {rules: [{otherwise: [{claim: {after: 1m}}, {respond: {after: 1h, choose: 0}}]}]}
outharm: {manual: [{otherwise: hold}]}
hive:
  text: [{matches: "(?i)idiot", class: bullying, score: 3}]
  rules: [{name: Feed, if: "bullying >= 2", action: review}]
"""


@pytest.fixture
async def sandbox(tmp_path: Path, aiohttp_client: Any) -> Client:
    path = write(tmp_path / "qa.yaml", SCENARIO)
    client: Client = await aiohttp_client(TestServer(create_app(Settings(scenario=str(path)))))
    return client


async def _one_of_each(client: Client) -> dict[str, str]:
    """A HITL request (claimed by hand), a second one left pending, an Outharm submission in
    manual review and a Hive task in the Review Feed: every item waits for a reviewer."""
    claimed = await new_request(client)
    await client.post(f"/_mockserver/items/hitl/{claimed}", json={"claim": {}})
    pending = await new_request(client)
    made = await client.post(
        "/moderation/manual",
        json={"schema_id": SCHEMA, "content": {"title": ["check me"]}},
        headers={"Authorization": "Bearer om"},
    )
    task = await client.post(
        "/api/v1/task/sync",
        json={"user_id": "u", "post_id": "p", "text_data": "you idiot"},
        headers={"Authorization": "token k"},
    )
    return {
        "claimed": claimed,
        "pending": pending,
        "outharm": (await made.json())["submission_id"],
        "hive": (await task.json())["task_id"],
    }


async def _listed(client: Client, query: str) -> list[tuple[str, str]]:
    answer = await client.get(f"/_mockserver/items?{query}")
    assert answer.status == 200, await answer.text()
    return [(i["vendor"], i["status"]) for i in (await answer.json())["items"]]


async def test_waiting_is_what_waits_for_a_reviewer_at_every_vendor(sandbox: Client) -> None:
    await _one_of_each(sandbox)
    waiting = await _listed(sandbox, "status=waiting")
    assert sorted(waiting) == [
        ("hitl", "claimed"),
        ("hitl", "pending"),
        ("hive", "pending"),
        ("outharm", "queued"),
    ]
    # the vendors' own words still mean their own status only
    assert await _listed(sandbox, "status=pending") == [("hitl", "pending"), ("hive", "pending")]
    assert await _listed(sandbox, "status=queued,claimed") == [
        ("hitl", "claimed"),
        ("outharm", "queued"),
    ]
    assert await _listed(sandbox, "status=waiting&vendor=outharm") == [("outharm", "queued")]
    # what each vendor declares, for clients to read
    described = (await (await sandbox.get("/_mockserver/vendors")).json())["vendors"]
    declared = {v.name: list(v.waiting) for v in VENDORS}
    assert {v["name"]: v["waiting"] for v in described} == declared
    assert all(set(v.waiting) <= set(v.statuses) and v.waiting for v in VENDORS)


async def test_a_status_no_vendor_has_is_refused_with_the_words_there_are(sandbox: Client) -> None:
    answer = await sandbox.get("/_mockserver/items?status=pendng")
    assert answer.status == 400
    message = (await answer.json())["error"]
    assert message.startswith("no vendor has the status 'pendng': use 'waiting'")
    assert "outharm: scored, queued, completed" in message
    answer = await sandbox.get("/_mockserver/items?status=queued&vendor=hitl")
    assert answer.status == 400


async def test_trigger_list_waiting_shows_every_vendor(
    sandbox: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = await _one_of_each(sandbox)
    url = str(sandbox.server.make_url("/")).rstrip("/")
    code = await asyncio.to_thread(
        main, ["trigger", "--url", url, "list", "--status", "waiting", "--json"]
    )
    listed = json.loads(capsys.readouterr().out)
    assert code == 0
    assert sorted(i["id"] for i in listed) == sorted(ids.values())
    with pytest.raises(SystemExit):
        await asyncio.to_thread(main, ["trigger", "--url", url, "list", "--help"])
    assert "'waiting' (what waits for a reviewer, at every vendor)" in " ".join(
        capsys.readouterr().out.split()
    )


async def test_a_finished_request_leaves_no_plan_behind(sandbox: Client) -> None:
    answered, cancelled, timed_out = [await new_request(sandbox) for _ in range(3)]
    timers = await (await sandbox.get("/_mockserver/clock/timers")).json()
    assert {t["label"] for t in timers["timers"]} >= {f"{answered}:timeout", f"{answered}:claim"}
    act = "/_mockserver/items/hitl/"
    await sandbox.post(act + answered, json={"respond": {"choose": "Approve"}})
    await sandbox.post(act + cancelled, json="cancel")
    await sandbox.post(act + timed_out, json="timeout")
    timers = await (await sandbox.get("/_mockserver/clock/timers")).json()
    assert timers["timers"] == [] and timers["count"] == 0
    items = (await (await sandbox.get("/_mockserver/items")).json())["items"]
    assert [(i["status"], i["next"]) for i in items] == [
        ("completed", []),
        ("cancelled", []),
        ("timeout", []),
    ]
    clock = await (await sandbox.get("/_mockserver/clock")).json()
    assert (clock["pending_timers"], clock["next_due"]) == (0, None)


async def test_a_new_timeout_replaces_the_old_timer(sandbox: Client) -> None:
    request_id = await new_request(sandbox, timeout_seconds=600)
    patched = await sandbox.patch(
        f"/v1/api/requests/{request_id}", json={"timeout_seconds": 1200}, headers=AUTH
    )
    assert patched.status == 200, await patched.text()
    labels = [
        t["label"]
        for t in (await (await sandbox.get("/_mockserver/clock/timers")).json())["timers"]
        if t["label"].endswith(":timeout")
    ]
    assert labels == [f"{request_id}:timeout"]


async def test_timing_out_by_hand_happens_now_as_the_help_says(
    sandbox: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    request_id = await new_request(sandbox)
    url = str(sandbox.server.make_url("/")).rstrip("/")
    with pytest.raises(SystemExit):
        await asyncio.to_thread(main, ["trigger", "--url", url, "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    said = "the request times out, with its default_response: by hand (trigger, console, control"
    assert said in help_text
    code = await asyncio.to_thread(main, ["trigger", "--url", url, "timeout", request_id])
    assert (code, capsys.readouterr().out) == (0, f"hitl {request_id}: timeout\n")
    got = await (await sandbox.get(f"/v1/api/requests/{request_id}", headers=AUTH)).json()
    request = got["data"]["request"]
    assert (request["status"], request["default_response"]) == ("timeout", "Reject")
    clock = await (await sandbox.get("/_mockserver/clock")).json()
    assert clock["now"] == "2026-01-05T10:00:00Z"  # no time had to pass
