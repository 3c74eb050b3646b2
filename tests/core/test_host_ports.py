"""One port per real host (`--host-port`, `MOCKSERVER_HOST_PORTS`): on a host's own port the
sandbox answers only as that host (its routes, its auth, its error body for anything else), so
a client switches from the vendor by its origin alone; the main port keeps serving every vendor
by path. The app is served here the way `mockserver serve` serves it (`server.bind_hosts`)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from mockserver.cli.main import main
from mockserver.http import appkeys, hostports, server
from mockserver.http.settings import Settings
from mockserver.registry import vendors

OUTHARM = "api.outharm.com"
MODELS = "api.thehive.ai"
DASHBOARD = "api.hivemoderation.com"
HIVE_AUTH = {"authorization": "token any-key"}
OUTHARM_AUTH = {"Authorization": "Bearer any-token"}


@dataclass
class Served:
    url: str
    hosts: dict[str, str]
    app: web.Application
    session: aiohttp.ClientSession

    async def call(self, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
        async with self.session.request(method, url, allow_redirects=False, **kwargs) as resp:
            return resp.status, await resp.json(content_type=None)


Serve = Callable[[str], Awaitable[Served]]


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """`await serve("api.outharm.com=0,...")`: the app on a free main port plus those hosts'
    ports, bound by `server.bind_hosts` as `mockserver serve` binds them."""
    runners: list[web.AppRunner] = []
    session = aiohttp.ClientSession()

    async def start(host_ports: str) -> Served:
        settings = Settings(port=0, host_ports=host_ports)
        app = server.create_app(settings)
        main_sock = server.bind("127.0.0.1", 0)
        extra = server.bind_hosts(app, settings)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        runners.append(runner)
        for sock in (main_sock, *extra):
            await web.SockSite(runner, sock).start()
        urls = {
            h: f"http://127.0.0.1:{p}" for h, p in hostports.ports(app[appkeys.HOST_PORTS]).items()
        }
        return Served(f"http://127.0.0.1:{main_sock.getsockname()[1]}", urls, app, session)

    yield start
    await session.close()
    for runner in runners:
        await runner.cleanup()


def _multipart(name: str, filename: str, data: bytes) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field(name, data, filename=filename, content_type="image/jpeg")
    return form


async def test_a_models_client_switches_by_origin_alone(serve: Serve) -> None:
    # The Models API's own path and form
    # (https://docs.thehive.ai/reference/submit-a-task-synchronously): a multipart `media` file to
    # /api/v2/task/sync, `authorization: token`; no /models alias.
    served = await serve(f"{MODELS}=0")
    status, body = await served.call(
        "POST",
        served.hosts[MODELS] + "/api/v2/task/sync",
        data=_multipart("media", "cat.jpg", b"\xff\xd8\xff"),
        headers=HIVE_AUTH,
    )
    assert status == 200, body
    assert body["code"] == 200 and body["status"][0]["status"]["message"] == "SUCCESS"
    assert body["status"][0]["response"]["output"][0]["classes"]
    # The same call on the main port, without Host or alias, is the Dashboard's: refused.
    status, body = await served.call(
        "POST",
        served.url + "/api/v2/task/sync",
        data=_multipart("media", "cat.jpg", b"\xff\xd8\xff"),
        headers=HIVE_AUTH,
    )
    assert status == 400 and "Dashboard" in body["message"]


async def test_an_outharm_port_answers_every_other_path_in_outharms_shape(serve: Serve) -> None:
    served = await serve(f"{OUTHARM}=0")
    base = served.hosts[OUTHARM]
    for method, path in [
        ("POST", "/moderation/nowhere"),
        ("GET", "/"),
        ("GET", "/_mockserver/health"),  # the control plane lives on the main port only
        ("POST", "/api/v2/task/sync"),  # Hive's path is not Outharm's
        ("POST", "/v1/api/loops"),  # nor HITL's
    ]:
        status, body = await served.call(method, base + path, headers=OUTHARM_AUTH)
        assert status == 404, (path, body)
        assert body == {
            "name": "not-found",
            "message": f"No such endpoint: {method} {path}",
            "status_code": "404",
        }
    # Outharm's own route, with Outharm's auth errors (https://outharm.com/docs/api/auth).
    status, body = await served.call("POST", base + "/moderation/automated")
    assert (status, body["name"], body["status_code"]) == (401, "token-required", "401")
    # The main port still serves the control plane and every vendor by path.
    status, body = await served.call("GET", served.url + "/_mockserver/health")
    assert status == 200 and body["status"] == "ok"


async def test_each_hive_host_serves_only_its_own_endpoints(serve: Serve) -> None:
    served = await serve(f"{MODELS}=0,{DASHBOARD}=0")
    models, dashboard = served.hosts[MODELS], served.hosts[DASHBOARD]
    dashboard_body = {"text_data": "hello", "post_id": "p1", "patron_id": "u1"}
    status, body = await served.call(
        "POST", dashboard + "/api/v1/task/sync", json=dashboard_body, headers=HIVE_AUTH
    )
    assert status == 200 and body["post_id"] == "p1"
    for method, url in [
        ("POST", models + "/api/v1/report"),  # the Dashboard's reports
        ("GET", dashboard + "/api/v1/task?task_id=x"),  # the Models API's task lookup
        ("POST", models + "/models/api/v2/task/sync"),  # the sandbox's alias, on no real host
    ]:
        status, body = await served.call(method, url, json={}, headers=HIVE_AUTH)
        assert status == 404, (url, body)
        assert body["code"] == 404 and body["error"] == "not_found", body


async def test_host_port_calls_are_journalled_as_their_vendors(serve: Serve) -> None:
    served = await serve(f"{OUTHARM}=0")
    await served.call("GET", served.hosts[OUTHARM] + "/nowhere")
    status, journal = await served.call("GET", served.url + "/_mockserver/journal")
    assert status == 200
    assert [(e["vendor"], e["path"], e["status"]) for e in journal["entries"]] == [
        ("outharm", "/nowhere", 404)
    ]


async def test_vendors_lists_each_host_with_the_port_serving_it(serve: Serve) -> None:
    served = await serve(f"{MODELS}=0")
    status, body = await served.call("GET", served.url + "/_mockserver/vendors")
    assert status == 200
    hosts = {h["name"]: h["port"] for v in body["vendors"] for h in v["hosts"]}
    assert hosts == {
        "api.hitl.sh": None,
        OUTHARM: None,
        DASHBOARD: None,
        MODELS: int(served.hosts[MODELS].rsplit(":", 1)[1]),
    }
    # ... and webhooks are never delivered to a host port either (the self-delivery guard).
    assert hosts[MODELS] in served.app[appkeys.TRANSPORT].own.ports


def test_host_port_values_are_checked_with_a_suggestion() -> None:
    for text, message in [
        ("api.thehive.ai", "expected HOST=PORT"),
        ("api.thehive.ai=x", "whole number"),
        ("api.thehive.ai=70000", "between 0 and 65535"),
        ("api.thehive.ai=1,api.thehive.ai=2", "named twice"),
        ("all,api.thehive.ai=1", "`all` stands alone"),
    ]:
        with pytest.raises(ValueError, match=message):
            Settings(host_ports=text)
    with pytest.raises(hostports.HostPortError, match=r"did you mean 'api\.thehive\.ai'"):
        hostports.resolve("api.thehiv.ai=9", vendors(), 8080)
    with pytest.raises(hostports.HostPortError, match="port 8080 is already used"):
        hostports.resolve("api.thehive.ai=8080", vendors(), 8080)
    with pytest.raises(hostports.HostPortError, match="port 9 is already used"):
        hostports.resolve("api.thehive.ai=9,api.outharm.com=9", vendors(), 8080)


def test_all_gives_every_declared_host_the_ports_after_the_main_port() -> None:
    every = {b.host: b.port for b in hostports.resolve("all", vendors(), 8080)}
    assert every == {"api.hitl.sh": 8081, OUTHARM: 8082, DASHBOARD: 8083, MODELS: 8084}
    assert {b.port for b in hostports.resolve("all", vendors(), 0)} == {0}  # free ports


def test_flags_and_variable_reach_the_settings_and_an_unknown_host_stops_serve(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    got: list[Settings] = []
    monkeypatch.setattr(server, "serve", got.append)
    monkeypatch.setenv("MOCKSERVER_HOST_PORTS", "api.outharm.com=9002")
    assert main(["serve"]) == 0
    assert main(["serve", "--host-port", f"{MODELS}=1", "--host-port", f"{OUTHARM}=2"]) == 0
    assert [s.host_ports for s in got] == ["api.outharm.com=9002", f"{MODELS}=1,{OUTHARM}=2"]
    monkeypatch.undo()
    monkeypatch.setenv("MOCKSERVER_PORT", "0")
    assert main(["serve", "--host-port", "api.outharm.co=0"]) == 2
    assert "did you mean 'api.outharm.com'" in capsys.readouterr().err


async def test_a_busy_host_port_is_named(serve: Serve) -> None:
    taken = socket.create_server(("127.0.0.1", 0))
    port = taken.getsockname()[1]
    try:
        settings = Settings(port=0, host_ports=f"{MODELS}={port}")
        with pytest.raises(server.PortBusy, match=f"port {port} for {MODELS}"):
            server.bind_hosts(server.create_app(settings), settings)
    finally:
        taken.close()


def test_the_hosts_command_lists_each_host_and_its_port_under_all(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOCKSERVER_PORT", "9000")
    assert main(["hosts"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[0] for line in lines[:-1]] == [
        "api.hitl.sh",
        OUTHARM,
        DASHBOARD,
        MODELS,
    ]
    assert lines[3] == f"{MODELS}  hive  Hive Models API  (all: 9004)"
