"""Where the time of the live path goes: HITL create-request with the embedded default scenario
(each request claimed a second later and answered two seconds after that, a signed webhook
for each), the sandbox in this process under cProfile (CPU time, so a busy machine hardly
inflates it), wrk on core 1 for a few seconds, the webhooks going to a bare aiohttp receiver
in its own process (or, with --closed, to a closed port: every attempt fails and retries).

    .venv/bin/python bench/livecost.py [seconds] [--closed] [--top]

Prints CPU µs per create-request by stage (cProfile roughly doubles every figure: compare
stages, and a stage before and after a change). A stage is the cumulative time of its
functions, less the stages nested in it.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import logging
import pstats
import subprocess
import sys
import threading
import time
from pathlib import Path

import wrk
from callcost import _calls, _cum
from common import AUTH, HITL_BODY, free_port, new_loop

HERE = Path(__file__).resolve().parent

# (stage, functions whose cumulative time it is, functions whose cumulative time it leaves out)
STAGES: list[tuple[str, list[str], list[str]]] = [
    ("everything (event loop, per create-request)", ["base_events.py:_run_once"], []),
    (
        "the incoming call: create-request with aiohttp, middleware, journal",
        ["web_protocol.py:_handle_request"],
        [],
    ),
    (
        "timer firing (clock runner, less what the timers do)",
        ["clock.py:_fire_due"],
        ["rules.py:run", "dispatcher.py:_due"],
    ),
    (
        "state change: claim and respond (less their webhooks)",
        ["rules.py:run"],
        ["hitl/webhooks.py:emit"],
    ),
    (
        "webhook payload: request JSON, envelope, encode",
        ["hitl/webhooks.py:emit"],
        ["dispatcher.py:send", "signature.py:sign"],
    ),
    ("signing (HMAC-SHA256)", ["signature.py:sign"], []),
    ("delivery scheduling (record, log, bound, timer)", ["dispatcher.py:send"], []),
    ("attempt queueing (timer to sender)", ["dispatcher.py:_due"], []),
    (
        "the outgoing request (attempt, client, answer, settle, log line)",
        ["sender.py:_work"],
        [],
    ),
]


def main() -> None:
    from aiohttp import web

    from mockserver.server import create_app, tune_gc
    from mockserver.settings import Settings

    seconds = float(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1][0].isdigit() else 5.0
    port, rport = free_port(), free_port()
    receiver = None
    if "--closed" not in sys.argv:
        receiver = subprocess.Popen(
            [*wrk.pin(1), sys.executable, str(HERE / "targets.py"), "bare", str(rport)]
        )
    logging.basicConfig(level=logging.ERROR)
    app = create_app(Settings(port=port, log_level="warning", rate_limit=2_000_000_000))
    logging.getLogger("mockserver").setLevel(logging.WARNING)
    tune_gc()
    profiler = cProfile.Profile(time.process_time)
    body = json.dumps({**json.loads(HITL_BODY), "callback_url": f"http://127.0.0.1:{rport}/h"})

    async def serve() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        base = f"http://127.0.0.1:{port}"
        path = await asyncio.to_thread(new_loop, base)
        await asyncio.sleep(1.5)  # the reviewers join the new loop after a second
        url = base + path
        # wrk in a thread (it only waits on its process) while this loop serves; the warm-up
        # runs long enough for the reviewers' steps and webhooks to reach a steady state
        await asyncio.to_thread(wrk.run, url, body, AUTH, 4.0, 0)
        profiler.enable()
        await asyncio.to_thread(wrk.run, url, body, AUTH, seconds, 0)
        profiler.disable()
        await runner.cleanup()

    assert threading.current_thread() is threading.main_thread()
    try:
        asyncio.run(serve())
    finally:
        if receiver is not None:
            receiver.terminate()
            receiver.wait(10)
    stats = pstats.Stats(profiler)
    calls = _calls(stats, "create_request")
    print(f"{calls:,} create-requests profiled; CPU µs per call (cProfile-inflated)")
    print("| Stage | µs per create-request |")
    print("|---|---|")
    for label, names, minus in STAGES:
        cost = _cum(stats, names) - _cum(stats, minus)
        print(f"| {label} | {cost / calls * 1e6:.0f} |")
    if "--top" in sys.argv:  # the functions with the most own time
        stats.sort_stats("tottime").print_stats(40)


if __name__ == "__main__":
    main()
