"""Fixtures for Outharm tests: a sandbox app on a manual clock, driven over HTTP, and a webhook
receiver that records what it gets (and can answer with chosen statuses first)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestServer

from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario
from tests.control_plane import VendorControl

SCHEMA_ID = "550e8400-e29b-41d4-a716-446655440000"
TOKEN = "om-test"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class Api(VendorControl):
    """A thin client for the sandbox: Outharm calls with a valid token, and the control plane."""

    vendor = "outharm"

    async def post(
        self,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        data: bytes | str | None = None,
    ) -> ClientResponse:
        hdrs = dict(AUTH if headers is None else headers)
        if body is not None:
            data = json.dumps(body)
            hdrs.setdefault("Content-Type", "application/json")
        return await self.client.post(path, data=data, headers=hdrs)

    async def automated(self, content: dict[str, list[str]]) -> dict[str, Any]:
        resp = await self.post(
            "/moderation/automated", {"schema_id": SCHEMA_ID, "content": content}
        )
        assert resp.status == 200, await resp.text()
        result: dict[str, Any] = await resp.json()
        return result

    async def manual(self, content: dict[str, list[str]]) -> str:
        resp = await self.post("/moderation/manual", {"schema_id": SCHEMA_ID, "content": content})
        assert resp.status == 200, await resp.text()
        submission_id: str = (await resp.json())["submission_id"]
        return submission_id

    async def queue(self, submission_id: str) -> ClientResponse:
        return await self.post(f"/submissions/{submission_id}/moderation/manual")


MakeSandbox = Callable[..., Awaitable[Api]]


def scenario_text(outharm: dict[str, Any] | None = None, **top: Any) -> str:
    data: dict[str, Any] = {
        "name": "outharm-test",
        "seed": 5,
        "clock": "manual",
        "start": "2026-01-01T09:00:00Z",
        "reviewers": [{"name": "Dana Reviewer", "email": "dana@example.com"}],
        **top,
    }
    if outharm is not None:
        data["outharm"] = outharm
    return yaml.safe_dump(data, sort_keys=False)


@pytest.fixture
def sandbox(aiohttp_client: Any) -> MakeSandbox:
    """`await sandbox({...outharm section...}, **top_level)` -> an `Api` on a fresh app.
    `text=` passes a whole scenario file instead; `settings=` overrides Settings fields."""

    async def make(
        outharm: dict[str, Any] | None = None,
        *,
        text: str | None = None,
        settings: dict[str, Any] | None = None,
        **top: Any,
    ) -> Api:
        source = text if text is not None else scenario_text(outharm, **top)
        scenario = parse_scenario(source, "test.yaml", VENDORS)
        library = ScenarioLibrary(scenario, {scenario.name: scenario})
        app = build_app(Settings(**(settings or {})), VENDORS, library)
        return Api(await aiohttp_client(app))

    return make


@dataclass
class Receiver:
    """A webhook endpoint: records each request; answers `answers` in turn, then 200."""

    server: TestServer
    answers: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return str(self.server.make_url("/hooks/outharm"))

    def payloads(self) -> list[Any]:
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
async def receiver(aiohttp_server: Any) -> Receiver:
    holder: list[Receiver] = []

    async def hook(request: web.Request) -> web.Response:
        rec = holder[0]
        rec.received.append((dict(request.headers), await request.read()))
        status = rec.answers.pop(0) if rec.answers else 200
        return web.Response(status=status, text="ok")

    app = web.Application()
    app.router.add_post("/hooks/outharm", hook)
    rec = Receiver(await aiohttp_server(app))
    holder.append(rec)
    return rec
