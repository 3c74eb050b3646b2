"""The control plane answers scripts and its own console, never a page of another site: a
request whose `Origin` is not the sandbox's own, a state-changing call a browser marks as
cross-site or sends as a "simple" form or text body, and a `Host` that is not one of the
sandbox's names (DNS rebinding) are refused (403). Scripts, which send none of these, and the
vendor routes, which take any `Host`, are not affected. (The browser itself: tests/browser.)"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import START, Client, MakeClient

SCENARIO = f'seed: 1\nclock: manual\nstart: "{START}"\nhive: {{keys: [vk]}}\n'


async def reset(client: Client, **headers: str) -> tuple[int, Any]:
    resp = await client.post("/_mockserver/reset?all=1", headers=headers)
    return resp.status, await resp.json()


def own(client: Client) -> str:
    return f"127.0.0.1:{client.server.port}"


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8080",
        "localhost.evil.example",
        "127.0.0.1.nip.io",
        "8.8.8.8",
        "[2001:4860:4860::8888]",
    ],
)
async def test_a_host_that_is_not_the_sandboxs_is_refused(sandbox: MakeClient, host: str) -> None:
    client = await sandbox(SCENARIO)
    status, body = await reset(client, Host=host)
    assert status == 403
    assert "--allowed-host" in body["error"] and "MOCKSERVER_ALLOWED_HOSTS" in body["error"]
    resp = await client.get("/_mockserver/journal", headers={"Host": host})  # reads too
    assert resp.status == 403


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",  # loopback addresses and names, with or without the port
        "localhost",
        "LocalHost.",
        "models.localhost",
        "[::1]",
        "172.17.0.2:8080",  # a container's address (docker run -p, a bridge network)
        "10.1.2.3",
        "mockserver:8080",  # a Compose or GitHub Actions service name
        "host.docker.internal",
        "3f2a9c1e8b7d",  # a container's own host name (its short id)
    ],
)
async def test_the_sandboxs_own_names_work_out_of_the_box(sandbox: MakeClient, host: str) -> None:
    client = await sandbox(SCENARIO)
    status, _ = await reset(client, Host=host)
    assert status == 200


async def test_a_name_given_with_allowed_host_is_answered(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO, allowed_host="mocks.ci.example, other.example")
    assert (await reset(client, Host="mocks.ci.example:8080"))[0] == 200
    assert (await reset(client, Host="OTHER.example"))[0] == 200
    assert (await reset(client, Host="third.example"))[0] == 403


async def test_vendor_routes_take_any_host(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO)
    resp = await client.post(
        "/api/v2/task/sync",
        json={"text_data": "hi"},
        headers={"Host": "api.thehive.ai", "Authorization": "token vk"},
    )
    assert resp.status == 200, await resp.text()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},  # a sandboxed frame, a file:// page
        {"Origin": "http://127.0.0.1:1"},  # another port is another origin
        {"Origin": "http://localhost", "Content-Type": "application/json"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Content-Type": "application/json"},
        # a form post or a no-cors fetch from a browser that sent no Origin
        {"Content-Type": "application/x-www-form-urlencoded", "Referer": "https://evil.example/"},
        {"Content-Type": "text/plain;charset=UTF-8", "Sec-Fetch-Mode": "no-cors"},
        {"Content-Type": "multipart/form-data; boundary=x", "Sec-Fetch-Mode": "navigate"},
    ],
)
async def test_a_cross_site_request_is_refused(
    sandbox: MakeClient, headers: dict[str, str]
) -> None:
    client = await sandbox(SCENARIO)
    await client.post("/api/v1/task/sync", data=b"{}", headers={"Authorization": "token vk"})
    status, body = await reset(client, **headers)
    assert status == 403
    assert "cross-site" in body["error"] or "browser" in body["error"]
    journal = await (await client.get("/_mockserver/journal")).json()
    assert journal["count"] == 1  # nothing was reset


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl -X POST
        {"Content-Type": "application/x-www-form-urlencoded"},  # curl -d '{...}'
        {"Content-Type": "application/json"},  # the pytest plugin, requests, httpx
        {"Origin": "{own}"},  # the reviewer console (same origin)
        {"Origin": "{own}", "Content-Type": "text/plain", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},  # typed into the address bar
    ],
)
async def test_scripts_and_the_console_are_answered(
    sandbox: MakeClient, headers: dict[str, str]
) -> None:
    client = await sandbox(SCENARIO)
    given = {k: v.format(own=f"http://{own(client)}") for k, v in headers.items()}
    status, body = await reset(client, **given)
    assert status == 200, body
