"""`GET /_mockserver/vendors`: every served vendor's declaration, a vendor registered by a test
included, and `Sandbox.url_for` built from it."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.kit.actions import Action, ActionTable
from mockserver.kit.vendor import Route, VendorState
from mockserver.kit.worldview import WorldView
from mockserver.registry import register, vendors
from mockserver.scenario.loading.library import ScenarioLibrary
from tests.minimal_vendor import DictState, MinimalVendor

from .conftest import MakeClient


class _Tiny(MinimalVendor):
    """A vendor that lives in this test: one route, two reviewer words."""

    name = "tiny"
    title = "Tiny Review"
    path_prefixes = ("/tiny/",)
    base_path = "/tiny/api"
    statuses = ("open", "done")

    def actions(self) -> ActionTable:
        def nothing(state: Any, item: Any, step: Any) -> None:
            return None

        return ActionTable(
            [
                Action("approve", "the item is fine", nothing, {"note": {"type": "string"}}),
                Action("reject", "the item goes", nothing, applies_from=frozenset({"open"})),
            ]
        )

    def routes(self) -> list[Route]:
        async def ping(request: web.Request) -> web.Response:
            return web.json_response({"ok": True})

        return [Route("GET", "/tiny/api/ping", ping)]

    def render_error(self, error: ApiError) -> web.Response:
        return web.json_response({"oops": error.message}, status=error.status)

    def section_schema(self) -> dict[str, Any]:
        return {"type": "object"}

    def parse_section(self, data: Any, ctx: Any) -> Any:
        return data

    def new_state(self, world: WorldView) -> VendorState:
        return DictState(world)


async def test_every_vendor_is_described(sandbox: MakeClient) -> None:
    client = await sandbox("name: t\n")
    got = await (await client.get("/_mockserver/vendors")).json()
    assert [v["name"] for v in got["vendors"]] == [v.name for v in vendors()]
    for described, vendor in zip(got["vendors"], vendors(), strict=True):
        declared = vendor.describe()
        for host in declared["hosts"]:
            host["port"] = None  # this app serves no host port of its own
        assert described == declared
        assert described["actions"], f"{vendor.name} declares no reviewer words"


async def test_a_vendor_registered_by_a_test_is_described(aiohttp_client: Any) -> None:
    with register(_Tiny()):
        app = build_app(Settings(), vendors(), ScenarioLibrary.load(vendors(), None))
        client = await aiohttp_client(app)
        got = await (await client.get("/_mockserver/vendors")).json()
    (tiny,) = [v for v in got["vendors"] if v["name"] == "tiny"]
    assert tiny == {
        "name": "tiny",
        "title": "Tiny Review",
        "path_prefixes": ["/tiny/"],
        "base_path": "/tiny/api",
        "hosts": [],  # declares none: nothing for --host-port to serve
        "actions": [
            {
                "word": "approve",
                "bare": True,
                "description": "the item is fine",
                "settings": {"note": {"type": "string"}},
            },
            {"word": "reject", "bare": True, "description": "the item goes", "settings": {}},
        ],
        "statuses": ["open", "done"],
        "waiting": [],
        "openapi": [],
        "signatures": [],
    }
