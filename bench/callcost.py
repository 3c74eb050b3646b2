"""Where the time of one HITL create-request goes: the sandbox in this process under cProfile
(counting CPU time, so other processes on a busy machine do not inflate it), wrk on core 1
sending the bench's create body for a few seconds, then a table of CPU microseconds per call by
stage. cProfile's own overhead inflates every figure (roughly 2x); compare stages, and compare a
stage before and after a change, rather than reading them as absolute costs.

    .venv/bin/python bench/callcost.py [seconds] [--top]
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import sys
import threading
import time
from pathlib import Path

import wrk
from common import AUTH, HITL_BODY, HITL_PATH, free_port

HERE = Path(__file__).resolve().parent

# (stage, functions whose cumulative time it is, functions whose cumulative time it leaves out);
# a function is "file suffix:function name".
STAGES: list[tuple[str, list[str], list[str]]] = [
    ("event loop in all (per call)", ["base_events.py:_run_once"], []),
    (
        "aiohttp + asyncio outside the middleware (parse, route, write)",
        ["base_events.py:_run_once"],
        ["app.py:vendor_middleware"],
    ),
    (
        "middleware: journal entry, namespace, faults, log",
        ["app.py:vendor_middleware"],
        ["hitl/http.py:run", "hitl/http.py:plain"],  # (plain: a plain endpoint's twin)
    ),
    (
        "auth + rate limit + rate headers",
        ["hitl/http.py:run", "hitl/http.py:plain"],
        ["create_request"],
    ),
    ("loop lookup", ["hitl/routes_loops.py:_loop"], []),
    (
        "validation (JSON parse, fields, response config)",
        [
            "hitl/http.py:json_body",
            "validate_create_request",
            "parse_create_request",  # older code: a CreateRequestInput, then _fields
            "routes_requests.py:_fields",
        ],
        [],
    ),
    ("rule choice", ["rules.py:choose"], []),
    ("request + timeout timer + store", ["hitl/state.py:add_request", "ids.py:object_id"], []),
    ("answer (request JSON, envelope, encode)", ["models.py:to_json", "hitl/http.py:envelope"], []),
]


def _cum(stats: pstats.Stats, names: list[str]) -> float:
    total = 0.0
    raw = stats.stats  # type: ignore[attr-defined]
    for (path, _, func), (_, _, _, ct, _) in raw.items():
        for name in names:
            suffix, _, fname = name.rpartition(":") if ":" in name else ("", "", name)
            if func == fname and path.endswith(suffix):
                total += ct
    return float(total)


def _calls(stats: pstats.Stats, name: str) -> int:
    raw = stats.stats  # type: ignore[attr-defined]
    return max(
        (cc for (p, _, f), (cc, *_rest) in raw.items() if f == name.split(":")[-1]), default=0
    )


def main() -> None:
    import logging

    from aiohttp import web

    from mockserver.http.server import create_app, tune_gc
    from mockserver.http.settings import Settings

    seconds = float(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1][0].isdigit() else 5.0
    port = free_port()
    logging.basicConfig(level=logging.WARNING)
    app = create_app(Settings(port=port, scenario=str(HERE / "bench-scenario.yaml")))
    logging.getLogger("mockserver").setLevel(logging.WARNING)
    tune_gc()
    profiler = cProfile.Profile(time.process_time)

    async def serve() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        url = f"http://127.0.0.1:{port}{HITL_PATH}"
        # wrk in a thread (it only waits on its process) while this loop serves
        await asyncio.to_thread(wrk.run, url, HITL_BODY, AUTH, 1.0, 0)
        profiler.enable()
        await asyncio.to_thread(wrk.run, url, HITL_BODY, AUTH, seconds, 0)
        profiler.disable()
        await runner.cleanup()

    assert threading.current_thread() is threading.main_thread()
    asyncio.run(serve())
    stats = pstats.Stats(profiler)
    calls = _calls(stats, "create_request")
    print(f"{calls:,} create-requests profiled; CPU µs per call (cProfile-inflated)")
    print("| Stage | µs per call |")
    print("|---|---|")
    for label, names, minus in STAGES:
        cost = _cum(stats, names) - _cum(stats, minus)
        print(f"| {label} | {cost / calls * 1e6:.0f} |")
    if "--top" in sys.argv:  # the functions with the most own time
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
