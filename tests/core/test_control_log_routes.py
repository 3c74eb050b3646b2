"""The journal and the delivery log through the control plane, as a test script reads them:
the last N calls, counts and totals, one delivery by id, a redelivery, the answers for an id
that does not exist, and which long-poll waits a change wakes (a wait on one item's deliveries
or on one path is not re-checked for every other item's or path's traffic; a wait on a glob is
still woken by the calls it matches)."""

from __future__ import annotations

import asyncio
from typing import Any

from mockserver.http import appkeys
from tests.support.polling import until

from .conftest import AUTH, Client, MakeClient, Receiver, advance, create_loop, create_request


def scenario(receiver: Receiver) -> str:
    return f"""
seed: 1
start: "2026-01-01T00:00:00Z"
clock: manual
hitl:
  webhooks: [{{url: "{receiver.url}", secret: whsec_test}}]
  rules: [{{otherwise: timeout}}]
"""


async def get(client: Client, route: str, **query: str) -> tuple[int, Any]:
    resp = await client.get("/_mockserver" + route, params=query)
    return resp.status, await resp.json()


async def timed_out_request(client: Client, loop_id: str, text: str) -> str:
    """A request whose timeout webhook is sent when the clock moves a minute."""
    rid: str = (await create_request(client, loop_id, text, timeout_seconds=60))["request_id"]
    return rid


async def test_the_journal_keeps_the_last_calls_with_counts(sandbox: MakeClient) -> None:
    client = await sandbox("clock: manual\n")
    for path in ("/v1/test", "/v1/api/loops", "/v1/test"):
        assert (await client.get(path, headers=AUTH)).status == 200
    status, body = await get(client, "/journal", limit="2")
    assert status == 200
    assert [e["path"] for e in body["entries"]] == ["/v1/api/loops", "/v1/test"]
    assert (body["count"], body["total"], body["dropped"]) == (2, 3, 0)
    _, body = await get(client, "/journal", limit="1")
    assert [e["path"] for e in body["entries"]] == ["/v1/test"]
    status, body = await get(client, "/journal", limit="0")
    assert (status, body) == (
        400,
        {"error": "query parameter 'limit' must be 1 or more, got '0'"},
    )
    resp = await client.delete("/_mockserver/journal")
    assert await resp.json() == {"cleared": True}
    _, body = await get(client, "/journal")
    assert (body["entries"], body["count"]) == ([], 0)


