"""Signed HITL webhooks through the shared delivery engine, on a manual clock."""

from __future__ import annotations

from typing import Any

from mockserver.webhooks.signatures import verify_hmac_sha256

from .conftest import (
    AUTH,
    MakeClient,
    Receiver,
    advance,
    answered_by,
    create_loop,
    create_request,
    get_request,
)


def scenario(receiver: Receiver, extra: str = "") -> str:
    return f"""
seed: 1
start: "2026-01-01T00:00:00Z"
clock: manual
reviewers: [{{name: Dana Reviewer, email: dana@example.com}}]
hitl:
  keys: [test-key]
  webhooks: [{{url: "{receiver.url}", secret: whsec_test}}]
  rules:
    - when: {{text_contains: crypto}}
      then:
        - claim: {{after: 30s, by: dana@example.com}}
        - respond: {{after: 2m, choose: Reject}}
    - otherwise: timeout
{extra}
"""


async def deliveries(client: Any, **query: str) -> list[dict[str, Any]]:
    resp = await client.get("/_mockserver/deliveries", params=query)
    found: list[dict[str, Any]] = (await resp.json())["deliveries"]
    return found


async def test_matched_request_is_claimed_then_completed_with_signed_ordered_webhooks(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(scenario(receiver))
    loop_id = await create_loop(client)
    created = await create_request(client, loop_id, "Buy my crypto course!")
    rid = created["request_id"]

    await advance(client, "30s")
    assert (await get_request(client, rid))["status"] == "claimed"
    assert receiver.events() == ["request.claimed"]

    await advance(client, "2m")
    req = await get_request(client, rid)
    assert req["status"] == "completed"
    assert req["response_data"] == "Reject"
    assert (await answered_by(client, rid))["email"] == "dana@example.com"
    assert req["response_time_seconds"] == 150.0
    assert receiver.events() == ["request.claimed", "request.completed"]

    for headers, body in receiver.received:
        signature = headers["X-HITL-Signature-256"]
        assert verify_hmac_sha256("whsec_test", body, signature, prefix="sha256=")
    completed = receiver.bodies()[1]
    # hitl.webhook_body A (default): the envelope the seed quickstart's handler reads
    assert completed["event"] == "request.completed" and "request_id" not in completed
    assert completed["data"]["request"]["id"] == rid
    assert completed["data"]["request"]["response_data"] == "Reject"
    assert completed["data"]["reviewer"]["email"] == "dana@example.com"


async def test_timed_out_request_carries_its_default_response(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(scenario(receiver))
    loop_id = await create_loop(client)
    made = await create_request(client, loop_id, "ordinary post", timeout_seconds=600)
    rid = made["request_id"]
    await advance(client, "9m")
    assert (await get_request(client, rid))["status"] == "pending"
    await advance(client, "1m")
    req = await get_request(client, rid)
    assert req["status"] == "timeout"
    assert req["default_response"] == "Reject"
    assert req["response_data"] is None
    assert receiver.events() == ["request.timeout"]
    body = receiver.bodies()[0]
    assert body["data"]["request"]["previous_status"] == "pending"
    resp = await client.get(f"/v1/api/requests/{rid}/response", headers=AUTH)
    assert resp.status == 200
    assert (await resp.json())["data"]["response_data"] == "Reject"


async def test_failing_receiver_is_retried_on_schedule_then_succeeds(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    receiver.answers = [500, 503]
    client = await sandbox(scenario(receiver))
    loop_id = await create_loop(client)
    await create_request(client, loop_id, "post", timeout_seconds=60)
    await advance(client, "1m")
    assert len(receiver.received) == 1
    await advance(client, "14s")
    assert len(receiver.received) == 1  # the retry is due 15 s after the first attempt
    await advance(client, "1s")
    assert len(receiver.received) == 2
    await advance(client, "1m")
    assert len(receiver.received) == 3
    (delivery,) = await deliveries(client)
    assert delivery["state"] == "delivered"
    assert [a["status"] for a in delivery["attempts"]] == [500, 503, 200]
    first = await get_request(client, delivery["subject"])
    assert first["timed_out_at"] == delivery["attempts"][0]["at"]
    times = [a["at"][11:19] for a in delivery["attempts"]]
    assert times == ["00:01:00", "00:01:15", "00:02:15"]
    # every copy of the body is identical: the same bytes are re-sent
    assert len({body for _, body in receiver.received}) == 1


async def test_client_error_is_not_retried_but_408_and_429_are(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    receiver.answers = [404]
    client = await sandbox(scenario(receiver))
    loop_id = await create_loop(client)
    await create_request(client, loop_id, "post", timeout_seconds=60)
    await advance(client, "1d")
    (delivery,) = await deliveries(client)
    assert delivery["state"] == "failed" and len(delivery["attempts"]) == 1

    receiver.answers = [429, 408]
    await create_request(client, loop_id, "post", timeout_seconds=60)
    await advance(client, "3m")  # attempts at 60 s, +15 s, +1 min
    newest = (await deliveries(client))[-1]
    assert [a["status"] for a in newest["attempts"]] == [429, 408, 200]


async def test_unreachable_receiver_exhausts_the_documented_schedule(sandbox: MakeClient) -> None:
    yaml = """
clock: manual
hitl:
  webhooks: [{url: "http://127.0.0.1:9/unreachable"}]
  rules: [{otherwise: timeout}]
"""
    client = await sandbox(yaml)
    loop_id = await create_loop(client)
    await create_request(client, loop_id, "post", timeout_seconds=60)
    await advance(client, "3d")
    (delivery,) = await deliveries(client)
    assert delivery["state"] == "failed"
    assert len(delivery["attempts"]) == 8  # immediate + 15s, 1m, 5m, 30m, 2h, 12h, 24h
    assert all(a["error"] for a in delivery["attempts"])


async def test_simulated_receiver_answers_and_redelivery(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(
        scenario(receiver, f'faults: [{{webhook: "{receiver.url}", answers: [500, timeout]}}]')
    )
    loop_id = await create_loop(client)
    await create_request(client, loop_id, "post", timeout_seconds=60)
    await advance(client, "5m")
    (delivery,) = await deliveries(client)
    assert [a["simulated"] for a in delivery["attempts"]] == [True, True, False]
    assert delivery["attempts"][1]["error"] == "timed out (simulated)"
    assert len(receiver.received) == 1

    resp = await client.post(f"/_mockserver/deliveries/{delivery['id']}/redeliver")
    assert resp.status == 201
    await advance(client, "0s")
    assert len(receiver.received) == 2
    again = (await deliveries(client))[-1]
    assert again["redelivery_of"] == delivery["id"] and again["state"] == "delivered"


async def test_security_test_modes(sandbox: MakeClient, receiver: Receiver) -> None:
    yaml = f"""
clock: manual
hitl:
  webhooks:
    - {{url: "{receiver.url}?m=wrong", secret: s3cret, mode: wrong_signature}}
    - {{url: "{receiver.url}?m=none", secret: s3cret, mode: no_signature}}
    - {{url: "{receiver.url}?m=dup", secret: s3cret, mode: duplicate}}
  rules: [{{otherwise: timeout}}]
"""
    client = await sandbox(yaml)
    loop_id = await create_loop(client)
    await create_request(client, loop_id, "post", timeout_seconds=60)
    await advance(client, "1m")
    by_mode: dict[str, list[dict[str, Any]]] = {}
    for d in await deliveries(client):
        by_mode.setdefault(d["url"].split("m=")[1], []).append(d)
    assert len(by_mode["dup"]) == 2
    assert "X-HITL-Signature-256" not in by_mode["none"][0]["headers"]
    wrong = by_mode["wrong"][0]
    assert not verify_hmac_sha256(
        "s3cret",
        wrong["body"].encode(),
        wrong["headers"]["X-HITL-Signature-256"],
        prefix="sha256=",
    )
