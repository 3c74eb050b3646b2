"""Outharm as a vendor of the core: its endpoints (and its earlier generation's, variant
`outharm.generation`), error body, scenario section, reviewer words, `when` keys and webhook
policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.kit.actions import ActionTable
from mockserver.kit.drift_probes import ProbeSet
from mockserver.kit.matchers import MatcherTable
from mockserver.kit.variants import Variant
from mockserver.kit.vendor import (
    ConsoleView,
    OpenApiDocument,
    Route,
    ScenarioSection,
    Vendor,
    VendorHost,
    VendorState,
    WebhookPolicy,
)
from mockserver.scenario.vocabulary import Vocabulary
from mockserver.vendors.outharm import drift_probes, legacy, routes, scenario, webhooks
from mockserver.vendors.outharm.actions import ACTIONS
from mockserver.vendors.outharm.http import render_error
from mockserver.vendors.outharm.matchers import MATCHERS
from mockserver.vendors.outharm.models import STATUSES
from mockserver.vendors.outharm.scenario_schema import VOCABULARY
from mockserver.vendors.outharm.state import OutharmState
from mockserver.vendors.outharm.variants import VARIANTS

if TYPE_CHECKING:
    from mockserver.kit.worldview import WorldView


class OutharmVendor(Vendor):
    name = "outharm"
    title = "Outharm"
    # `/automated` and `/manual`: the legacy generation's paths (variants.py), so that any
    # unknown path under them answers in Outharm's error body too.
    path_prefixes = ("/moderation", "/submissions", "/automated", "/manual")
    base_path = ""  # clients call `{url}/moderation/...`: no version prefix
    hosts = (VendorHost("api.outharm.com", "Outharm API"),)
    statuses = STATUSES
    waiting = ("queued",)

    def routes(self) -> list[Route]:
        return [
            Route("POST", "/moderation/automated", routes.automated),
            Route("POST", "/moderation/manual", routes.manual),
            Route("POST", "/submissions/{submission_id}/moderation/manual", routes.add_to_queue),
            Route("POST", "/automated/predict", legacy.predict),
            Route("POST", "/manual/report/{prediction_id}", legacy.report),
            Route("POST", "/manual/appeal/{prediction_id}", legacy.appeal),
        ]

    def variants(self) -> tuple[Variant, ...]:
        return VARIANTS

    def openapi_documents(self) -> tuple[OpenApiDocument, ...]:
        return (
            OpenApiDocument("outharm", __package__ or "", "openapi.yaml"),
            OpenApiDocument("outharm-legacy", __package__ or "", "openapi-legacy.yaml"),
        )

    def console_view(self) -> ConsoleView:
        return ConsoleView(__package__ or "")

    def render_error(self, error: ApiError) -> web.Response:
        return render_error(error)

    def scenario_section(self) -> ScenarioSection:
        return scenario.SECTION

    def actions(self) -> ActionTable:
        return ACTIONS

    def matchers(self) -> MatcherTable:
        return MATCHERS

    def vocabulary(self) -> Vocabulary:
        # The tables' words (what the base derives) plus what the core's `fail` does here.
        return VOCABULARY

    def webhook_policy(self) -> WebhookPolicy:
        return webhooks.POLICY

    def drift_probes(self) -> ProbeSet:
        return drift_probes.PROBES

    def new_state(self, world: WorldView) -> VendorState:
        return OutharmState(world, world.scenario.section(self.name))
