"""HITL.sh authentication and the hourly per-key rate limit (api-reference/authentication.mdx,
api-reference/introduction.mdx; pages cited by path are in github.com/hitl-sh/docs.hitl.sh
@0e23b17)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from .conftest import API, KEY, MakeSandbox, Sandbox

MISSING = "Missing or invalid authorization header"
NEXT_HOUR = int(datetime(2026, 1, 5, 11, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    "header",
    [None, "", f"Basic {KEY}", f"Token {KEY}", "Bearer", "Bearer    ", KEY],
)
async def test_missing_or_malformed_authorization(sandbox: Sandbox, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    for method, path in (("GET", "/v1/test"), ("GET", f"{API}/loops"), ("POST", f"{API}/loops")):
        reply = await sandbox.fail(method, path, 401, MISSING, key=None, headers=headers)
        # The headers are on every answer (api-reference/introduction.mdx), and nothing was
        # counted.
        assert reply.headers["X-RateLimit-Limit"] == "100"
        assert reply.headers["X-RateLimit-Remaining"] == "100"
        assert reply.headers["X-RateLimit-Reset"] == str(NEXT_HOUR)


async def test_scheme_is_case_insensitive(sandbox: Sandbox) -> None:
    await sandbox.ok(
        "GET", "/v1/test", "API key is valid", key=None, headers={"Authorization": f"bearer {KEY}"}
    )


async def test_any_key_is_accepted_unless_the_scenario_lists_keys(
    sandbox: Sandbox, make_sandbox: MakeSandbox
) -> None:
    await sandbox.ok("GET", "/v1/test", "API key is valid", key="anything-at-all")
    listed = await make_sandbox({"keys": [KEY, "hitl_live_second"]})
    for key in (KEY, "hitl_live_second"):
        await listed.ok("GET", "/v1/test", "API key is valid", key=key)
    for path in ("/v1/test", f"{API}/loops", f"{API}/requests", "/v1/loops"):
        await listed.fail("GET", path, 401, "Invalid authorization token", key="hitl_live_wrong")


async def test_rate_limit_headers_on_every_answer(sandbox: Sandbox) -> None:
    first = await sandbox.call("GET", "/v1/test")
    # The real budget by default: 100 calls per key per hour (api-reference/introduction.mdx).
    assert first.headers["X-RateLimit-Limit"] == "100"
    assert first.headers["X-RateLimit-Remaining"] == "99"
    assert first.headers["X-RateLimit-Reset"] == str(NEXT_HOUR)
    # Errors after authentication carry them too, and count.
    missing = await sandbox.fail(
        "GET", f"{API}/loops/65f1234567890abcdef99999", 404, "Loop not found"
    )
    assert missing.headers["X-RateLimit-Remaining"] == "98"
    created = await sandbox.call("POST", f"{API}/loops", json_body={"name": "a"})
    assert (created.status, created.headers["X-RateLimit-Remaining"]) == (201, "97")
    # A wrong key's 401 carries that key's (untouched) budget.
    wrong = await sandbox.call("GET", "/v1/test", headers={"Authorization": "Basic x"})
    assert (wrong.status, wrong.headers["X-RateLimit-Remaining"]) == (401, "100")
    data = await sandbox.ok("GET", "/v1/test", "API key is valid")
    assert data["rate_limit"] == {
        "limit": 100,
        "remaining": 96,
        "reset_at": "2026-01-05T11:00:00Z",
    }


async def test_spent_budget_answers_the_documented_429(make_sandbox: MakeSandbox) -> None:
    sandbox = await make_sandbox({"rate_limit": 3})
    await sandbox.advance("15m")
    remaining = []
    for path in ("/v1/test", f"{API}/loops", f"{API}/requests"):
        reply = await sandbox.call("GET", path)
        assert reply.status == 200
        remaining.append(reply.headers["X-RateLimit-Remaining"])
    assert remaining == ["2", "1", "0"]
    for method, path in (("GET", "/v1/test"), ("POST", f"{API}/loops"), ("GET", "/v1/requests")):
        reply = await sandbox.call(method, path, json_body={"name": "x"})
        assert reply.status == 429
        assert reply.body == {
            "error": True,
            "msg": "API rate limit exceeded",
            "data": {"usage_count": 3, "usage_limit": 3, "remaining": 0},
        }
        assert reply.headers["X-RateLimit-Limit"] == "3"
        assert reply.headers["X-RateLimit-Remaining"] == "0"
        assert reply.headers["X-RateLimit-Reset"] == str(NEXT_HOUR)
        assert reply.headers["Retry-After"] == str(45 * 60)
    # Nothing was created while limited.
    assert (await sandbox.call("GET", f"{API}/loops", key="hitl_live_other")).body["data"] == {
        "loops": [],
        "count": 0,
    }


async def test_budget_is_per_key_and_resets_at_the_top_of_the_hour(
    make_sandbox: MakeSandbox,
) -> None:
    sandbox = await make_sandbox({"rate_limit": 3})
    for _ in range(3):
        await sandbox.ok("GET", "/v1/test", "API key is valid")
    await sandbox.fail(
        "GET",
        "/v1/test",
        429,
        "API rate limit exceeded",
        {"usage_count": 3, "usage_limit": 3, "remaining": 0},
    )
    # Another key has its own budget.
    other = await sandbox.call("GET", "/v1/test", key="hitl_live_other")
    assert (other.status, other.headers["X-RateLimit-Remaining"]) == (200, "2")
    await sandbox.advance("59m59s")
    reply = await sandbox.call("GET", "/v1/test")
    assert (reply.status, reply.headers["Retry-After"]) == (429, "1")
    await sandbox.advance("1s")  # 11:00:00, the top of the hour
    data = await sandbox.ok("GET", "/v1/test", "API key is valid")
    assert data["rate_limit"] == {"limit": 3, "remaining": 2, "reset_at": "2026-01-05T12:00:00Z"}


async def test_a_reset_restores_the_budget(make_sandbox: MakeSandbox) -> None:
    # The plugin resets before every test, so a suite is never throttled by earlier tests.
    sandbox = await make_sandbox({"rate_limit": 2})
    for _ in range(2):
        assert (await sandbox.call("GET", "/v1/test")).status == 200
    assert (await sandbox.call("GET", "/v1/test")).status == 429
    await sandbox.control("POST", "/reset")
    fresh = await sandbox.call("GET", "/v1/test")
    assert (fresh.status, fresh.headers["X-RateLimit-Remaining"]) == (200, "1")
