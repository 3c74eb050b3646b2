"""The echo vendor's fixtures: registered for one test, served in-process (an aiohttp test
client on the app `mockserver serve` builds, or a running sandbox on a free loopback port)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver import registry
from mockserver.http.server import create_app
from mockserver.http.settings import Settings
from mockserver.kit.vendor import Vendor
from mockserver.testing.receiver import ReceiverEndpoint
from mockserver.testing.server import InProcessServer
from tests.echo_vendor.vendor import VENDOR

Client = TestClient[web.Request, web.Application]
Serve = Callable[..., Awaitable[Client]]
MakeClient = Callable[..., Awaitable[Client]]
AUTH = {"Authorization": "Bearer test-key"}


def scenario(webhook: ReceiverEndpoint | None = None, secret: str | None = None) -> str:
    hook = ""
    if webhook is not None:
        hook = f'  webhook: {{url: "{webhook.url}", secret: "{secret or webhook.secret}"}}\n'
    return (
        "name: echo-test\n"
        "seed: 1\n"
        "clock: manual\n"
        'start: "2026-01-01T00:00:00Z"\n'
        "reviewers: [{name: Dana Reviewer, email: dana@example.com}]\n"
        "echo:\n"
        "  keys: [test-key]\n"
        f"{hook}"
        "  rules:\n"
        "    - when: {text_contains: [spam, scam]}\n"
        "      then: {reject: {after: 30s, reason: looks like spam}}\n"
        "    - when: {text_contains: outage}\n"
        "      then: {fail: {status: 503, message: reviews are paused}}\n"
        "    - otherwise: {approve: {after: 1m, by: dana@example.com}}\n"
    )


@pytest.fixture
def echo() -> Iterator[Vendor]:
    with registry.register(VENDOR) as vendor:
        yield vendor


@pytest.fixture
def serve(echo: Vendor, aiohttp_client: MakeClient, tmp_path: Path) -> Serve:
    """`await serve(yaml)`: the app `mockserver serve --scenario FILE` builds, as a client."""

    async def make(text: str) -> Client:
        path = tmp_path / "echo.yaml"
        path.write_text(text, encoding="utf-8")
        return await aiohttp_client(create_app(Settings(scenario=str(path))))

    return make


@pytest.fixture
def running(echo: Vendor, tmp_path: Path) -> Iterator[str]:
    """A sandbox serving echo on a free loopback port, as the pytest plugin runs one; its URL."""
    path = tmp_path / "echo.yaml"
    path.write_text(scenario(), encoding="utf-8")
    with InProcessServer(Settings(scenario=str(path))) as server:
        yield server.url


def post_message(url: str, text: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{url}/echo/messages",
        data=json.dumps({"text": text}).encode(),
        headers={**AUTH, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # loopback only
        message: dict[str, Any] = json.loads(answer.read())
    return message
