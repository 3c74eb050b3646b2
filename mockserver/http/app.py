"""The aiohttp application: every vendor's routes at their real paths, the control plane under
its reserved prefix, and the one middleware that gives each vendor call its world, journal
entry, injected faults and vendor-shaped errors."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from multidict import CIMultiDict, istr

from mockserver.base.errors import ApiError
from mockserver.base.loopwatch import serve_watch
from mockserver.base.redaction import redact_url
from mockserver.base.requestbody import (
    BodyLimits,
    BodyRefused,
    ClientGone,
    HeldBytes,
    arrived_body,
    close_if_abandoned,
    read_body,
)
from mockserver.http import appkeys, shutdown
from mockserver.http.control.access import control_call
from mockserver.http.control.openapi_routes import openapi_routes
from mockserver.http.control.routes import control_routes
from mockserver.http.hostports import HostBinding
from mockserver.http.settings import Settings
from mockserver.http.world import World, Worlds
from mockserver.kit.plain import PlainHandler, plain_twin
from mockserver.kit.vendor import Vendor
from mockserver.kit.worldview import ENTRY, SERVED_HOST, WORLD
from mockserver.records.journal import ANSWER_LIMIT, JournalEntry
from mockserver.records.notifier import Notifier
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.rules import ScriptedFault, scripted_latency
from mockserver.webhooks.transport import OwnAddresses, Transport

log = logging.getLogger("mockserver.http")


@dataclass(frozen=True, slots=True)
class _Serving:
    """What the middleware reads on every call, gathered once when the app is built: an app
    key costs a Python call per read (and `request.app` two)."""

    own: OwnAddresses
    vendors: tuple[Vendor, ...]
    route_vendors: dict[web.AbstractRoute, Vendor]
    plain: dict[Handler, PlainHandler]  # route handlers' plain twins (`kit/plain.py`)
    host_ports: dict[int, HostBinding]  # filled in place once the host ports are bound
    settings: Settings
    worlds: Worlds
    body_limits: BodyLimits


# Header names as multidict's case-insensitive strings: a lookup by one skips folding the name.
_AUTHORIZATION = istr("Authorization")
_NAMESPACE = istr(appkeys.NAMESPACE_HEADER)
_DELIVERY_MARK = istr(OwnAddresses.MARK_HEADER)


def _vendor_for(request: web.Request, serving: _Serving) -> Vendor | None:
    owner = serving.route_vendors.get(request.match_info.route)
    if owner is not None:
        return owner
    return next((v for v in serving.vendors if v.owns(request)), None)


def _host_of(request: web.Request, table: dict[int, HostBinding]) -> HostBinding | None:
    """The declared host whose own port the call arrived on (`--host-port`), if any."""
    sockname = request.get_extra_info("sockname")
    port = sockname[1] if isinstance(sockname, tuple) and len(sockname) >= 2 else None
    return table.get(port) if isinstance(port, int) else None


def _served_by_host(request: web.Request, host: HostBinding, vendor: Vendor | None) -> bool:
    """Whether the route a call matched is one its host serves: the host's vendor's, and not
    limited to the vendor's other hosts or to the main port (`Route.hosts`)."""
    if vendor is None or vendor.name != host.vendor:
        return False
    only = request.app[appkeys.ROUTE_HOSTS].get(request.match_info.route)
    return only is None or host.host in only


def _namespace_from_key(request: web.Request) -> tuple[str, web.Request]:
    """`Authorization: <scheme> <key>~<namespace>` runs the call in that namespace, with the
    suffix removed before the vendor checks the key. Isolation by API key for clients that
    can change only the base URL and the key (every vendor here sends its key this way)."""
    header = request.headers.get(_AUTHORIZATION, "")
    if "~" not in header:
        return "", request
    scheme, _, rest = header.strip().partition(" ")
    key, _, namespace = rest.rpartition("~")
    if not key or not namespace:
        return "", request
    headers = CIMultiDict(request.headers)
    headers["Authorization"] = f"{scheme} {key}"
    return namespace, request.clone(headers=headers)


def _http_error(exc: web.HTTPException, request: web.Request) -> ApiError:
    if exc.status == 404:
        return ApiError(404, f"No such endpoint: {request.method} {request.path}", code="not-found")
    if exc.status == 405:
        return ApiError(
            405, f"Method {request.method} is not allowed on {request.path}", code="not-allowed"
        )
    if exc.status == 413:
        return ApiError(413, "Request body is too large", code="content-too-large")
    return ApiError(exc.status, exc.reason, code="http-error")


