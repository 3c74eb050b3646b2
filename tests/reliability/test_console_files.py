"""The reviewer console's own files (`/_mockserver/ui` and `/_mockserver/ui/*`) are served
without the control token, so the page can load and ask for it: they must hold no data. Every
such route, taken from the router, answers the same bytes whatever the sandbox holds."""

from __future__ import annotations

from mockserver.http import appkeys
from mockserver.http.control.access import is_open

from .conftest import LOOP_ID, LOOP_SCENARIO, Client, MakeClient

TOKEN = "console-files-token"


def open_paths(client: Client) -> list[str]:
    """Every GET route the token does not guard, its parameters filled in."""
    assert client.app is not None
    vendors = [v.name for v in client.app[appkeys.VENDORS]]
    paths: list[str] = []
    for route in client.app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter", "")
        if route.method != "GET" or not is_open(path) or path.endswith("/health"):
            continue
        if "{vendor}" in path:
            paths += [path.replace("{vendor}", name) for name in vendors]
        elif "{file}" in path:
            paths += [path.replace("{file}", name) for name in ("index.html", "console.js")]
        else:
            paths.append(path)
    return paths


async def shown(client: Client, paths: list[str]) -> dict[str, tuple[int, bytes]]:
    out = {}
    for path in paths:
        resp = await client.get(path)
        out[path] = (resp.status, await resp.read())
    return out


async def test_the_console_files_are_open_and_hold_no_data(sandbox: MakeClient) -> None:
    client = await sandbox(LOOP_SCENARIO, control_token=TOKEN)
    paths = open_paths(client)
    assert "/_mockserver/ui" in paths and "/_mockserver/ui/console.js" in paths
    assert len(paths) >= 5
    empty = await shown(client, paths)
    assert all(status in (200, 404) for status, _ in empty.values()), empty.keys()
    assert any(status == 200 for status, _ in empty.values())
    # The sandbox now holds data: a request, a namespace, a journal.
    body = {"request_text": "Secret text of a test", "response_type": "text"}
    resp = await client.post(
        f"/v1/api/loops/{LOOP_ID}/requests",
        json=body,
        headers={"Authorization": "Bearer k~tenant"},
    )
    assert resp.status == 201
    full = await shown(client, paths)
    assert full == empty  # the same bytes: nothing of the data
    assert not any(
        b"Secret text" in content or b"tenant" in content for _, content in full.values()
    )
    # ... while everything else asks for the token.
    assert (await client.get("/_mockserver/items")).status == 401
