"""Every HITL.sh lifecycle webhook, each event and each field a documented client reads, in
every documented body form.

Form A (the default) is what hitl-sh/docs.hitl.sh api-reference/webhooks.mdx shows and its
handlers read (`data.request`, `data.reviewer`, `data.estimated_completion`, `data.refund_info`)
and what the quickstart's handler reads (`data['request']['id']`, `['response_data']`,
`data['reviewer']['email']`); B is the published callback_url page's flat payload
(https://docs.hitl.sh/api-reference/webhooks), C Handoff's, D api-reference/introduction.mdx's.
Pages cited by path are in github.com/hitl-sh/docs.hitl.sh @0e23b17 (webhooks.mdx shows A there
and at its newest commit, @6bcdeba).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mockserver.webhooks.signatures import verify_hmac_sha256

from .conftest import API, MakeSandbox, Sandbox

HOOKS = '\nfaults:\n  - {webhook: "http://hooks.test/*", answers: [200, 200, 200, 200, 200, 200]}\n'
SECRET = "whsec_bodies"
BODY = {
    "request_text": "Is this fine?",
    "response_type": "single_select",
    "response_config": {"options": ["Approve", "Reject"]},
    "default_response": "Reject",
    "callback_url": "http://hooks.test/hitl",
    "timeout_seconds": 600,
    "priority": "high",
}
T0 = "2026-01-05T10:00:00Z"
COMPLETED_READS = (  # api-reference/webhooks.mdx's request.completed example, field by field
    *("id", "loop_id", "processing_type", "type", "priority", "request_text", "response_type"),
    *("status", "response_data", "response_by", "response_at", "response_time_seconds"),
    *("timeout_at", "created_at", "updated_at"),
)
Event = tuple[str, str, dict[str, Any]]


async def lifecycle(make_sandbox: MakeSandbox, form: str = "A") -> dict[str, Any]:
    """Five requests, each through one lifecycle, with their deliveries by request:
    claimed then completed, cancelled while pending, cancelled once claimed, timed out while
    pending, timed out once claimed."""
    sandbox = await make_sandbox(
        {"join": "on_create", "webhook_secret": SECRET},
        extra=HOOKS,
        honest=True,
        variants={"hitl.webhook_body": form},
    )
    loop = await sandbox.new_loop()
    ids = []
    for _ in range(5):
        reply = await sandbox.call("POST", f"{API}/loops/{loop['id']}/requests", json_body=BODY)
        ids.append(reply.body["data"]["request_id"])
    answered, pending_cancel, claimed_cancel, _, claimed_expiry = ids
    await sandbox.advance("1m")
    for rid in (answered, claimed_cancel, claimed_expiry):
        await sandbox.act(rid, {"claim": {"by": "sam@example.com"}})
    await sandbox.advance("1m")
    await sandbox.act(answered, {"respond": {"choose": "Approve"}})
    for rid in (pending_cancel, claimed_cancel):
        assert (await sandbox.call("DELETE", f"{API}/requests/{rid}")).status == 200
    await sandbox.advance("8m")  # 10:10, the timeout_at of all five
    deliveries = await sandbox.deliveries()
    by_request: dict[str, list[dict[str, Any]]] = {rid: [] for rid in ids}
    for delivery in deliveries:
        by_request[delivery["subject"]].append(delivery)
    return {
        "sandbox": sandbox,
        "loop": loop,
        "ids": ids,
        "by_request": by_request,
        "sam": (await sandbox.get_request(answered))["response_by"],
    }


def bodies(run: dict[str, Any], index: int) -> list[dict[str, Any]]:
    return [d["payload"] for d in run["by_request"][run["ids"][index]]]


async def test_form_a_every_event_and_field_a_client_reads(make_sandbox: MakeSandbox) -> None:
    run = await lifecycle(make_sandbox)
    loop, sam = run["loop"], run["sam"]
    answered_id = run["ids"][0]
    reviewer = {"user_id": sam, "name": "Sam Moderator", "email": "sam@example.com"}
    brief_loop = {"id": loop["id"], "name": loop["name"], "creator_id": loop["creator_id"]}

    claimed, completed = bodies(run, 0)
    assert (claimed["event"], claimed["timestamp"]) == ("request.claimed", "2026-01-05T10:01:00Z")
    data = claimed["data"]
    assert (data["reviewer"], data["loop"]) == (reviewer, brief_loop)
    assert data["estimated_completion"] == "2026-01-05T10:06:00Z"
    request = data["request"]
    assert (request["id"], request["loop_id"], request["status"]) == (
        answered_id,
        loop["id"],
        "claimed",
    )
    assert (request["claimed_by"], request["claimed_at"]) == (sam, "2026-01-05T10:01:00Z")

    assert (completed["event"], completed["timestamp"]) == (
        "request.completed",
        "2026-01-05T10:02:00Z",
    )
    data = completed["data"]
    assert (data["reviewer"], data["loop"]) == (reviewer, brief_loop)
    request = data["request"]
    assert {k: request[k] for k in COMPLETED_READS} == {
        "id": answered_id,
        "loop_id": loop["id"],
        "processing_type": "time-sensitive",
        "type": "markdown",
        "priority": "high",
        "request_text": "Is this fine?",
        "response_type": "single_select",
        "status": "completed",
        "response_data": "Approve",
        "response_by": sam,
        "response_at": "2026-01-05T10:02:00Z",
        "response_time_seconds": 120,
        "timeout_at": "2026-01-05T10:10:00Z",
        "created_at": T0,
        "updated_at": "2026-01-05T10:02:00Z",
    }

    # Cancelled: the refund is read from the status before cancelling.
    for index, previous, refund in (
        (1, "pending", {"refunded": True, "reason": "Request cancelled before processing began"}),
        (
            2,
            "claimed",
            {"refunded": False, "reason": "Request was already being processed by reviewer"},
        ),
    ):
        *_, cancelled = bodies(run, index)
        assert (cancelled["event"], cancelled["timestamp"]) == (
            "request.cancelled",
            "2026-01-05T10:02:00Z",
        )
        data = cancelled["data"]
        assert (data["refund_info"], data["loop"]["id"], data["loop"]["name"]) == (
            refund,
            loop["id"],
            loop["name"],
        )
        request = data["request"]
        assert (request["id"], request["status"], request["previous_status"]) == (
            run["ids"][index],
            "cancelled",
            previous,
        )
        assert request["cancelled_at"] == request["updated_at"] == "2026-01-05T10:02:00Z"
        assert (request["loop_id"], request["created_at"]) == (loop["id"], T0)

    for index, previous in ((3, "pending"), (4, "claimed")):
        *_, expired = bodies(run, index)
        assert (expired["event"], expired["timestamp"]) == (
            "request.timeout",
            "2026-01-05T10:10:00Z",
        )
        request = expired["data"]["request"]
        assert (request["id"], request["status"], request["previous_status"]) == (
            run["ids"][index],
            "timeout",
            previous,
        )
        assert (request["timeout_at"], request["default_response"]) == (
            "2026-01-05T10:10:00Z",
            "Reject",
        )
        assert expired["data"]["loop"]["id"] == loop["id"]
    assert [len(bodies(run, i)) for i in range(5)] == [2, 1, 2, 1, 2]  # claims sent too
    await check_signatures(run["sandbox"])


async def check_signatures(sandbox: Sandbox) -> None:
    """Each body is signed as the quickstart's handler verifies it (hitl.signature_header)."""
    for delivery in await sandbox.deliveries():
        signature = delivery["headers"]["X-HITL-Signature-256"]
        assert verify_hmac_sha256(SECRET, delivery["body"].encode(), signature, prefix="sha256=")