def _vendor_middleware(serving: _Serving) -> Middleware:
    """The one middleware of an app serving `serving` (bound here: no app key read per call)."""

    @web.middleware
    async def vendor_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        own = serving.own
        if not own.ports:  # started without naming its port (port 0, a test server): learn it
            own.learn(request.get_extra_info("sockname"))
        host = _host_of(request, serving.host_ports) if serving.host_ports else None
        if host is None and request.path.startswith(appkeys.CONTROL_PREFIX):
            return await control_call(request, handler)
        if host is None and request.path == "/":  # the reviewer console is the sandbox's home page
            raise web.HTTPFound(appkeys.CONTROL_PREFIX + "/ui")
        vendors = serving.vendors
        vendor = _vendor_for(request, serving)
        if host is not None:  # a host's own port: that host's vendor answers, whatever the path
            request[SERVED_HOST] = host.host
            if not _served_by_host(request, host, vendor):
                handler = _not_served
            vendor = next(v for v in vendors if v.name == host.vendor)
        if vendor is None:
            return web.json_response(
                {"error": f"no emulated API serves {request.method} {request.path}"}, status=404
            )
        headers = request.headers
        if _DELIVERY_MARK in headers and own.marked(
            request
        ):  # a webhook of this sandbox that came back to it (a port forward)
            return vendor.render_error(ApiError(403, own.REFUSAL, code="self-delivery"))
        # a vendor call's namespace: the header only, so vendor query strings stay the vendor's
        namespace = headers.get(_NAMESPACE, "")
        if (
            not namespace
            and serving.settings.key_namespaces
            and "~" in headers.get(_AUTHORIZATION, "")
        ):
            namespace, request = _namespace_from_key(request)
            headers = request.headers
        worlds = serving.worlds
        try:
            found = worlds.get(namespace)  # no room for another namespace: refused before its body
        except ApiError as exc:
            return vendor.render_error(exc)
        started = time.perf_counter()
        entry = JournalEntry.arriving(
            vendor.name, request.method, request.path, request.query_string, headers
        )
        request[ENTRY] = entry
        world: World | None = None
        response: web.StreamResponse
        try:
            body = arrived_body(request, serving.body_limits)  # the usual call: all here, no wait
            if body is None:
                body = await read_body(request, serving.body_limits)
                # The namespace's world as it is now that the call has arrived whole: a reset while
                # the body was on its way replaced the world it found, and the call belongs to the
                # new. (A body that was all here found the world as it is: nothing ran meanwhile.)
                found = worlds.get(namespace)
            entry.body = body
            world = request[WORLD] = found
            entry.at = world.clock.now_iso()
            fault = None
            if world.scenario.http_faults:  # (`http_fault`'s first test, without its call)
                fault = world.http_fault(vendor.name, request.method, request.path)
            if fault is not None and fault.latency:
                await asyncio.sleep(fault.latency)
                if (
                    world.closed
                ):  # reset meanwhile: the call, which did nothing yet, goes to the new
                    world = request[WORLD] = worlds.get(namespace)
            if fault is not None and fault.status:
                raise ApiError(fault.status, fault.message or _fault_message(fault.status))
            # (No `scripted_latency(reset=True)` first: aiohttp runs each call in a task of its
            # own, with a copy of the connection's context, where no call's latency is set.)
            plain = serving.plain.get(handler)  # (none when another layer is in between)
            if plain is not None:
                response = plain(request, world)
            else:
                response = await handler(request)
            if latency := scripted_latency():  # a rule's `fail: {latency}`: the answer waits
                await asyncio.sleep(latency)
            if world.closed and request.method not in SAFE_METHODS:
                raise ApiError(503, RESET_MEANWHILE, code="namespace-reset")
        except BodyRefused as exc:
            response = vendor.render_error(exc.error)
            await close_if_abandoned(request, response)
        except ScriptedFault as exc:  # a rule's `fail` with a status, for every vendor
            if exc.latency:
                await asyncio.sleep(exc.latency)
            response = vendor.render_error(exc.error(vendor.fault_message))
        except ApiError as exc:
            response = vendor.render_error(exc)
        except ClientGone:  # nothing to answer, nor to journal: the call never fully arrived
            log.info("%s %s %s: client hung up mid-body", vendor.name, request.method, request.path)
            return web.Response(status=400)
        except web.HTTPException as exc:
            response = vendor.render_error(_http_error(exc, request))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("unexpected error in %s %s", request.method, request.path)
            response = vendor.render_error(ApiError(500, "Internal server error", code="internal"))
        entry.status = response.status
        if isinstance(response, web.Response) and isinstance(response.body, bytes):
            entry.answer = response.body[:ANSWER_LIMIT]  # a reference when short: no copy
        entry.duration_ms = (time.perf_counter() - started) * 1000
        if world is None or world.closed:
            world = _journal_world(worlds, namespace, world)
        if world is not None:
            if not entry.at:
                entry.at = world.clock.now_iso()
            world.journal.append(entry)
            notifier = world.notifier
            notifier.notify("journal", entry.path, entry)
            if request.method not in SAFE_METHODS and notifier.watched:
                _items_changed(notifier, request)
        if log.isEnabledFor(logging.INFO):  # the arguments alone cost a few µs per call
            log.info(
                "%s %s %s -> %d",
                vendor.name,
                request.method,
                redact_url(request.path_qs),
                response.status,
                extra={
                    "vendor": vendor.name,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status,
                    "namespace": namespace,
                    "event": "call",
                },
            )
        return response

    return vendor_middleware


