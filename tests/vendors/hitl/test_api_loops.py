"""HITL.sh `GET /v1/test` and the loop endpoints over HTTP (hitl-sh/docs.hitl.sh
api-reference/test-api-key.mdx and api-reference/loops/*.mdx @0e23b17)."""

from __future__ import annotations

import base64
import re
import struct

from .conftest import API, START, MakeSandbox, Sandbox

HEX24 = re.compile(r"^[0-9a-f]{24}$")
OTHER_KEY = "hitl_live_" + "1" * 48
NO_SUCH_LOOP = "65f1234567890abcdef99999"


async def test_key_check_answers_account_and_budget(sandbox: Sandbox) -> None:
    data = await sandbox.ok("GET", "/v1/test", "API key is valid")
    assert set(data) == {
        "api_key_id",
        "user_id",
        "email",
        "account_status",
        "rate_limit",
        "permissions",
    }
    assert HEX24.match(data["api_key_id"]) and HEX24.match(data["user_id"])
    assert data["email"].endswith("@example.com")
    assert data["account_status"] == "active"
    assert data["rate_limit"] == {
        "limit": 100,
        "remaining": 99,
        "reset_at": "2026-01-05T11:00:00Z",
    }
    assert data["permissions"] == ["loops:read", "loops:write", "requests:read", "requests:write"]
    # The key check lives at /v1/test only, not under /v1/api.
    await sandbox.fail("GET", f"{API}/test", 404, "No such endpoint: GET /v1/api/test")


