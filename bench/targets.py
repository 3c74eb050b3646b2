"""Servers the benchmark measures, each started as its own process (pinned to one core).

`sandbox`: mockserver with the benchmark scenario (journal on, as always; nobody answers, manual
clock).
`default`: mockserver with the embedded default scenario (reviewers claim and answer within a
few seconds of real time, signed webhooks to each request's callback_url), the hourly rate limit
raised out of the way.
`bare`: a bare aiohttp app answering the same JSON (the bytes of a real sandbox answer, from
the file given after the port), the ceiling the sandbox is compared with.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from aiohttp import web

SCENARIO = Path(__file__).with_name("bench-scenario.yaml")
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

    # served as `mockserver serve` serves: same GC tuning, signal handling and shutdown
    if kind == "default":
        serve(Settings(port=port, log_level="warning", rate_limit=2_000_000_000))
    else:
        serve(Settings(port=port, scenario=str(SCENARIO), log_level="warning"))


if __name__ == "__main__":
    main()
