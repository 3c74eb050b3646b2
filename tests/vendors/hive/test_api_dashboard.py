"""Moderation Dashboard API over HTTP: the seed's curl and Python examples, legacy answers,
the three body encodings, v2 multi-model tasks, async callbacks on the virtual clock, automatic
rule actions and user reports."""

from __future__ import annotations

import json

import aiohttp

from .conftest import Receiver, Sandbox

# The seed's examples (https://docs.thehive.ai/docs/dashboard-api-reference), pointed at the
# sandbox.
SEED_SYNC = {
    "patron_id": "945455793",
    "post_id": "7756488575",
    "url": "https://d24edro6ichpbm.thehive.ai/demo_static_media/nsfw/nsfw_2.jpg",
}
SEED_TEXT = "Hey reach out to me, my number is 546-855-5512"
SEED_ASYNC = {
    "patron_id": "945455793",
    "post_id": "7756488575",
    "text_data": SEED_TEXT,
    "callback_url": "{receiver}/callback",
}
SEED_LEGACY_KEYS = [
    "content_id",
    "patron_id",
    "post_id",
    "task_id",
    "triggered_rules",
    "id",
    "code",
    "project_id",
    "user_id",
    "created_on",
    "status",
    "from_cache",
]


async def test_seed_curl_sync_example(sandbox: Sandbox) -> None:
    hive = await sandbox()
    body = await hive.ok("/api/v1/task/sync", SEED_SYNC)
    assert list(body) == ["patron_id", "post_id", "task_id", "triggered_rules"]
    assert body["patron_id"] == "945455793" and body["post_id"] == "7756488575"
    assert len(body["task_id"]) == 36
    assert [r["rule_name"] for r in body["triggered_rules"]] == ["Send to Review Feed"]
    assert set(body["triggered_rules"][0]) == {"rule_id", "rule_name"}
    assert len(body["triggered_rules"][0]["rule_id"]) == 22