async def test_create_loop_returns_loop_and_invitation(sandbox: Sandbox) -> None:
    me = await sandbox.ok("GET", "/v1/test", "API key is valid")
    body = {"name": "Content Moderation Team", "description": "Reviews posts", "icon": "🛡️"}
    data = await sandbox.ok(
        "POST", f"{API}/loops", "Loop created successfully with QR code", 201, json_body=body
    )
    assert set(data) == {"loop", "invite_code", "qr_code_base64", "qr_code_url", "join_url"}
    code = data["invite_code"]
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code), code
    assert data["qr_code_url"] == f"https://api.hitl.sh/qr/{code}.png"
    assert data["join_url"] == f"https://my.hitl.sh/join/{code}"  # hitl.join_url default
    prefix = "data:image/png;base64,"
    assert data["qr_code_base64"].startswith(prefix)
    png = base64.b64decode(data["qr_code_base64"][len(prefix) :], validate=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width == height >= 21  # a QR code is square, version 1 is 21 modules wide
    loop = data["loop"]
    assert HEX24.match(loop["id"])
    assert loop["name"] == "Content Moderation Team"
    assert loop["description"] == "Reviews posts"
    assert loop["icon"] == "🛡️"
    assert loop["creator_id"] == me["user_id"]
    assert loop["created_at"] == loop["updated_at"] == START
    # The creator is an active member; the scenario's reviewers have joined.
    emails = [m["email"] for m in loop["members"]]
    assert emails == [me["email"], "dana@example.com", "sam@example.com"]
    assert {m["status"] for m in loop["members"]} == {"active"}
    assert (loop["member_count"], loop["pending_count"]) == (3, 0)


async def test_create_loop_lenient_defaults_icon(sandbox: Sandbox) -> None:
    loop = await sandbox.new_loop(icon=None, description=None)
    assert (loop["icon"], loop["description"]) == ("shield-check", "")


async def test_create_loop_validation(sandbox: Sandbox) -> None:
    async def rejects(body: object, detail: str) -> None:
        await sandbox.fail("POST", f"{API}/loops", 400, "Validation failed", detail, json_body=body)

    await rejects({"icon": "eye"}, "name is required")
    await rejects({"name": ""}, "name must be between 1 and 100 characters")
    await rejects({"name": "x" * 101}, "name must be between 1 and 100 characters")
    await rejects({"name": 5}, "name must be a string")
    await rejects(
        {"name": "a", "description": "d" * 501}, "description must be at most 500 characters"
    )
    await rejects({"name": "a", "icon": "i" * 101}, "icon must be at most 100 characters")
    await rejects(["name"], "request body must be a JSON object")


async def test_strict_mode_requires_icon_and_rejects_unknown_fields(
    make_sandbox: MakeSandbox,
) -> None:
    sandbox = await make_sandbox({"strict": True})
    path = f"{API}/loops"
    await sandbox.fail(
        "POST", path, 400, "Validation failed", "icon is required", json_body={"name": "a"}
    )
    await sandbox.fail(
        "POST",
        path,
        400,
        "Validation failed",
        "unknown field: colour",
        json_body={"name": "a", "icon": "eye", "colour": "red"},
    )
    loop = await sandbox.new_loop(icon="eye")
    await sandbox.fail(
        "PUT",
        f"{path}/{loop['id']}",
        400,
        "Validation failed",
        "unknown field: colour",
        json_body={"colour": "red"},
    )


async def test_list_and_get_loops_only_show_the_keys_own(
    sandbox: Sandbox, make_sandbox: MakeSandbox
) -> None:
    first = await sandbox.new_loop(name="First")
    second = await sandbox.new_loop(name="Second")
    data = await sandbox.ok("GET", f"{API}/loops", "Loops retrieved successfully")
    assert data["count"] == 2
    assert [loop["id"] for loop in data["loops"]] == [first["id"], second["id"]]
    got = await sandbox.ok("GET", f"{API}/loops/{first['id']}", "Loop retrieved successfully")
    assert got == {"loop": first}
    # Upper-case hex names the same loop.
    upper = await sandbox.ok(
        "GET", f"{API}/loops/{first['id'].upper()}", "Loop retrieved successfully"
    )
    assert upper == got
    other = await sandbox.ok("GET", f"{API}/loops", "Loops retrieved successfully", key=OTHER_KEY)
    assert other == {"loops": [], "count": 0}
    await sandbox.fail(
        "GET", f"{API}/loops/{first['id']}", 403, "Access denied to this loop", key=OTHER_KEY
    )


async def test_scenario_loops_are_shared_but_read_only(make_sandbox: MakeSandbox) -> None:
    seeded = "65f1234567890abcdef00001"
    sandbox = await make_sandbox(
        {"loops": [{"id": seeded, "name": "Seeded", "members": ["dana@example.com"]}]}
    )
    for key in (sandbox.key, OTHER_KEY):
        data = await sandbox.ok("GET", f"{API}/loops", "Loops retrieved successfully", key=key)
        assert [loop["id"] for loop in data["loops"]] == [seeded]
    loop = data["loops"][0]
    assert [m["email"] for m in loop["members"]] == ["dana@example.com"]
    await sandbox.fail(
        "PUT", f"{API}/loops/{seeded}", 403, "Access denied to this loop", json_body={"name": "x"}
    )
    await sandbox.fail("DELETE", f"{API}/loops/{seeded}", 403, "Access denied to this loop")


async def test_get_loop_errors(sandbox: Sandbox) -> None:
    await sandbox.fail("GET", f"{API}/loops/{NO_SUCH_LOOP}", 404, "Loop not found")
    await sandbox.fail(
        "GET",
        f"{API}/loops/not-an-id",
        400,
        "Invalid loop ID format",
        "loop ID 'not-an-id' is not a 24-character hex ObjectID",
    )


async def test_update_loop(sandbox: Sandbox, loop_id: str) -> None:
    await sandbox.advance("90s")
    data = await sandbox.ok(
        "PUT",
        f"{API}/loops/{loop_id}",
        "Loop updated successfully",
        json_body={"name": "Renamed", "description": None},
    )
    loop = data["loop"]
    assert (loop["name"], loop["description"], loop["icon"]) == ("Renamed", "", "shield-check")
    assert (loop["created_at"], loop["updated_at"]) == (START, "2026-01-05T10:01:30Z")
    again = await sandbox.ok("GET", f"{API}/loops/{loop_id}", "Loop retrieved successfully")
    assert again == data


async def test_update_loop_errors(sandbox: Sandbox, loop_id: str) -> None:
    path = f"{API}/loops/{loop_id}"
    needs = "At least one field must be provided for update"
    await sandbox.fail("PUT", path, 400, needs, json_body={})
    await sandbox.fail("PUT", path, 400, needs)  # no body at all
    await sandbox.fail(
        "PUT",
        path,
        400,
        "Validation failed",
        "name must be between 1 and 100 characters",
        json_body={"name": ""},
    )
    await sandbox.fail(
        "PUT", path, 403, "Access denied to this loop", json_body={"name": "x"}, key=OTHER_KEY
    )
    await sandbox.fail("PUT", f"{API}/loops/{NO_SUCH_LOOP}", 404, "Loop not found", json_body={})
    await sandbox.fail(
        "PUT",
        f"{API}/loops/123",
        400,
        "Invalid loop ID format",
        "loop ID '123' is not a 24-character hex ObjectID",
        json_body={"name": "x"},
    )


async def test_delete_loop_cascades_to_its_requests(sandbox: Sandbox, loop_id: str) -> None:
    kept_loop = await sandbox.new_loop(name="Kept")
    kept = await sandbox.new_request(kept_loop["id"])
    answered = await sandbox.new_request(loop_id)
    pending = await sandbox.new_request(loop_id)
    await sandbox.act(answered["id"], {"respond": {"choose": "Approve"}})
    await sandbox.fail(
        "DELETE", f"{API}/loops/{loop_id}", 403, "Access denied to this loop", key=OTHER_KEY
    )
    await sandbox.advance("1m")
    data = await sandbox.ok("DELETE", f"{API}/loops/{loop_id}", "Loop deleted successfully")
    assert data == {
        "loop_id": loop_id,
        "deleted_at": "2026-01-05T10:01:00Z",
        "deleted_data": {"members_removed": 3, "requests_deleted": 2, "responses_deleted": 1},
    }
    await sandbox.fail("GET", f"{API}/loops/{loop_id}", 404, "Loop not found")
    await sandbox.fail("DELETE", f"{API}/loops/{loop_id}", 404, "Loop not found")
    for gone in (answered, pending):
        await sandbox.fail("GET", f"{API}/requests/{gone['id']}", 404, "Request not found")
    listed = await sandbox.ok("GET", f"{API}/requests", "Requests retrieved successfully")
    assert [r["id"] for r in listed["requests"]] == [kept["id"]]
    # The deleted requests' timeouts fall due without effect; the kept one times out.
    await sandbox.advance("2h")
    assert (await sandbox.get_request(kept["id"]))["status"] == "timeout"


async def test_members_list_and_remove(sandbox: Sandbox, loop_id: str) -> None:
    path = f"{API}/loops/{loop_id}/members"
    data = await sandbox.ok("GET", path, "Loop members retrieved successfully")
    members = data["members"]
    assert [(m["email"], m["role"], m["status"]) for m in members] == [
        (members[0]["email"], "admin", "active"),
        ("dana@example.com", "member", "active"),
        ("sam@example.com", "member", "active"),
    ]
    assert all(m["joined_at"] == m["last_active"] == START for m in members)
    assert (data["total_count"], data["active_count"], data["pending_count"]) == (3, 3, 0)
    assert data["statistics"] == {
        "avg_join_time_days": 0,
        "newest_member_joined": START,
        "oldest_member_joined": START,
    }
    dana = members[1]["user_id"]
    await sandbox.advance("5s")
    removed = await sandbox.ok("DELETE", f"{path}/{dana}", "Member removed from loop successfully")
    assert removed == {"loop_id": loop_id, "user_id": dana, "removed_at": "2026-01-05T10:00:05Z"}
    after = await sandbox.ok("GET", path, "Loop members retrieved successfully")
    assert [m["email"] for m in after["members"]] == [members[0]["email"], "sam@example.com"]
    assert after["total_count"] == 2
    loop = await sandbox.ok("GET", f"{API}/loops/{loop_id}", "Loop retrieved successfully")
    assert loop["loop"]["member_count"] == 2


async def test_remove_member_errors(sandbox: Sandbox, loop_id: str) -> None:
    path = f"{API}/loops/{loop_id}/members"
    members = (await sandbox.ok("GET", path, "Loop members retrieved successfully"))["members"]
    creator, dana = members[0]["user_id"], members[1]["user_id"]
    await sandbox.fail("DELETE", f"{path}/{creator}", 400, "Loop creator cannot be removed")
    await sandbox.fail("DELETE", f"{path}/{NO_SUCH_LOOP}", 404, "Member not found in this loop")
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    await sandbox.fail(
        "DELETE",
        f"{path}/nobody",
        400,
        "Invalid user ID format",
        "user ID 'nobody' is not a 24-character hex ObjectID",
    )
    await sandbox.fail("DELETE", f"{path}/{dana}", 403, "Access denied to this loop", key=OTHER_KEY)
    await sandbox.fail("GET", path, 403, "Access denied to this loop", key=OTHER_KEY)
    await sandbox.fail(
        "DELETE", f"{API}/loops/{NO_SUCH_LOOP}/members/{dana}", 404, "Loop not found"
    )


async def test_a_loop_without_active_members_takes_no_requests(
    make_sandbox: MakeSandbox,
) -> None:
    empty = "65f1234567890abcdef77777"
    sandbox = await make_sandbox({"loops": [{"id": empty, "name": "Nobody", "members": []}]})
    body = {"request_text": "Review", "response_type": "boolean", "response_config": {}}
    await sandbox.fail(
        "POST",
        f"{API}/loops/{empty}/requests",
        400,
        "No active members found in the loop",
        json_body=body,
    )


async def test_a_new_loop_has_its_creator_only_until_reviewers_join(
    make_sandbox: MakeSandbox,
) -> None:
    sandbox = await make_sandbox(honest=True)
    me = await sandbox.ok("GET", "/v1/test", "API key is valid")
    created = await sandbox.ok(
        "POST",
        f"{API}/loops",
        "Loop created successfully with QR code",
        201,
        json_body={"name": "Team", "icon": "eye"},
    )
    loop, code = created["loop"], created["invite_code"]
    assert [m["user_id"] for m in loop["members"]] == [me["user_id"]]
    # The creator is an active member, so a request is accepted (the quickstart's step 4).
    data = await sandbox.call(
        "POST",
        f"{API}/loops/{loop['id']}/requests",
        json_body={"request_text": "x", "response_type": "boolean", "response_config": {}},
    )
    assert data.status == 201
    # A reviewer joins with the invite code through the control plane.
    joined = await sandbox.control(
        "POST", f"/items/hitl/{code}", {"join": {"by": "sam@example.com"}}
    )
    assert joined["joined"] == ["sam@example.com"]
    path = f"{API}/loops/{loop['id']}/members"
    members = (await sandbox.ok("GET", path, "Loop members retrieved successfully"))["members"]
    assert [m["email"] for m in members] == [me["email"], "sam@example.com"]


async def test_loop_requests_list(sandbox: Sandbox, loop_id: str) -> None:
    other_loop = await sandbox.new_loop(name="Other")
    mine = [await sandbox.new_request(loop_id, request_text=f"item {i}") for i in range(3)]
    await sandbox.new_request(other_loop["id"])
    path = f"{API}/loops/{loop_id}/requests"
    data = await sandbox.ok(
        "GET", path + "?sort=created_at_asc", "Loop requests retrieved successfully"
    )
    assert data["loop_id"] == loop_id
    assert [r["id"] for r in data["requests"]] == [r["id"] for r in mine]
    assert [r["request_text"] for r in data["requests"]] == ["item 0", "item 1", "item 2"]
    assert (data["count"], data["total"], data["has_more"]) == (3, 3, False)
    page = await sandbox.ok(
        "GET",
        path + "?limit=2&offset=1&sort=created_at_asc",
        "Loop requests retrieved successfully",
    )
    assert [r["id"] for r in page["requests"]] == [mine[1]["id"], mine[2]["id"]]
    await sandbox.fail("GET", f"{API}/loops/{NO_SUCH_LOOP}/requests", 404, "Loop not found")
    await sandbox.fail("GET", path, 403, "Access denied to this loop", key=OTHER_KEY)
    await sandbox.fail(
        "GET", path + "?colour=red", 400, "Validation failed", "unknown query parameter: colour"
    )
