"""Servers the benchmark measures, each started as its own process (pinned to one core).

`sandbox`: mockserver with the benchmark scenario (journal on, as always; nobody answers, manual
clock).
`default`: mockserver with the embedded default scenario (reviewers claim and answer within a
few seconds of real time, signed webhooks to each request's callback_url), the hourly rate limit
raised out of the way.
`prefilled N`: the `sandbox` holding N requests before it listens (growth measurements).
`bare`: a bare aiohttp app answering the same JSON (the bytes of a real sandbox answer, from
the file given after the port), the ceiling the sandbox is compared with.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

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


def main() -> None:
    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "bare":
        app = bare_app()
        if len(sys.argv) > 3:
            sample = json.loads(Path(sys.argv[3]).read_text())
            app = bare_app(sample["body"].encode(), sample["status"])
        web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)
        return
    from mockserver.server import serve
    from mockserver.settings import Settings

    if kind == "prefilled":
        prefilled(port, int(sys.argv[3]))
    # served as `mockserver serve` serves: same GC tuning, signal handling and shutdown
    elif kind == "default":
        serve(Settings(port=port, log_level="warning", rate_limit=2_000_000_000))
    else:
        serve(Settings(port=port, scenario=str(SCENARIO), log_level="warning"))


def prefilled(port: int, count: int) -> None:
    """The bench scenario's sandbox holding `count` requests before it listens: made in-process
    through the create-request handler (the same stored objects as over HTTP, minutes faster)."""
    import logging

    from aiohttp.test_utils import make_mocked_request

    from mockserver.appkeys import WORLD, WORLDS
    from mockserver.server import create_app, tune_gc
    from mockserver.settings import Settings
    from mockserver.vendors.hitl.routes_requests import create_request

    logging.basicConfig(level=logging.WARNING)
    app = create_app(Settings(port=port, scenario=str(SCENARIO), log_level="warning"))
    headers = {"Authorization": "Bearer bench-key", "Content-Type": "application/json"}
    body = HITL_BODY.encode()

    async def fill(app: web.Application) -> None:
        world = app[WORLDS].get()
        for _ in range(count):
            request = make_mocked_request(
                "POST", PATH, headers=headers, app=app, match_info={"loop_id": LOOP}
            )
            request._read_bytes = body
            request[WORLD] = world
            response = await create_request(request)
            assert response.status == 201, response.status
        tune_gc()

    app.on_startup.append(fill)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
