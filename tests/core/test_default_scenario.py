"""The embedded default scenario: with `make run`, a request completes within seconds of real
time with a plausible answer, and its webhook is signed with the documented secret."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver.app import build_app
from mockserver.library import ScenarioLibrary
from mockserver.registry import VENDORS
from mockserver.settings import Settings

from .conftest import AUTH, create_loop, create_request, get_request


async def test_default_scenario_decides_a_request_in_real_time(
    aiohttp_client: Callable[..., Awaitable[TestClient[web.Request, web.Application]]],
) -> None:
    library = ScenarioLibrary.load(VENDORS, None)
    assert library.default.clock == "real"
    client = await aiohttp_client(build_app(Settings(), VENDORS, library))
    loop_id = await create_loop(client)
    rid = (await create_request(client, loop_id, "Is this comment OK?"))["id"]
    # a long-poll on the control plane, not a sleep: returns as soon as the reviewer answers
    resp = await client.get(
        f"/_mockserver/wait/items/hitl/{rid}", params={"status": "completed", "timeout": "10"}
    )
    assert resp.status == 200, await resp.text()
    req = await get_request(client, rid)
    assert req["response_data"] in ("Approve", "Reject")
    assert req["claimed_by"] is not None
    assert req["response_time_seconds"] < 10
    assert (await client.get("/v1/test", headers=AUTH)).status == 200
