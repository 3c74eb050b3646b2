"""One key never reads another's data, and one namespace never sees another's state, journal,
deliveries or clock."""

from __future__ import annotations

from typing import Any

from .conftest import (
    LOOP_ID,
    NS_HEADER,
    START,
    Client,
    MakeClient,
    Receiver,
    advance,
    control,
    deliveries,
    journal,
)

SCHEMA_ID = "550e8400-e29b-41d4-a716-446655440000"


def scenario(receiver: Receiver) -> str:
    return f"""
seed: 4
clock: manual
start: "{START}"
hitl:
  keys: [key-a, key-b]
  loops: [{{id: {LOOP_ID}, name: Shared}}]
  rules: [{{otherwise: timeout}}]
outharm:
  schemas: [{{id: {SCHEMA_ID}, name: Posts, components: {{title: text}}}}]
  manual: [{{otherwise: hold}}]
hive: {{callback_delay: 2s}}
webhooks: {{retry: []}}
"""


def hitl(key: str, ns: str = "") -> dict[str, str]:
    headers = {"Authorization": f"Bearer {key}"}
    return {**headers, NS_HEADER: ns} if ns else headers


async def call(client: Client, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
    resp = await client.request(method, path, headers=headers, **kw)
    return resp.status, await resp.json()


async def create(client: Client, headers: dict[str, str], loop_id: str, **extra: Any) -> str:
    body = {"request_text": "mine", "response_type": "text", **extra}
    status, data = await call(
        client, "POST", f"/v1/api/loops/{loop_id}/requests", headers, json=body
    )
    assert status == 201, data
    rid: str = data["data"]["request_id"]
    return rid


async def test_another_key_cannot_read_or_act_on_a_request_or_loop(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(scenario(receiver))
    a, b = hitl("key-a"), hitl("key-b")
    status, made = await call(
        client, "POST", "/v1/api/loops", a, json={"name": "A's own", "icon": "eye"}
    )
    assert status == 201
    own_loop = made["data"]["loop"]["id"]
    in_shared = await create(client, a, LOOP_ID)
    in_own = await create(client, a, own_loop)

    denied = [
        ("GET", f"/v1/api/requests/{in_shared}", None),
        ("PATCH", f"/v1/api/requests/{in_shared}", {"priority": "high"}),
        ("DELETE", f"/v1/api/requests/{in_shared}", None),
        ("POST", f"/v1/api/requests/{in_shared}/feedback", {"rating": 5}),
        ("GET", f"/v1/api/requests/{in_shared}/response", None),
        ("GET", f"/v1/requests/{in_own}", None),
        ("GET", f"/v1/api/loops/{own_loop}", None),
        ("PUT", f"/v1/api/loops/{own_loop}", {"name": "taken"}),
        ("DELETE", f"/v1/api/loops/{own_loop}", None),
        ("GET", f"/v1/api/loops/{own_loop}/members", None),
        ("GET", f"/v1/api/loops/{own_loop}/requests", None),
        ("POST", f"/v1/api/loops/{own_loop}/requests", {"request_text": "x"}),
        ("DELETE", f"/v1/api/loops/{LOOP_ID}", None),
    ]
    for method, path, body in denied:
        status, data = await call(client, method, path, b, json=body)
        assert status in (403, 404) and data["error"] is True, (method, path, status, data)

    # B's lists do not show A's data, even in the loop they share.
    _, mine = await call(client, "GET", "/v1/api/requests", b)
    assert mine["data"]["total"] == 0 and mine["data"]["requests"] == []
    _, shared = await call(client, "GET", f"/v1/api/loops/{LOOP_ID}/requests", b)
    assert shared["data"]["total"] == 0
    _, loops = await call(client, "GET", "/v1/api/loops", b)
    assert [loop["id"] for loop in loops["data"]["loops"]] == [LOOP_ID]

    # A's data is untouched by B's attempts.
    _, own = await call(client, "GET", "/v1/api/requests", a)
    assert own["data"]["total"] == 2
    assert {r["status"] for r in own["data"]["requests"]} == {"pending"}
    assert {r["priority"] for r in own["data"]["requests"]} == {"medium"}
    _, loop = await call(client, "GET", f"/v1/api/loops/{own_loop}", a)
    assert loop["data"]["loop"]["name"] == "A's own"


async def test_namespaces_keep_state_journal_deliveries_and_clock_apart(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(scenario(receiver))
    one, two = hitl("key-a", "one"), hitl("key-a", "two")
    rid = await create(client, one, LOOP_ID, callback_url=receiver.url())
    status, _ = await call(client, "DELETE", f"/v1/api/requests/{rid}", one)
    assert status == 200
    await advance(client, "1h", ns="one")

    # Same key, other namespace: the request does not exist there.
    status, data = await call(client, "GET", f"/v1/api/requests/{rid}", two)
    assert status == 404 and data["error"] is True
    _, listed = await call(client, "GET", "/v1/api/requests", two)
    assert listed["data"]["total"] == 0
    await control(client, "POST", f"/items/hitl/{rid}", "timeout", ns="two", status=404)
    assert (await control(client, "GET", "/items", ns="two"))["count"] == 0
    assert (await control(client, "GET", "/items", ns="one"))["count"] == 1

    # Journal and deliveries: each namespace has only its own.
    assert (await journal(client, ns="one"))["total"] == 2
    assert (await journal(client, ns="two"))["total"] == 2  # the GET and the list above
    assert (await journal(client))["total"] == 0
    assert (await deliveries(client, ns="one"))["count"] == 1
    assert (await deliveries(client, ns="two"))["count"] == 0

    # Clocks: "one" moved an hour, "two" did not.
    clock_one = await control(client, "GET", "/clock", ns="one")
    clock_two = await control(client, "GET", "/clock", ns="two")
    assert clock_one["now"] == "2026-01-01T01:00:00Z"
    assert clock_two["now"] == START

    # Resetting one namespace leaves the other alone.
    await control(client, "POST", "/reset", ns="two")
    assert (await deliveries(client, ns="one"))["count"] == 1
    status, _ = await call(client, "GET", f"/v1/api/requests/{rid}", one)
    assert status == 200


async def test_outharm_and_hive_items_stay_in_their_namespace(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(scenario(receiver))
    om = {"Authorization": "Bearer t"}
    body = {"schema_id": SCHEMA_ID, "content": {"title": ["hello"]}}
    resp = await client.post("/moderation/manual", json=body, headers={**om, NS_HEADER: "one"})
    sid = (await resp.json())["submission_id"]
    resp = await client.post(
        f"/submissions/{sid}/moderation/manual", headers={**om, NS_HEADER: "two"}
    )
    assert resp.status == 404
    assert (await resp.json())["name"] == "submission-not-found"
    resp = await client.post(
        f"/submissions/{sid}/moderation/manual", headers={**om, NS_HEADER: "one"}
    )
    assert resp.status == 422  # found in its own namespace (its review is still open)

    hive = {"authorization": "token k", "Host": "api.thehive.ai"}
    resp = await client.post(
        "/api/v2/task/sync", json={"text_data": "hi"}, headers={**hive, NS_HEADER: "one"}
    )
    task_id = (await resp.json())["id"]
    resp = await client.get(f"/api/v1/task?task_id={task_id}", headers={**hive, NS_HEADER: "two"})
    assert resp.status == 404
    resp = await client.get(f"/api/v1/task?task_id={task_id}", headers={**hive, NS_HEADER: "one"})
    assert resp.status == 200 and (await resp.json())["id"] == task_id
