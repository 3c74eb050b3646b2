"""Concurrency: many clients at once while the virtual clock advances underneath them. Nothing
is lost or duplicated, the journal counts are exact, and every webhook is accounted for."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import aiohttp

from .conftest import (
    LOOP_ID,
    START,
    Client,
    MakeClient,
    Receiver,
    Ticker,
    advance,
    control,
    deliveries,
    journal,
    run_with_clock,
)

CLIENTS = 50
KEYS = [f"key-{n}" for n in range(5)]
SELECT = {
    "response_type": "single_select",
    "response_config": {"options": ["Approve", "Reject"]},
    "default_response": "Reject",
}
TERMINAL_EVENT = {
    "completed": "request.completed",
    "timeout": "request.timeout",
    "cancelled": "request.cancelled",
}


def hitl_scenario(receiver: Receiver) -> str:
    return f"""
seed: 3
clock: manual
start: "{START}"
reviewers:
  - {{name: Dana Reviewer, email: dana@example.com}}
  - {{name: Sam Reviewer, email: sam@example.com}}
hitl:
  keys: {KEYS}
  webhooks: [{{url: "{receiver.url("/all")}", secret: whsec_all}}]
  loops: [{{id: {LOOP_ID}, name: Team}}]
  rules:
    - when: {{text_contains: answer}}
      then: [{{claim: {{after: 5s}}}}, {{respond: {{after: 20s, choose: Approve}}}}]
    - when: {{text_contains: cancel}}
      then: {{claim: {{after: 3s}}}}
    - otherwise: timeout
"""


async def hitl_client(
    session: aiohttp.ClientSession, base: str, n: int, callback: str, ticker: Ticker
) -> dict[str, str]:
    """One client: three requests (answered, cancelled, left to time out), then reads. Odd
    clients cancel only after the clock has moved past the scripted claim."""
    auth = {"Authorization": f"Bearer {KEYS[n % len(KEYS)]}"}
    kinds: dict[str, dict[str, Any]] = {
        "answer": {"callback_url": callback},
        "cancel": {},
        "expire": {"timeout_seconds": 60},
    }
    ids: dict[str, str] = {}
    for kind, extra in kinds.items():
        body = {**SELECT, "request_text": f"{kind} #{n}", **extra}
        async with session.post(f"{base}/v1/api/loops/{LOOP_ID}/requests", json=body) as r:
            assert r.status == 201, await r.text()
            ids[kind] = (await r.json())["data"]["request_id"]
        if n % 2:
            await ticker.after(1)
    if n % 2:
        await ticker.after(2)  # >= 4 s after the "cancel" request arrived: claimed at 3 s
    async with session.delete(f"{base}/v1/api/requests/{ids['cancel']}") as r:
        assert r.status == 200, await r.text()
        cancelled = (await r.json())["data"]
        assert cancelled["status"] == "cancelled"
        assert n % 2 == 0 or cancelled["previous_status"] == "claimed"
    for rid in ids.values():
        async with session.get(f"{base}/v1/api/requests/{rid}", headers=auth) as r:
            assert r.status == 200, await r.text()
    return ids


async def list_all(client: Client, key: str) -> tuple[int, list[str]]:
    """Every request a key sees, paging through GET /v1/api/requests."""
    ids: list[str] = []
    total = -1
    while total < 0 or len(ids) < total:
        resp = await client.get(
            "/v1/api/requests",
            params={"limit": "100", "offset": str(len(ids))},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert resp.status == 200, await resp.text()
        data = (await resp.json())["data"]
        total = data["total"]
        ids += [r["id"] for r in data["requests"]]
        if not data["requests"]:
            break
    return total, ids


async def test_fifty_clients_create_and_cancel_while_the_clock_advances(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(hitl_scenario(receiver))
    base = str(client.make_url("")).rstrip("/")
    sessions = [
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {KEYS[n % len(KEYS)]}"})
        for n in range(CLIENTS)
    ]
    try:
        jobs = [
            partial(hitl_client, sessions[n], base, n, receiver.url(f"/cb/{n}"))
            for n in range(CLIENTS)
        ]
        per_client: list[dict[str, str]] = await run_with_clock(client, jobs, "2s")
    finally:
        await asyncio.gather(*(s.close() for s in sessions))

    created = [rid for ids in per_client for rid in ids.values()]
    assert len(created) == len(set(created)) == 3 * CLIENTS

    # Exact journal counts per method and path, all successful, and no sequence number reused.
    calls = await journal(client, vendor="hitl")
    counts = Counter((e["method"], e["path"], e["status"]) for e in calls["entries"])
    calls_wanted = Counter({("POST", f"/v1/api/loops/{LOOP_ID}/requests", 201): 3 * CLIENTS})
    for made in per_client:
        calls_wanted[("DELETE", f"/v1/api/requests/{made['cancel']}", 200)] += 1
        for rid in made.values():
            calls_wanted[("GET", f"/v1/api/requests/{rid}", 200)] += 1
    assert counts == calls_wanted
    assert calls["total"] == calls["count"] and calls["dropped"] == 0
    seqs = [e["seq"] for e in calls["entries"]]
    assert len(set(seqs)) == len(seqs), "journal sequence numbers must be unique"
    assert seqs == sorted(seqs)

    # Nothing lost, nothing duplicated: each key sees exactly its own clients' requests.
    seen: list[str] = []
    for k, key in enumerate(KEYS):
        total, ids = await list_all(client, key)
        mine = {rid for n, c in enumerate(per_client) if n % len(KEYS) == k for rid in c.values()}
        assert total == len(ids) == len(mine)
        assert set(ids) == mine
        seen += ids
    assert sorted(seen) == sorted(created)

    # Everything falls due; afterwards nothing is pending and every webhook is accounted for.
    await advance(client, "2h")
    assert (await control(client, "GET", "/clock"))["pending_timers"] == 0
    sent = (await deliveries(client, vendor="hitl"))["deliveries"]
    assert {d["state"] for d in sent} == {"delivered"}
    assert all(len(d["attempts"]) == 1 and d["attempts"][0]["status"] == 200 for d in sent)
    by_subject: dict[str, list[tuple[str, str]]] = {}
    for d in sent:
        by_subject.setdefault(d["subject"], []).append((d["url"], d["event"]))
    items = {i["id"]: i for i in (await control(client, "GET", "/items?vendor=hitl"))["items"]}
    assert set(items) == set(created)
    for n, client_ids in enumerate(per_client):
        for kind, rid in client_ids.items():
            req = await client.get(
                f"/v1/api/requests/{rid}",
                headers={"Authorization": f"Bearer {KEYS[n % len(KEYS)]}"},
            )
            state = (await req.json())["data"]["request"]
            want_status = {"answer": "completed", "cancel": "cancelled", "expire": "timeout"}
            assert state["status"] == want_status[kind]
            events = ["request.claimed"] if state["claimed_at"] else []
            events.append(TERMINAL_EVENT[state["status"]])
            urls = [receiver.url(f"/cb/{n}")] if kind == "answer" else []
            urls.append(receiver.url("/all"))
            expected = [(url, event) for event in events for url in urls]
            assert by_subject.pop(rid) == expected, (kind, rid)
    assert by_subject == {}
    # The receivers got each delivery exactly once.
    received = Counter(
        (h.path, h.json()["data"]["request"]["id"], h.json()["event"]) for h in receiver.hits
    )
    assert len(receiver.hits) == len(sent) and max(received.values()) == 1


def mix_scenario(receiver: Receiver) -> str:
    return f"""
