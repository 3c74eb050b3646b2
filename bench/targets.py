"""Servers the benchmark measures, each started as its own process (pinned to one core).

`sandbox`: mockserver with the benchmark scenario (journal on, as always; nobody answers, manual
clock).
`default`: mockserver with the embedded default scenario (reviewers claim and answer within a
few seconds of real time, signed webhooks to each request's callback_url), the hourly rate limit
raised out of the way.
`prefilled N`: the `sandbox` holding N requests before it listens (growth measurements).
`bare`: a bare aiohttp app answering the same JSON (the bytes of a real sandbox answer, from
the file given after the port), the ceiling the sandbox is compared with.

Every kind runs on the event loop MOCKSERVER_LOOP names (asyncio, or uvloop), the ceiling too.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from aiohttp import web

SCENARIO = Path(__file__).with_name("bench-scenario.yaml")
LOOP = "65f1234567890abcdef12345"
PATH = f"/v1/api/loops/{LOOP}/requests"
HITL_BODY = json.dumps(
    {
        "request_text": "Please review this comment",
        "response_type": "single_select",
        "response_config": {"options": ["Approve", "Reject"]},
        "default_response": "Reject",
        "priority": "medium",
        "processing_type": "time-sensitive",
        "timeout_seconds": 3600,
    }
)
CANNED = json.dumps(
    {
        "error": False,
        "msg": "Request created and broadcasted successfully",
        "data": {"request_id": "65f1234567890abcdef12348", "status": "pending"},
    }
)


def bare_app(body: bytes = CANNED.encode(), status: int = 201) -> web.Application:
    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=body, status=status, content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    return app


LOOP_KIND = os.environ.get("MOCKSERVER_LOOP", "asyncio")


def main() -> None:
    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "bare":
        app = bare_app()
        if len(sys.argv) > 3:
            sample = json.loads(Path(sys.argv[3]).read_text())
            app = bare_app(sample["body"].encode(), sample["status"])
        web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, **on_loop())
        return
    from mockserver.http.server import serve
    from mockserver.http.settings import Settings

    if kind == "prefilled":
        prefilled(port, int(sys.argv[3]))
    # served as `mockserver serve` serves: same GC tuning, signal handling and shutdown
    elif kind == "default":
        serve(Settings(port=port, log_level="warning", rate_limit=2_000_000_000, **loop_setting()))
    else:
        serve(Settings(port=port, scenario=str(SCENARIO), log_level="warning", **loop_setting()))


def on_loop() -> dict[str, Any]:
    """run_app's `loop` argument for MOCKSERVER_LOOP (none for asyncio: its default)."""
    if LOOP_KIND == "asyncio":
        return {}
    from mockserver.base.eventloop import new_loop

    return {"loop": new_loop(LOOP_KIND)}


def loop_setting() -> dict[str, Any]:
    """The `loop` setting for MOCKSERVER_LOOP (none for asyncio, so that the bench also runs
    against older code, which has no such setting, for before/after figures)."""
    return {} if LOOP_KIND == "asyncio" else {"loop": LOOP_KIND}


def prefilled(port: int, count: int) -> None:
    """The bench scenario's sandbox holding `count` requests before it listens, stored the way
    create-request stores them (validation, rule, request, timeout timer), minutes sooner than
    over HTTP. Mirrors mockserver/vendors/hitl/routes_requests.py:create_request."""
    import logging

    from mockserver.base.jsonio import loads
    from mockserver.http.appkeys import WORLDS
    from mockserver.http.server import create_app, tune_gc
    from mockserver.http.settings import Settings
    from mockserver.vendors.hitl.matchers import MATCHERS, RequestSubject
    from mockserver.vendors.hitl.models import ApiUser, HitlRequest
    from mockserver.vendors.hitl.validation import FIELD_NAMES, validate_create_request

    logging.basicConfig(level=logging.WARNING)
    app = create_app(Settings(port=port, scenario=str(SCENARIO), log_level="warning"))
    body = HITL_BODY.encode()
    user = ApiUser.for_key("bench-key")

    async def fill(app: web.Application) -> None:
        tune_gc()  # as `serve` does before it listens: the store then grows under the policy
        world = app[WORLDS].get()
        state = world.state("hitl")
        loop = state.loops[LOOP]
        members = tuple(m for m in loop.members if m.user_id != loop.creator_id)
        for _ in range(count):
            state.limiter.hit(user.key, world.clock.timestamp())
            inp = validate_create_request(loads(body), strict=state.strict)
            fields = inp.fields
            rule = world.engine.choose(
                state.cfg.rules,
                lambda when, f=fields: MATCHERS.matches(when, RequestSubject(f, loop)),
            )
            now = world.clock.timestamp()
            req = HitlRequest.new(
                id=world.ids.object_id(),
                loop_id=loop.id,
                owner=user,
                fields=fields,
                names=FIELD_NAMES,
                config=inp.response_config,
                default_response=inp.default_response,
                timeout_at=now + fields["timeout_seconds"],
                created_at=now,
                broadcasted_to=members,
                legacy=dict(inp.legacy or {}),
                updated_at=now,
            )
            state.add_request(req, rule)

    app.on_startup.append(fill)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
