"""Change notification after every vendor call: a vendor whose HTTP handlers never call
`world.changed()` still wakes the control-plane waits on the items its calls touch."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.http import appkeys
from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.kit.vendor import Route, VendorState
from mockserver.kit.worldview import WorldView, world_of
from mockserver.registry import register, vendors
from mockserver.scenario.loading.library import ScenarioLibrary
from tests.minimal_vendor import DictState, MinimalVendor
from tests.support.polling import until


class _Store(DictState):
    def __init__(self, world: WorldView) -> None:
        super().__init__(world, {"a1": "open", "a2": "open"})


async def _close(request: web.Request) -> web.Response:
    """Closes an item and, on purpose, notifies nobody."""
    store: _Store = world_of(request).state("quiet")
    store.status[request.match_info["item_id"]] = "closed"
    return web.json_response({"closed": True})


class _Quiet(MinimalVendor):
    name = "quiet"
    title = "Quiet"
    path_prefixes = ("/quiet/",)

    def routes(self) -> list[Route]:
        return [Route("POST", "/quiet/items/{item_id}/close", _close)]

    def render_error(self, error: ApiError) -> web.Response:
        return web.json_response({}, status=error.status)

    def section_schema(self) -> dict[str, Any]:
        return {"type": "object"}

    def parse_section(self, data: Any, ctx: Any) -> Any:
        return data

    def new_state(self, world: WorldView) -> VendorState:
        return _Store(world)


async def test_a_vendor_call_wakes_the_waits_on_the_items_its_path_names(
    aiohttp_client: Any,
) -> None:
    with register(_Quiet()):
        app = build_app(Settings(), vendors(), ScenarioLibrary.load(vendors(), None))
    client = await aiohttp_client(app)
    # A long timeout: only the notification can answer this wait in time.
    wait = asyncio.create_task(
        client.get("/_mockserver/wait/items/quiet/a1?status=closed&timeout=30")
    )
    other = asyncio.create_task(
        client.get("/_mockserver/wait/items/quiet/a2?status=closed&timeout=0.5")
    )
    notifier = app[appkeys.WORLDS].get("").notifier
    await until(lambda: notifier.waiting() == 2, "both waits parked")
    assert (await client.post("/quiet/items/a1/close")).status == 200
    answer = await asyncio.wait_for(wait, 5)
    assert (answer.status, await answer.json()) == (200, {"id": "a1", "status": "closed"})
    assert (await other).status == 408  # a2 is not named: its wait was left alone
    assert notifier.wakeups == 1
