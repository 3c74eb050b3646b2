"""What a call and its connection leave behind is freed by reference counting, without the
cyclic garbage collector.

The serving process freezes the survivors of its collections (mockserver/base/gcpolicy.py), so
its pauses stay short however many requests it stores; an object caught in a reference cycle
while alive, and dropped after a collection, would then never be freed. These tests run calls
with the collector switched off and look for what only it could free: a closed connection's
transport (a cycle in the standard library's loop before Python 3.12, broken by
mockserver/base/eventloop.py), and anything else the calls left, aiohttp's own cycle for a 404
or 405 aside (see `_beyond_routing_errors`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import socket
import weakref
from collections.abc import Iterator
from pathlib import Path

from aiohttp.web_urldispatcher import SystemRoute

from mockserver.base import eventloop
from mockserver.http.settings import Settings
from mockserver.testing.receiver import WebhookReceiver
from mockserver.testing.server import InProcessServer
from tests.support.polling import wait_until


@contextlib.contextmanager
def collector_off() -> Iterator[list[object]]:
    """The collector switched off; yields the list that `gc.collect()` then fills with every
    object it would have freed (gc.DEBUG_SAVEALL) of those made meanwhile.

    Every object the collector tracks when the window opens is held until it closes, so none
    of them turns up as garbage: what another test of the same worker process let go of while
    this one ran (a Faker and its providers, once, in CI) is not what these calls left."""
    gc.collect()
    gc.disable()
    held = gc.get_objects()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        del held
        gc.enable()


class _Echo(asyncio.Protocol):
    def __init__(self, seen: list[weakref.ref[asyncio.BaseTransport]]) -> None:
        self.seen = seen
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.seen.append(weakref.ref(transport))

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)
        self.transport.close()


class _Client(asyncio.Protocol):
    def __init__(self, done: asyncio.Future[None]) -> None:
        self.done = done

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(b"ping")

    def connection_lost(self, exc: Exception | None) -> None:
        self.done.set_result(None)


def test_a_closed_connection_is_freed_by_reference_counting() -> None:
    loop = eventloop.new_loop("asyncio")
    seen: list[weakref.ref[asyncio.BaseTransport]] = []

    async def connections(count: int) -> None:
        server = await loop.create_server(lambda: _Echo(seen), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        for _ in range(count):
            done: asyncio.Future[None] = loop.create_future()
            await loop.create_connection(lambda: _Client(done), "127.0.0.1", port)  # noqa: B023
            await done
        server.close()
        await server.wait_closed()
        for _ in range(3):  # the server side's connection_lost runs a turn or two later
            await asyncio.sleep(0)

    with collector_off() as garbage:
        try:
            loop.run_until_complete(connections(10))
        finally:
            loop.close()
        assert len(seen) == 10
        assert [ref for ref in seen if ref() is not None] == []
        gc.collect()
        assert not [o for o in garbage if isinstance(o, asyncio.BaseTransport)]


def _call(port: int, method: str, path: str, body: bytes, auth: str) -> int:
    """One call on its own connection (`Connection: close`); its status."""
    return _exchange(port, method, path, body, auth)[0]


def _exchange(port: int, method: str, path: str, body: bytes, auth: str) -> tuple[int, bytes]:
    """One call on its own connection (`Connection: close`); its status and body."""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Authorization: {auth}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, content = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), content


def test_calls_of_every_kind_leave_nothing_for_the_collector() -> None:
    hitl, hive = "Bearer key", "token key"
    loop_made = json.dumps({"name": "Loop"}).encode()
    calls = [
        ("POST", "/v1/api/loops", loop_made, hitl),
        ("GET", "/v1/api/loops", b"", hitl),
        ("POST", "/v1/api/loops", b"{not json", hitl),
        ("POST", "/v1/api/loops", loop_made, "Bearer"),
        ("GET", "/v1/api/requests/000000000000000000000000", b"", hitl),
        ("DELETE", "/v1/api/loops", b"", hitl),
        ("POST", "/api/v1/task/sync", json.dumps({"text_data": "hi"}).encode(), hive),
        ("POST", "/api/v1/task/sync", b"[]", hive),
        ("POST", "/moderation/automated", b"{}", hitl),
        ("GET", "/no/such/path", b"", hitl),
        ("GET", "/_mockserver/journal?limit=5", b"", hitl),
        ("GET", "/_mockserver/no-such-route", b"", hitl),
        ("GET", "/_mockserver/wait/journal?count=1000&timeout=0.05", b"", hitl),  # times out
        ("GET", "/_mockserver/wait/changes?since=0&timeout=0.05", b"", hitl),
    ]
    found: list[str] = []
    with InProcessServer(Settings(port=0, log_level="critical")) as server:
        loop = server.call(_running_loop())
        transports = loop._transports  # type: ignore[attr-defined]
        for _ in range(2):  # the first round builds the namespace's world, once
            with collector_off() as garbage:
                statuses = [_call(server.port, *one) for one in calls]
                wait_until(lambda: len(transports) == 0, "every closed connection freed")
                gc.collect()  # while serving: what the calls left, not the server's own heap
                found = _types(_beyond_routing_errors(garbage))
    assert {201, 400, 401, 404, 405, 408} <= set(statuses) and 500 not in statuses, statuses
    assert found == [], "\n".join(found)


def _types(garbage: list[object]) -> list[str]:
    return sorted({f"{type(o).__module__}.{type(o).__qualname__}" for o in garbage})


def _beyond_routing_errors(garbage: list[object]) -> list[object]:
    """The garbage less aiohttp's own cycle for a 404 or 405: the router answers them with a
    fresh `SystemRoute` whose handler is its own bound method (aiohttp/web_urldispatcher.py,
    `SystemRoute.__init__`), a cycle holding the exception and its headers. It lives only as
    long as its call, so the next collection frees it: the policy freezes only what survives
    two collections."""
    ids = {id(o): o for o in garbage}
    held: set[int] = set()
    todo = [o for o in garbage if isinstance(o, SystemRoute)]
    while todo:
        one = todo.pop()
        if id(one) not in held:
            held.add(id(one))
            todo += [r for r in gc.get_referents(one) if id(r) in ids]
    return [o for o in garbage if id(o) not in held]


async def _running_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


LIVE = """
seed: 3
clock: manual
reviewers: [{name: Dana Reviewer, email: dana@example.com}]
hitl:
  join: on_create
  rules:
    - otherwise:
        - claim: {after: 1s, by: dana@example.com}
        - respond: {after: 2s, choose: 0}
