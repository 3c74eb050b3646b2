"""What happens to a HITL.sh request after it is made: cancel (DELETE), feedback, and
`GET /v1/requests/{id}/response` (api-reference/requests/cancel-request.mdx, add-feedback.mdx
and concepts/integrations.mdx; the seed requests page, concepts/requests.mdx @cce3de9; pages
cited by path are in github.com/hitl-sh/docs.hitl.sh @0e23b17 unless another commit is named)."""

from __future__ import annotations

from typing import Any

from .conftest import API, MakeSandbox, Sandbox

OTHER_KEY = "hitl_live_" + "2" * 48
NO_SUCH_ID = "65f1234567890abcdef99999"


async def test_cancel_pending_refunds_quota(sandbox: Sandbox, loop_id: str) -> None:
    rid = (await sandbox.new_request(loop_id))["id"]
    before = await sandbox.call("GET", "/v1/test")
    remaining = int(before.headers["X-RateLimit-Remaining"])
    await sandbox.advance("30s")
    reply = await sandbox.call("DELETE", f"{API}/requests/{rid}")
    assert (reply.status, reply.body["msg"]) == (200, "Request cancelled successfully")
    assert reply.body["data"] == {
        "request_id": rid,
        "status": "cancelled",
        "cancelled_at": "2026-01-05T10:00:30Z",
        "previous_status": "pending",
        "refund_info": {"refunded": True, "reason": "Request cancelled before processing began"},
    }
    # The cancel call cost one unit and the refund gave it back.
    assert int(reply.headers["X-RateLimit-Remaining"]) == remaining
    after = await sandbox.call("GET", "/v1/test")
    assert int(after.headers["X-RateLimit-Remaining"]) == remaining - 1
    req = await sandbox.get_request(rid)
    assert (req["status"], req["cancelled_at"]) == ("cancelled", "2026-01-05T10:00:30Z")
    await sandbox.fail(
        "DELETE", f"{API}/requests/{rid}", 400, "Request cannot be cancelled in current state"
    )


async def test_cancel_claimed_and_terminal_requests(sandbox: Sandbox, loop_id: str) -> None:
    claimed, answered = [(await sandbox.new_request(loop_id))["id"] for _ in range(2)]
    await sandbox.act(claimed, {"claim": {"by": "dana@example.com"}})
    data = await sandbox.ok("DELETE", f"{API}/requests/{claimed}", "Request cancelled successfully")
    assert (data["previous_status"], data["refund_info"]) == (
        "claimed",
        {"refunded": False, "reason": "Request was already being processed by reviewer"},
    )
    await sandbox.act(answered, {"respond": {"choose": "Approve"}})
    await sandbox.fail(
        "DELETE", f"{API}/requests/{answered}", 400, "Request cannot be cancelled in current state"
    )
    await sandbox.fail(
        "DELETE", f"{API}/requests/{answered}", 403, "Access denied to this request", key=OTHER_KEY
    )
    await sandbox.fail("DELETE", f"{API}/requests/{NO_SUCH_ID}", 404, "Request not found")


async def test_the_newest_cancel_rule_cancels_only_pending(make_sandbox: MakeSandbox) -> None:
    sandbox = await make_sandbox(variants={"hitl.cancel_rule": "pending_only"})
    loop_id = (await sandbox.new_loop())["id"]
    rid = (await sandbox.new_request(loop_id))["id"]
    await sandbox.act(rid, "claim")
    await sandbox.fail(
        "DELETE", f"{API}/requests/{rid}", 400, "Request cannot be cancelled in current state"
    )


async def test_feedback_on_completed_requests_once(sandbox: Sandbox, loop_id: str) -> None:
    rid = (await sandbox.new_request(loop_id))["id"]
    path = f"{API}/requests/{rid}/feedback"
    feedback = {"rating": 5, "comment": "Quick and right", "tags": ["fast"], "category": "positive"}
    await sandbox.fail(
        "POST",
        path,
        400,
        "Feedback can only be added to completed requests",
        json_body={"feedback": feedback},
    )
    await sandbox.act(rid, {"respond": {"choose": "Approve"}})
    await sandbox.advance("2m")
    data = await sandbox.ok(
        "POST", path, "Feedback added successfully", json_body={"feedback": feedback}
    )
    assert set(data) == {
        "request_id",
        "feedback",
        "feedback_id",
        "submitted_at",
        "reviewer_notified",
    }
    assert (data["request_id"], data["feedback"]) == (rid, feedback)
    assert (data["submitted_at"], data["reviewer_notified"]) == ("2026-01-05T10:02:00Z", True)
    assert len(data["feedback_id"]) == 24
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    await sandbox.fail(
        "POST",
        path,
        400,
        "Feedback has already been added to this request",
        json_body={"feedback": {"rating": 1}},
    )


