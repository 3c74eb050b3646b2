"""Webhook receivers that fail: down, slower than the delivery timeout, 5xx then 200, resetting
the connection. Attempts follow the retry schedule on the virtual clock, every attempt is
logged with its status or error, and nothing is lost: each delivery ends delivered, failed or
(when the sandbox shuts down first) abandoned."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from mockserver.base.filters import DeliveryFilter
from mockserver.http import appkeys
from tests.support.polling import until

from .conftest import (
    LOOP_ID,
    START,
    Client,
    MakeClient,
    Receiver,
    ResetReceiver,
    advance,
    build,
    control,
    deliveries,
    offsets,
    refused_url,
)

# HITL.sh's documented schedule: immediate, 15 s, 1 min, 5 min, 30 min, 2 h, 12 h, 24 h.
DOCUMENTED = [0.0, 15.0, 75.0, 375.0, 2175.0, 9375.0, 52575.0, 138975.0]
AUTH = {"Authorization": "Bearer any"}


def scenario(webhooks: str = "") -> str:
    return f"""
seed: 9
clock: manual
start: "{START}"
hitl:
  rate_limit: 100000  # these tests make more calls than the real hourly budget
  loops: [{{id: {LOOP_ID}, name: Team}}]
  rules: [{{otherwise: timeout}}]
