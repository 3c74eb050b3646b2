"""Models API (api.thehive.ai) over HTTP: chosen by Host header or the /models path prefix."""

from __future__ import annotations

import aiohttp
import pytest

from .conftest import MODELS_HOST, Receiver, Sandbox

TASK_KEYS = ["id", "code", "project_id", "user_id", "created_on", "status", "from_cache"]
GUN = "http://hive-public.s3.amazonaws.com/demo_request/gun1.jpg"


@pytest.mark.parametrize("host", [MODELS_HOST, "models.localhost:8080"])
async def test_sync_text_by_host(sandbox: Sandbox, host: str) -> None:
    hive = await sandbox()
    form = {"text_data": "Hi there, this is a test task"}
    body = await hive.ok("/api/v2/task/sync", data=form, host=host)
    assert list(body) == TASK_KEYS
    (status,) = body["status"]
    assert status["status"] == {"code": "0", "message": "SUCCESS"}
    assert status["response"]["input"]["text"] == form["text_data"]
    assert "triggered_rules" not in body


async def test_sync_url_scores_each_visual_head_summing_to_one(sandbox: Sandbox) -> None:
    hive = await sandbox()
    body = await hive.ok("/models/api/v2/task/sync", data={"url": GUN})
    (frame,) = body["status"][0]["response"]["output"]
    scores = {c["class"]: c["score"] for c in frame["classes"]}
    general = ("general_nsfw", "general_suggestive", "general_not_nsfw_not_suggestive")
    assert sum(scores[c] for c in general) == pytest.approx(1.0)
    assert all(0 <= s <= 1 for s in scores.values())


async def test_media_upload_through_the_path_alias(sandbox: Sandbox) -> None:
    hive = await sandbox()
    form = aiohttp.FormData()
    form.add_field("media", b"\x89PNG...", filename="nsfw_1.png", content_type="image/png")
    body = await hive.ok("/models/api/v2/task/sync", data=form)
    media = body["status"][0]["response"]["input"]["media"]
    assert media["url"] == "nsfw_1.png"
    (frame,) = body["status"][0]["response"]["output"]
    assert {c["class"]: c["score"] for c in frame["classes"]}["general_nsfw"] == 0.97


async def test_async_acknowledges_calls_back_and_can_be_fetched(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    hive = await sandbox()
    form = {"url": GUN, "callback_url": f"{receiver.url}/models", "metadata": "batch-7"}
    ack = await hive.ok("/api/v2/task/async", data=form, host=MODELS_HOST)
    assert ack["id"] == ack["task_id"] and ack["message"] == "We received your task."
    resp = await hive.client.get(
        f"/api/v1/task?task_id={ack['task_id']}",
        headers={"authorization": "token hive-test", "Host": MODELS_HOST},
    )
    assert (await resp.json())["status"] == []
    await hive.advance("2s")
    (callback,) = receiver.at("/models")
    result = callback.json()
    assert list(result) == [
        "id",
        "project_id",
        "callback",
        "metadata",
        "created_on",
        "status",
        "from_cache",
    ]
    assert result["metadata"] == "batch-7" and result["callback"] == form["callback_url"]
    resp = await hive.client.get(
        f"/models/api/v1/task?task_id={ack['task_id']}",
        headers={"authorization": "token hive-test"},
    )
    assert (await resp.json())["id"] == ack["task_id"]


async def test_models_tasks_have_no_dashboard_rules_or_review(sandbox: Sandbox) -> None:
    hive = await sandbox()
    body = await hive.ok("/api/v1/task/sync", data={"text_data": "you idiot"}, host=MODELS_HOST)
    resp = await hive.act(body["id"], {"decide": {"action": "ban_user"}})
    assert resp.status == 409
    assert (await hive.control("GET", "/items?vendor=hive"))["count"] == 0
