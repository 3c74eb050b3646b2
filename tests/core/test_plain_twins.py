"""Plain twins of route handlers (`mockserver/kit/plain.py`): the middleware calls a route's
plain twin instead of awaiting its coroutine, which answers the same, and only when nothing
stands between the middleware and the route (a layer added after it still sees every call)."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from types import FrameType
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from aiohttp.typedefs import Handler

from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario
from tests.core.conftest import AUTH, SELECT, create_loop

Client = TestClient[web.Request, web.Application]

SCENARIO = """
name: twins
seed: 7
clock: manual
start: "2026-01-01T00:00:00Z"
hitl:
  rules:
    - otherwise: timeout
"""


def _app() -> web.Application:
    scenario = parse_scenario(SCENARIO, "twins.yaml", VENDORS)
    return build_app(Settings(), VENDORS, ScenarioLibrary(default=scenario))


async def _create(client: Client) -> tuple[int, dict[str, str], dict[str, Any]]:
    loop_id = await create_loop(client)
    body = {**SELECT, "request_text": "twin"}
    resp = await client.post(f"/v1/api/loops/{loop_id}/requests", json=body, headers=AUTH)
    data: dict[str, Any] = await resp.json()
    return resp.status, dict(resp.headers), data


def _entered(names: set[str]) -> tuple[set[str], Callable[..., Any]]:
    """The code names among `names` that run (a profile hook: calls of Python functions)."""
    seen: set[str] = set()

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code.co_name in names:
            seen.add(frame.f_code.co_qualname)

    return seen, hook


async def test_a_create_request_runs_through_its_plain_twin(
    aiohttp_client: Callable[..., Awaitable[Client]],
) -> None:
    client = await aiohttp_client(_app())
    loop_id = await create_loop(client)
    seen, hook = _entered({"plain", "run"})
    sys.setprofile(hook)
    try:
        body = {**SELECT, "request_text": "twin"}
        resp = await client.post(f"/v1/api/loops/{loop_id}/requests", json=body, headers=AUTH)
    finally:
        sys.setprofile(None)
    assert resp.status == 201, await resp.text()
    assert "_plain_endpoint.<locals>.plain" in seen
    assert "_plain_endpoint.<locals>.run" not in seen  # its coroutine was never made


async def test_a_layer_after_the_middleware_sees_the_call_and_the_coroutine_answers_the_same(
    aiohttp_client: Callable[..., Awaitable[Client]],
) -> None:
    plain = await _create(await aiohttp_client(_app()))
    paths: list[str] = []

    @web.middleware
    async def inner(request: web.Request, handler: Handler) -> web.StreamResponse:
        paths.append(request.path)
        return await handler(request)

    app = _app()
    app.middlewares.append(inner)  # runs after the vendor middleware, before the route
    status, headers, data = await _create(await aiohttp_client(app))
    assert any(p.endswith("/requests") for p in paths), paths
    assert (status, data) == plain[0::2]
    assert {k: v for k, v in headers.items() if k.startswith("X-RateLimit")} == {
        k: v for k, v in plain[1].items() if k.startswith("X-RateLimit")
    }
