"""A call that is still arriving, or still being handled, when its namespace is reset never
gets an answer that claims what no longer exists: a call whose body arrives after the reset
(or that waited out a scenario's latency across it) runs in the new world, whole; a call whose
handler was already at work in the old world is answered 503, saying so, and kept nowhere."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from mockserver.http import appkeys
from tests.support.polling import until

from .conftest import LOOP_ID, LOOP_SCENARIO, Client, MakeClient, control

BODY = json.dumps(
    {"request_text": "Arrives late", "response_type": "text", "response_config": {}}
).encode()
AUTH = {"Authorization": "Bearer k"}


async def exists(client: Client, request_id: str) -> bool:
    resp = await client.get(f"/v1/api/requests/{request_id}", headers=AUTH)
    return resp.status == 200


async def answer(reader: asyncio.StreamReader) -> tuple[int, Any]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
    return int(head.split(b" ", 2)[1]), json.loads(await reader.readexactly(length))


async def test_a_body_that_arrives_after_a_reset_makes_its_request_in_the_new_world(
    sandbox: MakeClient,
) -> None:
    client = await sandbox(LOOP_SCENARIO)
    held = client.app[appkeys.BODY_LIMITS].held
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(
        f"POST /v1/api/loops/{LOOP_ID}/requests HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer k\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(BODY)}\r\n\r\n".encode()
        + BODY[:10]
    )
    await writer.drain()
    await until(lambda: held.held == 10, "the sandbox is reading the body")
    await control(client, "POST", "/reset")
    writer.write(BODY[10:])
    await writer.drain()
    status, body = await answer(reader)
    writer.close()
    assert status == 201, body
    journal = await control(client, "GET", "/journal")
    assert [e["status"] for e in journal["entries"]] == [201]  # the new journal has it
    assert await exists(client, body["data"]["request_id"])  # the 201 tells the truth


async def test_a_call_that_waits_out_a_latency_fault_across_a_reset_runs_after_it(
    sandbox: MakeClient,
) -> None:
    faults = 'faults: [{vendor: hitl, path: "/v1/api/loops/*/requests", latency: 0.3}]\n'
    client = await sandbox(LOOP_SCENARIO + faults)
    old = client.app[appkeys.WORLDS].get("")
    call = asyncio.create_task(
        client.post(f"/v1/api/loops/{LOOP_ID}/requests", data=BODY, headers=AUTH)
    )
    await until(lambda: old._fault_hits, "in the fault's latency")
    await control(client, "POST", "/reset")
    resp = await call
    body = await resp.json()
    assert resp.status == 201, body
    assert await exists(client, body["data"]["request_id"])


async def test_a_call_already_at_work_when_its_namespace_is_reset_is_a_503(
    sandbox: MakeClient,
) -> None:
    """A scenario's `fail: {latency}` holds the create-request in its handler, in the world
    it started in: after a reset meanwhile, what it made is gone, and the answer says so."""
    slow = LOOP_SCENARIO + "  rules: [{otherwise: [{fail: {latency: 0.3s}}]}]\n"
    client = await sandbox(slow)
    old = client.app[appkeys.WORLDS].get("")
    call = asyncio.create_task(
        client.post(f"/v1/api/loops/{LOOP_ID}/requests", data=BODY, headers=AUTH)
    )
    await until(lambda: old.engine._counts, "its rule is chosen: in the `fail` latency")
    await control(client, "POST", "/reset")
    resp = await call
    body = await resp.json()
    assert resp.status == 503, body
    assert "reset while this call was being handled" in body["msg"]
    items = await control(client, "GET", "/items")
    assert items["count"] == 0
