"""Fixtures for the HITL.sh API tests: an in-process sandbox on a manual clock, and a client
that asserts HITL's `{error, msg, data}` envelope.

Every test gets its own app (so its own world). Time moves only through the control plane
(`POST /_mockserver/clock/advance`); nothing sleeps.
"""

from __future__ import annotations

import io
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from multidict import CIMultiDictProxy

from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario

API = "/v1/api"
KEY = "hitl_live_" + "0" * 48
START = "2026-01-05T10:00:00Z"
SCENARIO = f"""
name: hitl-api-tests
seed: 7
clock: manual
start: {START}
reviewers:
  - {{name: Dana Reviewer, email: dana@example.com}}
  - {{name: Sam Moderator, email: sam@example.com}}
"""
# Most tests here read the created id in every documented form at once (`merged`) and the
# response endpoint in the envelope every other endpoint uses, and the scenario's reviewers
# join each new loop at once (`join: on_create`). `honest=True` drops these conveniences;
# test_api_variants.py covers each form alone, the defaults and joining by invite code.
PINNED = {"hitl.created_id": "merged", "hitl.get_response": "envelope"}
SEED_OPTIONS = [
    "✅ Approve - Follows guidelines",
    "⚠️ Approve with Warning - Minor issues",
    "❌ Reject - Violates guidelines",
    "🚨 Reject and Flag - Serious violation",
]
_UNSET: Any = object()


@dataclass
class Reply:
    status: int
    body: Any
    headers: CIMultiDictProxy[str]


class Sandbox:
    """A test client for one sandbox app; `ok`/`fail` assert the whole HITL envelope."""

    def __init__(self, client: TestClient[Any, Any], key: str = KEY) -> None:
        self.client = client
        self.key = key

    async def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = _UNSET,
        raw: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        key: str | None = _UNSET,
    ) -> Reply:
        """One call with a JSON body (`json_body`) or raw bytes (`raw`); `key=None` sends no
        Authorization header."""
        sent: dict[str, str] = {}
        use_key = self.key if key is _UNSET else key
        if use_key is not None:
            sent["Authorization"] = f"Bearer {use_key}"
        if json_body is not _UNSET:
            raw = json.dumps(json_body)
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        body = (
            io.BytesIO(raw.encode() if isinstance(raw, str) else raw) if raw is not None else None
        )
        async with self.client.request(method, path, data=body, headers=sent) as resp:
            raw = await resp.read()
            assert resp.content_type == "application/json", raw[:200]
            return Reply(resp.status, json.loads(raw), resp.headers)

    async def ok(self, method: str, path: str, msg: str, status: int = 200, **kw: Any) -> Any:
        """`data` of a success answer, after checking status, `error: false` and `msg`."""
        reply = await self.call(method, path, **kw)
        assert (reply.status, reply.body["error"], reply.body["msg"]) == (status, False, msg), (
            reply.body
        )
        assert set(reply.body) == {"error", "msg", "data"}
        return reply.body["data"]

    async def fail(
        self, method: str, path: str, status: int, msg: str, data: Any = None, **kw: Any
    ) -> Reply:
        """Check an error answer is exactly `{"error": true, "msg": msg, "data": data}`."""
        reply = await self.call(method, path, **kw)
        assert reply.status == status, reply.body
        assert reply.body == {"error": True, "msg": msg, "data": data}
        return reply

    # -- shortcuts ---------------------------------------------------------------------------
    async def new_loop(self, prefix: str = API, **fields: Any) -> dict[str, Any]:
        body = {"name": "Content Moderation Team", "icon": "shield-check", **fields}
        data = await self.ok(
            "POST",
            f"{prefix}/loops",
            "Loop created successfully with QR code",
            201,
            json_body=body,
        )
        loop: dict[str, Any] = data["loop"]
        return loop

    async def new_request(self, loop_id: str, prefix: str = API, **fields: Any) -> dict[str, Any]:
        body = {
            "processing_type": "time-sensitive",
            "type": "markdown",
            "priority": "medium",
            "request_text": "Please review this comment",
            "response_type": "single_select",
            "response_config": {"options": ["Approve", "Reject"]},
            "default_response": "Reject",
            "timeout_seconds": 3600,
            "platform": "api",
            **fields,
        }
        body = {k: v for k, v in body.items() if v is not None}
        data: dict[str, Any] = await self.ok(
            "POST",
            f"{prefix}/loops/{loop_id}/requests",
            "Request created and broadcasted successfully",
            201,
            json_body=body,
        )
        return data

    async def get_request(self, request_id: str, prefix: str = API) -> dict[str, Any]:
        data = await self.ok(
            "GET", f"{prefix}/requests/{request_id}", "Request retrieved successfully"
        )
        req: dict[str, Any] = data["request"]
        return req

    async def control(self, method: str, path: str, body: Any = None) -> Any:
        async with self.client.request(method, "/_mockserver" + path, json=body) as resp:
            payload = await resp.json()
            assert resp.status == 200, payload
            return payload

    async def advance(self, by: str) -> Any:
        return await self.control("POST", "/clock/advance", {"by": by})

    async def act(self, request_id: str, action: Any) -> dict[str, Any]:
        """Act as a reviewer through the control plane (`{"respond": {"choose": ...}}`)."""
        result: dict[str, Any] = await self.control("POST", f"/items/hitl/{request_id}", action)
        return result

    async def deliveries(self, **filters: str) -> list[dict[str, Any]]:
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        payload = await self.control("GET", "/deliveries?" + query)
        found: list[dict[str, Any]] = payload["deliveries"]
        return found


MakeSandbox = Callable[..., Awaitable[Sandbox]]


def scenario_text(
    hitl: Mapping[str, Any] | None = None,
    extra: str = "",
    *,
    honest: bool = False,
    variants: Mapping[str, str] | None = None,
) -> str:
    """The test scenario, with a `hitl:` section and `variants:` given as mappings (JSON is
    valid YAML)."""
    chosen = {**({} if honest else PINNED), **(variants or {})}
    text = SCENARIO + extra + (f"\nvariants: {json.dumps(chosen)}\n" if chosen else "")
    section = dict(hitl or {}) if honest else {"join": "on_create", **(hitl or {})}
    return text + ("\nhitl: " + json.dumps(section) + "\n" if section or hitl is not None else "")


@pytest.fixture
def make_sandbox(aiohttp_client: Any) -> MakeSandbox:
    """`await make_sandbox(hitl={...}, extra="yaml", settings=Settings(...), key=...,
    honest=True)`; `honest` drops the conveniences in PINNED and `join: on_create`."""

    async def make(
        hitl: Mapping[str, Any] | None = None,
        *,
        extra: str = "",
        settings: Settings | None = None,
        key: str = KEY,
        honest: bool = False,
        variants: Mapping[str, str] | None = None,
    ) -> Sandbox:
        text = scenario_text(hitl, extra, honest=honest, variants=variants)
        scenario = parse_scenario(text, "test.yaml", VENDORS)
        app = build_app(settings or Settings(), VENDORS, ScenarioLibrary(default=scenario))
        return Sandbox(await aiohttp_client(app), key)

    return make


@pytest.fixture
async def sandbox(make_sandbox: MakeSandbox) -> Sandbox:
    return await make_sandbox()


@pytest.fixture
async def loop_id(sandbox: Sandbox) -> str:
    loop = await sandbox.new_loop()
    loop_id: str = loop["id"]
    return loop_id
