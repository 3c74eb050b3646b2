"""Where the time of one HITL create-request goes, stage by stage, without a profiler's
distortion: each stage's own functions timed in a loop in this process (best of several
repeats, in CPU time, so other processes on a busy machine hardly move it). What aiohttp itself
costs per call (HTTP parsing, routing, writing) is the ceiling's server CPU per call in
`bench/run.py`.

    .venv/bin/python bench/stages.py
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from targets import HITL_BODY, LOOP, PATH

HERE = Path(__file__).resolve().parent
HEADERS = {"Authorization": "Bearer bench-key", "Content-Type": "application/json"}


def best(fn: Callable[[], Any], n: int = 2000, repeat: int = 7) -> float:
    """CPU microseconds per call: the best of `repeat` loops of `n` calls (CPU time: time spent
    waiting for a core the machine's other processes hold does not count)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()  # a collection's pause belongs to no stage (see bench/growth.py)
        started = time.thread_time()
        for _ in range(n):
            fn()
        times.append(time.thread_time() - started)
        gc.enable()
    return min(times) / n * 1e6


async def main() -> None:
    from mockserver.http.appkeys import WORLDS
    from mockserver.http.server import create_app
    from mockserver.http.settings import Settings
    from mockserver.kit.worldview import WORLD
    from mockserver.records.journal import JournalEntry
    from mockserver.vendors.hitl import http, routes_requests, validation
    from mockserver.vendors.hitl.matchers import MATCHERS, RequestSubject
    from mockserver.vendors.hitl.models import HitlRequest
    from mockserver.vendors.hitl.routes_loops import _loop

    app = create_app(Settings(port=0, scenario=str(HERE / "bench-scenario.yaml")))
    world = app[WORLDS].get()
    state = world.state("hitl")
    body = HITL_BODY.encode()
    loads = getattr(__import__("mockserver.base.jsonio").base.jsonio, "loads", None)
    if loads is None:  # before orjson parsing
        import json

        loads = json.loads

    def mocked() -> web.Request:
        request = make_mocked_request(
            "POST", PATH, headers=HEADERS, app=app, match_info={"loop_id": LOOP}
        )
        request._read_bytes = body
        request[WORLD] = world
        return request

    validate = getattr(validation, "validate_create_request", None)
    names = getattr(validation, "FIELD_NAMES", None)

    def validated() -> tuple[dict[str, Any], Any, Any]:
        """(fields, response config, default response) as the route of the code measured
        has them (older code: a CreateRequestInput turned into the fields)."""
        if validate is not None:
            parts = validate(loads(body), strict=False)
            return parts.fields, parts.response_config, parts.default_response
        inp = validation.parse_create_request(loads(body), strict=False)
        return routes_requests._fields(inp), inp.response_config, inp.default_response

    request = mocked()
    request[http.USER] = http.authenticate(request, state)
    loop = _loop(request)
    fields, config, default = validated()
    rule = world.engine.choose(state.cfg.rules, lambda when: True)
    members = [m for m in loop.members if m.user_id != loop.creator_id]
    make = getattr(HitlRequest, "new", HitlRequest)

    def new_request() -> Any:
        now = world.clock.timestamp()
        return make(
            id=world.ids.object_id(),
            loop_id=loop.id,
            owner=http.user_of(request),
            fields=dict(fields),
            **({"names": names} if names is not None else {}),
            config=config,
            default_response=default,
            timeout_at=now + fields["timeout_seconds"],
            created_at=now,
            broadcasted_to=tuple(members) if make is not HitlRequest else members,
            legacy={},
            updated_at=now,
        )

    req = new_request()

    def auth() -> None:
        http.authenticate(request, state)
        now = state.world.clock.timestamp()
        http.rate_headers(state.limiter.peek("bench-key", now))

    def answer() -> None:
        http.envelope(
            "Request created and broadcasted successfully",
            {"request_id": req.id, "id": req.id, "request": req.to_json()},
            status=201,
        )

    def journal() -> None:
        entry = JournalEntry(
            seq=0,
            at=world.clock.now_iso(),
            vendor="hitl",
            method=request.method,
            path=request.path,
            query=dict(request.query),
            headers=request.headers,
            body=body,
        )
        world.journal.append(entry)

    def store() -> None:
        state.add_request(new_request(), rule)

    rows = [
        ("auth + rate limit + rate headers", best(auth)),
        ("loop lookup", best(lambda: _loop(request))),
        (
            "validation (JSON parse, fields, response config)",
            best(validated),
        ),
        (
            "rule choice",
            best(
                lambda: world.engine.choose(
                    state.cfg.rules,
                    lambda when: MATCHERS.matches(when, RequestSubject(fields, loop)),
                )
            ),
        ),
        ("request + timeout timer + store", best(store, n=1000)),
        ("answer (request JSON, envelope, encode)", best(answer)),
        ("journal entry", best(journal)),
    ]
    print("| Stage | µs per call |")
    print("|---|---|")
    for label, us in rows:
        print(f"| {label} | {us:.1f} |")


if __name__ == "__main__":
    asyncio.run(main())
