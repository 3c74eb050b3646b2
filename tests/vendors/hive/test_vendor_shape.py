"""Hive in the one vendor shape: what it declares (action and matcher tables, scenario section,
webhook policy) and what the core derives from it (items' actions, refusals, timers, waits)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml

import mockserver
from mockserver.http import appkeys
from mockserver.registry import vendor, vendors
from mockserver.scenario.loading.loader import load_default
from mockserver.vendors.hive.scenario import DEFAULT_SECTION, SECTION

from .conftest import MODELS_HOST, Sandbox
from .test_review import flagged


def test_the_declaration() -> None:
    hive = vendor("hive")
    described = hive.describe()
    assert [(a["word"], a["bare"], sorted(a["settings"])) for a in described["actions"]] == [
        ("decide", False, ["action", "note"]),
        ("dismiss", True, ["note"]),
    ]
    assert described["statuses"] == ["processing", "completed", "pending", "decided", "dismissed"]
    assert described["base_path"] == "" and described["signatures"] == []
    assert described["openapi"] == ["hive-dashboard", "hive-models"]
    assert hive.section is SECTION and SECTION.check is None
    assert set(hive.vocabulary().when) == {
        "rule",
        "if",
        "text_contains",
        "text_matches",
        "url_contains",
        "user_id",
        "post_id",
        "content",
        "user",
        "reported",
        "report_category",
    }
    policy = hive.webhooks.retry
    assert policy.schedule == (10.0, 60.0, 300.0, 1800.0, 7200.0) and policy.timeout == 30.0


def test_the_default_section_is_the_embedded_default_scenarios() -> None:
    folder = Path(mockserver.__file__).parent
    assert yaml.safe_load((folder / "vendors" / "hive" / "default.yaml").read_text()) == (
        DEFAULT_SECTION
    )
    assert "hive" not in yaml.safe_load((folder / "data" / "default.yaml").read_text())
    assert load_default(vendors()).section("hive").review, "the default scenario has it"


async def test_items_offer_the_moderator_words_and_the_dashboard_actions(
    sandbox: Sandbox,
) -> None:
    hive = await sandbox()
    task_id = await flagged(hive, "call me 546-855-5512")  # PII: no scripted moderator
    item = await hive.item(task_id)
    assert item["actions"] == ["decide", "dismiss"]
    assert item["available_actions"] == ["ban_user", "delete_post"]


async def test_a_v2_task_is_acted_on_by_any_of_its_model_task_ids(sandbox: Sandbox) -> None:
    hive = await sandbox()
    body = {
        "user_id": "u",
        "post_id": "p",
        "url": "https://x.test/nsfw.jpg",
        "models": ["visual", "ocr"],
    }
    answer = await hive.ok("/api/v2/task/sync", body)
    first, second = answer["task_ids"]
    resp = await hive.act(second, "dismiss")
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["id"] == first
    waited = await hive.control("GET", f"/wait/items/hive/{second}?status=dismissed&timeout=1")
    assert waited["status"] == "dismissed"


async def test_an_unknown_task_and_a_processing_one_are_refused_with_the_hive_words(
    sandbox: Sandbox,
) -> None:
    hive = await sandbox()
    resp = await hive.act("nope", "dismiss")
    assert resp.status == 404 and "no Hive task 'nope'" in (await resp.json())["error"]
    body = {
        "patron_id": "u",
        "post_id": "p",
        "text_data": "x",
        "callback_url": "http://127.0.0.1:9/",
    }
    ack = await hive.ok("/api/v1/task/async", body)
    resp = await hive.act(ack["task_id"], {"decide": {"action": "ban_user"}})
    assert resp.status == 400
    assert f"task {ack['task_id']} is still processing" in (await resp.json())["error"]


async def test_async_completion_is_an_engine_timer_that_wakes_waiters(sandbox: Sandbox) -> None:
    hive = await sandbox()
    body = {"text_data": "hello", "callback_url": "http://127.0.0.1:9/cb"}
    task_id = (await hive.ok("/api/v1/task/async", body, host=MODELS_HOST))["task_id"]
    timers = (await hive.control("GET", "/clock/timers"))["timers"]
    assert f"{task_id}:done" in [t["label"] for t in timers]
    world = hive.client.app[appkeys.WORLDS].get()
    state = world.state("hive")
    wait = asyncio.create_task(
        world.notifier.wait_for(
            lambda: state.status_of(state.find(task_id)) == "completed",
            30,
            topic="item",
            key=task_id,
        )
    )
    await asyncio.sleep(0)  # one turn of the loop: the wait is registered, still unmet
    assert not wait.done()
    await world.clock.advance(2)  # not the control plane's advance, which wakes every wait
    assert await asyncio.wait_for(wait, 1) is True
