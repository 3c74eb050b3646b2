"""HITL.sh as a vendor of the core: routes at both path forms, error body, scenario section."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aiohttp import web

from mockserver.errors import ApiError
from mockserver.scenario.context import SectionContext
from mockserver.scenario.sectionfile import section_file
from mockserver.scenario.vocabulary import Vocabulary
from mockserver.variants import Variant
from mockserver.vendor import Handler, OpenApiDocument, Route, Vendor, VendorState, WebhookPolicy
from mockserver.vendors.hitl import config
from mockserver.vendors.hitl import routes_loops as loops
from mockserver.vendors.hitl import routes_requests as requests
from mockserver.vendors.hitl.http import render_error
from mockserver.vendors.hitl.state import HitlState
from mockserver.vendors.hitl.variants import VARIANTS
from mockserver.webhooks.signature import HmacSignature

if TYPE_CHECKING:
    from mockserver.world import World

# Paths below the version prefix. Current docs and the official clients use `/v1/api/...`;
# the vendor's OpenAPI file uses `/v1/...` (reference §1.1). Both are served.
_API: list[tuple[str, str, Handler]] = [
    ("POST", "/loops", loops.create_loop),
    ("GET", "/loops", loops.list_loops),
    ("GET", "/loops/{loop_id}", loops.get_loop),
    ("PUT", "/loops/{loop_id}", loops.update_loop),
    ("DELETE", "/loops/{loop_id}", loops.delete_loop),
    ("GET", "/loops/{loop_id}/members", loops.list_members),
    ("DELETE", "/loops/{loop_id}/members/{user_id}", loops.remove_member),
    ("GET", "/loops/{loop_id}/requests", requests.list_loop_requests),
    ("POST", "/loops/{loop_id}/requests", requests.create_request),
    ("GET", "/requests", requests.list_requests),
    ("GET", "/requests/{request_id}", requests.get_request),
    ("PATCH", "/requests/{request_id}", requests.update_request),
    ("DELETE", "/requests/{request_id}", requests.cancel_request),
    ("POST", "/requests/{request_id}/feedback", requests.add_feedback),
    ("GET", "/requests/{request_id}/response", requests.get_response),
]


class HitlVendor(Vendor):
    name = "hitl"
    title = "HITL.sh"
    path_prefixes = ("/v1/",)
    base_path = "/v1"

    def routes(self) -> list[Route]:
        out = [Route("GET", "/v1/test", loops.test_key)]
        for prefix in ("/v1/api", "/v1"):
            out += [Route(method, prefix + path, handler) for method, path, handler in _API]
        return out

    def openapi_documents(self) -> tuple[OpenApiDocument, ...]:
        return (OpenApiDocument("hitl", __package__ or "", "openapi.yaml"),)

    def render_error(self, error: ApiError) -> web.Response:
        return render_error(error)

    def section_schema(self) -> dict[str, Any]:
        return config.SECTION_SCHEMA

    def vocabulary(self) -> Vocabulary:
        return config.VOCABULARY

    def variants(self) -> tuple[Variant, ...]:
        return VARIANTS

    def parse_section(self, data: Mapping[str, Any] | None, ctx: SectionContext) -> Any:
        return config.parse_section(data, ctx)

    def webhook_policy(self) -> WebhookPolicy:
        # until webhooks.py declares it (issue 12): what the pytest receiver verifies
        return WebhookPolicy(
            signatures=(HmacSignature("X-HITL-Signature-256", "sha256=", name="hitl-hmac"),)
        )

    def default_section(self) -> Mapping[str, Any]:
        return section_file(__package__)  # until scenario_section() declares it as its default

    def new_state(self, world: World) -> VendorState:
        return HitlState(world, world.scenario.section(self.name))
