"""Control plane: reviewable items of every vendor, acting as a reviewer, waiting on one."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import jsonschema
from aiohttp import web

from mockserver.base import jsonio
from mockserver.http import appkeys
from mockserver.http.control.common import not_reached, vendor_named, world_for
from mockserver.http.control.responses import fail, ok, query_float, query_int
from mockserver.http.world import World
from mockserver.kit.vendor import Vendor
from mockserver.scenario.rules import parse_steps, rules_schema
from mockserver.scenario.steps import MANUAL

log = logging.getLogger("mockserver.state")  # what changed; the calls themselves: access.py


async def list_items(request: web.Request) -> web.Response:
    """The namespace's items (`?all=1`: every namespace's), each with its namespace and what
    its pending timers will do next (`next`: when, action, the scenario line); `clocks` gives
    each listed namespace's clock, to tell an item's age and the time left before its timeout."""
    worlds = request.app[appkeys.WORLDS]
    if request.query.get("all") in ("1", "true"):
        listed = [worlds.get(ns) for ns in worlds.namespaces()] or [world_for(request)]
    else:
        listed = [world_for(request)]
    wanted = request.query.get("vendor")
    vendors = [v for v in request.app[appkeys.VENDORS] if not wanted or v.name == wanted]
    statuses = _statuses(request.query.get("status"), vendors)
    items: list[dict[str, Any]] = []
    for world in listed:
        upcoming = _timers_by_item(world)
        for vendor in vendors:
            chosen = None if statuses is None else statuses[vendor.name]
            for item in vendor.actions.items(world.state(vendor.name), chosen):
                item = {"vendor": vendor.name, "namespace": world.namespace, **item}
                item["next"] = upcoming.get(str(item["id"]).lower(), [])
                items.append(item)
    count = len(items)
    limit = query_int(request, "limit")
    if limit is not None:
        items = items[-limit:] if limit > 0 else []
    clocks = {world.namespace: world.clock.describe() for world in listed}
    return ok({"items": items, "count": count, "clocks": clocks})


WAITING = "waiting"


def _statuses(raw: str | None, vendors: Sequence[Vendor]) -> dict[str, set[str]] | None:
    """`?status=` (comma-separated) as each vendor's statuses: `waiting` is every vendor's
    own waiting ones (`Vendor.waiting`); None lists every status. A word no listed vendor
    has is a 400 naming the words there are, so `pendng` is not an empty list."""
    words = {w.strip() for w in (raw or "").split(",")} - {""}
    if not words:
        return None
    known = {s for v in vendors for s in v.statuses}
    unknown = sorted(words - known - {WAITING})
    if unknown:
        by_vendor = "; ".join(f"{v.name}: {', '.join(v.statuses)}" for v in vendors)
        fail(
            400,
            f"no vendor has the status {', '.join(map(repr, unknown))}: use {WAITING!r} "
            f"(what waits for a reviewer, every vendor) or one of {by_vendor}",
        )
    return {
        v.name: (words - {WAITING}) | (set(v.waiting) if WAITING in words else set())
        for v in vendors
    }


def _timers_by_item(world: World) -> dict[str, list[dict[str, Any]]]:
    """Pending timers grouped by the item their label names (`<item id>:<action>`)."""
    now = world.clock.timestamp()
    out: dict[str, list[dict[str, Any]]] = {}
    for timer in world.clock.pending():
        key, _, word = timer.name.rpartition(":")
        if key:
            out.setdefault(key.lower(), []).append({"action": word, **timer.to_json(now)})
    return out


async def act(request: web.Request) -> web.Response:
    """Act as a reviewer now. Body: one step in the scenario format, e.g.
    `{"respond": {"choose": "Approve", "by": "dana@example.com"}}` or `"timeout"`."""
    vendor = vendor_named(request, request.match_info["vendor"])
    raw = (await request.read()).decode("utf-8", "replace")

    try:
        step_data = jsonio.loads(raw) if raw.strip() else None
    except jsonio.TooDeep as exc:
        fail(400, f"body is {exc}")
    except ValueError as exc:
        fail(400, f"body is not valid JSON: {exc}")
    schema = rules_schema(vendor.vocabulary(), "items")["items"]["properties"]["then"]
    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors(step_data))
    if errors:
        words = sorted({"fail", *vendor.vocabulary().actions} - {"fail"})
        fail(400, "not a valid action", detail=errors[0].message, actions=words)
    steps = parse_steps(step_data, lambda _p: MANUAL)
    if not steps:
        fail(400, 'give at least one action, e.g. {"claim": {}}')
    world = world_for(request)
    for step in steps:
        if step.by and step.by != "random" and world.scenario.find_reviewer(step.by) is None:
            known = [r.email for r in world.scenario.reviewers]
            fail(
                400,
                f"unknown reviewer {step.by!r}: name one of the scenario's `reviewers` "
                "(by e-mail or name)",
                reviewers=known,
            )
    state = world.state(vendor.name)
    table = vendor.actions
    item_id = request.match_info["id"]
    result: dict[str, Any] = {}
    for step in steps:
        try:
            result = await table.act(state, item_id, step)  # 404/400; it wakes the waits
        except ValueError as exc:
            fail(400, str(exc))
        log.info(
            "%s %s: %s by hand%s -> %s",
            vendor.name,
            item_id,
            step.word,
            f" as {step.by}" if step.by else "",
            table.status(state, item_id),
            extra={
                "vendor": vendor.name,
                "namespace": world.namespace,
                "item": item_id,
                "event": f"manual.{step.word}",
            },
        )
    return ok(result)


async def wait_item(request: web.Request) -> web.Response:
    """Long-poll until an item reaches `status` (comma-separated alternatives) or `timeout`."""
    vendor = vendor_named(request, request.match_info["vendor"])
    wanted = set((request.query.get("status") or "").split(",")) - {""}
    if not wanted:
        fail(400, "give ?status=completed (or several, comma-separated)")
    timeout = query_float(request, "timeout", 10.0)
    world = world_for(request)
    state = world.state(vendor.name)
    table = vendor.actions
    item_id = request.match_info["id"]
    if table.status(state, item_id) is None:
        fail(404, f"no {vendor.name} item {item_id!r}")
    reached = await world.notifier.wait_for(
        lambda: table.status(state, item_id) in wanted, timeout, topic="item", key=item_id
    )
    current = table.status(state, item_id)
    if not reached:
        fail(*not_reached(world, f"still {current!r} after {timeout:g}s"), current_status=current)
    return ok({"id": item_id, "status": current})
