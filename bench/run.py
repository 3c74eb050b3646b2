"""mockserver benchmarks: prints a table of figures. Benchmarks, not tests: nothing here fails.

    make bench            (or: .venv/bin/python bench/run.py [--quick])

1. Throughput and latency at 50 concurrent connections of HITL create-request and Hive sync
   task, against a bare aiohttp app answering the same JSON in the same run (server pinned to
   core 0, load generator to core 1 when `taskset` exists).
2. In-process start-up, and per-test reset with 10,000 stored requests.
3. 10,000 scripted decisions with signed webhooks to a local receiver on a manual clock.
4. RSS after 100,000 stored requests (journal and delivery log capped).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp

HERE = Path(__file__).resolve().parent
PY = sys.executable
QUICK = "--quick" in sys.argv
DURATION = 3.0 if QUICK else 10.0
AUTH = {"Authorization": "Bearer bench-key", "Content-Type": "application/json"}
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
HIVE_BODY = json.dumps({"patron_id": "1", "post_id": "2", "text_data": "hello there"})
LOOP = "65f1234567890abcdef12345"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pin(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if shutil.which("taskset") else []


@contextlib.contextmanager
def server(kind: str, *extra: str) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    proc = subprocess.Popen([*pin(0), PY, str(HERE / "targets.py"), kind, str(port), *extra])
    deadline = time.time() + 20
    while time.time() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            break
        time.sleep(0.05)
    try:
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(10)


def load(url: str, body: str, headers: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [*pin(1), PY, str(HERE / "load.py"), url, body, json.dumps(headers), "50", str(DURATION)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def has_vendor(name: str) -> bool:
    from mockserver.registry import VENDORS

    return any(v.name == name for v in VENDORS)


def throughput() -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    cases = [("HITL create-request", f"/v1/api/loops/{LOOP}/requests", HITL_BODY, AUTH)]
    if has_vendor("hive"):
        hive_auth = {"authorization": "token bench-key", "Content-Type": "application/json"}
        cases.append(("Hive sync task", "/api/v1/task/sync", HIVE_BODY, hive_auth))
    for label, path, body, headers in cases:
        with server("sandbox") as (port, _):
            sample = asyncio.run(answer_of(f"http://127.0.0.1:{port}{path}", body, headers))
            got = load(f"http://127.0.0.1:{port}{path}", body, headers)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(sample, f)
        try:
            with server("bare", f.name) as (port, _):
                ceiling = load(f"http://127.0.0.1:{port}{path}", body, headers)
        finally:
            os.unlink(f.name)
        ratio = got["rps"] / ceiling["rps"]
        p99 = got["p99_ms"] / ceiling["p99_ms"]
        rows.append(
            (
                f"{label}: req/s (bare aiohttp ceiling)",
                f"{got['rps']:,.0f} ({ceiling['rps']:,.0f}) = {ratio:.0%}, errors {got['errors']}",
                ">= 60% of ceiling",
            )
        )
        rows.append(
            (
                f"{label}: p50 / p99 ms (ceiling p99)",
                f"{got['p50_ms']:.1f} / {got['p99_ms']:.1f} ({ceiling['p99_ms']:.1f}) = {p99:.2f}x",
                "p99 <= 1.5x ceiling",
            )
        )
    return rows


async def answer_of(url: str, body: str, headers: dict[str, str]) -> dict[str, Any]:
    """One real answer of the sandbox, for the ceiling app to send back byte for byte."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as resp,
    ):
        return {"status": resp.status, "body": await resp.text()}


async def create_many(base: str, n: int, conns: int = 50) -> None:
    url = f"{base}/v1/api/loops/{LOOP}/requests"
    queue = iter(range(n))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=conns)) as session:

        async def worker() -> None:
            for _ in queue:
                async with session.post(url, data=HITL_BODY, headers=AUTH) as resp:
                    await resp.read()
                    assert resp.status == 201, resp.status

        await asyncio.gather(*(worker() for _ in range(conns)))