seed: 5
clock: manual
start: "{START}"
reviewers: [{{name: Dana Reviewer, email: dana@example.com}}]
outharm:
  tokens: [om-key]
  schemas:
    - id: 550e8400-e29b-41d4-a716-446655440000
      name: Posts
      components: {{title: text}}
  webhook: {{url: "{receiver.url("/om")}", secret: om_whsec}}
  manual:
    - otherwise: {{decide: {{after: 30s, harmful: false}}}}
hive:
  keys: [hive-key]
  callback_delay: 2s
"""


async def test_outharm_manual_and_hive_async_at_once(
    sandbox: MakeClient, receiver: Receiver
) -> None:
    client = await sandbox(mix_scenario(receiver))
    om = {"Authorization": "Bearer om-key"}
    hive = {"authorization": "token hive-key"}

    async def outharm_job(n: int, ticker: Ticker) -> str:
        await ticker.after(n % 3)
        body = {
            "schema_id": "550e8400-e29b-41d4-a716-446655440000",
            "content": {"title": [f"post {n}"]},
        }
        resp = await client.post("/moderation/manual", json=body, headers=om)
        assert resp.status == 200, await resp.text()
        sid: str = (await resp.json())["submission_id"]
        return sid

    async def hive_job(n: int, ticker: Ticker) -> str:
        await ticker.after(n % 4)
        body = {
            "user_id": f"u{n}",
            "post_id": f"p{n}",
            "text_data": f"hello {n}",
            "callback_url": receiver.url(f"/hive/{n}"),
        }
        resp = await client.post("/api/v2/task/async", json=body, headers=hive)
        assert resp.status == 200, await resp.text()
        ack = await resp.json()
        task_id: str = ack.get("task_id") or ack["task_ids"][0]
        return task_id

    jobs: list[Callable[[Ticker], Awaitable[str]]] = []
    for n in range(25):
        jobs += [partial(outharm_job, n), partial(hive_job, n)]
    ids: list[str] = await run_with_clock(client, jobs, "500ms")
    submissions, tasks = set(ids[0::2]), set(ids[1::2])
    assert len(submissions) == len(tasks) == 25

    await advance(client, "1h")
    calls = await journal(client)
    counts = Counter((e["method"], e["path"], e["status"]) for e in calls["entries"])
    assert counts == {
        ("POST", "/moderation/manual", 200): 25,
        ("POST", "/api/v2/task/async", 200): 25,
    }
    om_sent = (await deliveries(client, vendor="outharm"))["deliveries"]
    hive_sent = (await deliveries(client, vendor="hive"))["deliveries"]
    assert sorted(d["subject"] for d in om_sent) == sorted(submissions)
    assert sorted(d["subject"] for d in hive_sent) == sorted(tasks)
    assert {d["state"] for d in om_sent + hive_sent} == {"delivered"}
    assert len(receiver.hits) == 50
    assert (await control(client, "GET", "/clock"))["pending_timers"] == 0


async def test_overlapping_calls_get_unique_journal_numbers_and_since_misses_none(
    sandbox: MakeClient,
) -> None:
    """A call held up (here by a 50 ms latency fault) is logged after calls that arrived later;
    its sequence number must still be fresh, or `?since=` would skip entries."""
    client = await sandbox(
        'clock: manual\nfaults: [{vendor: hitl, path: "/v1/test", latency: 50ms, times: 1}]'
    )
    auth = {"Authorization": "Bearer any"}
    answers = await asyncio.gather(*(client.get("/v1/test", headers=auth) for _ in range(6)))
    assert [r.status for r in answers] == [200] * 6
    calls = await journal(client)
    assert [e["seq"] for e in calls["entries"]] == [1, 2, 3, 4, 5, 6]
    later = await journal(client, since=str(calls["entries"][0]["seq"]))
    assert later["count"] == 5
