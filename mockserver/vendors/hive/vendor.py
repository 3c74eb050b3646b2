"""Hive as a vendor of the core: the one object the registry lists.

It declares Hive's routes (`routes.py`), error body and auth (`http.py`), the `hive:` scenario
section (`scenario.py`), the Review Feed moderators' words (`actions.py`) and `when` keys
(`matchers.py`), the webhook policy (`webhooks.py`), the variants and the OpenAPI documents of
both products (Moderation Dashboard and Models API).
"""

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

from . import drift_probes, routes, scenario
from .actions import ACTIONS, STATUSES
from .http import DASHBOARD_HOST, MODELS_HOST, MODELS_PATH_PREFIX, render_error
from .matchers import MATCHERS
from .state import HiveState
from .variants import VARIANTS
from .webhooks import CALLBACK_POLICY

if TYPE_CHECKING:
    from mockserver.kit.worldview import WorldView


class HiveVendor(Vendor):
    name = "hive"
    title = "Hive (Moderation Dashboard and Models APIs)"
    path_prefixes = ("/api/v1/", "/api/v2/", MODELS_PATH_PREFIX + "/")
    base_path = ""  # clients use the server's URL as Hive's (both products' paths start /api)
    hosts = (
        VendorHost(DASHBOARD_HOST, "Hive Moderation Dashboard API"),
        VendorHost(MODELS_HOST, "Hive Models API"),
    )
    statuses = STATUSES
    waiting = ("pending",)

    def routes(self) -> list[Route]:
        return routes.routes()

    def render_error(self, error: ApiError) -> web.Response:
        return render_error(error)

    def scenario_section(self) -> ScenarioSection:
        return scenario.SECTION

    def actions(self) -> ActionTable:
        return ACTIONS

    def matchers(self) -> MatcherTable:
        return MATCHERS

    def webhook_policy(self) -> WebhookPolicy:
        """Task callbacks' retry schedule (Dashboard action callbacks retry on the same
        schedule but count only HTTP 200 as delivered, `webhooks.ACTION_POLICY`). No signature
        scheme: Hive documents none (https://docs.thehive.ai/docs/actions documents only the
        static header); an action's optional static header is a credential the scenario sets,
        journalled as a secret, not a signature."""
        return WebhookPolicy(retry=CALLBACK_POLICY, signatures=())

    def openapi_documents(self) -> tuple[OpenApiDocument, ...]:
        return (
            OpenApiDocument("hive-dashboard", __package__ or "", "openapi-dashboard.yaml"),
            OpenApiDocument("hive-models", __package__ or "", "openapi-models.yaml"),
        )

    def console_view(self) -> ConsoleView:
        return ConsoleView(__package__ or "")

    def variants(self) -> tuple[Variant, ...]:
        return VARIANTS

    def drift_probes(self) -> ProbeSet:
        return drift_probes.PROBES

    def new_state(self, world: WorldView) -> VendorState:
        return HiveState(world, world.scenario.section(self.name))
