"""Namespaces are bounded: at most `MOCKSERVER_MAX_NAMESPACES` besides the default. A new one
past the cap is a 503 in the caller's error shape (vendor or control plane) unless a namespace
idle for `MOCKSERVER_NAMESPACE_IDLE` seconds can be dropped to make room."""

from __future__ import annotations

from typing import Any

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
