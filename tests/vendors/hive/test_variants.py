"""Hive's documented variants: the text classes of the seed's example (default) or the docs'
seven heads, and time-based (seed) or random task ids; each recognised by `match_forms`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.kit.variants import match_forms
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario
from mockserver.vendors.hive.variants import SEED_MODERATED, SEED_OUTPUT, SEVEN_HEADS, VARIANTS

BY_NAME = {v.name: v for v in VARIANTS}
START = "2026-01-01T00:00:00Z"
POST = {"text_data": "call me at 546-855-5512", "user_id": "u1", "post_id": "p1"}


async def _answer(aiohttp_client: Any, variants: str = "") -> dict[str, Any]:
    text = f"clock: manual\nstart: {START}\nhive: {{keys: [k]}}\n{variants}"
    scenario = parse_scenario(text, "t.yaml", VENDORS)
    client = await aiohttp_client(build_app(Settings(), VENDORS, ScenarioLibrary(scenario)))
    resp = await client.post(
        "/api/v1/task/sync?legacy=1", json=POST, headers={"authorization": "token k"}
    )
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    return body


async def test_defaults_follow_the_seed_example(aiohttp_client: Any) -> None:
    body = await _answer(aiohttp_client)
    response = body["status"][0]["response"]
    assert response["moderated_classes"] == list(SEED_MODERATED)
    assert [c["class"] for c in response["output"][0]["classes"]] == list(SEED_OUTPUT)
    assert match_forms(BY_NAME["hive.text_classes"], body) == ["seed"]
    # a version-1 UUID from the virtual time, as the seed's task ids are
    task = uuid.UUID(body["task_id"])
    assert task.version == 1
    when = datetime(1582, 10, 15, tzinfo=UTC).timestamp() + task.time / 1e7
    assert when == datetime.fromisoformat(START.replace("Z", "+00:00")).timestamp()
    assert match_forms(BY_NAME["hive.task_id"], body) == ["uuid1"]


@pytest.mark.parametrize(
    ("forms", "classes", "version"),
    [("{hive.text_classes: seven_heads, hive.task_id: uuid4}", SEVEN_HEADS, 4)],
)
async def test_the_docs_forms_by_name(
    aiohttp_client: Any, forms: str, classes: tuple[str, ...], version: int
) -> None:
    body = await _answer(aiohttp_client, f"variants: {forms}\n")
    response = body["status"][0]["response"]
    assert response["moderated_classes"] == list(classes)
    assert [c["class"] for c in response["output"][0]["classes"]] == list(classes)
    assert uuid.UUID(body["task_id"]).version == version
    assert match_forms(BY_NAME["hive.text_classes"], body) == ["seven_heads"]
    assert match_forms(BY_NAME["hive.task_id"], body) == ["uuid4"]
