"""The embedded default scenario: with `make run`, a request completes within seconds of real
time with a plausible answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver.app import build_app
from mockserver.registry import VENDORS
from mockserver.scenario.library import ScenarioLibrary
from mockserver.settings import Settings

from .conftest import AUTH, advance, create_loop, create_request, get_request


async def test_default_scenario_decides_a_request_within_seconds(
    aiohttp_client: Callable[..., Awaitable[TestClient[web.Request, web.Application]]],
) -> None:
    """Its reviewers claim within a second and answer two seconds later (README, Quickstart),
    on the real clock. Timed here on a manual clock (`--clock manual`) with the same virtual
    seconds, so a slow machine cannot make the test late."""
    library = ScenarioLibrary.load(VENDORS, None)
    assert library.default.clock == "real"
    client = await aiohttp_client(build_app(Settings(clock="manual"), VENDORS, library))
    loop_id = await create_loop(client)
    rid = (await create_request(client, loop_id, "Is this comment OK?"))["id"]
    await advance(client, "3s")
    req = await get_request(client, rid)
    assert req["status"] == "completed"
    assert req["response_data"] in ("Approve", "Reject")
    assert req["claimed_by"] is not None
    assert req["response_time_seconds"] <= 3
    assert (await client.get("/v1/test", headers=AUTH)).status == 200
