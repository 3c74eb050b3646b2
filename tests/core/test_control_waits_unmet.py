"""A long-poll wait that ends unmet says what it saw, so a failing CI test reads as a sentence:
`1 of 2 calls after 0s` (HTTP 408), with the deliveries found so far."""

from __future__ import annotations

from .conftest import MakeClient, create_loop

BASE = "clock: manual\nhitl:\n  rules: [{otherwise: timeout}]\n"


async def test_a_journal_wait_counts_one_call_by_default_and_says_how_many_it_saw(
    sandbox: MakeClient,
) -> None:
    client = await sandbox(BASE)
    await create_loop(client)
    resp = await client.get("/_mockserver/wait/journal", params={"timeout": "0"})
    assert resp.status == 200
    assert (await resp.json())["count"] == 1
    resp = await client.get(
        "/_mockserver/wait/journal",
        params={"count": "2", "timeout": "0", "path": "/v1/api/loops"},
    )
    assert resp.status == 408
    assert (await resp.json())["error"] == "1 of 2 calls after 0s"


async def test_a_deliveries_wait_says_how_many_it_saw(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    resp = await client.get("/_mockserver/wait/deliveries", params={"timeout": "0.01"})
    assert resp.status == 408
    body = await resp.json()
    assert (body["error"], body["deliveries"]) == ("0 of 1 deliveries after 0.01s", [])