async def test_form_b_the_flat_callback_payload(make_sandbox: MakeSandbox) -> None:
    run = await lifecycle(make_sandbox, "B")
    loop = run["loop"]
    reviewer = {"user_id": run["sam"], "name": "Sam Moderator", "email": "sam@example.com"}
    empty: dict[str, Any] = {"response_data": None, "response_by": None, "response_at": None}
    empty["response_time_seconds"] = None
    expected: dict[int, list[Event]] = {
        0: [
            ("request.claimed", "claimed", empty),
            (
                "request.completed",
                "completed",
                {
                    "response_data": "Approve",
                    "response_by": reviewer,
                    "response_at": "2026-01-05T10:02:00Z",
                    "response_time_seconds": 120,
                },
            ),
        ],
        1: [("request.cancelled", "cancelled", empty)],
        3: [("request.timeout", "timeout", empty)],
    }
    for index, events in expected.items():
        got = bodies(run, index)
        assert len(got) == len(events)
        for body, (event, status, answer) in zip(got, events, strict=True):
            assert body == {
                "event": event,
                "request_id": run["ids"][index],
                "loop_id": loop["id"],
                "status": status,
                **answer,
                "created_at": T0,
            }


@pytest.mark.parametrize("form", ["C", "D"])
async def test_forms_c_and_d(make_sandbox: MakeSandbox, form: str) -> None:
    run = await lifecycle(make_sandbox, form)
    claimed, completed = bodies(run, 0)
    (cancelled,) = bodies(run, 1)
    (expired,) = bodies(run, 3)
    for body, event in (
        (claimed, "request.claimed"),
        (completed, "request.completed"),
        (cancelled, "request.cancelled"),
        (expired, "request.timeout"),
    ):
        assert body["event"] == event
    assert completed["request_id"] == run["ids"][0]
    if form == "C":
        assert completed["timestamp"] == "2026-01-05T10:02:00Z"
        request = completed["data"]["request"]
        assert (request["id"], request["status"], request["response_data"]) == (
            run["ids"][0],
            "completed",
            "Approve",
        )
        assert request["response_by"]["email"] == "sam@example.com"
        assert cancelled["data"]["request"]["status"] == "cancelled"
    else:
        assert completed == {
            "event": "request.completed",
            "request_id": run["ids"][0],
            "status": "completed",
            "response_data": "Approve",
            "response_by": "sam@example.com",
            "completed_at": "2026-01-05T10:02:00Z",
        }
        assert (expired["status"], expired["response_data"], expired["completed_at"]) == (
            "timeout",
            None,
            None,
        )


