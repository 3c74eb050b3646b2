"""Outharm as a vendor of the core: its three endpoints, error body and scenario section."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aiohttp import web

from mockserver.errors import ApiError
from mockserver.scenario.context import SectionContext
from mockserver.scenario.sectionfile import section_file
from mockserver.scenario.vocabulary import Vocabulary
from mockserver.vendor import OpenApiDocument, Route, Vendor, VendorState, WebhookPolicy
from mockserver.vendors.outharm import config, routes
from mockserver.vendors.outharm.http import render_error
from mockserver.vendors.outharm.state import OutharmState
from mockserver.vendors.outharm.vocabulary import VOCABULARY
from mockserver.webhooks.signature import SharedSecret

if TYPE_CHECKING:
    from mockserver.world import World


class OutharmVendor(Vendor):
    name = "outharm"
    title = "Outharm"
    path_prefixes = ("/moderation", "/submissions")

    def routes(self) -> list[Route]:
        return [
            Route("POST", "/moderation/automated", routes.automated),
            Route("POST", "/moderation/manual", routes.manual),
            Route("POST", "/submissions/{submission_id}/moderation/manual", routes.add_to_queue),
        ]

    def openapi_documents(self) -> tuple[OpenApiDocument, ...]:
        return (OpenApiDocument("outharm", __package__ or "", "openapi.yaml"),)

    def render_error(self, error: ApiError) -> web.Response:
        return render_error(error)

    def section_schema(self) -> dict[str, Any]:
        return config.SECTION_SCHEMA

    def vocabulary(self) -> Vocabulary:
        return VOCABULARY

    def parse_section(self, data: Mapping[str, Any] | None, ctx: SectionContext) -> Any:
        try:
            return config.parse_section(data, ctx)
        except config.OutharmConfigError as exc:
            raise ctx.fail(exc.path, exc.reason) from None

    def webhook_policy(self) -> WebhookPolicy:
        # until webhooks.py declares it (issue 12): what the pytest receiver verifies
        return WebhookPolicy(signatures=(SharedSecret("Authorization", "Bearer ", name="bearer"),))

    def default_section(self) -> Mapping[str, Any]:
        return section_file(__package__)  # until scenario_section() declares it as its default

    def new_state(self, world: World) -> VendorState:
        return OutharmState(world, world.scenario.section(self.name))
