"""HITL.sh review requests over HTTP: create, list (filters, sort, pagination), get and PATCH
(api-reference/requests/*.mdx in github.com/hitl-sh/docs.hitl.sh @0e23b17). Cancel, feedback and
the response endpoint are in test_api_request_outcomes.py."""

from __future__ import annotations

from typing import Any

from .conftest import API, START, Sandbox

OTHER_KEY = "hitl_live_" + "2" * 48
NO_SUCH_ID = "65f1234567890abcdef99999"
STATUSES = "pending, claimed, completed, timeout, cancelled"


async def test_create_request_answers_every_documented_client(
    sandbox: Sandbox, loop_id: str
) -> None:
    data = await sandbox.new_request(loop_id, priority="high", context={"post": 7})
    rid = data["request_id"]
    # request_id (docs, n8n), id (MCP client) and request.id (seed quickstart) agree.
    assert data["id"] == data["request"]["id"] == rid
    assert {k: v for k, v in data.items() if k != "request"} == {
        "request_id": rid,
        "id": rid,
        "status": "pending",
        "processing_type": "time-sensitive",
        "type": "markdown",
        "priority": "high",
        "timeout_at": "2026-01-05T11:00:00Z",
        "broadcasted_to": 3,  # the creator and the two reviewers who joined
        "notifications_sent": 3,
        "polling_url": f"/v1/api/requests/{rid}",
    }
    req = data["request"]
    assert req == await sandbox.get_request(rid)
    assert req["status"] == "pending"
    assert req["loop_id"] == loop_id
    assert req["context"] == {"post": 7}
    assert req["response_config"] == {"options": ["Approve", "Reject"]}
    assert req["default_response"] == "Reject"
    me = await sandbox.ok("GET", "/v1/test", "API key is valid")
    assert [b["email"] for b in req["broadcasted_to"]] == [
        me["email"],
        "dana@example.com",
        "sam@example.com",
    ]
    assert req["broadcasted_at"] == req["created_at"] == START
    for key in ("response_data", "response_by", "response_at", "response_time_seconds"):
        assert req[key] is None


async def test_create_request_errors(sandbox: Sandbox, loop_id: str) -> None:
    await sandbox.fail(
        "POST", f"{API}/loops/{NO_SUCH_ID}/requests", 404, "Loop not found", json_body={}
    )
    await sandbox.fail(
        "POST",
        f"{API}/loops/{loop_id}/requests",
        403,
        "Access denied to this loop",
        json_body={"request_text": "x"},
        key=OTHER_KEY,
    )
    await sandbox.fail(
        "POST",
        f"{API}/loops/{loop_id}/requests",
        400,
        "Validation failed",
        "priority must be one of: low, medium, high, critical",
        json_body={"request_text": "x", "priority": "urgent-ish"},
    )
    await sandbox.fail(
        "POST",
        f"{API}/loops/{loop_id}/requests",
        400,
        "Invalid response configuration",
        "options array required for select response type",
        json_body={"request_text": "x", "response_type": "single_select", "response_config": {}},
    )


async def _three(sandbox: Sandbox, loop_id: str) -> list[dict[str, Any]]:
    low = await sandbox.new_request(loop_id, priority="low", request_text="one")
    await sandbox.advance("1m")
    critical = await sandbox.new_request(loop_id, priority="critical", request_text="two")
    await sandbox.advance("1m")
    high = await sandbox.new_request(loop_id, priority="high", request_text="three")
    await sandbox.act(critical["id"], {"respond": {"choose": "Approve"}})
    return [low, critical, high]


