"""Many long-poll waits cost a change almost nothing: a change wakes only the waits whose
filter it can satisfy (counted by the notifier, not timed)."""

from __future__ import annotations

import asyncio

from mockserver import appkeys

from .conftest import LOOP_ID, Client, MakeClient, until
from .test_webhook_faults import AUTH, scenario

WAITERS = 50


async def create(client: Client) -> str:
    body = {"request_text": "x", "response_type": "text"}
    resp = await client.post(f"/v1/api/loops/{LOOP_ID}/requests", json=body, headers=AUTH)
    assert resp.status == 201, await resp.text()
    rid: str = (await resp.json())["data"]["request_id"]
    return rid


async def wait(client: Client, path: str) -> tuple[int, dict[str, object]]:
    resp = await client.get("/_mockserver/wait/" + path)
    return resp.status, await resp.json()


async def test_a_change_wakes_only_the_waits_it_concerns(sandbox: MakeClient) -> None:
    client = await sandbox(scenario())
    notifier = client.app[appkeys.WORLDS].get("").notifier
    ids = [await create(client) for _ in range(WAITERS)]
    item_waits = [
        asyncio.create_task(wait(client, f"items/hitl/{rid}?status=cancelled&timeout=30"))
        for rid in ids
    ]
    journal_waits = [  # five on one path each, five on a glob
        asyncio.create_task(wait(client, f"journal?path=/v1/api/nothing/{n}{glob}&timeout=30"))
        for n in range(5)
        for glob in ("", "*")
    ]
    await until(lambda: notifier.waiting() == WAITERS + 10)

    for _ in range(100):  # other requests come and go: nobody is woken
        await create(client)
    assert notifier.wakeups == 0
    assert notifier.checks == 100 * 5  # each glob wait's filter saw each call once; no other

    resp = await client.delete(f"/v1/api/requests/{ids[7]}", headers=AUTH)
    assert resp.status == 200
    assert await item_waits[7] == (200, {"id": ids[7], "status": "cancelled"})
    assert notifier.wakeups == 1
    assert notifier.waiting() == WAITERS - 1 + 10

    # Closing the namespace answers every wait at once, with what it has.
    notifier.close("the sandbox is shutting down")
    answers = await asyncio.gather(*item_waits[:7], *item_waits[8:], *journal_waits)
    assert {status for status, _ in answers} == {503}
    assert all("shutting down" in str(body["error"]) for _, body in answers)
