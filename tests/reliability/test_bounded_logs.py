"""The journal and the delivery log are bounded: past the cap the oldest entries are dropped
and counted, and a dropped (or cleared) delivery is gone cleanly, by id too."""

from __future__ import annotations

from typing import Any

from .conftest import (
    LOOP_ID,
    START,
    Client,
    MakeClient,
    Receiver,
    advance,
    control,
    deliveries,
    journal,
)

AUTH = {"Authorization": "Bearer any"}


def scenario() -> str:
    return f"""
clock: manual
start: "{START}"
hitl:
  rate_limit: 1000  # more calls than the real hourly budget: these tests fill the logs
  loops: [{{id: {LOOP_ID}, name: Team}}]
  rules: [{{otherwise: timeout}}]
"""


async def one_delivery(client: Client, url: str) -> dict[str, Any]:
    body = {"request_text": "x", "response_type": "text", "callback_url": url}
    resp = await client.post(f"/v1/api/loops/{LOOP_ID}/requests", json=body, headers=AUTH)
    rid = (await resp.json())["data"]["request_id"]
    resp = await client.delete(f"/v1/api/requests/{rid}", headers=AUTH)
    assert resp.status == 200
    found: list[dict[str, Any]] = (await deliveries(client, subject=rid))["deliveries"]
    assert len(found) == 1, found
    return found[0]


async def redeliver_chain(client: Client, first: dict[str, Any], times: int) -> list[str]:
    """Redeliver the newest delivery `times` times: ids in order, `first` included."""
    ids = [first["id"]]
    for _ in range(times):
        again = await control(client, "POST", f"/deliveries/{ids[-1]}/redeliver", status=201)
        assert again["redelivery_of"] == ids[-1]
        ids.append(again["id"])
    return ids


async def test_journal_keeps_the_newest_calls_and_counts_the_dropped(sandbox: MakeClient) -> None:
    client = await sandbox(scenario(), journal_cap=100, delivery_cap=50)
    for _ in range(130):
        resp = await client.get("/v1/test", headers=AUTH)
        assert resp.status == 200
    calls = await journal(client)
    assert (calls["count"], calls["total"], calls["dropped"]) == (100, 130, 30)
    assert [e["seq"] for e in calls["entries"]] == list(range(31, 131))
    assert (await journal(client, since="120"))["count"] == 10
    assert (await journal(client, since="0"))["count"] == 100
    assert (await journal(client, limit="5"))["entries"][0]["seq"] == 126
    # Clearing empties the log; what was received is still counted.
    await control(client, "DELETE", "/journal")
    calls = await journal(client)
    assert (calls["count"], calls["total"], calls["dropped"]) == (0, 130, 30)


async def test_delivery_log_keeps_the_newest_and_a_dropped_one_is_404(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(scenario(), journal_cap=100, delivery_cap=50)
    first = await one_delivery(client, receiver.url())
    ids = await redeliver_chain(client, first, 59)
    await advance(client, "1s")

    found = await deliveries(client)
    assert (found["count"], found["total"], found["dropped"]) == (50, 60, 10)
    assert [d["id"] for d in found["deliveries"]] == ids[10:]
    assert {d["state"] for d in found["deliveries"]} == {"delivered"}
    assert len(receiver.hits) == 60  # dropped from the log is not dropped from the wire

    for gone in (ids[0], ids[9]):
        missing = await control(client, "GET", f"/deliveries/{gone}", status=404)
        assert gone in missing["error"]
        missing = await control(client, "POST", f"/deliveries/{gone}/redeliver", status=404)
        assert gone in missing["error"]
    kept = await control(client, "GET", f"/deliveries/{ids[10]}")
    assert kept["id"] == ids[10]
    # Nothing was added by the refused redeliveries.
    assert (await deliveries(client))["total"] == 60


async def test_cleared_deliveries_are_gone_by_id_too(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(scenario(), delivery_cap=50)
    first = await one_delivery(client, receiver.url())
    await control(client, "DELETE", "/deliveries")
    assert (await deliveries(client))["count"] == 0
    await control(client, "GET", f"/deliveries/{first['id']}", status=404)
    await control(client, "POST", f"/deliveries/{first['id']}/redeliver", status=404)


async def test_a_cap_of_zero_keeps_nothing_and_counts_everything(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(scenario(), journal_cap=0, delivery_cap=0)
    body = {"request_text": "x", "response_type": "text", "callback_url": receiver.url()}
    resp = await client.post(f"/v1/api/loops/{LOOP_ID}/requests", json=body, headers=AUTH)
    rid = (await resp.json())["data"]["request_id"]
    resp = await client.delete(f"/v1/api/requests/{rid}", headers=AUTH)
    assert resp.status == 200
    await advance(client, "1s")
    calls, sent = await journal(client), await deliveries(client)
    assert (calls["count"], calls["total"], calls["dropped"]) == (0, 2, 2)
    assert (sent["count"], sent["total"], sent["dropped"]) == (0, 1, 1)
    assert len(receiver.hits) == 1
