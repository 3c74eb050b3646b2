"""Outharm as a vendor of the core: its endpoints (and its earlier generation's, variant
`outharm.generation`), error body, scenario section, reviewer words, `when` keys, lifecycle and
webhook policy."""

from __future__ import annotations

from typing import Final

from mockserver.kit.vendor import ErrorFormat, KeyAuth, Route, SmokeCall, Vendor, VendorHost
from mockserver.vendors.outharm import drift_probes, legacy, routes, scenario, webhooks
from mockserver.vendors.outharm.actions import ACTIONS
from mockserver.vendors.outharm.http import render_error
from mockserver.vendors.outharm.lifecycle import LIFECYCLE
from mockserver.vendors.outharm.matchers import MATCHERS
from mockserver.vendors.outharm.models import DEFAULT_SCHEMA_ID
from mockserver.vendors.outharm.scenario_schema import FAIL_DESCRIPTION
from mockserver.vendors.outharm.state import OutharmState
from mockserver.vendors.outharm.variants import VARIANTS

HOST: Final = "api.outharm.com"

VENDOR: Final = Vendor(
    name="outharm",
    title="Outharm",
    package=__package__ or "",
    # `/automated` and `/manual`: the legacy generation's paths (variants.py), so that any
    # unknown path under them answers in Outharm's error body too.
    path_prefixes=("/moderation", "/submissions", "/automated", "/manual"),
    base_path="",  # clients call `{url}/moderation/...`: no version prefix
    hosts=(VendorHost(HOST, "Outharm API"),),
    lifecycle=LIFECYCLE,
    # `Authorization: Bearer <token>` (https://outharm.com/docs/api/authentication)
    auth=KeyAuth("Authorization", "Bearer", keys="tokens"),
    errors=ErrorFormat(render_error, message=("message",)),
    routes=(
        Route("POST", "/moderation/automated", routes.automated),
        Route("POST", "/moderation/manual", routes.manual),
        Route("POST", "/submissions/{submission_id}/moderation/manual", routes.add_to_queue),
        Route("POST", "/automated/predict", legacy.predict),
        Route("POST", "/manual/report/{prediction_id}", legacy.report),
        Route("POST", "/manual/appeal/{prediction_id}", legacy.appeal),
    ),
    actions=ACTIONS,
    matchers=MATCHERS,
    section=scenario.SECTION,
    state=OutharmState,
    webhooks=webhooks.POLICY,
    openapi=("openapi.yaml", "openapi-legacy.yaml"),
    console="console.js",
    fail=FAIL_DESCRIPTION,
    smoke=(
        SmokeCall(
            "POST",
            "/moderation/automated",
            {"schema_id": DEFAULT_SCHEMA_ID, "content": {"title": ["hello"]}},
            expect="is_harmful",
            host=HOST,
        ),
    ),
    variants=VARIANTS,
    drift_probes=drift_probes.PROBES,
)
