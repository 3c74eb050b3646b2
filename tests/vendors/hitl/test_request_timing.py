"""A request's `timeout_at` when `timeout_seconds` changes later (`PATCH`, which the vendor's MCP
server sends: github.com/hitl-sh/mcp.hitl.sh lib/hitl-client.ts @8230553 `updateRequest`): it
stays counted from the request's creation (hitl-sh/docs.hitl.sh
api-reference/requests/create-request.mdx @0e23b17: `timeout_at` = creation +
`timeout_seconds`), however late the change is made, and the request times out then."""

from __future__ import annotations

from .conftest import API, Sandbox

T0 = "2026-01-05T10:00:00Z"


async def patch_timeout(sandbox: Sandbox, rid: str, seconds: int) -> dict[str, object]:
    data = await sandbox.ok(
        "PATCH",
        f"{API}/requests/{rid}",
        "Request updated successfully",
        json_body={"timeout_seconds": seconds},
    )
    request: dict[str, object] = data["request"]
    return request


async def test_a_later_patch_counts_timeout_seconds_from_creation(
    sandbox: Sandbox, loop_id: str
) -> None:
    rid = (await sandbox.new_request(loop_id, timeout_seconds=3600))["request_id"]
    await sandbox.advance("20m")  # the change comes 20 minutes after creation
    patched = await patch_timeout(sandbox, rid, 1800)
    assert (patched["created_at"], patched["timeout_at"]) == (T0, "2026-01-05T10:30:00Z")
    assert (await sandbox.get_request(rid))["timeout_at"] == "2026-01-05T10:30:00Z"
    await sandbox.advance("599s")
    assert (await sandbox.get_request(rid))["status"] == "pending"
    await sandbox.advance("1s")
    expired = await sandbox.get_request(rid)
    assert (expired["status"], expired["timed_out_at"]) == ("timeout", "2026-01-05T10:30:00Z")


async def test_a_later_patch_that_extends_the_timeout_outlives_the_first(
    sandbox: Sandbox, loop_id: str
) -> None:
    rid = (await sandbox.new_request(loop_id, timeout_seconds=3600))["request_id"]
    await sandbox.advance("20m")
    patched = await patch_timeout(sandbox, rid, 7200)
    assert patched["timeout_at"] == "2026-01-05T12:00:00Z"
    await sandbox.advance("40m")  # 11:00, the first timeout_at: not due any more
    assert (await sandbox.get_request(rid))["status"] == "pending"
    await sandbox.advance("1h")
    assert (await sandbox.get_request(rid))["status"] == "timeout"


async def test_a_patch_to_a_timeout_already_past_expires_the_request_at_once(
    sandbox: Sandbox, loop_id: str
) -> None:
    rid = (await sandbox.new_request(loop_id, timeout_seconds=3600))["request_id"]
    await sandbox.advance("20m")
    patched = await patch_timeout(sandbox, rid, 600)  # creation + 10 min: already past
    assert patched["timeout_at"] == "2026-01-05T10:10:00Z"
    await sandbox.advance("0s")
    expired = await sandbox.get_request(rid)
    assert (expired["status"], expired["timed_out_at"]) == ("timeout", "2026-01-05T10:20:00Z")
