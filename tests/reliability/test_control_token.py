"""The optional control token protects a shared sandbox's control plane (health excepted); the
CLI and the pytest plugin's control client send it from MOCKSERVER_CONTROL_TOKEN; every
control-plane call is logged without its secrets."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from mockserver.cli.main import main
from mockserver.testing.client import ControlClient, ControlError

from .conftest import START, MakeClient, journal

TOKEN = "ctl-0123456789abcdef"
SCENARIO = f"""
seed: 1
clock: manual
start: "{START}"
"""


async def test_without_the_token_the_control_plane_answers_401_and_does_nothing(
    sandbox: MakeClient,
) -> None:
    client = await sandbox(SCENARIO, control_token=TOKEN)
    await client.get("/v1/api/loops", headers={"Authorization": "Bearer k"})  # a vendor call
    good = {"Authorization": f"Bearer {TOKEN}"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        for method, path in [
            ("POST", "/_mockserver/reset?all=1"),
            ("GET", "/_mockserver/journal"),
            ("GET", "/_mockserver/openapi"),
            ("DELETE", "/_mockserver/journal"),
        ]:
            resp = await client.request(method, path, headers=headers)
            assert resp.status == 401, (method, path, headers)
            assert "control token" in (await resp.json())["error"]
            assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    resp = await client.get("/_mockserver/health")  # health needs no token (HEALTHCHECK)
    assert resp.status == 200 and (await resp.json())["status"] == "ok"
    resp = await client.get("/_mockserver/journal", headers=good)
    assert resp.status == 200 and (await resp.json())["count"] == 1  # nothing was reset


async def test_without_a_configured_token_the_control_plane_is_open(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO)
    assert (await journal(client))["count"] == 0


async def test_control_calls_are_logged_without_secrets(
    sandbox: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = await sandbox(SCENARIO, control_token=TOKEN)
    caplog.set_level(logging.INFO, "mockserver.control")
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Mockserver-Namespace": "w1"}
    await client.post("/_mockserver/reset", headers=headers)
    await client.post("/_mockserver/reset?all=1")
    lines = [r.getMessage() for r in caplog.records if r.name == "mockserver.control"]
    assert lines == [
        "control POST /_mockserver/reset ns='w1' -> 200",
        "control POST /_mockserver/reset ns='' -> 401",
    ]
    assert TOKEN not in caplog.text


async def test_the_cli_and_the_plugin_client_send_the_token_from_the_environment(
    sandbox: MakeClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    client = await sandbox(SCENARIO, control_token=TOKEN)
    url = str(client.server.make_url("/")).rstrip("/")

    def plugin_reset() -> dict[str, Any]:
        return ControlClient(url, "t1").reset()

    def cli_list() -> int:
        return main(["trigger", "list", "--url", url])

    with pytest.raises(ControlError) as refused:
        await asyncio.to_thread(plugin_reset)
    assert refused.value.status == 401
    assert await asyncio.to_thread(cli_list) == 1
    assert "control token" in capsys.readouterr().err

    monkeypatch.setenv("MOCKSERVER_CONTROL_TOKEN", TOKEN)
    assert (await asyncio.to_thread(plugin_reset))["reset"] == "t1"
    assert await asyncio.to_thread(cli_list) == 0
    assert "no items" in capsys.readouterr().out


# The routes that answer without the token, as mockserver/http/control/access.py declares them: the
# health check (the image's HEALTHCHECK) and the reviewer console's own files (the page asks for
# the token, then sends it on every data call). Adding a route here is a decision, made here.
EXEMPT = {
    "/_mockserver/health",
    "/_mockserver/ui",
    "/_mockserver/ui/",
    "/_mockserver/ui/{file}",
    "/_mockserver/ui/vendors.json",
    "/_mockserver/ui/vendors/{vendor}.js",
}
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
PATH_VALUES = {
    "{vendor}": "hitl",
    "{id}": "x",
    "{name}": "control",
    "{namespace}": "t1",
    "{file}": "console.js",
}


def control_routes(client: Any) -> dict[str, set[str]]:
    """Every control-plane path template the app's router serves, with its methods."""
    found: dict[str, set[str]] = {}
    for route in client.app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter") or ""
        if path.startswith("/_mockserver"):
            found.setdefault(path, set()).add(route.method)
    return found


def concrete(template: str) -> str:
    for name, value in PATH_VALUES.items():
        template = template.replace(name, value)
    return template + "?timeout=0"  # a long poll answers at once


async def test_every_control_route_and_method_needs_the_token_but_the_declared_exempt_ones(
    sandbox: MakeClient,
) -> None:
    """Derived from the router (every route, every method it has and every other one), so a
    route added, or one that loses its check, is tested without anyone listing it."""
    client = await sandbox(SCENARIO, control_token=TOKEN)
    routes = control_routes(client)
    assert len(routes) > 30 and set(routes) >= EXEMPT, sorted(routes)
    answered_without: set[str] = set()
    for template, registered in sorted(routes.items()):
        url = concrete(template)
        for method in METHODS:
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
                resp = await client.request(method, url, headers=headers)
                if resp.status != 401:
                    answered_without.add(template)
                    assert template in EXEMPT, (method, template, headers, resp.status)
                else:
                    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
            if method in registered:
                resp = await client.request(
                    method, url, headers={"Authorization": f"Bearer {TOKEN}"}
                )
                assert resp.status != 401, (method, template)
    assert answered_without == EXEMPT
