"""Collector pauses on the quiet path: how often each generation is collected, how long each
collection holds the event loop (CPU time of the collection, from `gc.callbacks`), and their CPU
per call, with the serving process's thresholds (mockserver/base/gcpolicy.py) and with earlier
ones. Part of `make bench` (section `gc`).

Each row is a sandbox in this process (bench scenario, tuned as `serve` tunes it, then the
row's thresholds), pinned to core 0, under wrk from core 1 for a few seconds. A pause holds
every call in flight, so its length, not the collector's total CPU, is what reaches p99.

    .venv/bin/python bench/gcpauses.py [--quick] [T0,T1,T2 ...]   (more thresholds to compare)
"""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web
from common import AUTH, HITL_BODY, HITL_PATH, QUICK, free_port, table
from wrk import pin

from mockserver.base import gcpolicy

HERE = Path(__file__).resolve().parent
SECONDS = 3.0 if QUICK else 8.0
EARLIER = (10_000, 20, 10)  # the thresholds before this round


def one_row(thresholds: tuple[int, int, int], seconds: float) -> str:
    """A fresh process for each row: the collector's state is process-wide."""
    spec = ",".join(map(str, thresholds))
    done = subprocess.run(
        [*pin(0), sys.executable, __file__, "--row", spec, str(seconds)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def rows(extra: list[tuple[int, int, int]] | None = None) -> list[str]:
    policy = gcpolicy.THRESHOLDS
    settings = [policy, EARLIER, *(extra or [])]
    head = [
        "Thresholds",
        "calls",
        "young: every N calls, median / max ms",
        "middle: every N calls, median / max ms",
        "collector CPU µs per call",
    ]
    return table(head, [one_row(t, SECONDS).split("\t") for t in settings])


async def measure(thresholds: tuple[int, int, int], seconds: float) -> str:
    from mockserver.http.server import create_app, tune_gc
    from mockserver.http.settings import Settings

    app = create_app(
        Settings(port=0, scenario=str(HERE / "bench-scenario.yaml"), log_level="warning")
    )
    tune_gc()
    gc.set_threshold(*thresholds)
    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started = [0.0]

    def timed(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.thread_time()
        else:
            pauses[info["generation"]].append(time.thread_time() - started[0])

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    gc.callbacks.append(timed)
    env = {**os.environ, "WRK_METHOD": "POST", "WRK_BODY": HITL_BODY}
    env["WRK_HEADERS"] = "\n".join(f"{k}: {v}" for k, v in AUTH.items())
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text("wrk.method = 'POST'\nwrk.body = os.getenv('WRK_BODY')\n" + _headers_lua())
    try:
        wrk = await asyncio.create_subprocess_exec(
            *pin(1),
            "wrk",
            "-t2",
            "-c50",
            f"-d{seconds:g}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{HITL_PATH}",
            env=env,
            stdout=subprocess.PIPE,
        )
        out = (await wrk.communicate())[0].decode()
    finally:
        gc.callbacks.remove(timed)
        script.unlink(missing_ok=True)
        await runner.cleanup()
    calls = int(next(line for line in out.splitlines() if "requests in" in line).split()[0])

    def gen(n: int) -> str:
        got = pauses[n]
        if not got:
            return "none"
        return (
            f"{calls / len(got):,.0f}: {statistics.median(got) * 1000:.2f} / {max(got) * 1000:.2f}"
        )

    total = sum(sum(p) for p in pauses.values())
    label = ", ".join(f"{t:,}" for t in thresholds)
    if thresholds == gcpolicy.THRESHOLDS:
        label += " (the policy)"
    return "\t".join([label, f"{calls:,}", gen(0), gen(1), f"{total / calls * 1e6:.1f}"])


def _headers_lua() -> str:
    return "".join(f'wrk.headers["{k}"] = "{v}"\n' for k, v in AUTH.items())


def main() -> None:
    if "--row" in sys.argv:
        at = sys.argv.index("--row")
        parts = tuple(int(x) for x in sys.argv[at + 1].split(","))
        assert len(parts) == 3
        print(asyncio.run(measure((parts[0], parts[1], parts[2]), float(sys.argv[at + 2]))))
        return
    args = [a for a in sys.argv[1:] if a != "--quick"]
    extra = [tuple(int(x) for x in a.split(",")) for a in args if "," in a]
    print("\n".join(rows([(t[0], t[1], t[2]) for t in extra])))


if __name__ == "__main__":
    main()