async def test_list_requests_sorts_and_filters(sandbox: Sandbox, loop_id: str) -> None:
    low, critical, high = await _three(sandbox, loop_id)
    other_loop = (await sandbox.new_loop(name="Other"))["id"]

    async def ids(query: str) -> list[str]:
        data = await sandbox.ok("GET", f"{API}/requests{query}", "Requests retrieved successfully")
        assert data["count"] == len(data["requests"])
        return [r["id"] for r in data["requests"]]

    assert await ids("") == [high["id"], critical["id"], low["id"]]
    assert await ids("?sort=created_at_desc") == [high["id"], critical["id"], low["id"]]
    assert await ids("?sort=created_at_asc") == [low["id"], critical["id"], high["id"]]
    assert await ids("?sort=priority_desc") == [critical["id"], high["id"], low["id"]]
    # api-reference/requests/get-requests.mdx lists `status_asc` but not its order; the sandbox's
    # order is in the
    # docs/fidelity.md, HITL.sh: pending (newest first), then completed.
    assert await ids("?sort=status_asc") == [high["id"], low["id"], critical["id"]]
    assert await ids("?status=completed") == [critical["id"]]
    assert await ids("?status=pending&priority=low") == [low["id"]]
    assert await ids(f"?loop_id={loop_id}&status=") == [high["id"], critical["id"], low["id"]]
    assert await ids(f"?loop_id={other_loop}") == []
    listed = await sandbox.ok("GET", f"{API}/requests", "Requests retrieved successfully")
    assert listed["requests"][1] == await sandbox.get_request(critical["id"])
    # Another key sees none of them.
    data = await sandbox.ok(
        "GET", f"{API}/requests", "Requests retrieved successfully", key=OTHER_KEY
    )
    assert (data["requests"], data["count"], data["total"]) == ([], 0, 0)


async def test_list_requests_paginates(sandbox: Sandbox, loop_id: str) -> None:
    made = [await sandbox.new_request(loop_id, request_text=f"n{i}") for i in range(5)]
    path = f"{API}/requests?sort=created_at_asc&limit=2"
    first = await sandbox.ok("GET", path, "Requests retrieved successfully")
    assert [r["request_text"] for r in first["requests"]] == ["n0", "n1"]
    assert (first["count"], first["total"], first["has_more"]) == (2, 5, True)
    assert first["pagination"] == {"limit": 2, "offset": 0, "next_offset": 2}
    last = await sandbox.ok("GET", path + "&offset=4", "Requests retrieved successfully")
    assert [r["id"] for r in last["requests"]] == [made[4]["id"]]
    assert (last["count"], last["total"], last["has_more"]) == (1, 5, False)
    assert last["pagination"] == {"limit": 2, "offset": 4, "next_offset": None}
    beyond = await sandbox.ok("GET", path + "&offset=9", "Requests retrieved successfully")
    assert (beyond["requests"], beyond["has_more"]) == ([], False)
    default = await sandbox.ok("GET", f"{API}/requests", "Requests retrieved successfully")
    assert default["pagination"] == {"limit": 50, "offset": 0, "next_offset": None}


async def test_list_requests_rejects_bad_filters(sandbox: Sandbox) -> None:
    path = f"{API}/requests"
    await sandbox.fail(
        "GET",
        path + "?status=done",
        400,
        "Invalid status filter value",
        f"status must be one of: {STATUSES}",
    )
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    await sandbox.fail(
        "GET",
        path + "?priority=urgent",
        400,
        "Invalid priority filter value",
        "priority must be one of: low, medium, high, critical",
    )
    for bad in ("0", "101", "ten"):
        await sandbox.fail(
            "GET",
            f"{path}?limit={bad}",
            400,
            "Invalid pagination parameters",
            "limit must be between 1 and 100",
        )
    await sandbox.fail(
        "GET",
        path + "?offset=-1",
        400,
        "Invalid pagination parameters",
        "offset must be a non-negative integer",
    )
    await sandbox.fail(
        "GET",
        path + "?sort=newest",
        400,
        "Validation failed",
        "sort must be one of: created_at_desc, created_at_asc, priority_desc, status_asc",
    )
    await sandbox.fail(
        "GET",
        path + "?loop_id=abc",
        400,
        "Invalid loop ID format",
        "loop ID 'abc' is not a 24-character hex ObjectID",
    )


