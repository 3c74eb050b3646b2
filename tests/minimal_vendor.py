"""The least a vendor must declare, for tests that build a vendor of their own.

`MinimalVendor` has no routes, no reviewer words, no `when` keys and a section that accepts any
mapping; a test subclasses it and overrides only what it is about. `DictState` keeps items as a
dict of id -> status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.kit.actions import ActionTable
from mockserver.kit.matchers import MatcherTable
from mockserver.kit.vendor import Route, ScenarioSection, Vendor, VendorState
from mockserver.kit.worldview import WorldView


class DictState(VendorState):
    """Items are ids with a status; `item_json` shows both."""

    def __init__(self, world: WorldView | None = None, status: Mapping[str, str] | None = None):
        if world is not None:
            self.world = world
        self.status: dict[str, str] = dict(status or {})
        self.problems: list[str] = []

    def find(self, item_id: str) -> str | None:
        return item_id if item_id in self.status else None

    def all_items(self) -> Iterable[str]:
        return list(self.status)

    def status_of(self, item: str) -> str:
        return self.status[item]

    def item_json(self, item: str) -> dict[str, Any]:
        return {"id": item, "status": self.status[item]}


def _parse(data: Mapping[str, Any] | None, ctx: Any) -> Any:
    return data


class MinimalVendor(Vendor):
    name = "minimal"
    title = "Minimal"
    path_prefixes = ("/minimal/",)

    def routes(self) -> list[Route]:
        return []

    def render_error(self, error: ApiError) -> web.Response:
        return web.json_response({"error": error.message}, status=error.status)

    def actions(self) -> ActionTable:
        return ActionTable([])

    def matchers(self) -> MatcherTable:
        return MatcherTable([])

    def scenario_section(self) -> ScenarioSection:
        return ScenarioSection({"type": "object"}, _parse)

    def new_state(self, world: WorldView) -> VendorState:
        return DictState(world)
