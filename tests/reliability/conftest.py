"""Fixtures for reliability tests: a sandbox app built from inline scenario YAML, webhook
receivers that misbehave on cue (statuses, slowness, connection resets), and small helpers for
the control plane. Everything is bounded: time moves on the virtual clock, and the only real
waits (a slow receiver) end on an event or after a few seconds at most."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mockserver.http import appkeys
from mockserver.http.app import build_app
from mockserver.http.server import server_options
from mockserver.http.settings import Settings
from mockserver.http.world import Worlds
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[..., Awaitable[Client]]
NS_HEADER = "X-Mockserver-Namespace"
START = "2026-01-01T00:00:00Z"
LOOP_ID = "65f1234567890abcdef12345"
SLOW_CAP = 5.0  # a slow receiver never holds a connection longer than this (real seconds)
# A manual clock and one HITL loop: what most reliability tests start from.
LOOP_SCENARIO = f"""
seed: 1
clock: manual
start: "{START}"
hitl:
  loops: [{{id: {LOOP_ID}, name: Team}}]
"""


def build(yaml_text: str, **settings: Any) -> web.Application:
    scenario = parse_scenario(yaml_text, "t.yaml", VENDORS)
    return build_app(Settings(**settings), VENDORS, ScenarioLibrary(default=scenario))


@pytest.fixture
def sandbox(aiohttp_client: Callable[..., Awaitable[Client]]) -> MakeClient:
    """`await sandbox(yaml_text, **settings)` -> a test client on a fresh sandbox."""

    async def make(yaml_text: str, **settings: Any) -> Client:
        return await aiohttp_client(build(yaml_text, **settings))

    return make


# -- receivers --------------------------------------------------------------------------------
@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers each hit with the next entry of `script` (a status, or "slow": hold the
    connection until released or SLOW_CAP passes), then 200. Records every hit."""

    base: str = ""
    script: list[int | str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str = "/hook") -> str:
        return self.base + path


@pytest.fixture
async def receiver(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> AsyncIterator[Receiver]:
    rec = Receiver()

    async def hook(request: web.Request) -> web.Response:
        rec.hits.append(Hit(request.path, dict(request.headers), await request.read()))
        step = rec.script.pop(0) if rec.script else 200
        if step == "slow":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(rec.release.wait(), SLOW_CAP)
            step = 200
        return web.json_response({"ok": step == 200}, status=int(step))

    app = web.Application()
    app.router.add_post("/{tail:.*}", hook)
    server = await aiohttp_server(app)
    rec.base = str(server.make_url("")).rstrip("/")
    yield rec
    rec.release.set()  # let held connections go before the server shuts down


@dataclass
class ResetReceiver:
    """A raw TCP receiver: the first `resets` connections are reset (RST) as soon as the request
    head arrives; later ones get a 200. `connections` counts every connection."""

    url: str = ""
    resets: int = 0
    connections: int = 0


@pytest.fixture
async def reset_receiver() -> AsyncIterator[ResetReceiver]:
    rec = ResetReceiver()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        rec.connections += 1
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            if rec.resets > 0:
                rec.resets -= 1
                sock = writer.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
                return
            length = 0
            for line in head.decode("latin-1").split("\r\n"):
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            await writer.drain()
            writer.close()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.transport.abort()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    rec.url = f"http://127.0.0.1:{port}/hook"
    yield rec
    server.close()
    await server.wait_closed()


def refused_url() -> str:
    """A local URL nothing listens on (a port just bound and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


# -- control plane ----------------------------------------------------------------------------
async def control(
    client: Client, method: str, path: str, body: Any = None, *, ns: str = "", status: int = 200
) -> Any:
    headers = {NS_HEADER: ns} if ns else {}
    resp = await client.request(method, "/_mockserver" + path, json=body, headers=headers)
    assert resp.status == status, await resp.text()
    return await resp.json()


async def advance(client: Client, by: str, *, ns: str = "") -> Any:
    return await control(client, "POST", "/clock/advance", {"by": by}, ns=ns)


async def deliveries(client: Client, *, ns: str = "", **filters: str) -> dict[str, Any]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    found: dict[str, Any] = await control(client, "GET", f"/deliveries?{query}", ns=ns)
    return found


async def journal(client: Client, *, ns: str = "", **filters: str) -> dict[str, Any]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    found: dict[str, Any] = await control(client, "GET", f"/journal?{query}", ns=ns)
    return found


def seconds(at: str) -> float:
    """An ISO time from the sandbox as epoch seconds."""
    return datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()


def offsets(delivery: dict[str, Any]) -> list[float]:
    """When each attempt was made, in seconds after the delivery was created."""
    created = seconds(delivery["created_at"])
    return [seconds(a["at"]) - created for a in delivery["attempts"]]


# -- a clock that moves while clients work ------------------------------------------------
class Ticker:
    """Advances the clock in small steps, as another client would, until stopped; jobs can
    wait for it to have moved on (a bounded wait on a condition, never a sleep)."""

    def __init__(self, client: Client, step: str, ns: str = "") -> None:
        self.client, self.step, self.ns = client, step, ns
        self.count = 0
        self.stopped = asyncio.Event()
        self._moved = asyncio.Condition()

    async def run(self) -> int:
        while not self.stopped.is_set() and self.count < 1000:
            await advance(self.client, self.step, ns=self.ns)
            async with self._moved:
                self.count += 1
                self._moved.notify_all()
        return self.count

    async def after(self, ticks: int) -> None:
        """Return once `ticks` more steps have been taken (at most a few real seconds)."""
        target = self.count + ticks
        async with self._moved:
            await asyncio.wait_for(self._moved.wait_for(lambda: self.count >= target), 5)


async def run_with_clock(
    client: Client, jobs: Sequence[Callable[[Ticker], Awaitable[Any]]], step: str, ns: str = ""
) -> list[Any]:
    """Run `jobs` at once while a Ticker advances the clock until they all end."""
    ticker = Ticker(client, step, ns)
    tick = asyncio.create_task(ticker.run())
    try:
        results = await asyncio.gather(*(job(ticker) for job in jobs))
    finally:
        ticker.stopped.set()
    assert await tick > 0
    return results


def worlds_of(client: Client) -> Worlds:
    """The namespaces of the sandbox behind a test client."""
    app = client.app
    assert app is not None
    return app[appkeys.WORLDS]


# -- a sandbox served as `mockserver serve` serves it -----------------------------------------
@dataclass
class Served:
    """A sandbox on a loopback port with the production server options (aiohttp's test server
    differs: it cancels a handler whose client hangs up)."""

    app: web.Application
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
async def served() -> AsyncIterator[Callable[..., Awaitable[Served]]]:
    """`await served(yaml_text, **settings)` -> a running sandbox, stopped after the test."""
    runners: list[web.AppRunner] = []

    async def start(yaml_text: str, **settings: Any) -> Served:
        app = build(yaml_text, **settings)
        runner = web.AppRunner(app, access_log=None, **server_options(Settings(**settings)))
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return Served(app, runner.addresses[0][1])

    yield start
    for runner in runners:
        await runner.cleanup()