async def test_get_request_errors(sandbox: Sandbox, loop_id: str) -> None:
    rid = (await sandbox.new_request(loop_id))["id"]
    await sandbox.fail("GET", f"{API}/requests/{NO_SUCH_ID}", 404, "Request not found")
    await sandbox.fail(
        "GET", f"{API}/requests/{rid}", 403, "Access denied to this request", key=OTHER_KEY
    )
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    await sandbox.fail(
        "GET",
        f"{API}/requests/{rid}x",
        400,
        "Invalid request ID format",
        f"request ID '{rid}x' is not a 24-character hex ObjectID",
    )
    assert (await sandbox.get_request(rid.upper()))["id"] == rid


async def test_patch_updates_mutable_fields(sandbox: Sandbox, loop_id: str) -> None:
    rid = (await sandbox.new_request(loop_id))["id"]
    await sandbox.advance("10m")
    changes = {
        "request_text": "Edited text",
        "priority": "critical",
        "response_config": {"options": ["Yes", "No", "Unsure"]},
        "default_response": "Unsure",
        "tags": ["edited"],
    }
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    data = await sandbox.ok(
        "PATCH", f"{API}/requests/{rid}", "Request updated successfully", json_body=changes
    )
    req = data["request"]
    for key, value in changes.items():
        assert req[key] == value
    assert (req["created_at"], req["updated_at"]) == (START, "2026-01-05T10:10:00Z")
    assert await sandbox.get_request(rid) == req
    await sandbox.act(rid, {"respond": {"choose": "Unsure"}})
    assert (await sandbox.get_request(rid))["response_data"] == "Unsure"


async def test_patch_timeout_moves_the_deadline(sandbox: Sandbox, loop_id: str) -> None:
    longer = (await sandbox.new_request(loop_id))["id"]
    shorter = (await sandbox.new_request(loop_id))["id"]
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    data = await sandbox.ok(
        "PATCH",
        f"{API}/requests/{longer}",
        "Request updated successfully",
        json_body={"timeout_seconds": 7200},
    )
    assert data["request"]["timeout_at"] == "2026-01-05T12:00:00Z"
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    await sandbox.ok(
        "PATCH",
        f"{API}/requests/{shorter}",
        "Request updated successfully",
        json_body={"timeout_seconds": 600},
    )
    await sandbox.advance("10m")
    assert (await sandbox.get_request(shorter))["status"] == "timeout"
    assert (await sandbox.get_request(longer))["status"] == "pending"
    await sandbox.advance("1h")  # past the original deadline: still waiting
    assert (await sandbox.get_request(longer))["status"] == "pending"
    await sandbox.advance("50m")
    assert (await sandbox.get_request(longer))["status"] == "timeout"


async def test_patch_errors(sandbox: Sandbox, loop_id: str) -> None:
    rid = (await sandbox.new_request(loop_id))["id"]
    path = f"{API}/requests/{rid}"
    needs = "At least one field must be provided for update"
    await sandbox.fail("PATCH", path, 400, needs, json_body={})
    await sandbox.fail("PATCH", path, 400, needs)
    await sandbox.fail(
        "PATCH",
        path,
        400,
        "Validation failed",
        "timeout_seconds must be between 60 and 86400",
        json_body={"timeout_seconds": 59},
    )
    await sandbox.fail(
        "PATCH",
        path,
        400,
        "Validation failed",
        "default_response must be one of the options: Approve, Reject",
        json_body={"default_response": ["Approve"]},
    )
    await sandbox.fail(
        "PATCH", path, 403, "Access denied to this request", json_body={}, key=OTHER_KEY
    )
    await sandbox.act(rid, {"respond": {"choose": "Reject"}})
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    await sandbox.fail(
        "PATCH",
        path,
        400,
        "Request cannot be updated in current state",
        json_body={"priority": "low"},
    )
