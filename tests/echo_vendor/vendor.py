"""Echo review as a vendor of the core: one object saying everything the core needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.kit.actions import ActionTable
from mockserver.kit.matchers import MatcherTable
from mockserver.kit.vendor import (
    OpenApiDocument,
    Route,
    ScenarioSection,
    Vendor,
    VendorHost,
    VendorState,
    WebhookPolicy,
)
from tests.echo_vendor import http, routes, scenario, webhooks
from tests.echo_vendor.actions import ACTIONS
from tests.echo_vendor.matchers import MATCHERS
from tests.echo_vendor.state import EchoState

if TYPE_CHECKING:
    from mockserver.kit.worldview import WorldView


class EchoVendor(Vendor):
    name = "echo"
    title = "Echo review"
    path_prefixes = ("/echo",)
    hosts = (VendorHost("api.echo.example", "Echo review API"),)
    statuses = ("pending", "approved", "rejected")
    waiting = ("pending",)

    def routes(self) -> list[Route]:
        return list(routes.ROUTES)

    def render_error(self, error: ApiError) -> web.Response:
        return http.render_error(error)

    def actions(self) -> ActionTable:
        return ACTIONS

    def matchers(self) -> MatcherTable:
        return MATCHERS

    def webhook_policy(self) -> WebhookPolicy:
        return webhooks.POLICY

    def scenario_section(self) -> ScenarioSection:
        return scenario.SECTION

    def openapi_documents(self) -> tuple[OpenApiDocument, ...]:
        return (OpenApiDocument("echo", __package__ or "", "openapi.yaml"),)

    def new_state(self, world: WorldView) -> VendorState:
        return EchoState(world, world.scenario.section(self.name))