async def test_feedback_validation(sandbox: Sandbox, loop_id: str) -> None:
    rid = (await sandbox.new_request(loop_id))["id"]
    await sandbox.act(rid, {"respond": {"choose": "Approve"}})
    path = f"{API}/requests/{rid}/feedback"

    async def rejects(body: Any, msg: str, detail: str | None) -> None:
        await sandbox.fail("POST", path, 400, msg, detail, json_body=body)

    ratings = "Rating values must be between 1 and 5"
    await rejects({"feedback": {"rating": 6}}, ratings, "rating must be between 1 and 5")
    await rejects({"feedback": {"accuracy": 0}}, ratings, "accuracy must be between 1 and 5")
    await rejects({"feedback": {"rating": "5"}}, "Validation failed", "rating must be a number")
    await rejects(
        {"feedback": {"comment": "c" * 1001}},
        "Comment exceeds maximum length of 1000 characters",
        "comment is 1001 characters long",
    )
    await rejects({}, "Validation failed", "feedback is required")
    await rejects({"feedback": {}}, "Validation failed", "feedback must not be empty")
    await rejects({"feedback": "great"}, "Validation failed", "feedback must be an object")
    await rejects(
        {"feedback": {"category": "meh"}},
        "Validation failed",
        "category must be one of: positive, constructive, issue",
    )
    await sandbox.fail(
        "POST",
        path,
        403,
        "Access denied to this request",
        json_body={"feedback": {"rating": 5}},
        key=OTHER_KEY,
    )
    # A 1000-character comment and the boundary ratings are accepted.
    ok = {"feedback": {"rating": 1, "helpfulness": 5, "comment": "c" * 1000}}
    await sandbox.ok("POST", path, "Feedback added successfully", json_body=ok)


async def test_response_endpoint_before_and_after_a_decision(
    sandbox: Sandbox, loop_id: str
) -> None:
    rid = (await sandbox.new_request(loop_id))["id"]
    for path in (f"/v1/requests/{rid}/response", f"{API}/requests/{rid}/response"):
        waiting = await sandbox.ok("GET", path, "Response not ready yet", 202)
        assert (waiting["status"], waiting["response_data"]) == ("pending", None)
    await sandbox.advance("15m")
    await sandbox.act(rid, {"respond": {"choose": "Approve", "by": "sam@example.com"}})
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    data = await sandbox.ok(
        "GET", f"/v1/requests/{rid}/response", "Response retrieved successfully"
    )
    assert data == {
        "request_id": rid,
        "status": "completed",
        "response_type": "single_select",
        "response_data": "Approve",
        "response_by": {
            "user_id": data["response_by"]["user_id"],
            "name": "Sam Moderator",
            "email": "sam@example.com",
        },
        "response_at": "2026-01-05T10:15:00Z",
        "response_time_seconds": 900,
        "is_default_response": False,
    }


async def test_response_endpoint_after_timeout_and_cancel(sandbox: Sandbox, loop_id: str) -> None:
    timed_out = (await sandbox.new_request(loop_id, default_response="Reject"))["id"]
    cancelled = (await sandbox.new_request(loop_id))["id"]
    await sandbox.ok("DELETE", f"{API}/requests/{cancelled}", "Request cancelled successfully")
    await sandbox.advance("1h")
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    data = await sandbox.ok(
        "GET", f"/v1/requests/{timed_out}/response", "Response retrieved successfully"
    )
    assert (data["status"], data["response_data"], data["is_default_response"]) == (
        "timeout",
        "Reject",
        True,
    )
    assert data["response_by"] is None
    reply = await sandbox.call("GET", f"/v1/requests/{cancelled}/response")
    assert reply.status == 400
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    assert reply.body["msg"] == "Request was cancelled and has no response"
    assert (reply.body["error"], reply.body["data"]["status"]) == (True, "cancelled")
    await sandbox.fail("GET", f"/v1/requests/{NO_SUCH_ID}/response", 404, "Request not found")
