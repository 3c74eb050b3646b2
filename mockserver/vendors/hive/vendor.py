"""Hive as a vendor of the core: the Moderation Dashboard and Models APIs on one port, the
error body, and the `hive:` scenario section.

Paths: `/api/v1/task/sync|async`, `/api/v2/task/sync|async` (Dashboard, or the Models API by
Host, see `http.py`), `POST /api/v1/report` (Dashboard), `GET /api/v1/task` (Models), and the
same task paths under `/models` for clients that cannot set a Host header.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aiohttp import web

from mockserver.errors import ApiError
from mockserver.scenario.context import SectionContext
from mockserver.scenario.sectionfile import section_file
from mockserver.scenario.vocabulary import Vocabulary
from mockserver.variants import Variant
from mockserver.vendor import Handler, OpenApiDocument, Route, Vendor, VendorState

from . import config, routes_dashboard, routes_models
from .http import MODELS_PATH_PREFIX, is_models_request, render_error
from .state import HiveState
from .variants import VARIANTS
from .vocabulary import REVIEW_VOCABULARY

if TYPE_CHECKING:
    from mockserver.world import World


def _task_handler(version: str, is_async: bool, *, models_only: bool = False) -> Handler:
    """One task path serves both products: the Host (or the /models prefix) decides."""

    async def handle(request: web.Request) -> web.StreamResponse:
        if models_only or is_models_request(request):
            return await routes_models.submit_task(request, version, is_async)
        return await routes_dashboard.submit_task(request, version, is_async)

    return handle


class HiveVendor(Vendor):
    name = "hive"
    title = "Hive (Moderation Dashboard and Models APIs)"
    path_prefixes = ("/api/v1/", "/api/v2/", MODELS_PATH_PREFIX + "/")

    def routes(self) -> list[Route]:
        out: list[Route] = []
        for version in ("v1", "v2"):
            for mode in ("sync", "async"):
                is_async = mode == "async"
                path = f"/api/{version}/task/{mode}"
                out.append(Route("POST", path, _task_handler(version, is_async)))
                out.append(
                    Route(
                        "POST",
                        MODELS_PATH_PREFIX + path,
                        _task_handler(version, is_async, models_only=True),
                    )
                )
        out += [
            Route("POST", "/api/v1/report", routes_dashboard.report),
            Route("GET", "/api/v1/task", routes_models.get_task),
            Route("GET", MODELS_PATH_PREFIX + "/api/v1/task", routes_models.get_task),
        ]
        return out

    def openapi_documents(self) -> tuple[OpenApiDocument, ...]:
        return (
            OpenApiDocument("hive-dashboard", __package__ or "", "openapi-dashboard.yaml"),
            OpenApiDocument("hive-models", __package__ or "", "openapi-models.yaml"),
        )

    def render_error(self, error: ApiError) -> web.Response:
        return render_error(error)

    def section_schema(self) -> dict[str, Any]:
        return config.SECTION_SCHEMA

    def vocabulary(self) -> Vocabulary:
        return REVIEW_VOCABULARY

    def variants(self) -> tuple[Variant, ...]:
        return VARIANTS

    def parse_section(self, data: Mapping[str, Any] | None, ctx: SectionContext) -> Any:
        try:
            cfg = config.parse_section(data)
        except config.SectionError as exc:
            raise ctx.fail(exc.path, exc.problem) from None
        if not data or not data.get("review"):
            return cfg
        # Positions (file:line) for each step, and `by:` checked against the reviewers.
        return replace(cfg, review=ctx.rules(("review",), data["review"]))

    def default_section(self) -> Mapping[str, Any]:
        return section_file(__package__)  # until scenario_section() declares it as its default

    def new_state(self, world: World) -> VendorState:
        return HiveState(world, world.scenario.section(self.name))
