"""Where the time of the live path goes: HITL create-request with the embedded default scenario
(each request claimed a second later and answered two seconds after that, a signed webhook
for each), the sandbox in this process under cProfile (CPU time, so a busy machine hardly
inflates it), wrk on core 1 for a few seconds, the webhooks going to a bare aiohttp receiver
in its own process (or, with --closed, to a closed port: every attempt fails and retries).

    .venv/bin/python bench/livecost.py [seconds] [--closed] [--top]
    .venv/bin/python bench/livecost.py --manual [--top]

Prints CPU µs by stage, each per what it is counted by (a create-request, a scripted step, a
delivery, an attempt) and per request's lifecycle (cProfile roughly doubles every figure:
compare stages, and a stage before and after a change). A stage is the cumulative time of its
functions, less the stages nested in it. Under wrk the counts of each kind differ (steps fire
seconds after their request, a slow receiver leaves deliveries queued); `--manual` profiles
bench/instructions.py's live harness instead: 1,000 requests on a manual clock, each with
exactly one claim, one answer and two delivered webhooks, the same work before and after a
change.
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
from callcost import _cum
from common import AUTH, HITL_BODY, free_port, new_loop

HERE = Path(__file__).resolve().parent

# (stage, functions whose cumulative time it is, functions whose cumulative time it leaves
# out, what it is counted per: a create-request, a scripted step, a delivery or an attempt)
STAGES: list[tuple[str, list[str], list[str], str]] = [
    (
        "the incoming call: create-request with aiohttp, middleware, journal",
        ["web_protocol.py:_handle_request"],
        [],
        "create",
    ),
    (
        "timer firing (clock runner, less what the timers do)",
        # an advance of a manual clock, and the runner's wakes on a running one
        ["clock.py:_fire_due", "clock.py:_tick"],
        ["engine.py:_step", "attempts.py:_due"],
        "step",
    ),
    (
        "state change: a claim or an answer (less its webhook)",
        ["engine.py:_step"],
        ["hitl/webhooks.py:emit"],
        "step",
    ),
    (
        "webhook payload: request JSON, envelope, encode",
        ["hitl/webhooks.py:emit"],
        ["outbox.py:send", "signatures.py:sign"],
        "delivery",
    ),
    ("signing (HMAC-SHA256)", ["signatures.py:sign"], [], "delivery"),
    ("delivery scheduling (record, bound, queue)", ["outbox.py:send"], [], "delivery"),
    (
        "the outgoing request (guard, client, answer, settle, log line)",
        # a webhook timer's attempts (on a manual clock: those due at its instant too) and
        # the sender's batches on a running clock
        ["attempts.py:_due", "attempts.py:_attempt_batch"],
        [],
        "attempt",
    ),
]
COUNTS = {
    "create": "create_request",
    "step": "engine.py:_step",
    "delivery": "dispatcher.py:send",
    "attempt": "attempts.py:_finish",
}
PER_REQUEST = {"create": 1, "step": 2, "delivery": 2, "attempt": 2}  # with every webhook answered


def _count(stats: pstats.Stats, name: str) -> int:
    """Calls of `file suffix:function` (or of a function by name alone)."""
    suffix, _, func = name.rpartition(":")
    raw = stats.stats  # type: ignore[attr-defined]
    return sum(
        calls
        for (path, _, f), (calls, *_rest) in raw.items()
        if f == func and path.endswith(suffix)
    )


def main() -> None:
    from aiohttp import web

    from mockserver.http.server import create_app, tune_gc
    from mockserver.http.settings import Settings

    profiler = cProfile.Profile(time.process_time)
    if "--manual" in sys.argv:
        import instructions

        def switch(on: str) -> bool:  # the harness counts only its 1,000 calls
            (profiler.enable if on == "on" else profiler.disable)()
            return False

        instructions.callgrind = switch
        asyncio.run(instructions.main("live"))
        report(pstats.Stats(profiler))
        return
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
    report(pstats.Stats(profiler))


def report(stats: pstats.Stats) -> None:
    counts = {per: _count(stats, name) for per, name in COUNTS.items()}
    print(
        "profiled: {create:,} create-requests, {step:,} scripted steps, {delivery:,} "
        "deliveries, {attempt:,} attempts; CPU µs (cProfile-inflated)".format(**counts)
    )
    print("| Stage | µs each | counted per | µs per request's lifecycle |")
    print("|---|---|---|---|")
    total = 0.0
    for label, names, minus, per in STAGES:
        each = (_cum(stats, names) - _cum(stats, minus)) / max(1, counts[per]) * 1e6
        total += each * PER_REQUEST[per]
        print(f"| {label} | {each:.0f} | {per} | {each * PER_REQUEST[per]:.0f} |")
    print(f"| **a request's lifecycle: 1 create, 2 steps, 2 deliveries** | | | **{total:.0f}** |")
    if "--top" in sys.argv:  # the functions with the most own time
        stats.sort_stats("tottime").print_stats(40)


if __name__ == "__main__":
    main()
