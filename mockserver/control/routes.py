"""Control-plane routes: health, reset, scenario, journal, deliveries, clock, reviewers, waits.

Every call takes an optional namespace (`X-Mockserver-Namespace` header or `?namespace=`), so
parallel test workers sharing one sandbox never see each other's state, journal, deliveries or
clock. Errors are `{"error": message}` with extra detail keys where useful.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import jsonschema
from aiohttp import web

from mockserver import __version__, appkeys
from mockserver.control.responses import ControlError, fail, ok, query_float, query_int, read_json
from mockserver.durations import parse_duration
from mockserver.errors import ApiError, ScenarioError
from mockserver.scenario.loader import parse_scenario
from mockserver.scenario.rules import parse_steps, rules_schema
from mockserver.scenario.schema import scenario_schema
from mockserver.vendor import Vendor
from mockserver.world import World

P = appkeys.CONTROL_PREFIX
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _guard(handler: Handler) -> Handler:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ControlError as exc:
            return ok({"error": exc.message, **exc.extra}, status=exc.status)
        except ApiError as exc:
            return ok({"error": exc.message, "data": exc.data}, status=exc.status)

    return wrapped


def _world(request: web.Request) -> World:
    return request.app[appkeys.WORLDS].get(appkeys.namespace_of(request))


def _vendor(request: web.Request, name: str) -> Vendor:
    for vendor in request.app[appkeys.VENDORS]:
        if vendor.name == name:
            return vendor
    names = ", ".join(v.name for v in request.app[appkeys.VENDORS])
    fail(404, f"unknown vendor {name!r} (vendors: {names})")


async def health(request: web.Request) -> web.Response:
    app = request.app
    worlds = app[appkeys.WORLDS]
    return ok(
        {
            "status": "ok",
            "version": __version__,
            "scenario": worlds.scenario_for(appkeys.namespace_of(request)).name,
            "vendors": [v.name for v in app[appkeys.VENDORS]],
            "namespaces": worlds.namespaces(),
            "uptime_seconds": round(time.time() - app[appkeys.STARTED_AT], 3),
        }
    )


async def reset(request: web.Request) -> web.Response:
    worlds = request.app[appkeys.WORLDS]
    if request.query.get("all") in ("1", "true"):
        await worlds.reset_all()
        return ok({"reset": "all", "namespaces": worlds.namespaces()})
    namespace = appkeys.namespace_of(request)
    world = await worlds.reset(namespace)
    return ok({"reset": namespace, "clock": world.clock.describe()})


async def get_scenario(request: web.Request) -> web.Response:
    worlds = request.app[appkeys.WORLDS]
    scenario = worlds.scenario_for(appkeys.namespace_of(request))
    library = request.app[appkeys.LIBRARY]
    world = _world(request)
    problems: list[str] = []
    for vendor in request.app[appkeys.VENDORS]:
        problems.extend(world.state(vendor.name).scenario_problems())
    return ok(
        {
            "problems": problems,
            "name": scenario.name,
            "source": scenario.source,
            "description": scenario.description,
            "clock": scenario.clock,
            "reviewers": [r.__dict__ for r in scenario.reviewers],
            "available": sorted(library.named),
        }
    )


async def put_scenario(request: web.Request) -> web.Response:
    """Body: scenario YAML (or JSON) text, or `{"name": "..."}` naming a library scenario."""
    app = request.app
    raw = (await request.read()).decode("utf-8", "replace")
    library = app[appkeys.LIBRARY]
    vendors = app[appkeys.VENDORS]
    name = None
    if raw.lstrip().startswith("{"):
        body = await read_json(request)
        if set(body) == {"name"}:
            name = str(body["name"])
    if name is not None:
        if name not in library.named:
            fail(404, f"no scenario named {name!r}", available=sorted(library.named))
        scenario = library.named[name]
    else:
        try:
            scenario = parse_scenario(raw, "<uploaded>", vendors, default_name="uploaded")
        except ScenarioError as exc:
            fail(400, "scenario rejected", problems=exc.problems)
    namespace = request.headers.get(appkeys.NAMESPACE_HEADER) or request.query.get("namespace")
    await app[appkeys.WORLDS].use_scenario(scenario, namespace)
    return ok({"name": scenario.name, "source": scenario.source})


async def get_schema(request: web.Request) -> web.Response:
    vendors = request.app[appkeys.VENDORS]
    return ok(scenario_schema(vendors))


def _journal_filters(request: web.Request) -> dict[str, Any]:
    q = request.query
    return {
        "vendor": q.get("vendor"),
        "method": q.get("method"),
        "path": q.get("path"),
        "status": query_int(request, "status"),
        "since": query_int(request, "since"),
    }


async def get_journal(request: web.Request) -> web.Response:
    world = _world(request)
    entries = world.journal.query(**_journal_filters(request))
    limit = query_int(request, "limit")
    if limit is not None:
        entries = entries[-limit:]
    return ok(
        {
            "entries": [e.to_json() for e in entries],
            "count": len(entries),
            "total": world.journal.total,
            "dropped": world.journal.dropped,
        }
    )


async def clear_journal(request: web.Request) -> web.Response:
    _world(request).journal.clear()
    return ok({"cleared": True})


def _delivery_filters(request: web.Request) -> dict[str, Any]:
    q = request.query
    return {k: q.get(k) for k in ("vendor", "event", "url", "state", "subject")}


async def get_deliveries(request: web.Request) -> web.Response:
    world = _world(request)
    found = world.dispatcher.query(**_delivery_filters(request))
    return ok(
        {
            "deliveries": [d.to_json() for d in found],
            "count": len(found),
            "total": world.dispatcher.log.total,
            "dropped": world.dispatcher.log.dropped,
        }
    )


async def clear_deliveries(request: web.Request) -> web.Response:
    _world(request).dispatcher.log.clear()
    return ok({"cleared": True})


async def get_delivery(request: web.Request) -> web.Response:
    delivery = _world(request).dispatcher.get(request.match_info["id"])
    if delivery is None:
        fail(404, f"no delivery {request.match_info['id']!r}")
    return ok(delivery.to_json())


async def redeliver(request: web.Request) -> web.Response:
    world = _world(request)
    delivery = world.dispatcher.get(request.match_info["id"])
    if delivery is None:
        fail(404, f"no delivery {request.match_info['id']!r}")
    again = world.dispatcher.redeliver(delivery)
    return ok(again.to_json(), status=201)


async def get_clock(request: web.Request) -> web.Response:
    return ok(_world(request).clock.describe())


async def advance_clock(request: web.Request) -> web.Response:
    """Body `{"by": "1h"}` (or `{"seconds": 3600}`); fires everything due, then answers."""
    body = await read_json(request, required=True)
    raw = body.get("by", body.get("seconds"))
    if raw is None:
        fail(400, "give `by` (a duration like 90s, 2m, 1h) or `seconds`")
    try:
        seconds = parse_duration(raw)
    except ValueError as exc:
        fail(400, str(exc))
    world = _world(request)
    fired = await world.clock.advance(seconds)
    return ok({**world.clock.describe(), "fired": fired})


async def set_clock(request: web.Request) -> web.Response:
    """Body `{"time": "2026-01-01T10:00:00Z"}`; forward fires what falls due."""
    body = await read_json(request, required=True)
    text = body.get("time")
    try:
        ts = datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()
    except ValueError:
        fail(400, f"`time` must be an ISO-8601 time like 2026-01-01T10:00:00Z, got {text!r}")
    world = _world(request)
    fired = await world.clock.set_time(ts)
    return ok({**world.clock.describe(), "fired": fired})


async def clock_mode(request: web.Request) -> web.Response:
    """Body `{"mode": "manual"}`, `{"mode": "real"}` or `{"mode": "scaled", "scale": 60}`."""
    body = await read_json(request, required=True)
    mode = body.get("mode")
    if mode not in ("real", "scaled", "manual"):
        fail(400, "`mode` must be one of: real, scaled, manual")
    scale = body.get("scale", 1.0)
    if not isinstance(scale, int | float) or isinstance(scale, bool) or scale <= 0:
        fail(400, "`scale` must be a positive number")
    world = _world(request)
    world.clock.set_mode(mode, float(scale))
    return ok(world.clock.describe())


async def list_items(request: web.Request) -> web.Response:
    world = _world(request)
    status = request.query.get("status")
    wanted = request.query.get("vendor")
    items: list[dict[str, Any]] = []
    for vendor in request.app[appkeys.VENDORS]:
        if wanted and vendor.name != wanted:
            continue
        for item in world.state(vendor.name).items(status):
            items.append({"vendor": vendor.name, **item})
    return ok({"items": items, "count": len(items)})


async def act(request: web.Request) -> web.Response:
    """Act as a reviewer now. Body: one step in the scenario format, e.g.
    `{"respond": {"choose": "Approve", "by": "dana@example.com"}}` or `"timeout"`."""
    vendor = _vendor(request, request.match_info["vendor"])
    raw = (await request.read()).decode("utf-8", "replace")
    import json

    try:
        step_data = json.loads(raw) if raw.strip() else None
    except ValueError as exc:
        fail(400, f"body is not valid JSON: {exc}")
    schema = rules_schema(vendor.vocabulary(), "items")["items"]["properties"]["then"]
    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors(step_data))
    if errors:
        words = sorted({"fail", *vendor.vocabulary().actions} - {"fail"})
        fail(400, "not a valid action", detail=errors[0].message, actions=words)
    steps = parse_steps(step_data, lambda _p: "control plane")
    world = _world(request)
    state = world.state(vendor.name)
    item_id = request.match_info["id"]
    result: dict[str, Any] = {}
    for step in steps:
        result = await state.act(item_id, step)
    world.changed()
    return ok(result)


async def wait_item(request: web.Request) -> web.Response:
    """Long-poll until an item reaches `status` (comma-separated alternatives) or `timeout`."""
    vendor = _vendor(request, request.match_info["vendor"])
    wanted = set((request.query.get("status") or "").split(",")) - {""}
    if not wanted:
        fail(400, "give ?status=completed (or several, comma-separated)")
    timeout = query_float(request, "timeout", 10.0)
    world = _world(request)
    state = world.state(vendor.name)
    item_id = request.match_info["id"]
    if state.item_status(item_id) is None:
        fail(404, f"no {vendor.name} item {item_id!r}")
    reached = await world.notifier.wait_for(lambda: state.item_status(item_id) in wanted, timeout)
    current = state.item_status(item_id)
    if not reached:
        fail(408, f"still {current!r} after {timeout:g}s", current_status=current)
    return ok({"id": item_id, "status": current})


async def wait_deliveries(request: web.Request) -> web.Response:
    """Long-poll until `count` deliveries match the filters (and, with ?state=, that state)."""
    world = _world(request)
    count = query_int(request, "count") or 1
    timeout = query_float(request, "timeout", 10.0)
    filters = _delivery_filters(request)
    reached = await world.notifier.wait_for(
        lambda: len(world.dispatcher.query(**filters)) >= count, timeout
    )
    found = world.dispatcher.query(**filters)
    if not reached:
        fail(
            408,
            f"{len(found)} of {count} deliveries after {timeout:g}s",
            deliveries=[d.to_json() for d in found],
        )
    return ok({"deliveries": [d.to_json() for d in found], "count": len(found)})


async def wait_journal(request: web.Request) -> web.Response:
    world = _world(request)
    count = query_int(request, "count") or 1
    timeout = query_float(request, "timeout", 10.0)
    filters = _journal_filters(request)
    reached = await world.notifier.wait_for(
        lambda: len(world.journal.query(**filters)) >= count, timeout
    )
    found = world.journal.query(**filters)
    if not reached:
        fail(408, f"{len(found)} of {count} calls after {timeout:g}s")
    return ok({"entries": [e.to_json() for e in found], "count": len(found)})


def control_routes() -> list[web.RouteDef]:
    table: list[tuple[str, str, Handler]] = [
        ("GET", "/health", health),
        ("POST", "/reset", reset),
        ("GET", "/scenario", get_scenario),
        ("PUT", "/scenario", put_scenario),
        ("GET", "/schema", get_schema),
        ("GET", "/journal", get_journal),
        ("DELETE", "/journal", clear_journal),
        ("GET", "/deliveries", get_deliveries),
        ("DELETE", "/deliveries", clear_deliveries),
        ("GET", "/deliveries/{id}", get_delivery),
        ("POST", "/deliveries/{id}/redeliver", redeliver),
        ("GET", "/clock", get_clock),
        ("POST", "/clock/advance", advance_clock),
        ("POST", "/clock/set", set_clock),
        ("POST", "/clock/mode", clock_mode),
        ("GET", "/items", list_items),
        ("POST", "/items/{vendor}/{id}", act),
        ("GET", "/wait/items/{vendor}/{id}", wait_item),
        ("GET", "/wait/deliveries", wait_deliveries),
        ("GET", "/wait/journal", wait_journal),
    ]
    return [web.route(method, P + path, _guard(handler)) for method, path, handler in table]