async def test_deliveries_listed_one_by_id_and_cleared(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(scenario(receiver))
    loop_id = await create_loop(client)
    await timed_out_request(client, loop_id, "one")
    await advance(client, "1m")
    status, body = await get(client, "/deliveries")
    (listed,) = body["deliveries"]
    assert (status, body["count"], body["total"], body["dropped"]) == (200, 1, 1, 0)
    status, one = await get(client, f"/deliveries/{listed['id']}")
    assert (status, one) == (200, listed)
    resp = await client.delete("/_mockserver/deliveries")
    assert await resp.json() == {"cleared": True}
    _, body = await get(client, "/deliveries")
    assert (body["deliveries"], body["count"]) == ([], 0)


async def test_an_unknown_delivery_is_a_404_naming_it(sandbox: MakeClient) -> None:
    client = await sandbox("clock: manual\n")
    assert await get(client, "/deliveries/dlv_nope") == (404, {"error": "no delivery 'dlv_nope'"})
    resp = await client.post("/_mockserver/deliveries/dlv_nope/redeliver")
    assert (resp.status, await resp.json()) == (404, {"error": "no delivery 'dlv_nope'"})


async def test_a_redelivery_answers_the_new_delivery_it_queued(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(scenario(receiver))
    loop_id = await create_loop(client)
    rid = await timed_out_request(client, loop_id, "one")
    await advance(client, "1m")
    _, body = await get(client, "/deliveries")
    (first,) = body["deliveries"]
    resp = await client.post(f"/_mockserver/deliveries/{first['id']}/redeliver")
    assert resp.status == 201
    again = await resp.json()
    assert again["id"] != first["id"]
    assert (again["redelivery_of"], again["subject"], again["event"]) == (
        first["id"],
        rid,
        first["event"],
    )
    await advance(client, "0s")
    status, one = await get(client, f"/deliveries/{again['id']}")
    assert (status, one["state"]) == (200, "delivered")
    assert len(receiver.received) == 2


async def test_a_wait_on_one_items_deliveries_is_not_woken_by_anothers(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(scenario(receiver))
    notifier = client.app[appkeys.WORLDS].get("").notifier
    loop_id = await create_loop(client)
    mine = (await create_request(client, loop_id, "mine", timeout_seconds=3600))["request_id"]
    others = [await timed_out_request(client, loop_id, f"other {n}") for n in range(3)]
    await advance(client, "1m")  # the three others time out first
    # (the wait parks on the first one's id, which has its delivery already: wait for two)
    waiting = asyncio.create_task(
        get(client, "/wait/deliveries", subject=others[0], count="2", timeout="30")
    )
    await until(lambda: notifier.waiting() == 1, "the wait parked")
    resp = await client.post(f"/_mockserver/items/hitl/{mine}", json="timeout")
    assert resp.status == 200
    await advance(client, "0s")
    assert receiver.events() == ["request.timeout"] * 4
    assert (notifier.checks, notifier.wakeups) == (0, 0)  # nobody re-checked for `mine`
    _, body = await get(client, "/deliveries", subject=others[0])
    await client.post(f"/_mockserver/deliveries/{body['deliveries'][0]['id']}/redeliver")
    await until(lambda: notifier.wakeups == 1, "woken by the redelivery, not its timeout")
    status, answer = await waiting
    assert (status, answer["count"]) == (200, 2)
    assert {d["subject"] for d in answer["deliveries"]} == {others[0]}


async def test_a_journal_wait_on_a_glob_is_woken_by_a_call_it_matches(
    sandbox: MakeClient,
) -> None:
    client = await sandbox("clock: manual\n")
    notifier = client.app[appkeys.WORLDS].get("").notifier
    waits = [
        asyncio.create_task(get(client, "/wait/journal", path=path, timeout="30"))
        for path in ("/v1/api/loop?", "/v1/api/*", "/v1/api/[l]oops")
    ]
    await until(lambda: notifier.waiting() == 3, "3 waits parked")
    await create_loop(client)
    await until(lambda: notifier.wakeups == 3, "woken by the call, not by their timeout")
    answers = await asyncio.gather(*waits)
    assert [(status, body["count"]) for status, body in answers] == [(200, 1)] * 3
    # a literal path is woken only by its own calls
    exact = asyncio.create_task(
        get(client, "/wait/journal", path="/v1/api/loops", count="2", timeout="30")
    )
    await until(lambda: notifier.waiting() == 1, "the wait parked")
    checks = notifier.checks
    assert (await client.get("/v1/test", headers=AUTH)).status == 200
    assert notifier.checks == checks
    await create_loop(client, "Second")
    status, body = await exact
    assert (status, body["count"]) == (200, 2)


async def test_a_wait_on_one_event_looks_at_each_delivery_but_wakes_for_its_own(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(scenario(receiver))
    notifier = client.app[appkeys.WORLDS].get("").notifier
    loop_id = await create_loop(client)
    rid = (await create_request(client, loop_id, "mine", timeout_seconds=3600))["request_id"]
    await timed_out_request(client, loop_id, "other")
    waiting = asyncio.create_task(
        get(client, "/wait/deliveries", event="request.cancelled", timeout="30")
    )
    await until(lambda: notifier.waiting() == 1, "the wait parked")
    await advance(client, "1m")  # the other request's timeout webhook: checked, not woken
    assert notifier.checks >= 1 and notifier.wakeups == 0
    resp = await client.delete(f"/v1/api/requests/{rid}", headers=AUTH)
    assert resp.status == 200
    await until(lambda: notifier.wakeups == 1, "woken by the cancellation")
    status, answer = await waiting
    assert (status, [d["subject"] for d in answer["deliveries"]]) == (200, [rid])


async def test_a_wait_needs_at_least_one(sandbox: MakeClient) -> None:
    client = await sandbox("clock: manual\n")
    for kind in ("deliveries", "journal"):
        status, body = await get(client, f"/wait/{kind}", count="0", timeout="0")
        assert (status, body) == (
            400,
            {"error": "query parameter 'count' must be 1 or more, got '0'"},
        ), kind


async def test_a_wait_ended_by_a_reset_says_its_default_timeout(sandbox: MakeClient) -> None:
    """Without `timeout=`, a wait lasts 10 s; one cut short by a reset says so (HTTP 503)."""
    client = await sandbox("clock: manual\n")
    notifier = client.app[appkeys.WORLDS].get("").notifier
    waits = [
        asyncio.create_task(get(client, "/wait/deliveries")),
        asyncio.create_task(get(client, "/wait/journal", path="/v1/api/loops")),
    ]
    await until(lambda: notifier.waiting() == 2, "2 waits parked")
    assert (await client.post("/_mockserver/reset")).status == 200
    (d_status, deliveries), (j_status, journal) = await asyncio.gather(*waits)
    reason = "the namespace was reset or dropped"
    assert (d_status, deliveries["error"]) == (503, f"0 of 1 deliveries after 10s: {reason}")
    assert (j_status, journal["error"]) == (503, f"0 of 1 calls after 10s: {reason}")
