"""`GET /_mockserver/vendors`: every served vendor's declaration, a vendor registered by a test
included, and `Sandbox.url_for` built from it."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.kit.actions import Action, ActionTable
from mockserver.kit.lifecycle import Lifecycle, Status
from mockserver.kit.vendor import Route
from mockserver.registry import register, vendors
from mockserver.scenario.loading.library import ScenarioLibrary
from tests.minimal_vendor import minimal

from .conftest import MakeClient


async def _ping(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def _nothing(state: Any, item: Any, step: Any) -> None:
    return None


# A vendor that lives in this test: one route, two reviewer words.
_TINY = minimal(
    name="tiny",
    title="Tiny Review",
    path_prefixes=("/tiny/",),
    base_path="/tiny/api",
    lifecycle=Lifecycle(Status("open"), Status("done")),
    actions=ActionTable(
        [
            Action("approve", "the item is fine", _nothing, {"note": {"type": "string"}}),
            Action("reject", "the item goes", _nothing, applies_from=frozenset({"open"})),
        ]
    ),
    routes=(Route("GET", "/tiny/api/ping", _ping),),
)


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
    with register(_TINY):
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
        "lifecycle": [
            {"status": "open", "description": "", "waiting": False, "final": False, "event": None},
            {"status": "done", "description": "", "waiting": False, "final": False, "event": None},
        ],
        "events": [],
        "auth": {"header": "Authorization", "scheme": "Bearer"},
        "error_message": ["message"],
        "openapi": ["tiny"],
        "signatures": [],
        "smoke": [
            {"method": "GET", "path": "/tiny/ping", "body": None, "expect": None, "host": None}
        ],
    }
