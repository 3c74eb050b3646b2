"""The Review Feed: scripted moderators on the virtual clock, decisions by hand through the
control plane, and the Dashboard action callbacks each decision fires
(https://docs.thehive.ai/docs/actions)."""

from __future__ import annotations

from typing import Any

from .conftest import SCENARIO, Hive, Receiver, Sandbox


async def flagged(hive: Hive, text: str = "you idiot", **extra: Any) -> str:
    body = {
        "patron_id": "u42",
        "post_id": "p42",
        "text_data": text,
        "patron_metadata": {"tier": "gold"},
        **extra,
    }
    task = await hive.ok("/api/v1/task/sync", body)
    assert [r["rule_name"] for r in task["triggered_rules"]] == ["Send to Review Feed"]
    task_id: str = task["task_id"]
    return task_id


async def test_a_scripted_decision_fires_the_action_callback(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    hive = await sandbox()
    task_id = await flagged(hive)
    item = await hive.item(task_id)
    assert item["status"] == "pending" and item["review"]["rule"] == "Send to Review Feed"
    assert item["review"]["scripted_by"].startswith("test.yaml:")
    await hive.advance("9m")
    assert receiver.at("/hive/ban") == []
    await hive.advance("1m")
    (action,) = receiver.at("/hive/ban")
    assert action.method == "POST"
    assert action.headers["X-Auth"] == "s3cret"
    assert action.query == {
        "source": "dashboard",  # kept from the configured URL
        "user": "u42",
        "post": "p42",
        "why": "Send to Review Feed",
        "tier": "gold",
        "by": "dana@example.com",
    }
    assert action.json()["trigger"] == "review" and action.json()["task_id"] == task_id
    item = await hive.item(task_id)
    assert item["status"] == "decided"
    assert item["review"]["decided_by"] == "dana@example.com"
    assert item["review"]["actions"] == ["ban_user"]
    (delivery,) = await hive.deliveries(event="action.ban_user")
    assert delivery["state"] == "delivered" and delivery["subject"] == task_id


async def test_a_manual_decision_through_the_control_plane(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    hive = await sandbox()
    task_id = await flagged(hive, "call me 546-855-5512")  # PII: no scripted moderator
    resp = await hive.act(task_id, {"decide": {"action": "ban_user", "by": "sam@example.com"}})
    assert resp.status == 200, await resp.text()
    item = await resp.json()
    assert item["status"] == "decided" and item["review"]["decided_by"] == "sam@example.com"
    await hive.advance("0s")
    (action,) = receiver.at("/hive/ban")
    assert action.headers["X-Auth"] == "s3cret"
    assert action.query["user"] == "u42" and action.query["by"] == "sam@example.com"
    again = await hive.act(task_id, {"decide": {"action": "ban_user"}})
    assert again.status == 200  # a decided post can still be acted on from the Content Feed
    assert len((await again.json())["past_reviews"]) == 1


async def test_manual_decision_cancels_the_scripted_one(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    hive = await sandbox()
    task_id = await flagged(hive)
    resp = await hive.act(task_id, "dismiss")
    assert (await resp.json())["status"] == "dismissed"
    await hive.advance("1h")
    assert receiver.at("/hive/ban") == []
    assert await hive.deliveries(event="action.*") == []


async def test_anything_but_200_is_retried(sandbox: Sandbox, receiver: Receiver) -> None:
    hive = await sandbox()
    receiver.answers = [201, 500]
    task_id = await flagged(hive)
    await hive.advance("10m")
    (delivery,) = await hive.deliveries(event="action.ban_user")
    assert [a["status"] for a in delivery["attempts"]] == [201]
    assert delivery["state"] == "pending"
    await hive.advance("10s")
    await hive.advance("1m")
    (delivery,) = await hive.deliveries(subject=task_id)
    assert [a["status"] for a in delivery["attempts"]] == [201, 500, 200]
    assert delivery["state"] == "delivered"
    assert len(receiver.at("/hive/ban")) == 3


async def test_wait_for_a_decision_over_the_control_plane(sandbox: Sandbox) -> None:
    hive = await sandbox()
    task_id = await flagged(hive)
    await hive.advance("10m")
    waited = await hive.control("GET", f"/wait/items/hive/{task_id}?status=decided&timeout=1")
    assert waited == {"id": task_id, "status": "decided"}


async def test_control_plane_refusals(sandbox: Sandbox) -> None:
    hive = await sandbox()
    task_id = await flagged(hive)
    resp = await hive.act(task_id, {"decide": {"action": "nuke"}})
    assert resp.status == 400 and "unknown action 'nuke'" in (await resp.json())["error"]
    resp = await hive.act(task_id, {"decide": {}})
    assert resp.status == 400
    resp = await hive.act("no-such-task", "dismiss")
    assert resp.status == 404
    resp = await hive.act(task_id, {"claim": {}})
    assert resp.status == 400 and "decide" in (await resp.json())["actions"]


async def test_items_list_and_filter(sandbox: Sandbox) -> None:
    hive = await sandbox()
    first = await flagged(hive)
    await hive.ok("/api/v1/task/sync", {"patron_id": "a", "post_id": "b", "text_data": "fine"})
    second = await flagged(hive, "call 546-855-5512")
    await hive.advance("10m")
    pending = await hive.control("GET", "/items?vendor=hive&status=pending")
    assert [i["id"] for i in pending["items"]] == [second]
    everything = await hive.control("GET", "/items?vendor=hive")
    assert [i["id"] for i in everything["items"]] == [first, second]
    assert everything["items"][0]["available_actions"] == ["ban_user", "delete_post"]


async def test_async_tasks_reach_review_when_they_complete(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    hive = await sandbox()
    body = {
        "patron_id": "u",
        "post_id": "p",
        "text_data": "idiot",
        "callback_url": f"{receiver.url}/cb",
    }
    ack = await hive.ok("/api/v1/task/async", body)
    resp = await hive.act(ack["task_id"], "dismiss")
    assert resp.status == 400  # still processing: the action table refuses it (was 409)
    await hive.advance("2s")
    assert (await hive.item(ack["task_id"]))["status"] == "pending"
    await hive.advance("10m")  # 10m after it reached the Review Feed
    assert len(receiver.at("/hive/ban")) == 1


async def test_first_and_otherwise(sandbox: Sandbox, receiver: Receiver) -> None:
    text = SCENARIO.split("  review:\n")[0] + (
        "  review:\n"
        "    - when: {rule: Send to Review Feed, first: 1}\n"
        "      then: {decide: {after: 1m, action: [ban_user, delete_post]}}\n"
        "    - otherwise: dismiss\n"
    )
    hive = await sandbox(text)
    first = await flagged(hive)
    second = await flagged(hive)
    await hive.advance("0s")  # a step with no `after` is due at once
    assert (await hive.item(second))["status"] == "dismissed"
    await hive.advance("1m")
    assert (await hive.item(first))["review"]["actions"] == ["ban_user", "delete_post"]
    assert len(receiver.at("/hive/ban")) == 1 and len(receiver.at("/hive/delete")) == 1
