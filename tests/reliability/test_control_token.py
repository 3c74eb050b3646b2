"""The optional control token protects a shared sandbox's control plane (health excepted); the
CLI and the pytest plugin's control client send it from MOCKSERVER_CONTROL_TOKEN; every
control-plane call is logged without its secrets."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from mockserver.cli import main
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
