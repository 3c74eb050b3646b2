"""Namespaces are bounded: at most `MOCKSERVER_MAX_NAMESPACES` besides the default. A new one
past the cap is a 503 in the caller's error shape (vendor or control plane), which keeps
nothing of the call, unless a namespace idle for `MOCKSERVER_NAMESPACE_IDLE` seconds (no wait
parked on it, no scripted step to come) can be dropped to make room."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.polling import until

from .conftest import LOOP_ID, NS_HEADER, START, Client, MakeClient, worlds_of

SCENARIO = f"""
seed: 1
clock: manual
start: "{START}"
hitl:
  keys: [hk]
  loops: [{{id: {LOOP_ID}, name: Team}}]
"""


async def hitl_call(client: Client, key: str) -> tuple[int, Any]:
    resp = await client.get("/v1/api/loops", headers={"Authorization": f"Bearer {key}"})
    return resp.status, await resp.json()


async def namespaces(client: Client) -> list[str]:
    found: list[str] = (await (await client.get("/_mockserver/namespaces")).json())["namespaces"]
    return found


async def test_a_namespace_past_the_cap_is_a_503(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO, max_namespaces=3)
    assert (await hitl_call(client, "hk"))[0] == 200  # the default namespace is not counted
    for name in ("a", "b", "c"):
        assert (await hitl_call(client, f"hk~{name}"))[0] == 200
    status, body = await hitl_call(client, "hk~d")
    assert status == 503
    assert body["error"] is True and "MOCKSERVER_MAX_NAMESPACES" in body["msg"]
    resp = await client.get("/_mockserver/journal", headers={NS_HEADER: "e"})
    assert resp.status == 503
    assert "Too many sandbox namespaces" in (await resp.json())["error"]
    assert await namespaces(client) == ["", "a", "b", "c"]
    # existing namespaces keep working; dropping one makes room
    assert (await hitl_call(client, "hk~a"))[0] == 200
    assert (await client.delete("/_mockserver/namespaces/b")).status == 200
    assert (await hitl_call(client, "hk~d"))[0] == 200
    assert await namespaces(client) == ["", "a", "c", "d"]


async def test_an_idle_namespace_makes_room(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO, max_namespaces=2, namespace_idle=60)
    for name in ("a", "b"):
        assert (await hitl_call(client, f"hk~{name}"))[0] == 200
    worlds = worlds_of(client)
    worlds._used["a"] -= 61  # as if a minute of real time had passed since a's last call
    assert (await hitl_call(client, "hk~c"))[0] == 200
    assert await namespaces(client) == ["b", "c"]
    worlds._used["b"] -= 59  # not idle long enough
    assert (await hitl_call(client, "hk~d"))[0] == 503


UPLOAD = SCENARIO.replace("seed: 1", "name: uploaded\nseed: 1") + "# " + "x" * 100_000 + "\n"


async def test_a_refused_scenario_upload_keeps_nothing(sandbox: MakeClient) -> None:
    """`PUT /_mockserver/scenario` into a namespace there is no room for is a 503, and nothing
    of it stays: not the upload, nor a namespace, nor the scenario when room comes later."""
    client = await sandbox(SCENARIO, max_namespaces=2)
    for name in ("a", "b"):
        assert (await hitl_call(client, f"hk~{name}"))[0] == 200
    worlds = worlds_of(client)
    for n in range(30):
        resp = await client.put(
            "/_mockserver/scenario", data=UPLOAD.encode(), headers={NS_HEADER: f"c{n}"}
        )
        assert resp.status == 503, await resp.text()
        assert "MOCKSERVER_MAX_NAMESPACES" in (await resp.json())["error"]
    assert await namespaces(client) == ["a", "b"]
    assert all(worlds.scenario_for(f"c{n}") is worlds.scenario for n in range(30))
    # room again: the namespace starts on the server's scenario, not on the refused upload
    assert (await client.delete("/_mockserver/namespaces/a")).status == 200
    health = await (await client.get("/_mockserver/health", headers={NS_HEADER: "c0"})).json()
    assert health["scenario"] != "uploaded"
    resp = await client.put(
        "/_mockserver/scenario", data=UPLOAD.encode(), headers={NS_HEADER: "c1"}
    )
    assert resp.status == 200  # with room, the same upload is taken
    health = await (await client.get("/_mockserver/health", headers={NS_HEADER: "c1"})).json()
    assert health["scenario"] == "uploaded"


async def test_a_namespace_with_a_parked_wait_or_a_step_to_come_is_not_idle(
    sandbox: MakeClient,
) -> None:
    """Idle means nothing to come: a namespace whose only activity is a parked wait, or a
    scripted step still to run, is not dropped to make room."""
    scripted = SCENARIO + "  rules: [{otherwise: {claim: {after: 30s}}}]\n"
    client = await sandbox(scripted, max_namespaces=2, namespace_idle=60)
    worlds = worlds_of(client)
    # "waiting": a test parked a wait on its namespace and makes no call meanwhile
    assert (await hitl_call(client, "hk~waiting"))[0] == 200
    parked = asyncio.create_task(
        client.get(
            "/_mockserver/wait/journal?path=/never&timeout=60", headers={NS_HEADER: "waiting"}
        )
    )
    await until(lambda: worlds.get("waiting").notifier.waiting() == 1, "the wait parked")
    # "scripted": a request whose scripted claim is still to come
    body = {"request_text": "x", "response_type": "text", "response_config": {}}
    resp = await client.post(
        f"/v1/api/loops/{LOOP_ID}/requests",
        json=body,
        headers={"Authorization": "Bearer hk~scripted"},
    )
    assert resp.status == 201, await resp.text()
    for name in ("waiting", "scripted"):
        worlds._used[name] -= 61  # as if a minute of real time had passed since its last call
    assert (await hitl_call(client, "hk~new"))[0] == 503
    assert await namespaces(client) == ["scripted", "waiting"]
    # once the wait is over and the step has run, they are idle: room is made
    worlds.get("waiting").notifier.close("the sandbox is shutting down")
    await parked
    await client.post(
        "/_mockserver/clock/advance", json={"by": "1m"}, headers={NS_HEADER: "scripted"}
    )
    for name in ("waiting", "scripted"):
        worlds._used[name] -= 61
    assert (await hitl_call(client, "hk~new"))[0] == 200