async def startup_and_reset() -> list[tuple[str, str, str]]:
    from aiohttp import web

    from mockserver.app import build_app
    from mockserver.appkeys import WORLDS
    from mockserver.library import ScenarioLibrary
    from mockserver.registry import VENDORS
    from mockserver.scenario.loader import load_scenario_file
    from mockserver.settings import Settings

    scenario = load_scenario_file(HERE / "bench-scenario.yaml", VENDORS)
    started = time.perf_counter()
    app = build_app(Settings(log_level="warning"), VENDORS, ScenarioLibrary(default=scenario))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    startup = time.perf_counter() - started
    port = runner.addresses[0][1]
    await create_many(f"http://127.0.0.1:{port}", 10_000)
    worlds = app[WORLDS]
    assert len(worlds.get().state("hitl").requests) == 10_000
    started = time.perf_counter()
    await worlds.reset()
    reset = time.perf_counter() - started
    await create_many(f"http://127.0.0.1:{port}", 10_000)
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        async with session.post(f"http://127.0.0.1:{port}/_mockserver/reset") as resp:
            assert resp.status == 200
        http_reset = time.perf_counter() - started
    await runner.cleanup()
    return [
        ("In-process start-up (app, runner, site)", f"{startup * 1000:.1f} ms", "< 100 ms"),
        ("Reset with 10,000 stored requests", f"{reset * 1000:.3f} ms", "< 1 ms"),
        ("Reset over HTTP with 10,000 stored requests", f"{http_reset * 1000:.2f} ms", "-"),
    ]


async def webhooks() -> list[tuple[str, str, str]]:
    from aiohttp import web

    from mockserver.app import build_app
    from mockserver.appkeys import WORLDS
    from mockserver.library import ScenarioLibrary
    from mockserver.registry import VENDORS
    from mockserver.scenario.loader import parse_scenario
    from mockserver.settings import Settings

    rport = free_port()
    receiver = subprocess.Popen([*pin(1), PY, str(HERE / "targets.py"), "bare", str(rport)])
    time.sleep(1.0)
    text = (HERE / "bench-scenario.yaml").read_text().replace(
        "    - otherwise: timeout",
        "    - otherwise: [{respond: {after: 1m, choose: 0}}]",
    ) + f'  webhooks: [{{url: "http://127.0.0.1:{rport}/hook", secret: whsec_bench}}]\n'
    scenario = parse_scenario(text, "bench-webhooks.yaml", VENDORS)
    app = build_app(
        Settings(log_level="warning", delivery_cap=20_000),
        VENDORS,
        ScenarioLibrary(default=scenario),
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    n = 10_000
    await create_many(f"http://127.0.0.1:{port}", n)
    world = app[WORLDS].get()
    started = time.perf_counter()
    await world.clock.advance(120)
    elapsed = time.perf_counter() - started
    delivered = len(world.dispatcher.query(state="delivered"))
    await runner.cleanup()
    receiver.terminate()
    receiver.wait(10)
    return [
        (
            "10,000 scripted decisions + signed webhooks",
            f"{delivered:,} delivered in {elapsed:.2f} s = {delivered / elapsed:,.0f}/s",
            "all delivered, >= 1,000/s",
        )
    ]


def memory() -> list[tuple[str, str, str]]:
    n = 20_000 if QUICK else 100_000
    with server("sandbox") as (port, proc):
        asyncio.run(create_many(f"http://127.0.0.1:{port}", n))
        status = Path(f"/proc/{proc.pid}/status").read_text()
        rss = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))
    return [(f"RSS after {n:,} stored requests", f"{int(rss) / 1024:.0f} MiB", "bounded logs")]


def main() -> None:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    rows: list[tuple[str, str, str]] = []
    rows += throughput()
    rows += asyncio.run(startup_and_reset())
    rows += asyncio.run(webhooks())
    rows += memory()
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    print(f"{'measure':<{width}}  {'figure':<{vwidth}}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<{vwidth}}  {target}")


if __name__ == "__main__":
    main()
