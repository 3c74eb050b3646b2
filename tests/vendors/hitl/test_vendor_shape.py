"""HITL.sh declared in the one vendor shape: its action table (what each request offers, the
refusals, skipped scripted steps), its timers through the engine (listed, and waking waits),
its webhook policy's signatures, and the declaration the core reads."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockserver.http import appkeys
from mockserver.vendors.hitl.vendor import VENDOR
from mockserver.vendors.hitl.webhooks import BARE, SHA256
from tests.support.polling import until
from tests.vendors.hitl.conftest import API, MakeSandbox, Sandbox

HOOKS = '\nfaults:\n  - {webhook: "http://hooks.test/*", answers: [200, 200, 200, 200]}\n'


async def _act(sandbox: Sandbox, item_id: str, step: Any) -> tuple[int, Any]:
    async with sandbox.client.post(f"/_mockserver/items/hitl/{item_id}", json=step) as resp:
        return resp.status, await resp.json()


async def test_each_request_offers_the_words_its_status_allows(
    sandbox: Sandbox, loop_id: str
) -> None:
    rid = (await sandbox.new_request(loop_id))["request_id"]
    (item,) = (await sandbox.control("GET", "/items?vendor=hitl"))["items"]
    assert item["actions"] == ["claim", "respond", "timeout", "cancel"]
    status, claimed = await _act(sandbox, rid, {"claim": {"by": "dana@example.com"}})
    assert status == 200 and claimed["status"] == "claimed"
    assert claimed["actions"] == ["respond", "timeout", "cancel", "release"]
    assert claimed["claimed_by"] == "dana@example.com"
    status, done = await _act(sandbox, rid, {"respond": {"choose": "Approve"}})
    assert (done["status"], done["actions"], done["response_data"]) == ("completed", [], "Approve")


@pytest.mark.parametrize(
    ("steps", "refused", "message"),
    [
        (["timeout"], "claim", "Request cannot be claimed in current state (timeout)"),
        (["cancel"], "respond", "Request is no longer pending"),
        (["cancel"], "timeout", "Request cannot time out in current state (cancelled)"),
        ([{"respond": {"choose": 0}}], "cancel", "Request cannot be cancelled in current state"),
        ([], "release", "Only a claimed request can be released"),
    ],
)
async def test_a_word_that_does_not_apply_is_refused_with_the_vendors_message(
    sandbox: Sandbox, loop_id: str, steps: list[Any], refused: str, message: str
) -> None:
    rid = (await sandbox.new_request(loop_id))["request_id"]
    for step in steps:
        assert (await _act(sandbox, rid, step))[0] == 200
    status, body = await _act(sandbox, rid, refused)
    assert (status, body["error"]) == (400, message)


async def test_join_reaches_a_loop_by_invite_code_and_unknown_ids_are_404(
    make_sandbox: MakeSandbox,
) -> None:
    sandbox = await make_sandbox(honest=True)
    created = await sandbox.ok(
        "POST", f"{API}/loops", "Loop created successfully with QR code", 201,
        json_body={"name": "Team", "icon": "eye"},
    )  # fmt: skip
    status, joined = await _act(sandbox, created["invite_code"], "join")
    assert status == 200 and joined["id"] == created["loop"]["id"]
    assert joined["joined"] == ["dana@example.com", "sam@example.com"]
    status, again = await _act(sandbox, created["invite_code"], "join")
    assert (status, again["joined"]) == (200, [])
    status, body = await _act(sandbox, "65f1234567890abcdef12399", "join")
    assert (status, body["error"]) == (404, "No loop or request found with that id or invite code")


async def test_a_scripted_step_that_no_longer_applies_is_skipped_and_reported(
    make_sandbox: MakeSandbox,
) -> None:
    rules = [{"otherwise": ["claim", {"claim": {"after": "1m"}}]}]
    sandbox = await make_sandbox({"rules": rules})
    rid = (await sandbox.new_request((await sandbox.new_loop())["id"]))["request_id"]
    await sandbox.advance("1m")
    (problem,) = (await sandbox.control("GET", "/scenario"))["problems"]
    assert problem.startswith("test.yaml:")
    assert problem.endswith(
        f": claim on request {rid}: Request cannot be claimed in current state (claimed)"
    )


async def test_a_plain_scripted_timeout_waits_for_timeout_at(make_sandbox: MakeSandbox) -> None:
    sandbox = await make_sandbox({"rules": [{"otherwise": "timeout"}]})
    loop_id = (await sandbox.new_loop())["id"]
    rid = (await sandbox.new_request(loop_id, timeout_seconds=600))["request_id"]
    timers = (await sandbox.control("GET", "/clock/timers"))["timers"]
    assert [t["label"] for t in timers] == [f"{rid}:timeout"]
    await sandbox.advance("9m")
    assert (await sandbox.get_request(rid))["status"] == "pending"
    await sandbox.advance("1m")
    assert (await sandbox.get_request(rid))["status"] == "timeout"


async def test_timers_run_through_the_engine_and_wake_the_waits(
    make_sandbox: MakeSandbox,
) -> None:
    rules = [{"when": {"text_contains": "slow"}, "then": {"respond": {"after": "2m"}}}]
    sandbox = await make_sandbox({"join": "30s", "rules": rules}, honest=True)
    loop_id = (await sandbox.new_loop())["id"]
    expiring = (await sandbox.new_request(loop_id, timeout_seconds=60))["request_id"]
    answered = (await sandbox.new_request(loop_id, request_text="slow one"))["request_id"]
    timers = (await sandbox.control("GET", "/clock/timers"))["timers"]
    assert sorted(t["label"] for t in timers) == sorted(
        [f"{loop_id}:join", f"{expiring}:timeout", f"{answered}:respond", f"{answered}:timeout"]
    )

    async def wait(rid: str, status: str) -> Any:
        path = f"/_mockserver/wait/items/hitl/{rid}?status={status}&timeout=5"
        async with sandbox.client.get(path) as resp:
            return resp.status, (await resp.json()).get("status")

    waits = [
        asyncio.create_task(wait(expiring, "timeout")),
        asyncio.create_task(wait(answered, "completed")),
    ]
    world = sandbox.client.app[appkeys.WORLDS].get("")
    await until(lambda: world.notifier.parked == 2, "both waits parked before the clock moves")
    # The clock moves as a real or scaled clock does: no control call wakes every wait after.
    await world.clock.advance(120)
    done, _ = await asyncio.wait(waits, timeout=2)  # woken by the timers, not their timeout
    assert sorted(t.result() for t in done) == [(200, "completed"), (200, "timeout")]


@pytest.mark.parametrize(("form", "scheme"), [("sha256", SHA256), ("bare", BARE)])
async def test_deliveries_verify_with_the_declared_signature(
    make_sandbox: MakeSandbox, form: str, scheme: Any
) -> None:
    sandbox = await make_sandbox(
        {"webhook_secret": "whsec"}, extra=HOOKS, variants={"hitl.signature_header": form}
    )
    loop_id = (await sandbox.new_loop())["id"]
    rid = (
        await sandbox.new_request(loop_id, callback_url="http://hooks.test/hitl", request_text="x")
    )["request_id"]
    await _act(sandbox, rid, "cancel")
    (delivery,) = await sandbox.deliveries(subject=rid)
    body = delivery["body"].encode() if isinstance(delivery["body"], str) else b""
    assert body, delivery
    assert scheme in VENDOR.webhooks.signatures
    assert scheme.verify(delivery["headers"], body, "whsec") is True
    assert scheme.verify(delivery["headers"], body, "other") is False
    other = BARE if scheme is SHA256 else SHA256
    assert other.verify(delivery["headers"], body, "whsec") is None


def test_the_declaration() -> None:
    vendor = VENDOR
    assert vendor.statuses == ("pending", "claimed", "completed", "timeout", "cancelled")
    assert vendor.waiting == ("pending", "claimed")
    assert vendor.lifecycle.final == ("completed", "timeout", "cancelled")
    assert vendor.lifecycle.events == (
        "request.claimed", "request.completed", "request.timeout", "request.cancelled",
    )  # fmt: skip
    assert vendor.base_path == "/v1"
    described = vendor.describe()
    assert [a["word"] for a in described["actions"]] == [
        "claim", "join", "respond", "timeout", "cancel", "release",
    ]  # fmt: skip
    assert described["signatures"] == ["hitl-hmac", "hitl-hmac-bare"]
    assert described["openapi"] == ["hitl"]
    section = vendor.section
    assert vendor.section_schema()["properties"]["rules"]["items"]["properties"]["when"][
        "properties"
    ]["loop"] == {"type": "string", "description": "loop id or name"}
    assert section.default is not None and section.default["join"] == "1s"
    assert vendor.vocabulary().descriptions["fail"].startswith("answer the create call itself")
