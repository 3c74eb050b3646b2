"""Echo review as a vendor of the core: one declaration saying everything the core needs.

Adding a vendor to the sandbox is its folder and its package listed in `mockserver/registry.py`
(`PACKAGES`); a test serves one of its own with `registry.register(VENDOR)`.
"""

from __future__ import annotations

from typing import Final

from mockserver.kit.vendor import KeyAuth, SmokeCall, Vendor, VendorHost

from . import http, routes, scenario, webhooks
from .actions import ACTIONS
from .lifecycle import LIFECYCLE
from .matchers import MATCHERS
from .state import EchoState

VENDOR: Final = Vendor(
    name="echo",
    title="Echo review",
    package=__package__ or "",
    path_prefixes=("/echo",),
    hosts=(VendorHost("api.echo.example", "Echo review API"),),
    lifecycle=LIFECYCLE,
    auth=KeyAuth("Authorization", "Bearer", keys="keys"),
    errors=http.ERRORS,
    routes=routes.ROUTES,
    actions=ACTIONS,
    matchers=MATCHERS,
    section=scenario.SECTION,
    state=EchoState,
    webhooks=webhooks.POLICY,
    openapi=("openapi.yaml",),
    smoke=(SmokeCall("POST", "/echo/messages", {"text": "hello"}, expect="id"),),
)
