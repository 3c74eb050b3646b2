"""Scenario latency (`faults: latency`, `fail: {latency}`), resetting every namespace at once,
and the scripted `release` step: each promised in docs/scenarios.md, each checked here."""

from __future__ import annotations

import time

from .conftest import AUTH, SELECT, MakeClient, advance, create_loop, create_request, get_request

BASE = """
clock: manual
start: "2026-03-01T12:00:00Z"
reviewers: [{name: Dana, email: dana@example.com}]
hitl:
  keys: [test-key]
"""

# docs/fidelity.md (All vendors): scripted latency is real time, because it is what an
# HTTP client's timeouts see. These tests assert a lower bound only (a slow machine can take
# longer, never less), with a delay small enough to keep the suite fast.
LATENCY = 0.2


async def test_faults_latency_delays_matching_calls_in_real_time(sandbox: MakeClient) -> None:
    client = await sandbox(
        BASE
        + "  rules: [{otherwise: timeout}]\n"
        + "faults:\n  - {vendor: hitl, path: /v1/test, latency: 200ms, times: 1}\n"
    )
    started = time.monotonic()
    resp = await client.get("/v1/test", headers=AUTH)
    assert time.monotonic() - started >= LATENCY
    assert resp.status == 200  # a latency alone delays the answer, it does not change it
    journal = await (await client.get("/_mockserver/journal?path=/v1/test")).json()
    assert journal["count"] == 1


async def test_fail_latency_delays_the_create_call_in_real_time(sandbox: MakeClient) -> None:
    client = await sandbox(
        BASE + "  rules:\n    - when: {first: 1}\n      then: [{fail: {latency: 200ms}}]\n"
    )
    loop_id = await create_loop(client)
    started = time.monotonic()
    made = await create_request(client, loop_id, "slow?")
    assert time.monotonic() - started >= LATENCY
    assert (await get_request(client, made["request_id"]))["status"] == "pending"
    # the rule held the first call only: the next one (on the same keep-alive connection, whose
    # calls aiohttp runs each in a task of its own with a copy of the context) is not held
    started = time.monotonic()
    await create_request(client, loop_id, "quick")
    assert time.monotonic() - started < LATENCY


async def test_reset_all_clears_every_namespace(sandbox: MakeClient) -> None:
    client = await sandbox(BASE + "  rules: [{otherwise: timeout}]\n")
    in_a = {"Authorization": "Bearer test-key~a"}
    for headers in (AUTH, in_a):
        resp = await client.post(
            "/v1/api/loops", json={"name": "T", "icon": "eye"}, headers=headers
        )
        assert resp.status == 201

    async def loops(headers: dict[str, str]) -> int:
        count: int = (await (await client.get("/v1/api/loops", headers=headers)).json())["data"][
            "count"
        ]
        return count

    # A plain reset clears only the namespace it names (here the default one).
    assert (await client.post("/_mockserver/reset")).status == 200
    assert (await loops(AUTH), await loops(in_a)) == (0, 1)
    resp = await client.post("/_mockserver/reset?all=1")
    assert resp.status == 200
    assert (await resp.json())["reset"] == "all"
    assert (await loops(AUTH), await loops(in_a)) == (0, 0)
    journal = await (await client.get("/_mockserver/journal?namespace=a")).json()
    assert journal["total"] == 1  # only the list call just made, after the reset


async def test_scripted_release_gives_the_request_back(sandbox: MakeClient) -> None:
    client = await sandbox(
        BASE
        + "  rules:\n    - otherwise:\n"
        + "        - claim: {after: 1s, by: dana@example.com}\n"
        + "        - release: {after: 1m}\n"
    )
    loop_id = await create_loop(client)
    rid = (await create_request(client, loop_id, "ok?", **SELECT))["request_id"]
    await advance(client, "2s")
    claimed = await get_request(client, rid)
    assert (claimed["status"], claimed["claimed_by"] is not None) == ("claimed", True)
    await advance(client, "1m")
    released = await get_request(client, rid)
    assert (released["status"], released["claimed_by"], released["claimed_at"]) == (
        "pending",
        None,
        None,
    )
