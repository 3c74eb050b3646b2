"""Plain twins of route handlers: a vendor endpoint that awaits nothing may also be given as a
plain function of the request and its world, which the server's middleware calls instead of
awaiting the route's coroutine (one coroutine, and the world's lookup on the request, fewer on
the busiest calls). The coroutine stays the route's handler: aiohttp calls only coroutines,
and it is what runs wherever the middleware is not the one calling (a chain with another
middleware in between)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from mockserver.kit.vendor import Handler
from mockserver.kit.worldview import WorldView

PlainHandler = Callable[[web.Request, WorldView], web.StreamResponse]
"""`plain(request, world)`: the answer, as the twin coroutine would give it, for a call whose
body has been read already (the middleware reads every body before any handler runs)."""

_TWINS: dict[Handler, PlainHandler] = {}


def with_plain_twin(handler: Handler, plain: PlainHandler) -> Handler:
    """`handler`, known from now on to have `plain` as its twin (for `plain_twin`)."""
    _TWINS[handler] = plain
    return handler


def plain_twin(handler: Handler) -> PlainHandler | None:
    """The plain twin `handler` was given, if any."""
    return _TWINS.get(handler)
