"""Typed keys for what the aiohttp application carries, and the control plane's prefix and
namespace header. What a vendor's request carries (its world, its journal entry, the host port
it came on) is the kit's (`mockserver/kit/worldview.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from mockserver.base.requestbody import BodyLimits
    from mockserver.http.hostports import HostBinding
    from mockserver.http.settings import Settings
    from mockserver.http.world import Worlds
    from mockserver.kit.vendor import Vendor
    from mockserver.scenario.loading.library import ScenarioLibrary
    from mockserver.webhooks.transport import Transport

WORLDS: web.AppKey[Worlds] = web.AppKey("worlds")
SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
VENDORS: web.AppKey[tuple[Vendor, ...]] = web.AppKey("vendors")
LIBRARY: web.AppKey[ScenarioLibrary] = web.AppKey("library")
STARTED_AT: web.AppKey[float] = web.AppKey("started_at")
TRANSPORT: web.AppKey[Transport] = web.AppKey("transport")
BODY_LIMITS: web.AppKey[BodyLimits] = web.AppKey("body_limits")
ROUTE_OWNERS: web.AppKey[dict[web.AbstractRoute, str]] = web.AppKey("route_owners")
ROUTE_VENDORS: web.AppKey[dict[web.AbstractRoute, Vendor]] = web.AppKey("route_vendors")
"""Each vendor route's owner (by name, and the vendor itself for the middleware)."""
ROUTE_HOSTS: web.AppKey[dict[web.AbstractRoute, tuple[str, ...]]] = web.AppKey("route_hosts")
"""The routes served on only some of their vendor's host ports (`Route.hosts`)."""
HOST_PORTS: web.AppKey[dict[int, HostBinding]] = web.AppKey("host_ports")
"""Listening port -> the declared host it serves (`--host-port`); empty: none."""

NAMESPACE_HEADER = "X-Mockserver-Namespace"
CONTROL_PREFIX = "/_mockserver"


def namespace_of(request: web.Request) -> str:
    """A control-plane call's namespace: the header, or `?namespace=`."""
    return request.headers.get(NAMESPACE_HEADER) or request.query.get("namespace", "") or ""
