"""HITL.sh as a vendor of the core: its routes, error body, reviewer words, rule keys, webhook
policy and scenario section, declared in one object."""

from __future__ import annotations

from dataclasses import replace
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
from mockserver.vendors.hitl import drift_probes, routes, scenario, webhooks
from mockserver.vendors.hitl.actions import ACTIONS
from mockserver.vendors.hitl.http import render_error
from mockserver.vendors.hitl.matchers import MATCHERS
from mockserver.vendors.hitl.state import HitlState
from mockserver.vendors.hitl.variants import VARIANTS

if TYPE_CHECKING:
    from mockserver.kit.worldview import WorldView


class HitlVendor(Vendor):
    name = "hitl"
    title = "HITL.sh"
    path_prefixes = ("/v1/",)
    base_path = "/v1"
    hosts = (VendorHost("api.hitl.sh", "HITL.sh API"),)
    statuses = ("pending", "claimed", "completed", "timeout", "cancelled")
    waiting = ("pending", "claimed")
    _built: ScenarioSection | None = None

    def routes(self) -> list[Route]:
        return routes.routes()

    def render_error(self, error: ApiError) -> web.Response:
        return render_error(error)

    def actions(self) -> ActionTable:
        return ACTIONS

    def matchers(self) -> MatcherTable:
        return MATCHERS

    def vocabulary(self) -> Vocabulary:
        words = super().vocabulary()
        # `fail` is the core's word; what it does to HITL.sh is said here
        fail = {"fail": scenario.FAIL_DESCRIPTION}
        return replace(words, descriptions={**words.descriptions, **fail})

    def scenario_section(self) -> ScenarioSection:
        if self._built is None:  # built once: its schema is large
            self._built = scenario.section(self.vocabulary())
        return self._built

    def webhook_policy(self) -> WebhookPolicy:
        return WebhookPolicy(webhooks.RETRY, webhooks.SIGNATURES)

    def openapi_documents(self) -> tuple[OpenApiDocument, ...]:
        return (OpenApiDocument("hitl", __package__ or "", "openapi.yaml"),)

    def console_view(self) -> ConsoleView:
        return ConsoleView(__package__ or "")

    def variants(self) -> tuple[Variant, ...]:
        return VARIANTS

    def drift_probes(self) -> ProbeSet:
        return drift_probes.PROBES

    def new_state(self, world: WorldView) -> VendorState:
        return HitlState(world, world.scenario.section(self.name))
