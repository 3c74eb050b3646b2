"""Receivers are isolated from each other: one tenant's many receivers that never answer hold
a few connections at most, and another namespace's webhook still goes out at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from mockserver.http import appkeys
from mockserver.webhooks.transport import TARGET_IN_FLIGHT
from tests.support.polling import until

from .conftest import LOOP_ID, Client, MakeClient, Receiver, advance, control
from .test_webhook_faults import AUTH, scenario

HANGING = 150


@dataclass
class Hanging:
    """A loopback receiver that accepts connections and never answers."""

    url: str = ""
    open: int = 0
    most: int = 0
    release: asyncio.Event = field(default_factory=asyncio.Event)


@pytest.fixture
async def hanging() -> AsyncIterator[Hanging]:
    rec = Hanging()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        rec.open += 1
        rec.most = max(rec.most, rec.open)
        try:
            await rec.release.wait()
        finally:
            rec.open -= 1
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    rec.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    yield rec
    rec.release.set()
    server.close()
    await server.wait_closed()


async def cancelled(client: Client, url: str, ns: str) -> None:
    headers = {**AUTH, "X-Mockserver-Namespace": ns}
    body = {"request_text": "x", "response_type": "text", "callback_url": url}
    resp = await client.post(f"/v1/api/loops/{LOOP_ID}/requests", json=body, headers=headers)
    rid = (await resp.json())["data"]["request_id"]
    resp = await client.delete(f"/v1/api/requests/{rid}", headers=headers)
    assert resp.status == 200


async def test_hanging_receivers_of_one_namespace_do_not_starve_another(
    sandbox: MakeClient, receiver: Receiver, hanging: Hanging
) -> None:
    client = await sandbox(scenario("webhooks: {timeout: 3s, retry: []}"))
    # Tenant A waits 30 s for an answer, on real time: its attempts go out at once.
    a_scenario = scenario("webhooks: {timeout: 30s, retry: []}").replace("manual", "real")
    resp = await client.put(
        "/_mockserver/scenario", data=a_scenario, headers={"X-Mockserver-Namespace": "a"}
    )
    assert resp.status == 200, await resp.text()
    for n in range(HANGING):
        await cancelled(client, f"{hanging.url}/hook/{n}", "a")
    await until(lambda: hanging.open >= TARGET_IN_FLIGHT, "A's attempts holding connections")
    # Every attempt of A has started (its timer fired): each holds a connection or queues.
    clock = client.app[appkeys.WORLDS].get("a").clock
    await until(
        lambda: not any(t.label == "webhook" for t in clock.pending()), "A's attempts all started"
    )
    await control(client, "GET", "/clock", ns="a")  # a round trip: the attempts move on

    # Tenant B's webhook to a healthy receiver is delivered on its first attempt, well within
    # its 3 s timeout (before: it queued behind A's connections and timed out).
    await cancelled(client, receiver.url("/b"), "b")
    await advance(client, "0s", ns="b")
    found = await control(client, "GET", "/deliveries", ns="b")
    (delivery,) = found["deliveries"]
    assert delivery["state"] == "delivered", delivery["attempts"]
    assert [h.path for h in receiver.hits] == ["/b"]
    assert hanging.open >= TARGET_IN_FLIGHT  # A's receivers are still hanging meanwhile
    # One target never holds more than its share of connections.
    assert hanging.most <= TARGET_IN_FLIGHT
