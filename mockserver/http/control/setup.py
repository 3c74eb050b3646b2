"""Control plane: health, reset, the current scenario and its schema."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

import yaml
from aiohttp import web

from mockserver import __version__
from mockserver.base.errors import ScenarioError
from mockserver.http import appkeys
from mockserver.http.control.common import world_for
from mockserver.http.control.responses import fail, ok, read_json
from mockserver.kit.vendor import Vendor
from mockserver.records.clockmodes import spelled
from mockserver.scenario.loading.loader import parse_scenario
from mockserver.scenario.loading.schema import scenario_schema
from mockserver.scenario.model import Scenario

log = logging.getLogger("mockserver.state")  # what changed; the calls themselves: access.py


async def health(request: web.Request) -> web.Response:
    """Up, and what it serves; `waits`: the long-poll waits parked now, in the namespace and
    in all (a script that sends a wait from one thread and acts from another can see the wait
    arrive before it acts). Reading it creates no namespace."""
    app = request.app
    worlds = app[appkeys.WORLDS]
    namespace = appkeys.namespace_of(request)
    return ok(
        {
            "status": "ok",
            "version": __version__,
            "scenario": worlds.scenario_for(namespace).name,
            "vendors": [v.name for v in app[appkeys.VENDORS]],
            "namespaces": worlds.namespaces(),
            "waits": {"parked": worlds.parked(namespace), "parked_all": worlds.parked_all()},
            "uptime_seconds": round(time.time() - app[appkeys.STARTED_AT], 3),
        }
    )


async def reset(request: web.Request) -> web.Response:
    """`?all=1`: every namespace; `?scenario=default`: back on the server's default scenario."""
    every = request.query.get("all") in ("1", "true")
    scenario = request.query.get("scenario")
    if scenario not in (None, "default"):
        fail(
            400,
            f"query parameter 'scenario' must be 'default', got {scenario!r} "
            "(to load another scenario: PUT /_mockserver/scenario)",
        )
    namespace = None if every else appkeys.namespace_of(request)
    return ok(await reset_worlds(request.app, namespace, default=scenario == "default"))


async def reset_worlds(
    app: web.Application, namespace: str | None, *, default: bool = False
) -> dict[str, Any]:
    """What `POST /_mockserver/reset` does: a fresh world for `namespace`, or for every one
    with None; with `default`, on the server's default scenario (scenarios loaded since are
    forgotten). Every namespace on the default (what the pytest plugin asks before each test
    in-process) closes the worlds at once; they are made again on their next call, so an
    unused sandbox costs nothing."""
    worlds = app[appkeys.WORLDS]
    if namespace is None:
        if default:
            await worlds.close_all(grace=0.5)
            await worlds.use_scenario(app[appkeys.LIBRARY].default, None)
        else:
            await worlds.reset_all()
        log.info(
            "reset: every namespace%s",
            " on the default scenario" if default else "",
            extra={"event": "reset"},
        )
        return {"reset": "all", "namespaces": worlds.namespaces()}
    if default:
        await worlds.use_scenario(app[appkeys.LIBRARY].default, namespace)
    world = await worlds.reset(namespace) if not default else worlds.get(namespace)
    log.info(
        "reset: a fresh world on scenario %r",
        world.scenario.name,
        extra={"namespace": namespace, "event": "reset"},
    )
    return {"reset": namespace, "clock": world.clock.describe()}


async def get_scenario(request: web.Request) -> web.Response:
    worlds = request.app[appkeys.WORLDS]
    scenario = worlds.scenario_for(appkeys.namespace_of(request))
    library = request.app[appkeys.LIBRARY]
    world = world_for(request)
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
            "ready_made": library.ready_made(),
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
        found = library.find(name, vendors)
        if found is None:
            names = library.available()
            fail(
                404, f"no scenario named {name!r} (available: {', '.join(names)})", available=names
            )
        scenario = found
    else:
        scenario = _uploaded(request, raw)
    namespace = request.headers.get(appkeys.NAMESPACE_HEADER) or request.query.get("namespace")
    await app[appkeys.WORLDS].use_scenario(scenario, namespace)
    log.info(
        "scenario %r loaded from %s, clock %s%s",
        scenario.name,
        scenario.source,
        spelled(scenario.clock, scenario.scale),
        "" if namespace is not None else " (every namespace reset)",
        extra={"namespace": namespace or "", "event": "scenario"},
    )
    return ok({"name": scenario.name, "source": scenario.source})


def _uploaded(request: web.Request, raw: str) -> Scenario:
    """The scenario an upload holds (`?source=` names it in messages); a 400 listing its
    problems when it is broken or empty."""
    vendors = request.app[appkeys.VENDORS]
    try:
        source = request.query.get("source") or "<uploaded>"
        default_name = PurePosixPath(source).stem if "source" in request.query else "uploaded"
        scenario = parse_scenario(raw, source, vendors, default_name=default_name)
        empty = _declares_nothing(raw, vendors)
        if empty:
            raise ScenarioError([f"{source}:1:1: {empty}"])
    except ScenarioError as exc:
        problems = exc.problems
        if "\n" not in raw.strip() and len(raw) > 40 and not raw.lstrip().startswith("{"):
            problems = [*problems, f"{source}: {CURL_HINT}"]
        fail(400, "scenario rejected", problems=problems)
    return scenario


async def add_scenario(request: web.Request) -> web.Response:
    """`POST /_mockserver/scenarios`: add an uploaded scenario to the server's library without
    using it, so every namespace can switch to it by name (`PUT /_mockserver/scenario
    {"name": ...}`, `use_scenario`). What `mockserver load` sends for each file of a folder,
    for a sandbox that could not mount them (a CI service container starts before checkout).
    A name already in the library is replaced."""
    raw = (await request.read()).decode("utf-8", "replace")
    scenario = _uploaded(request, raw)
    library = request.app[appkeys.LIBRARY]
    library.named[scenario.name] = scenario
    log.info(
        "scenario %r added from %s, clock %s",
        scenario.name,
        scenario.source,
        spelled(scenario.clock, scenario.scale),
        extra={"event": "scenario"},
    )
    return ok({"name": scenario.name, "source": scenario.source, "available": library.available()})


CURL_HINT = (
    "the upload is one long line: if you sent a file with `curl -d @file`, curl removed its "
    "line breaks; send it with `--data-binary @file`"
)


def _declares_nothing(raw: str, vendors: Sequence[Vendor]) -> str:
    """Why an upload that parsed is still no scenario (empty, or only comments), naming the
    usual cause; "" when it has any key."""
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError:
        return ""
    if isinstance(data, dict) and data:
        return ""
    names = ", ".join(v.name for v in vendors)
    what = "the body is empty" if not raw.strip() else "the body holds only a comment"
    return (
        f"{what}: it declares nothing for any vendor ({names}); if you sent a file with "
        "`curl -d @file`, curl removed its line breaks, so a first-line comment swallowed the "
        "rest: send it with `--data-binary @file`"
    )


async def get_schema(request: web.Request) -> web.Response:
    vendors = request.app[appkeys.VENDORS]
    return ok(scenario_schema(vendors))


async def list_namespaces(request: web.Request) -> web.Response:
    return ok({"namespaces": request.app[appkeys.WORLDS].namespaces()})


async def drop_namespace(request: web.Request) -> web.Response:
    """Forget a namespace (its state, journal, deliveries, clock and scenario override)."""
    name = request.match_info["namespace"]
    if not await request.app[appkeys.WORLDS].drop(name):
        fail(404, f"no namespace {name!r}")
    return ok({"dropped": name})