"""


def test_the_live_path_leaves_nothing_for_the_collector(tmp_path: Path) -> None:
    """Scripted reviewers claim and answer; each step's signed webhook goes to a receiver that
    answers, or to a closed port where every attempt fails until the schedule gives up."""
    scenario = tmp_path / "live.yaml"
    scenario.write_text(LIVE, encoding="utf-8")
    receiver = WebhookReceiver().start()
    hitl = "Bearer key"
    try:
        endpoint = receiver.endpoint()
        hooks = [endpoint.url, f"http://127.0.0.1:{_closed_port()}/hook"]
        settings = Settings(port=0, scenario=str(scenario), log_level="critical")
        with InProcessServer(settings) as server:
            port = server.port
            status, made = _exchange(port, "POST", "/v1/api/loops", b'{"name": "L"}', hitl)
            assert status == 201, made
            path = f"/v1/api/loops/{json.loads(made)['data']['loop']['id']}/requests"
            for _ in range(2):  # the first round warms up the sender and its client
                with collector_off() as garbage:
                    for hook in hooks * 3:
                        body = json.dumps({**REQUEST, "callback_url": hook}).encode()
                        assert _call(port, "POST", path, body, hitl) == 201
                    wait_until(
                        lambda: _advanced_and_settled(port),
                        "every delivery delivered or failed for good (past the retries)",
                    )
                    gc.collect()
                    found = _types(garbage)
            assert len(endpoint.received) == 2 * 3 * 2  # claimed and completed, per request
    finally:
        receiver.stop()
    assert found == [], "\n".join(found)


REQUEST = {
    "request_text": "Is this OK?",
    "response_type": "single_select",
    "response_config": {"options": ["Approve", "Reject"]},
    "default_response": "Reject",
}


def _advanced_and_settled(port: int) -> bool:
    """The clock a day on (each failed attempt's retry falls due), then: is nothing pending?"""
    advance = b'{"by": "1d"}'
    assert _call(port, "POST", "/_mockserver/clock/advance", advance, "") == 200
    status, body = _exchange(port, "GET", "/_mockserver/deliveries?limit=1", b"", "")
    assert status == 200, body
    return bool(json.loads(body)["pending"] == 0)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
