"""Bodies a broken or hostile client sends: JSON nested thousands deep, a gzip body that does
not decode, an upload cut off mid-way. Each is a 4xx in the API's own error shape (never a 500),
and the journal keeps rendering whatever it stored."""

from __future__ import annotations

import asyncio
import gzip
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from mockserver.base.jsonio import MAX_DEPTH
from tests.support.polling import until

from .conftest import LOOP_ID, START, Client, MakeClient, Served, journal

SCHEMA_ID = "550e8400-e29b-41d4-a716-446655440000"
SCENARIO = f"""
seed: 3
clock: manual
start: "{START}"
hitl:
  keys: [hk]
  loops: [{{id: {LOOP_ID}, name: Team}}]
outharm:
  tokens: [ok]
  schemas: [{{id: {SCHEMA_ID}, name: Posts, components: {{title: text}}}}]
hive: {{keys: [vk]}}
"""
JSON = {"Content-Type": "application/json"}
# (path, auth header, the error fields expected in the answer)
VENDOR_CALLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "hitl": (f"/v1/api/loops/{LOOP_ID}/requests", "Bearer hk", {"error": True}),
    "outharm": ("/moderation/manual", "Bearer ok", {"name": "validation-error"}),
    "hive": ("/api/v1/task/sync", "token vk", {"code": 400, "error": "invalid_json"}),
}


def nested(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


def message(body: dict[str, Any]) -> str:
    return str(body.get("msg") or body.get("message") or body.get("error")) + str(body.get("data"))


async def journal_renders(client: Client) -> None:
    """The journal and a wait on it both answer, with every entry."""
    found = await journal(client)
    assert found["count"] >= 1
    resp = await client.get(f"/_mockserver/wait/journal?count={found['count']}&timeout=1")
    assert resp.status == 200, await resp.text()


@pytest.mark.parametrize("vendor", sorted(VENDOR_CALLS))
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 100_000])
async def test_deep_json_is_a_vendor_400(sandbox: MakeClient, vendor: str, depth: int) -> None:
    client = await sandbox(SCENARIO)
    path, auth, shape = VENDOR_CALLS[vendor]
    resp = await client.post(path, data=nested(depth), headers={**JSON, "Authorization": auth})
    body = await resp.json()
    assert resp.status == 400, body
    assert body == {**body, **shape}
    assert f"more than {MAX_DEPTH} levels" in message(body)
    await journal_renders(client)


async def test_json_at_the_depth_limit_is_accepted(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO)
    meta: dict[str, object] = {"a": 1}
    for _ in range(MAX_DEPTH - 2):  # the body object and `metadata` are two levels
        meta = {"a": meta}
    body = {"request_text": "hi", "response_type": "text", "metadata": meta}
    resp = await client.post(
        VENDOR_CALLS["hitl"][0], json=body, headers={"Authorization": "Bearer hk"}
    )
    assert resp.status == 201, await resp.text()
    await journal_renders(client)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
async def test_deep_json_is_a_control_plane_400(sandbox: MakeClient, depth: int) -> None:
    client = await sandbox(SCENARIO)
    for path in ("/clock/advance", f"/items/hitl/{LOOP_ID}", "/scenario"):
        resp = await client.request(
            "PUT" if path == "/scenario" else "POST", "/_mockserver" + path, data=nested(depth)
        )
        body = await resp.json()
        assert resp.status == 400, (path, body)
        assert "error" in body, (path, body)


@pytest.mark.parametrize("depth", [300, 100_000])
async def test_the_journal_renders_a_deep_body_it_stored(sandbox: MakeClient, depth: int) -> None:
    """A call refused before its body is parsed (bad key) is journaled with that body."""
    client = await sandbox(SCENARIO)
    resp = await client.post(VENDOR_CALLS["hive"][0], data=nested(depth), headers=JSON)
    assert resp.status == 401
    found = await journal(client)
    assert found["entries"][0]["body"] == nested(depth)[:65536]
    await journal_renders(client)


@pytest.mark.parametrize("vendor", sorted(VENDOR_CALLS))
async def test_broken_gzip_is_a_vendor_400(
    sandbox: MakeClient, vendor: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = await sandbox(SCENARIO)
    path, auth, _ = VENDOR_CALLS[vendor]
    broken = gzip.compress(b'{"a": 1}' * 1000)[:10] + b"\xff" * 5000  # an invalid block
    headers = {**JSON, "Authorization": auth, "Content-Encoding": "gzip"}
    resp = await client.post(path, data=broken, headers=headers)
    text = await resp.text()
    assert resp.status == 400, text
    assert "content-encoding: gzip" in text
    resp = await client.post("/_mockserver/clock/advance", data=broken, headers=headers)
    assert resp.status == 400
    assert "content-encoding: gzip" in (await resp.json())["error"]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_client_hanging_up_mid_upload_is_no_500(
    served: Callable[..., Awaitable[Served]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    sandbox = await served(SCENARIO)
    _, writer = await asyncio.open_connection("127.0.0.1", sandbox.port)
    writer.write(
        b"POST /api/v1/task/sync HTTP/1.1\r\nHost: x\r\nAuthorization: token vk\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n" + b'{"a": "' * 100
    )
    await writer.drain()
    async with aiohttp.ClientSession(sandbox.url) as http:
        # Once another call is answered, the upload's handler is waiting for the rest of it.
        async with http.get("/_mockserver/health") as resp:
            assert resp.status == 200
        writer.close()
        await writer.wait_closed()
        await until(lambda: "hung up" in caplog.text, "the hang-up logged")
        async with http.get("/_mockserver/journal") as resp:
            assert (await resp.json())["entries"] == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []
