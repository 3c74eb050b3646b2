"""Helpers shared by the control-plane handlers: error guard, namespace world, filters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.base.filters import DeliveryFilter, FilterError, JournalFilter
from mockserver.base.requestbody import payload_problem
from mockserver.http import appkeys
from mockserver.http.control.responses import ControlError, fail, ok
from mockserver.http.world import World
from mockserver.kit.vendor import Vendor
from mockserver.records.notifier import TooManyWaits

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def guard(handler: Handler) -> Handler:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ControlError as exc:
            return ok({"error": exc.message, **exc.extra}, status=exc.status)
        except ApiError as exc:
            return ok({"error": exc.message, "data": exc.data}, status=exc.status)
        except TooManyWaits as exc:
            response = ok({"error": str(exc)}, status=429)
            response.headers["Retry-After"] = "1"
            return response
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


def journal_filter(request: web.Request) -> JournalFilter:
    """The journal filter of `?vendor=&method=&path=&status=&since=` (400 for a bad value)."""
    try:
        return JournalFilter.from_query(request.query)
    except FilterError as exc:
        fail(400, str(exc))


def delivery_filter(request: web.Request) -> DeliveryFilter:
    """The delivery filter of `?vendor=&event=&url=&state=&subject=`."""
    return DeliveryFilter.from_query(request.query)


def not_reached(world: World, message: str) -> tuple[int, str]:
    """The status and message of a wait that ends unmet: 408 when its time ran out, 503 when
    the namespace closed first (the sandbox shutting down, the namespace reset)."""
    if world.notifier.closed is not None:
        return 503, f"{message}: {world.notifier.closed}"
    return 408, message