async def _not_served(request: web.Request) -> web.StreamResponse:
    """What a host's own port answers for a path that host does not serve: the vendor's 404."""
    raise web.HTTPNotFound()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RESET_MEANWHILE = (
    "The sandbox namespace was reset while this call was being handled: nothing it did was "
    "kept; send it again"
)


def _journal_world(worlds: Worlds, namespace: str, world: World | None) -> World | None:
    """The world whose journal records a call: the one it ran in, or, when that was reset
    meanwhile (or the call never got one), the namespace's world now (None: no room)."""
    if world is not None and not world.closed:
        return world
    try:
        return worlds.get(namespace)
    except ApiError:
        return None


def _items_changed(notifier: Notifier, request: web.Request) -> None:
    """After a call that may change something, wake the item waits it can concern: those on
    each id its path names (`{request_id}`, `{loop_id}`, ...), and those on no id in
    particular. A create names no id: its path is a key no item wait uses, which wakes only
    the waits on no id. So vendors write no `world.changed()` for their HTTP calls."""
    keys = set(request.match_info.values()) or {request.path}
    for key in keys:
        notifier.notify("item", key)


def _fault_message(status: int) -> str:
    if status == 429:
        return "Too many requests"
    if status >= 500:
        return "Service temporarily unavailable"
    return "Request failed"


def build_app(
    settings: Settings, vendors: Sequence[Vendor], library: ScenarioLibrary
) -> web.Application:
    app = web.Application(client_max_size=settings.max_body)
    app[appkeys.SETTINGS] = settings
    app[appkeys.BODY_LIMITS] = BodyLimits(
        settings.max_body, settings.body_timeout, HeldBytes(settings.body_memory)
    )
    app[appkeys.VENDORS] = tuple(vendors)
    app[appkeys.LIBRARY] = library
    app[appkeys.STARTED_AT] = time.time()
    transport = app[appkeys.TRANSPORT] = Transport()
    app[appkeys.WORLDS] = Worlds(library.default, settings, vendors, transport)

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        watch = None
        if settings.loop_watchdog_ms:
            watch = serve_watch(
                settings.loop_watchdog_ms,
                settings.loop_watchdog_report,
                asyncio.get_running_loop(),
            )
            watch.install()
        yield
        await shutdown.close_worlds(app)
        await transport.close()
        if watch is not None:
            watch.uninstall()

    app.on_shutdown.append(shutdown.answer_waits)
    app.cleanup_ctx.append(lifetime)
    owners: dict[web.AbstractRoute, str] = {}
    route_vendors: dict[web.AbstractRoute, Vendor] = {}
    only_on: dict[web.AbstractRoute, tuple[str, ...]] = {}
    plain: dict[Handler, PlainHandler] = {}
    for vendor in vendors:
        for route in vendor.routes:
            added = app.router.add_route(route.method, route.path, route.handler)
            owners[added] = vendor.name
            route_vendors[added] = vendor
            if (twin := plain_twin(route.handler)) is not None:
                plain[route.handler] = twin
            if route.hosts is not None:
                only_on[added] = route.hosts
    app[appkeys.ROUTE_OWNERS] = owners
    app[appkeys.ROUTE_VENDORS] = route_vendors
    app[appkeys.ROUTE_HOSTS] = only_on
    app[appkeys.HOST_PORTS] = {}  # filled by whoever binds the host ports (hostports.install)
    app.router.add_routes(control_routes())
    app.router.add_routes(openapi_routes())
    serving = _Serving(
        transport.own,
        app[appkeys.VENDORS],
        route_vendors,
        plain,
        app[appkeys.HOST_PORTS],
        settings,
        app[appkeys.WORLDS],
        app[appkeys.BODY_LIMITS],
    )
    app.middlewares.append(_vendor_middleware(serving))
    return app
