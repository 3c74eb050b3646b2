"""Control plane: reading, advancing, setting and scaling the virtual clock."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from aiohttp import web

from mockserver.base.durations import parse_duration
from mockserver.http.control.common import world_for
from mockserver.http.control.responses import fail, ok, read_json
from mockserver.records.clockmodes import parse_clock, spelled

log = logging.getLogger("mockserver.state")  # what changed; the calls themselves: access.py


async def get_clock(request: web.Request) -> web.Response:
    return ok(world_for(request).clock.describe())


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
    world = world_for(request)
    try:
        fired = await world.clock.advance(seconds)
    except ValueError as exc:
        fail(400, str(exc))
    world.changed()  # the time shown moved, even when no timer fired
    log.info(
        "clock advanced by %gs: %d timer(s) fired",
        seconds,
        fired,
        extra={"namespace": world.namespace, "event": "clock"},
    )
    return ok({**world.clock.describe(), "fired": fired})


async def set_clock(request: web.Request) -> web.Response:
    """Body `{"time": "2026-01-01T10:00:00Z"}`; forward fires what falls due."""
    body = await read_json(request, required=True)
    text = body.get("time")
    try:
        when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        ts = when.timestamp()
    except (ValueError, OverflowError):
        fail(400, f"`time` must be an ISO-8601 time like 2026-01-01T10:00:00Z, got {text!r}")
    world = world_for(request)
    try:
        fired = await world.clock.set_time(ts)
    except ValueError as exc:
        fail(400, str(exc))
    world.changed()
    log.info(
        "clock set to %s: %d timer(s) fired",
        world.clock.now_iso(),
        fired,
        extra={"namespace": world.namespace, "event": "clock"},
    )
    return ok({**world.clock.describe(), "fired": fired})


async def clock_mode(request: web.Request) -> web.Response:
    """Body `{"mode": "manual"}`, `{"mode": "real"}`, `{"mode": "scale:60"}` (canonical), or
    `{"mode": "scaled", "scale": 60}` / `{"scale": 60}` (the same clock, other spellings)."""
    body = await read_json(request, required=True)
    try:
        mode, scale = parse_clock(body)
    except ValueError as exc:
        fail(400, f"{exc}")
    world = world_for(request)
    try:
        world.clock.set_mode(mode, scale)
    except ValueError as exc:
        fail(400, str(exc))
    world.changed()
    log.info(
        "clock: %s", spelled(mode, scale), extra={"namespace": world.namespace, "event": "clock"}
    )
    return ok(world.clock.describe())
