"""Change notification after every vendor call: a vendor whose HTTP handlers never call
`world.changed()` still wakes the control-plane waits on the items its calls touch."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, ClassVar

from aiohttp import web

from mockserver.http import appkeys
from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.kit.vendor import Route
from mockserver.kit.worldview import world_of
from mockserver.registry import register, vendors
from mockserver.scenario.loading.library import ScenarioLibrary
from tests.minimal_vendor import DictState, minimal
from tests.support.polling import until


class _Store(DictState):
    initial: ClassVar[Mapping[str, str]] = {"a1": "open", "a2": "open"}


async def _close(request: web.Request) -> web.Response:
    """Closes an item and, on purpose, notifies nobody."""
    store: _Store = world_of(request).state("quiet")
    store.status[request.match_info["item_id"]] = "closed"
    return web.json_response({"closed": True})


_QUIET = minimal(
    name="quiet",
    title="Quiet",
    path_prefixes=("/quiet/",),
    routes=(Route("POST", "/quiet/items/{item_id}/close", _close),),
    state=_Store,
)


async def test_a_vendor_call_wakes_the_waits_on_the_items_its_path_names(
    aiohttp_client: Any,
) -> None:
    with register(_QUIET):
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
