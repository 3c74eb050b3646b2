"""Numbers in control-plane query strings: a value that makes no sense (`limit=0`, `limit=-1`,
`timeout=nan`, `timeout=inf`, a negative count) is a 400 in the control plane's error shape,
never a silent "everything" or a wait that never ends."""

from __future__ import annotations

import pytest

from .conftest import START, MakeClient

SCENARIO = f'seed: 1\nclock: manual\nstart: "{START}"\n'
BAD = [
    "/journal?limit=0",
    "/journal?limit=-1",
    "/journal?limit=x",
    "/journal?since=-5",
    "/journal?status=0",
    "/journal?status=99999",
    "/wait/journal?timeout=nan",
    "/wait/journal?timeout=inf",
    "/wait/journal?timeout=-1",
    "/wait/journal?timeout=1e9",
    "/wait/journal?count=0",
    "/wait/journal?count=-3",
    "/wait/deliveries?timeout=nan",
    "/wait/deliveries?timeout=infinity",
    "/wait/deliveries?count=-1",
    "/wait/items/hitl/x?status=completed&timeout=nan",
    "/wait/items/hitl/x?status=completed&timeout=-inf",
]


@pytest.mark.parametrize("path", BAD)
async def test_a_nonsense_number_is_a_400(sandbox: MakeClient, path: str) -> None:
    client = await sandbox(SCENARIO)
    resp = await client.get("/_mockserver" + path)
    body = await resp.json()
    assert resp.status == 400, body
    name = path.split("?")[1].split("=")[0] if "items" not in path else "timeout"
    assert body["error"].startswith(f"query parameter {name!r} must be"), body


async def test_limit_keeps_the_last_calls(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO)
    for n in range(3):
        await client.get(f"/api/v1/nothing/{n}")
    resp = await client.get("/_mockserver/journal?limit=2")
    body = await resp.json()
    assert [e["path"] for e in body["entries"]] == ["/api/v1/nothing/1", "/api/v1/nothing/2"]
    resp = await client.get("/_mockserver/wait/journal?count=3&timeout=0")
    assert resp.status == 200
