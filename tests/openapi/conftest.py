"""Fixtures for the OpenAPI description tests: an in-process sandbox on a manual clock, built
from inline scenario YAML, and a `Described` client for one of its descriptions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver.http.app import build_app
from mockserver.http.openapi.loader import document, names
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[[str], Awaitable[Client]]

START = "2026-01-05T10:00:00Z"
BASE_SCENARIO = f"""
name: openapi-tests
seed: 5
clock: manual
start: "{START}"
reviewers:
  - {{name: Dana Reviewer, email: dana@example.com}}
  - {{name: Sam Moderator, email: sam@example.com}}
"""


@pytest.fixture(autouse=True, scope="session")
def parsed_descriptions() -> None:
    """Parse every description once, outside any event loop: the biggest takes about 100 ms of
    CPU, the suite's budget for one loop callback (tests/conftest.py's watchdog), and a test
    that builds a `Described` client inside its coroutine would otherwise pay it there."""
    for name in names():
        document(name)


def build(yaml_text: str) -> web.Application:
    """The sandbox app for one scenario (the default settings)."""
    scenario = parse_scenario(yaml_text, "t.yaml", VENDORS)
    return build_app(Settings(), VENDORS, ScenarioLibrary(default=scenario))


@pytest.fixture
def make_client(aiohttp_client: Callable[..., Awaitable[Client]]) -> MakeClient:
    """`await make_client(BASE_SCENARIO + more_yaml)` -> a test client on a fresh sandbox."""

    async def make(yaml_text: str) -> Client:
        return await aiohttp_client(build(yaml_text))

    return make


async def control(client: Client, method: str, path: str, body: Any = None) -> Any:
    """A control-plane call that must succeed; its JSON answer."""
    async with client.request(method, "/_mockserver" + path, json=body) as resp:
        payload = await resp.json()
        assert resp.status in (200, 201), payload
        return payload