async def test_broadcasted_to_is_encoded_once_and_reads_as_the_request_shows_it(
    make_sandbox: MakeSandbox,
) -> None:
    """The body splices the broadcast list's encoding, made once for every request sharing it;
    a request whose metadata only the slower encoder writes (an integer beyond 64 bits) gets
    its list the plain way: either way the body is the compact JSON of what the request shows."""
    sandbox = await make_sandbox({"join": "on_create"}, extra=HOOKS, honest=True)
    loop = await sandbox.new_loop()
    ids = []
    for metadata in ({"n": 1}, {"big": 10**30}, {"n": 2}):
        body = {**BODY, "metadata": metadata}
        reply = await sandbox.call("POST", f"{API}/loops/{loop['id']}/requests", json_body=body)
        ids.append(reply.body["data"]["request_id"])
        await sandbox.act(ids[-1], {"claim": {"by": "sam@example.com"}})
    deliveries = {d["subject"]: d for d in await sandbox.deliveries()}
    for rid in ids:
        shown = await sandbox.get_request(rid)
        raw = deliveries[rid]["body"]
        sent = json.loads(raw)["data"]["request"]
        assert raw == json.dumps(json.loads(raw), separators=(",", ":"), ensure_ascii=False)
        assert sent["broadcasted_to"] == shown["broadcasted_to"] and len(shown["broadcasted_to"])
        assert sent["metadata"] == shown["metadata"]
    assert json.loads(deliveries[ids[1]]["body"])["data"]["request"]["metadata"]["big"] == 10**30
