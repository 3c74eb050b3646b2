"""Many long-poll waits cost a change almost nothing: a change wakes only the waits whose
filter it can satisfy, and costs each of them one test, whatever the count it waits for
(counted, not timed); waits are bounded per namespace and in all."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockserver.base.filters import JournalFilter
from mockserver.http import appkeys
from tests.support.polling import until

from .conftest import LOOP_ID, NS_HEADER, Client, MakeClient
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
    await until(lambda: notifier.waiting() == WAITERS + 10, "every wait parked")

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


class CountedMatches:
    """Counts the journal filter's tests of a call (each costs one look at one entry)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = JournalFilter.matches

        def counted(where: JournalFilter, entry: Any) -> bool:
            self.calls += 1
            return original(where, entry)

        monkeypatch.setattr(JournalFilter, "matches", counted)


async def test_a_wait_for_many_calls_never_rescans_the_journal(
    sandbox: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Waits for a huge `count` of calls that every new call matches: each call costs each
    wait one filter test (its tally), never a pass over the journal."""
    client = await sandbox(scenario())
    notifier = client.app[appkeys.WORLDS].get("").notifier
    for _ in range(20):  # a journal with calls in it already
        await create(client)
    counted = CountedMatches(monkeypatch)
    waits = [
        asyncio.create_task(wait(client, f"journal?method=POST&count={10**9}&timeout=30"))
        for _ in range(WAITERS)
    ]
    await until(lambda: notifier.waiting() == WAITERS, "every wait parked")
    at_start = counted.calls  # each wait counted the journal once, as it began
    assert at_start <= WAITERS * 21
    calls = 30
    for _ in range(calls):
        await create(client)
    assert counted.calls - at_start == WAITERS * calls  # one test per wait per call
    assert notifier.wakeups == 0  # none is satisfied, so none woke
    notifier.close("the sandbox is shutting down")
    await asyncio.gather(*waits)


async def test_a_wait_reaches_its_count_as_calls_arrive(sandbox: MakeClient) -> None:
    client = await sandbox(scenario())
    await create(client)
    waiting = asyncio.create_task(wait(client, "journal?method=POST&count=3&timeout=30"))
    deliveries = asyncio.create_task(wait(client, "deliveries?count=1&timeout=30"))
    notifier = client.app[appkeys.WORLDS].get("").notifier
    await until(lambda: notifier.waiting() == 2, "both waits parked")
    await create(client)
    assert not waiting.done()
    await client.delete("/_mockserver/journal")  # cleared: the wait counts afresh
    await create(client)
    await create(client)
    assert not waiting.done()
    await create(client)
    status, body = await waiting
    assert status == 200 and body["count"] == 3
    deliveries.cancel()


async def test_waits_are_bounded_per_namespace_and_in_all(sandbox: MakeClient) -> None:
    """One namespace cannot be filled with another's waits, nor the sandbox with anyone's:
    one wait past a limit is refused at once (429, naming the setting)."""
    client = await sandbox(scenario(), namespace_waits=3, max_waits=5)
    path = "/_mockserver/wait/journal?path=/nothing&timeout=30"
    parked = [
        asyncio.create_task(client.get(path, headers={NS_HEADER: ns}))
        for ns in ("victim", "victim", "victim", "other", "other")
    ]
    worlds = client.app[appkeys.WORLDS]
    await until(lambda: worlds.feed.limits.parked == 5, "five waits parked")
    resp = await client.get(path, headers={NS_HEADER: "victim"})
    assert resp.status == 429
    assert "MOCKSERVER_NAMESPACE_WAITS" in (await resp.json())["error"]
    resp = await client.get(path, headers={NS_HEADER: "third"})
    assert resp.status == 429
    assert "MOCKSERVER_MAX_WAITS" in (await resp.json())["error"]
    resp = await client.get("/_mockserver/wait/changes?since=0&timeout=1")
    assert resp.status in (200, 429)  # the console's feed answers at once here (changed)
    for ns in ("victim", "other"):
        worlds.get(ns).notifier.close("the sandbox is shutting down")
    await asyncio.gather(*parked)
    assert worlds.feed.limits.parked == 0
    # room again: a wait is admitted (it times out at once here, rather than a 429)
    resp = await client.get("/_mockserver/wait/journal?count=1&timeout=0")
    assert resp.status == 408