async def test_seed_python_async_example_calls_back_after_the_clock_moves(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    hive = await sandbox()
    payload = {**SEED_ASYNC, "callback_url": f"{receiver.url}/callback"}
    ack = await hive.ok(
        "/api/v1/task/async", data=json.dumps(payload), content_type="application/json"
    )
    assert list(ack) == ["patron_id", "post_id", "task_id"]
    await hive.advance("1s")
    assert receiver.at("/callback") == []
    await hive.advance("1s")  # callback_delay: 2s
    (callback,) = receiver.at("/callback")
    assert callback.method == "POST"
    assert callback.headers["Content-Type"] == "application/json"
    result = callback.json()
    assert result["task_id"] == ack["task_id"]
    assert [r["rule_name"] for r in result["triggered_rules"]] == ["Send to Review Feed"]
    (delivery,) = await hive.deliveries(event="task.callback")
    assert delivery["state"] == "delivered" and delivery["subject"] == ack["task_id"]


async def test_legacy_answer_reports_the_seed_pii_entity(sandbox: Sandbox) -> None:
    hive = await sandbox()
    payload = {"patron_id": "945455793", "post_id": "7756488575", "text_data": SEED_TEXT}
    body = await hive.ok("/api/v1/task/sync?legacy=1", payload)
    assert list(body) == SEED_LEGACY_KEYS
    assert body["code"] == 200 and body["id"] == body["task_id"]
    assert body["content_id"].endswith("_945455793")
    (status,) = body["status"]
    assert status["status"] == {"code": "0", "message": "SUCCESS"}
    response = status["response"]
    assert response["pii_entities"] == [
        {"value": "546-855-5512", "start_index": 34, "end_index": 46, "type": "U.S. Phone Number"}
    ]
    assert response["input"]["text"] == SEED_TEXT
    assert response["language"] == "EN"
    (output,) = response["output"]
    assert (output["start_char_index"], output["end_char_index"]) == (0, 46)
    scores = {c["class"]: c["score"] for c in output["classes"]}
    assert scores["spam"] == 3 and scores["promotions"] == 3 and scores["sexual"] == 0
    (rule,) = body["triggered_rules"]
    assert rule["display_name"] == "Send to Review Feed"
    assert rule["action_id"] == "send_post_to_review"


async def test_urlencoded_body_with_user_id_and_metadata(sandbox: Sandbox) -> None:
    hive = await sandbox()
    form = {
        "user_id": "u1",
        "post_id": "p1",
        "text_data": "hello world",
        "content_metadata": json.dumps({"channel": "kids"}),
        "user_metadata": json.dumps({"tier": "gold"}),
    }
    body = await hive.ok("/api/v1/task/sync", data=form)
    assert body == {**body, "user_id": "u1", "post_id": "p1", "triggered_rules": []}
    assert "patron_id" not in body


async def test_multipart_body(sandbox: Sandbox) -> None:
    hive = await sandbox()
    form = aiohttp.FormData()
    form.add_field("patron_id", "u2")
    form.add_field("post_id", "p2")
    form.add_field("text_data", "you idiot")
    body = await hive.ok("/api/v1/task/sync", data=form)
    assert body["patron_id"] == "u2"
    assert [r["rule_name"] for r in body["triggered_rules"]] == ["Send to Review Feed"]


async def test_token_scheme_is_case_insensitive(sandbox: Sandbox) -> None:
    hive = await sandbox()
    payload = {"patron_id": "1", "post_id": "2", "text_data": "hi"}
    await hive.ok("/api/v1/task/sync", payload, auth={"Authorization": "Token hive-test"})


async def test_v2_sync_with_models(sandbox: Sandbox) -> None:
    hive = await sandbox()
    payload = {"user_id": "u", "post_id": "p", "url": SEED_SYNC["url"], "models": ["visual", "ocr"]}
    body = await hive.ok("/api/v2/task/sync", payload)
    assert list(body) == ["task_ids", "post_id", "user_id", "project_status_map", "triggered_rules"]
    assert len(body["task_ids"]) == 2
    statuses = list(body["project_status_map"].values())
    assert [s["moderation_type"] for s in statuses] == ["visual", "ocr"]
    assert {s["status"] for s in statuses} == {"completed"}
    assert [s["task_id"] for s in statuses] == body["task_ids"]
    assert [r["rule_name"] for r in body["triggered_rules"]] == ["Send to Review Feed"]


async def test_v2_async_acknowledges_then_calls_back(sandbox: Sandbox, receiver: Receiver) -> None:
    hive = await sandbox()
    payload = {
        "user_id": "u",
        "post_id": "p",
        "text_data": "nice day",
        "callback_url": f"{receiver.url}/v2",
    }
    ack = await hive.ok("/api/v2/task/async", payload)
    assert list(ack) == ["task_ids", "post_id", "user_id", "project_status_map"]
    (status,) = ack["project_status_map"].values()
    assert status == {"moderation_type": "text", "task_id": ack["task_ids"][0], "status": "pending"}
    await hive.advance("2s")
    (callback,) = receiver.at("/v2")
    result = callback.json()
    assert result["task_ids"] == ack["task_ids"] and result["triggered_rules"] == []
    assert next(iter(result["project_status_map"].values()))["status"] == "completed"


async def test_a_rule_with_a_named_action_fires_it_at_once(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    hive = await sandbox()
    payload = {"patron_id": "u9", "post_id": "p9", "text_data": "a BADWORD here"}
    body = await hive.ok("/api/v1/task/sync", payload)
    assert [r["rule_name"] for r in body["triggered_rules"]] == ["Post has text in Deny List"]
    await hive.advance("0s")  # deliveries due now
    (action,) = receiver.at("/hive/delete")
    assert action.method == "POST"
    assert action.query == {"user_id": "u9", "post_id": "p9"}  # the default params
    assert action.json()["trigger"] == "rule"
    assert action.json()["rule_name"] == "Post has text in Deny List"


async def test_report_sends_the_post_to_review(sandbox: Sandbox) -> None:
    hive = await sandbox()
    task = await hive.ok("/api/v1/task/sync", {"patron_id": "u", "post_id": "p", "text_data": "hi"})
    report = {
        "post_id": "p",
        "reporter_id": "r1",
        "report_categories": ["spam"],
        "report_reason": "ads",
    }
    body = await hive.ok("/api/v1/report", report)
    assert body["task_id"] == task["task_id"] and body["status"] == "in_review"
    assert body["report_categories"] == ["spam"] and body["reporter_id"] == "r1"
    item = await hive.item(task["task_id"])
    assert item["status"] == "pending" and item["review"]["source"] == "report"
    await hive.advance("1m")  # the scenario dismisses reported spam after 1m
    item = await hive.item(task["task_id"])
    assert item["status"] == "dismissed" and item["review"]["note"] == "not spam"
