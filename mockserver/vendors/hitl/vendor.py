"""HITL.sh as a vendor of the core: its routes, error body, reviewer words, rule keys,
lifecycle, webhook policy and scenario section, declared in one object."""

from __future__ import annotations

from typing import Final

from mockserver.kit.vendor import ErrorFormat, KeyAuth, SmokeCall, Vendor, VendorHost, WebhookPolicy
from mockserver.vendors.hitl import drift_probes, routes, scenario, webhooks
from mockserver.vendors.hitl.actions import ACTIONS
from mockserver.vendors.hitl.http import render_error
from mockserver.vendors.hitl.lifecycle import LIFECYCLE
from mockserver.vendors.hitl.matchers import MATCHERS
from mockserver.vendors.hitl.routes_requests import fault_message
from mockserver.vendors.hitl.state import HitlState
from mockserver.vendors.hitl.variants import VARIANTS

VENDOR: Final = Vendor(
    name="hitl",
    title="HITL.sh",
    package=__package__ or "",
    path_prefixes=("/v1/",),
    base_path="/v1",
    hosts=(VendorHost("api.hitl.sh", "HITL.sh API"),),
    lifecycle=LIFECYCLE,
    # `Authorization: Bearer <key>`, errors' message in `msg` (hitl-sh/docs.hitl.sh
    # api-reference/introduction.mdx @0e23b17)
    auth=KeyAuth("Authorization", "Bearer", keys="keys"),
    errors=ErrorFormat(render_error, message=("msg",)),
    routes=tuple(routes.routes()),
    actions=ACTIONS,
    matchers=MATCHERS,
    section=scenario.SECTION,
    state=HitlState,
    webhooks=WebhookPolicy(webhooks.RETRY, webhooks.SIGNATURES),
    openapi=("openapi.yaml",),
    console="console.js",
    fail=scenario.FAIL_DESCRIPTION,
    fault_message=fault_message,
    smoke=(SmokeCall("GET", "/v1/test", expect="data", host="api.hitl.sh"),),
    variants=VARIANTS,
    drift_probes=drift_probes.PROBES,
)
