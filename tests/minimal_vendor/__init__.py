"""The least a vendor must declare, for tests that build a vendor of their own.

`minimal(**fields)` is a vendor with no routes, no reviewer words, no `when` keys, a section
that accepts any mapping, and this folder's empty OpenAPI description; a test replaces only the
fields it is about (`minimal(name="tiny", actions=...)`). `DictState` keeps items as a dict of
id -> status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, ClassVar

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.kit.actions import ActionTable
from mockserver.kit.lifecycle import Lifecycle, Status
from mockserver.kit.matchers import MatcherTable
from mockserver.kit.vendor import (
    ErrorFormat,
    KeyAuth,
    ScenarioSection,
    SmokeCall,
    Vendor,
    VendorState,
)
from mockserver.kit.worldview import WorldView
from mockserver.scenario.vocabulary import Vocabulary


class DictState(VendorState[Any]):
    """Items are ids with a status (`initial`); `item_json` shows both."""

    initial: ClassVar[Mapping[str, str]] = {}

    def __init__(self, world: WorldView, vendor: Vendor) -> None:
        super().__init__(world, vendor)
        self.status: dict[str, str] = dict(self.initial)

    def find(self, item_id: str) -> str | None:
        return item_id if item_id in self.status else None

    def all_items(self) -> Iterable[str]:
        return list(self.status)

    def status_of(self, item: str) -> str:
        return self.status[item]

    def summary(self, item: str) -> str:
        return f"item {item}"

    def item_json(self, item: str) -> dict[str, Any]:
        return {"id": item}


def render_error(error: ApiError) -> web.Response:
    return web.json_response({"message": error.message}, status=error.status)


def any_mapping(words: Vocabulary) -> dict[str, Any]:
    """A section that takes anything, with the API keys a vendor's section lists."""
    return {"type": "object", "properties": {"keys": {"type": "array"}}}


def _parse(data: Mapping[str, Any] | None, ctx: Any) -> Any:
    return data


MINIMAL = Vendor(
    name="minimal",
    title="Minimal",
    package=__name__,
    path_prefixes=("/minimal/",),
    lifecycle=Lifecycle(Status("open", waiting=True), Status("closed", final=True)),
    auth=KeyAuth(),
    errors=ErrorFormat(render_error),
    routes=(),
    actions=ActionTable([]),
    matchers=MatcherTable([]),
    section=ScenarioSection(any_mapping, _parse),
    state=DictState,
    openapi=("openapi.yaml",),
    smoke=(SmokeCall("GET", "/minimal/ping"),),
)


def minimal(**fields: Any) -> Vendor:
    """The minimal vendor with some of its fields replaced (its smoke call follows its
    `path_prefixes` unless given)."""
    if "path_prefixes" in fields and "smoke" not in fields:
        fields["smoke"] = (SmokeCall("GET", fields["path_prefixes"][0] + "ping"),)
    return replace(MINIMAL, **fields)
