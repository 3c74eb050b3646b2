"""Helpers shared by the control-plane handlers: error guard, namespace world, filters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from mockserver import appkeys
from mockserver.control.responses import ControlError, fail, ok, query_int
from mockserver.errors import ApiError
from mockserver.requestbody import payload_problem
from mockserver.vendor import Vendor
from mockserver.world import World

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def guard(handler: Handler) -> Handler:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ControlError as exc:
            return ok({"error": exc.message, **exc.extra}, status=exc.status)
        except ApiError as exc:
            return ok({"error": exc.message, "data": exc.data}, status=exc.status)
        except web.RequestPayloadError as exc:  # e.g. a broken Content-Encoding: gzip
            return ok(
                {"error": f"the request body cannot be read: {payload_problem(request, exc)}"}, 400
            )
        except ConnectionResetError:  # the client hung up mid-body: nobody to answer
            return web.Response(status=400)

    return wrapped


def world_for(request: web.Request) -> World:
    return request.app[appkeys.WORLDS].get(appkeys.namespace_of(request))


def vendor_named(request: web.Request, name: str) -> Vendor:
    for vendor in request.app[appkeys.VENDORS]:
        if vendor.name == name:
            return vendor
    names = ", ".join(v.name for v in request.app[appkeys.VENDORS])
    fail(404, f"unknown vendor {name!r} (vendors: {names})")


def journal_filters(request: web.Request) -> dict[str, Any]:
    q = request.query
    return {
        "vendor": q.get("vendor"),
        "method": q.get("method"),
        "path": q.get("path"),
        "status": query_int(request, "status", minimum=100, maximum=599),
        "since": query_int(request, "since"),
    }


def delivery_filters(request: web.Request) -> dict[str, Any]:
    q = request.query
    return {k: q.get(k) for k in ("vendor", "event", "url", "state", "subject")}


def not_reached(world: World, message: str) -> tuple[int, str]:
    """The status and message of a wait that ends unmet: 408 when its time ran out, 503 when
    the namespace closed first (the sandbox shutting down, the namespace reset)."""
    if world.notifier.closed is not None:
        return 503, f"{message}: {world.notifier.closed}"
    return 408, message
