"""Shared helpers for core tests: build a sandbox app from inline scenario YAML, and a local
webhook receiver that records what it gets."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario

AUTH = {"Authorization": "Bearer test-key"}

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[..., Awaitable[Client]]


@pytest.fixture
def sandbox(aiohttp_client: Callable[..., Awaitable[Client]]) -> MakeClient:
    """`await sandbox(yaml_text, **settings)` -> a test client on a fresh sandbox."""

    async def make(yaml_text: str, **settings: Any) -> Client:
        scenario = parse_scenario(yaml_text, "test.yaml", VENDORS)
        app = build_app(Settings(**settings), VENDORS, ScenarioLibrary(default=scenario))
        return await aiohttp_client(app)

    return make


@dataclass
class Receiver:
    url: str
    answers: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def bodies(self) -> list[Any]:
        return [json.loads(body) for _, body in self.received]

    def events(self) -> list[str]:
        return [b["event"] for b in self.bodies()]


@pytest.fixture
async def receiver(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> Receiver:
    """A webhook receiver; `answers` lists statuses to give first (then 200)."""
    rec = Receiver(url="")

    async def hook(request: web.Request) -> web.Response:
        rec.received.append((dict(request.headers), await request.read()))
        status = rec.answers.pop(0) if rec.answers else 200
        return web.json_response({"ok": status == 200}, status=status)

    app = web.Application()
    app.router.add_post("/hook", hook)
    server = await aiohttp_server(app)
    rec.url = str(server.make_url("/hook"))
    return rec


async def create_loop(client: Client, name: str = "Team") -> str:
    resp = await client.post("/v1/api/loops", json={"name": name, "icon": "eye"}, headers=AUTH)
    assert resp.status == 201, await resp.text()
    loop_id: str = (await resp.json())["data"]["loop"]["id"]
    return loop_id


SELECT = {
    "response_type": "single_select",
    "response_config": {"options": ["Approve", "Reject"]},
    "default_response": "Reject",
    "priority": "medium",
    "processing_type": "time-sensitive",
    "timeout_seconds": 3600,
}


async def create_request(client: Client, loop_id: str, text: str, **extra: Any) -> dict[str, Any]:
    body = {**SELECT, "request_text": text, **extra}
    resp = await client.post(f"/v1/api/loops/{loop_id}/requests", json=body, headers=AUTH)
    assert resp.status == 201, await resp.text()
    data: dict[str, Any] = (await resp.json())["data"]  # hitl.created_id default: request_id
    return data


async def answered_by(client: Client, request_id: str) -> dict[str, Any]:
    """Who answered, as {user_id, name, email} (GET .../response)."""
    resp = await client.get(f"/v1/api/requests/{request_id}/response", headers=AUTH)
    person: dict[str, Any] = (await resp.json())["data"]["response_by"]
    return person


async def get_request(client: Client, request_id: str) -> dict[str, Any]:
    resp = await client.get(f"/v1/api/requests/{request_id}", headers=AUTH)
    assert resp.status == 200, await resp.text()
    req: dict[str, Any] = (await resp.json())["data"]["request"]
    return req


async def advance(client: Client, by: str) -> dict[str, Any]:
    resp = await client.post("/_mockserver/clock/advance", json={"by": by})
    assert resp.status == 200, await resp.text()
    data: dict[str, Any] = await resp.json()
    return data
