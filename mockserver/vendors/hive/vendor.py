"""Hive as a vendor of the core: the one object the registry lists.

It declares Hive's routes (`routes.py`), error body and auth (`http.py`), the `hive:` scenario
section (`scenario.py`), the Review Feed moderators' words (`actions.py`) and `when` keys
(`matchers.py`), the lifecycle (`lifecycle.py`), the webhook policy (`webhooks.py`), the
variants and the OpenAPI documents of both products (Moderation Dashboard and Models API).
"""

from __future__ import annotations

from typing import Final

from mockserver.kit.vendor import (
    ErrorFormat,
    KeyAuth,
    SmokeCall,
    Vendor,
    VendorHost,
    WebhookPolicy,
)

from . import drift_probes, routes, scenario
from .actions import ACTIONS
from .http import DASHBOARD_HOST, MODELS_HOST, MODELS_PATH_PREFIX, render_error
from .lifecycle import LIFECYCLE
from .matchers import MATCHERS
from .scenario_schema import FAIL_DESCRIPTION
from .state import HiveState
from .variants import VARIANTS
from .webhooks import CALLBACK_POLICY

VENDOR: Final = Vendor(
    name="hive",
    title="Hive (Moderation Dashboard and Models APIs)",
    package=__package__ or "",
    path_prefixes=("/api/v1/", "/api/v2/", MODELS_PATH_PREFIX + "/"),
    base_path="",  # clients use the server's URL as Hive's (both products' paths start /api)
    hosts=(
        VendorHost(DASHBOARD_HOST, "Hive Moderation Dashboard API"),
        VendorHost(MODELS_HOST, "Hive Models API"),
    ),
    lifecycle=LIFECYCLE,
    # `authorization: token <KEY>` (https://docs.thehive.ai/reference/authentication)
    auth=KeyAuth("Authorization", "token", keys="keys"),
    errors=ErrorFormat(render_error, message=("message",)),
    routes=tuple(routes.routes()),
    actions=ACTIONS,
    matchers=MATCHERS,
    section=scenario.SECTION,
    state=HiveState,
    # Task callbacks' retry schedule (Dashboard action callbacks retry on the same schedule but
    # count only HTTP 200 as delivered, `webhooks.ACTION_POLICY`). No signature scheme: Hive
    # documents none (https://docs.thehive.ai/docs/actions documents only the static header);
    # an action's optional static header is a credential the scenario sets, journalled as a
    # secret, not a signature.
    webhooks=WebhookPolicy(retry=CALLBACK_POLICY, signatures=()),
    openapi=("openapi-dashboard.yaml", "openapi-models.yaml"),
    console="console.js",
    fail=FAIL_DESCRIPTION,
    smoke=(
        SmokeCall(
            "POST",
            "/api/v1/task/sync",
            {"text_data": "hello", "post_id": "p1", "user_id": "u1"},
            expect="task_id",
            host=DASHBOARD_HOST,
        ),
        SmokeCall("POST", "/api/v2/task/sync", {"text_data": "hello"}, host=MODELS_HOST),
    ),
    variants=VARIANTS,
    drift_probes=drift_probes.PROBES,
)
