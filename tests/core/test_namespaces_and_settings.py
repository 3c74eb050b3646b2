"""Isolation by API key (`key~namespace`), dropping namespaces, named uploads, settings checks,
and webhooks that must not stall the clock on a running (real or scaled) clock."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from mockserver.http.settings import Settings

from .conftest import SELECT, MakeClient, create_loop

BASE = """
clock: manual
start: "2026-03-01T12:00:00Z"
hitl:
  keys: [sk-test]
  rules: [{otherwise: timeout}]
"""


async def test_a_key_suffix_selects_the_namespace_and_is_stripped(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    worker_a = {"Authorization": "Bearer sk-test~worker-a"}
    resp = await client.post("/v1/api/loops", json={"name": "A", "icon": "eye"}, headers=worker_a)
    assert resp.status == 201, await resp.text()  # the scenario's key list still matches
    in_a: dict[str, Any] = await (await client.get("/v1/api/loops", headers=worker_a)).json()
    plain = {"Authorization": "Bearer sk-test"}
    in_default: dict[str, Any] = await (await client.get("/v1/api/loops", headers=plain)).json()
    assert in_a["data"]["count"] == 1 and in_default["data"]["count"] == 0
    journal = await (await client.get("/_mockserver/journal?namespace=worker-a")).json()
    assert journal["count"] == 2
    wrong = await client.get("/v1/api/loops", headers={"Authorization": "Bearer nope~worker-a"})
    assert wrong.status == 401


async def test_key_namespaces_can_be_switched_off(sandbox: MakeClient) -> None:
    client = await sandbox(BASE, key_namespaces=False)
    resp = await client.get("/v1/test", headers={"Authorization": "Bearer sk-test~worker-a"})
    assert resp.status == 401


async def test_drop_a_namespace(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    await client.get("/v1/test", headers={"Authorization": "Bearer sk-test~gone"})
    listed = await (await client.get("/_mockserver/namespaces")).json()
    assert "gone" in listed["namespaces"]
    assert (await client.delete("/_mockserver/namespaces/gone")).status == 200
    assert (await client.delete("/_mockserver/namespaces/gone")).status == 404
    listed = await (await client.get("/_mockserver/namespaces")).json()
    assert "gone" not in listed["namespaces"]


async def test_uploaded_scenario_keeps_its_file_name(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    bad = await client.put("/_mockserver/scenario?source=qa/spam.yaml", data="clock: manul\n")
    assert (await bad.json())["problems"][0].startswith("qa/spam.yaml:1:8: clock:")
    good = await client.put(
        "/_mockserver/scenario?source=qa/spam.yaml", data="clock: manual\nhitl: {}\n"
    )
    assert (await good.json())["name"] == "spam"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("journal_cap", -1, "MOCKSERVER_JOURNAL_CAP: must be 0 or more"),
        ("port", 70000, "MOCKSERVER_PORT: must be between 0 and 65535"),
        ("clock", "fast", "MOCKSERVER_CLOCK: must be real, manual or scale:N"),
        ("log_format", "xml", "MOCKSERVER_LOG_FORMAT: must be text or json"),
    ],
)
def test_settings_refuse_values_the_server_cannot_run_with(
    name: str, value: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Settings(**{name: value})
    with pytest.raises(ValueError, match=message):
        Settings.from_env({f"MOCKSERVER_{name.upper()}": str(value)})


async def test_a_hung_receiver_does_not_delay_other_timers_on_a_running_clock(
    sandbox: MakeClient, aiohttp_server: Any
) -> None:
    release = asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        await asyncio.wait_for(release.wait(), 10)
        return web.Response()

    app = web.Application()
    app.router.add_post("/hang", hang)
    server: TestServer = await aiohttp_server(app)
    yaml = f"""
clock: {{scale: 100}}
webhooks: {{timeout: 5s}}
hitl:
  webhooks: [{{url: "{server.make_url("/hang")}"}}]
  rules:
    - when: {{first: 1}}
      then: [{{respond: {{after: 1s, choose: 0}}}}]
    - otherwise: [{{respond: {{after: 30s, choose: 0}}}}]
"""
    client = await sandbox(yaml)
    try:
        loop_id = await create_loop(client)
        auth = {"Authorization": "Bearer test-key"}
        ids = []
        for text in ("first", "second"):
            body = {**SELECT, "request_text": text}
            resp = await client.post(f"/v1/api/loops/{loop_id}/requests", json=body, headers=auth)
            assert resp.status == 201, await resp.text()
            ids.append((await resp.json())["data"]["request_id"])
        for rid, scripted in zip(ids, (1, 30), strict=True):
            wait = await client.get(
                f"/_mockserver/wait/items/hitl/{rid}",
                params={"status": "completed", "timeout": "4"},
            )
            assert wait.status == 200
            req = (await (await client.get(f"/v1/api/requests/{rid}", headers=auth)).json())[
                "data"
            ]["request"]
            # The first answer's webhook hangs for 5 s real (500 s virtual); a clock stalled by
            # it would answer the second request about 470 s late (or not within the wait).
            # 250 virtual seconds is 2.5 s of real slack, which a busy 2-core machine cannot
            # miss, and still half of what a stall would cost.
            assert req["response_time_seconds"] < scripted + 250
    finally:
        release.set()