hive: {{callback_delay: 2s}}
{webhooks}
"""


async def cancelled_request(client: Client, callback_url: str) -> dict[str, Any]:
    """A HITL request with `callback_url`, cancelled at once: one request.cancelled webhook."""
    body = {
        "request_text": "Is this OK?",
        "response_type": "single_select",
        "response_config": {"options": ["Approve", "Reject"]},
        "default_response": "Reject",
        "callback_url": callback_url,
    }
    resp = await client.post(f"/v1/api/loops/{LOOP_ID}/requests", json=body, headers=AUTH)
    assert resp.status == 201, await resp.text()
    rid = (await resp.json())["data"]["request_id"]
    resp = await client.delete(f"/v1/api/requests/{rid}", headers=AUTH)
    assert resp.status == 200, await resp.text()
    return await delivery_of(client, rid)


async def delivery_of(client: Client, subject: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = (await deliveries(client, subject=subject))["deliveries"]
    assert len(found) == 1, found
    return found[0]


async def current(client: Client, delivery: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = await control(client, "GET", f"/deliveries/{delivery['id']}")
    return found


def each_attempt_logged(delivery: dict[str, Any]) -> None:
    for attempt in delivery["attempts"]:
        assert (attempt["status"] is None) != (attempt["error"] is None), attempt
        assert attempt["duration_ms"] >= 0 and not attempt["simulated"]


async def test_receiver_down_is_retried_on_the_documented_schedule_then_failed(
    sandbox: MakeClient,
) -> None:
    client = await sandbox(scenario())
    delivery = await cancelled_request(client, refused_url())
    await advance(client, "14s")
    delivery = await current(client, delivery)
    assert delivery["state"] == "pending" and offsets(delivery) == [0.0]
    assert delivery["next_attempt_at"] == "2026-01-01T00:00:15Z"
    await advance(client, "2d")
    delivery = await current(client, delivery)
    assert delivery["state"] == "failed" and delivery["next_attempt_at"] is None
    assert offsets(delivery) == DOCUMENTED
    each_attempt_logged(delivery)
    assert all("Connect" in a["error"] for a in delivery["attempts"])


async def test_receiver_slower_than_the_timeout_is_retried_until_it_answers(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(scenario("webhooks: {timeout: 200ms, retry: [15s, 1m]}"))
    receiver.script = ["slow", "slow"]
    delivery = await cancelled_request(client, receiver.url())
    await advance(client, "15s")
    await advance(client, "1m")
    delivery = await current(client, delivery)
    assert delivery["state"] == "delivered"
    assert offsets(delivery) == [0.0, 15.0, 75.0]
    each_attempt_logged(delivery)
    errors = [a["error"] for a in delivery["attempts"]]
    assert errors == ["timed out after 0.2s", "timed out after 0.2s", None]
    assert delivery["attempts"][2]["status"] == 200
    assert all(a["duration_ms"] < 2000 for a in delivery["attempts"])
    assert len(receiver.hits) == 3


@pytest.mark.parametrize(
    ("script", "statuses", "state"),
    [
        ([500], [500, 200], "delivered"),
        ([503, 502, 500], [503, 502, 500, 200], "delivered"),
        ([429, 408], [429, 408, 200], "delivered"),  # the two retried 4xx
        ([400], [400], "failed"),  # any other 4xx is final
        ([410], [410], "failed"),
    ],
)
async def test_receiver_errors_then_success(
    sandbox: MakeClient,
    receiver: Receiver,
    script: list[int | str],
    statuses: list[int],
    state: str,
) -> None:
    client = await sandbox(scenario())
    receiver.script = list(script)
    delivery = await cancelled_request(client, receiver.url())
    await advance(client, "1d")
    delivery = await current(client, delivery)
    assert delivery["state"] == state
    assert [a["status"] for a in delivery["attempts"]] == statuses
    assert offsets(delivery) == DOCUMENTED[: len(statuses)]
    each_attempt_logged(delivery)
    assert len(receiver.hits) == len(statuses)
    # Every attempt carried the same bytes.
    assert len({h.body for h in receiver.hits}) == 1


async def test_connection_reset_is_retried(
    sandbox: MakeClient, reset_receiver: ResetReceiver
) -> None:
    client = await sandbox(scenario())
    reset_receiver.resets = 2
    delivery = await cancelled_request(client, reset_receiver.url)
    await advance(client, "1h")
    delivery = await current(client, delivery)
    assert delivery["state"] == "delivered"
    assert offsets(delivery) == DOCUMENTED[:3]
    each_attempt_logged(delivery)
    first, second, third = delivery["attempts"]
    assert first["error"] and second["error"] and third["status"] == 200
    assert reset_receiver.connections == 3


async def test_hive_callback_to_a_down_receiver_follows_its_schedule(sandbox: MakeClient) -> None:
    client = await sandbox(scenario())
    body = {"user_id": "u1", "post_id": "p1", "text_data": "hi", "callback_url": refused_url()}
    resp = await client.post("/api/v2/task/async", json=body, headers={"authorization": "token k"})
    assert resp.status == 200, await resp.text()
    await advance(client, "1d")
    (delivery,) = (await deliveries(client, vendor="hive"))["deliveries"]
    assert delivery["state"] == "failed"
    # The sandbox's choice for Hive (undocumented): 10 s, 1 min, 5 min, 30 min, 2 h.
    assert offsets(delivery) == [0.0, 10.0, 70.0, 370.0, 2170.0, 9370.0]
    each_attempt_logged(delivery)


# -- shutdown ---------------------------------------------------------------------------------
async def test_shutdown_records_a_pending_retry_as_abandoned() -> None:
    app = build(scenario())
    async with TestClient(TestServer(app)) as client:
        delivery = await cancelled_request(client, refused_url())
        await advance(client, "1s")  # the first attempt has failed; the next is due at 15 s
        world = app[appkeys.WORLDS].get("")
    found = world.dispatcher.get(delivery["id"])
    assert found is not None and found.state == "abandoned"
    assert found.next_attempt_at is None and len(found.attempts) == 1


async def test_shutdown_lets_an_attempt_in_flight_finish_then_abandons_the_retry(
    receiver: Receiver,
) -> None:
    app = build(scenario("webhooks: {timeout: 200ms}"))
    receiver.script = ["slow"]
    async with TestClient(TestServer(app)) as client:
        delivery = await cancelled_request(client, receiver.url())
        await until(lambda: len(receiver.hits) == 1, "the first attempt in flight")
        world = app[appkeys.WORLDS].get("")
    found = world.dispatcher.get(delivery["id"])
    assert found is not None and found.state == "abandoned"
    (attempt,) = found.attempts
    assert attempt.error == "timed out after 0.2s"


async def test_close_all_counts_pending_deliveries_of_every_namespace() -> None:
    app = build(scenario())
    async with TestClient(TestServer(app)) as client:
        ids = []
        for ns in ("", "a", "b"):
            headers = {**AUTH, "X-Mockserver-Namespace": ns} if ns else AUTH
            body = {"request_text": "x", "callback_url": refused_url()}
            resp = await client.post(
                f"/v1/api/loops/{LOOP_ID}/requests", json=body, headers=headers
            )
            rid = (await resp.json())["data"]["request_id"]
            resp = await client.delete(f"/v1/api/requests/{rid}", headers=headers)
            assert resp.status == 200
            ids.append(rid)
        worlds = app[appkeys.WORLDS]
        kept = [worlds.get(ns) for ns in ("", "a", "b")]
        assert await worlds.close_all() == 3
        assert worlds.namespaces() == []
    for world, rid in zip(kept, ids, strict=True):
        (found,) = world.dispatcher.query(DeliveryFilter(subject=rid))
        assert found.state == "abandoned"
