"""The control plane under /_mockserver: reset, scenario, journal, deliveries, clock, reviewer
actions and long-poll waits, including namespace isolation."""

from __future__ import annotations

from typing import Any

from .conftest import (
    AUTH,
    MakeClient,
    advance,
    answered_by,
    create_loop,
    create_request,
    get_request,
)

BASE = """
seed: 5
clock: manual
start: "2026-03-01T12:00:00Z"
reviewers: [{name: Dana Reviewer, email: dana@example.com}]
hitl:
  rules: [{otherwise: timeout}]
"""


async def test_health_names_scenario_and_vendors(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    body = await (await client.get("/_mockserver/health")).json()
    assert body["status"] == "ok" and body["scenario"] == "scenario"
    assert "hitl" in body["vendors"]


async def test_reset_clears_state_journal_deliveries_and_clock(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    loop_id = await create_loop(client)
    await advance(client, "1h")
    assert (await (await client.get("/_mockserver/journal")).json())["count"] == 1
    await client.post("/_mockserver/reset")
    journal = await (await client.get("/_mockserver/journal")).json()
    assert journal["count"] == 0
    clock = await (await client.get("/_mockserver/clock")).json()
    assert clock["now"] == "2026-03-01T12:00:00Z"
    resp = await client.get(f"/v1/api/loops/{loop_id}", headers=AUTH)
    assert resp.status == 404
    # same seed after reset: the same ids again
    assert await create_loop(client) == loop_id


async def test_put_scenario_yaml_replaces_it_and_reports_problems(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    bad = await client.put("/_mockserver/scenario", data="clock: manul\n")
    assert bad.status == 400
    assert (await bad.json())["problems"] == [
        "<uploaded>:1:8: clock: expected real, manual or scale:N (N times faster than real time), "
        "got 'manul' (did you mean 'manual'?)"
    ]
    good = await client.put("/_mockserver/scenario", data="name: other\nclock: manual\n")
    assert good.status == 200
    current = await (await client.get("/_mockserver/scenario")).json()
    assert current["name"] == "other"
    missing = await client.put("/_mockserver/scenario", json={"name": "nope"})
    assert missing.status == 404


async def test_journal_filters(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    loop_id = await create_loop(client)
    await client.get(f"/v1/api/loops/{loop_id}", headers=AUTH)
    await client.get("/v1/api/loops/nothex", headers=AUTH)
    q = await (await client.get("/_mockserver/journal", params={"method": "GET"})).json()
    assert [e["status"] for e in q["entries"]] == [200, 400]
    q = await (await client.get("/_mockserver/journal", params={"status": "400"})).json()
    assert q["entries"][0]["path"] == "/v1/api/loops/nothex"
    q = await (await client.get("/_mockserver/journal", params={"path": "/v1/api/loops"})).json()
    assert q["count"] == 1 and q["entries"][0]["body"] == {"name": "Team", "icon": "eye"}
    assert q["entries"][0]["headers"]["Authorization"].startswith("Bearer <redacted:")
    await client.delete("/_mockserver/journal")
    assert (await (await client.get("/_mockserver/journal")).json())["count"] == 0


async def test_journal_shows_each_calls_answer(sandbox: MakeClient) -> None:
    """The reviewer console's journal shows each call with the answer the client got."""
    client = await sandbox(BASE)
    created = await client.post("/v1/api/loops", json={"name": "Team", "icon": "eye"}, headers=AUTH)
    refused = await client.get("/v1/api/loops/nothex", headers=AUTH)
    q = await (await client.get("/_mockserver/journal")).json()
    made, bad = q["entries"]
    assert made["response"] == await created.json()
    assert bad["response"] == await refused.json()
    assert bad["response"]["error"] is True  # HITL's error envelope, as the client saw it


async def test_clock_set_mode_and_bad_input(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    resp = await client.post("/_mockserver/clock/set", json={"time": "2026-03-02T00:00:00Z"})
    assert (await resp.json())["now"] == "2026-03-02T00:00:00Z"
    resp = await client.post("/_mockserver/clock/mode", json={"mode": "scaled", "scale": 60})
    assert (await resp.json())["mode"] == "scaled"
    for path, body in [
        ("/_mockserver/clock/advance", {"by": "soon"}),
        ("/_mockserver/clock/set", {"time": "tomorrow"}),
        ("/_mockserver/clock/mode", {"mode": "fast"}),
    ]:
        resp = await client.post(path, json=body)
        assert resp.status == 400 and "error" in await resp.json()
    resp = await client.post("/_mockserver/clock/advance", data="{not json")
    assert resp.status == 400


async def test_act_as_a_reviewer_by_hand(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    loop_id = await create_loop(client)
    rid = (await create_request(client, loop_id, "manual review"))["request_id"]
    items = await (await client.get("/_mockserver/items", params={"status": "pending"})).json()
    assert [i["id"] for i in items["items"]] == [rid]
    assert items["items"][0]["options"] == ["Approve", "Reject"]

    resp = await client.post(
        f"/_mockserver/items/hitl/{rid}", json={"claim": {"by": "Dana Reviewer"}}
    )
    assert resp.status == 200, await resp.text()
    resp = await client.post(f"/_mockserver/items/hitl/{rid}", json={"respond": {"choose": 0}})
    assert (await resp.json())["status"] == "completed"
    req = await get_request(client, rid)
    assert req["response_data"] == "Approve"
    assert (await answered_by(client, rid))["name"] == "Dana Reviewer"

    again = await client.post(f"/_mockserver/items/hitl/{rid}", json="timeout")
    assert again.status == 400
    wrong = await client.post(f"/_mockserver/items/hitl/{rid}", json={"respnd": {}})
    assert wrong.status == 400 and "respond" in (await wrong.json())["actions"]
    unknown = await client.post("/_mockserver/items/hitl/65f1234567890abcdef12399", json="claim")
    assert unknown.status == 404
    answer_mismatch = await create_request(client, loop_id, "second")
    resp = await client.post(
        f"/_mockserver/items/hitl/{answer_mismatch['request_id']}", json={"respond": {"rating": 4}}
    )
    assert resp.status == 400


async def test_manual_timeout_applies_the_default(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    loop_id = await create_loop(client)
    rid = (await create_request(client, loop_id, "x"))["request_id"]
    resp = await client.post(f"/_mockserver/items/hitl/{rid}", json="timeout")
    assert (await resp.json())["status"] == "timeout"


async def test_waits_return_at_once_when_satisfied_and_408_on_timeout(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    loop_id = await create_loop(client)
    rid = (await create_request(client, loop_id, "x", timeout_seconds=60))["request_id"]
    path = f"/_mockserver/wait/items/hitl/{rid}"
    late = await client.get(path, params={"status": "completed", "timeout": "0.05"})
    assert late.status == 408 and (await late.json())["current_status"] == "pending"
    await advance(client, "1m")
    done = await client.get(path, params={"status": "completed,timeout", "timeout": "1"})
    assert (await done.json())["status"] == "timeout"
    calls = await client.get("/_mockserver/wait/journal", params={"count": "2", "timeout": "1"})
    assert (await calls.json())["count"] == 2
    none = await client.get("/_mockserver/wait/deliveries", params={"timeout": "0.05"})
    assert none.status == 408


async def test_namespaces_are_isolated(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    ns_a = {**AUTH, "X-Mockserver-Namespace": "worker-a"}
    resp = await client.post("/v1/api/loops", json={"name": "A", "icon": "eye"}, headers=ns_a)
    assert resp.status == 201
    await client.post("/_mockserver/clock/advance?namespace=worker-a", json={"by": "1h"})
    own: dict[str, Any] = await (
        await client.get("/_mockserver/journal", headers={"X-Mockserver-Namespace": "worker-a"})
    ).json()
    other: dict[str, Any] = await (await client.get("/_mockserver/journal")).json()
    assert own["count"] == 1 and other["count"] == 0
    loops = await (await client.get("/v1/api/loops", headers=AUTH)).json()
    assert loops["data"]["count"] == 0
    clock_a = await (await client.get("/_mockserver/clock?namespace=worker-a")).json()
    clock_default = await (await client.get("/_mockserver/clock")).json()
    assert clock_a["now"] == "2026-03-01T13:00:00Z"
    assert clock_default["now"] == "2026-03-01T12:00:00Z"


async def test_unknown_vendor_path_and_unknown_control_path(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    assert (await client.get("/nothing/here")).status == 404
    resp = await client.get("/v1/api/nothing", headers=AUTH)
    assert resp.status == 404
    assert (await resp.json())["error"] is True
    resp = await client.post("/v1/test", headers=AUTH)
    assert resp.status == 405 and (await resp.json())["error"] is True


async def test_a_scripted_answer_that_does_not_fit_is_reported_and_skipped(
    sandbox: MakeClient,
) -> None:
    yaml = "clock: manual\nhitl:\n  rules:\n    - otherwise: [{respond: {choose: Maybe}}]\n"
    client = await sandbox(yaml)
    loop_id = await create_loop(client)
    rid = (await create_request(client, loop_id, "x", timeout_seconds=600))["request_id"]
    await advance(client, "1s")
    assert (await get_request(client, rid))["status"] == "pending"
    scenario = await (await client.get("/_mockserver/scenario")).json()
    (problem,) = scenario["problems"]
    assert problem.startswith("test.yaml:4:") and "Maybe" in problem and rid in problem
    await advance(client, "10m")
    assert (await get_request(client, rid))["status"] == "timeout"
