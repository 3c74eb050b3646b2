"""mockserver benchmarks: prints tables of figures, as Markdown rows for docs/benchmarks.md.
Benchmarks, not tests: nothing here fails.

    make bench    (or: .venv/bin/python bench/run.py [--quick] [--repeat N] [--only SECTION]
                                                    [--case TEXT] [--levels 10000,100000])

Sections (`--only` one of them; all by default):
1. throughput: throughput and latency at 50 connections, driven by wrk (2 threads, pinned to
   core 1; the server pinned to core 0), each row against a bare aiohttp app that answers the
   same bytes in the same run (the ceiling): HITL create-request on the quiet path (bench
   scenario: nobody answers, manual clock) and on the live path (embedded default scenario:
   each request claimed a second later and answered two seconds after, a signed webhook for
   each, to a local receiver or to a closed port, where every attempt fails and retries),
   Hive sync task and Outharm automated. The CPU share of server and load generator shows the
   ceiling was saturated (server near 100%, wrk not).
   latency: the same calls at a paced load that every server keeps up with (PACED_CONNS
   connections, each pausing PACED_THINK_MS between an answer and its next request: about
   1,000 requests a second), sandbox and ceiling alike: the latency a call adds when the server
   is not saturated (at saturation, by Little's law, a server with a fraction r of the ceiling's
   throughput has 1/r of its mean latency, whatever its tail).
2. uvloop: the quiet and live rows with the sandbox and the ceiling both on uvloop.
3. warm: the quiet and live rows after a 30 s warm-up (10 s with --quick), ceiling likewise.
   peers (bench/peers.py): WireMock answering the same bytes, with and without its journal,
   beside the quiet path and the ceiling, each after the same warm-up (needs java and npm).
   gc (bench/gcpauses.py): the collector's pauses on the quiet path, by generation, with the
   serving process's thresholds and the earlier ones.
   sampled (bench/sampled.py): where a live call's CPU goes under wrk, by area, from py-spy's
   samples of the server (installed on first use under bench/.tools/; needs ptrace).
4. growth (bench/growth.py): the quiet path at 10k, 100k and 1M stored requests; the live path
   at 100,000 requests with every webhook failing (memory per request, pending deliveries,
   abandoned at the bound); SIGTERM under full load.
5. instructions: callgrind instruction counts per call (bench/instructions.py) for the quiet
   path, the live path (manual and real clock) and the bare ceiling, when valgrind is installed.
6. inprocess: start-up and reset; 10,000 scripted decisions with signed webhooks.
Every section prints the load average before and after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
from common import (
    AUTH,
    HITL_BODY,
    HITL_PATH,
    HIVE_AUTH,
    HIVE_BODY,
    LOOP,
    OUTHARM_BODY,
    QUICK,
    arg,
    free_port,
    new_loop,
    server,
    table,
)
from wrk import Load, ensure_wrk, loadavg, pin

HERE = Path(__file__).resolve().parent
PY = sys.executable
DURATION = 3.0 if QUICK else 10.0
WARMUP = 1.0 if QUICK else 3.0
WARM = 10.0 if QUICK else 30.0  # the warm section's warm-up
REPEAT = int(arg("--repeat", "1"))
ONLY = arg("--only", "")  # one of SECTIONS
CASE = arg("--case", "")  # a part of a throughput row's label
SECTIONS = (
    "throughput",
    "latency",
    "uvloop",
    "warm",
    "peers",
    "gc",
    "sampled",
    "growth",
    "instructions",
    "inprocess",
)


PACED_CONNS, PACED_THINK_MS = 10, 10  # about 1,000 requests a second for any server keeping up


def measure(
    port: int,
    pid: int,
    path: str,
    body: str,
    headers: dict[str, str],
    warmup: float,
    paced: bool = False,
) -> Load:
    import wrk

    url = f"http://127.0.0.1:{port}{path}"
    pace = {"conns": PACED_CONNS, "think_ms": PACED_THINK_MS} if paced else {}
    wrk.run(url, body, headers, warmup, pid, **pace)
    return wrk.run(url, body, headers, DURATION, pid, **pace)


@contextlib.contextmanager
def event_loop(name: str) -> Iterator[None]:
    """The servers started meanwhile (sandbox and ceiling) run on this loop (targets.py)."""
    before = os.environ.get("MOCKSERVER_LOOP")
    os.environ["MOCKSERVER_LOOP"] = name
    try:
        yield
    finally:
        if before is None:
            del os.environ["MOCKSERVER_LOOP"]
        else:
            os.environ["MOCKSERVER_LOOP"] = before


def case_rows(
    label: str,
    kind: str,
    path: str,
    body: str,
    headers: dict[str, str],
    warmup: float = WARMUP,
    paced: bool = False,
) -> list[str]:
    """Sandbox and ceiling, alternated REPEAT times; one table row per pair (a latency row
    at the paced load when `paced`)."""
    rows = []
    for _ in range(REPEAT):
        with server(kind) as (port, proc):
            if kind == "default":  # the default scenario seeds no loop: make one, as a client does
                path = new_loop(f"http://127.0.0.1:{port}")
                time.sleep(1.5)  # the reviewers join it a second later
            sample = asyncio.run(answer_of(f"http://127.0.0.1:{port}{path}", body, headers))
            got = measure(port, proc.pid, path, body, headers, warmup, paced)
            hooks = webhook_fate(f"http://127.0.0.1:{port}") if kind == "default" else ""
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(sample, f)
        try:
            with server("bare", f.name) as (port, proc):
                ceiling = measure(port, proc.pid, path, body, headers, warmup, paced)
        finally:
            os.unlink(f.name)
        if paced:
            rows.append(_paced_row(label, got, ceiling, hooks))
            continue
        rows.append(
            f"| {label} | {got.rps:,.0f} ({got.errors} errors) | {ceiling.rps:,.0f} | "
            f"**{got.rps / ceiling.rps:.2f}** | {got.p99_ms:.1f} / {ceiling.p99_ms:.1f} = "
            f"**{got.p99_ms / ceiling.p99_ms:.1f}x** | "
            f"{got.server_cpu:.0%} / {got.client_cpu:.0%} | "
            f"{ceiling.server_cpu:.0%} / {ceiling.client_cpu:.0%} | "
            f"{_us(got)} / {_us(ceiling)} | {got.tool}, load {got.loadavg}{hooks} |"
        )
    return rows


def _paced_row(label: str, got: Load, ceiling: Load, hooks: str) -> str:
    return (
        f"| {label} | {got.rps:,.0f} ({got.errors} errors) / {ceiling.rps:,.0f} | "
        f"{got.p50_ms:.2f} / {ceiling.p50_ms:.2f} | "
        f"{got.p99_ms:.2f} / {ceiling.p99_ms:.2f} = **{got.p99_ms / ceiling.p99_ms:.1f}x** | "
        f"{got.p999_ms:.2f} / {ceiling.p999_ms:.2f} | "
        f"{got.server_cpu:.0%} / {ceiling.server_cpu:.0%} | {got.tool}, load {got.loadavg}{hooks} |"
    )


def webhook_fate(base: str) -> str:
    """What became of the live path's webhooks by the end of the run (a receiver slower than
    the wave leaves them pending, then abandoned at the bound: a row must say so)."""
    with urllib.request.urlopen(f"{base}/_mockserver/deliveries?event=none", timeout=60) as r:
        sent = json.loads(r.read())
    if "pending" not in sent:  # older code (a before/after run): no pending bound
        return f"; webhooks: {sent['total']:,} made"
    done = sent["total"] - sent["pending"] - sent["abandoned_at_bound"]
    return (
        f"; webhooks: {sent['total']:,} made, {done:,} settled, {sent['pending']:,} pending, "
        f"{sent['abandoned_at_bound']:,} abandoned at the bound"
    )


def _us(load: Load) -> str:
    """Server CPU per answered request, in microseconds (less sensitive to a busy machine)."""
    return f"{load.server_cpu * load.seconds / max(1, load.requests) * 1e6:.0f}"


HEAD = [
    "| Call | req/s | ceiling req/s | ratio | p99 ms (ceiling) | CPU server / wrk | "
    "ceiling CPU server / wrk | server CPU µs per call (ceiling) | tool, load avg |",
    "|---|---|---|---|---|---|---|---|---|",
]
PACED_HEAD = [
    f"| Call at {PACED_CONNS} connections x {PACED_THINK_MS} ms think time | req/s (ceiling) | "
    "p50 ms (ceiling) | p99 ms (ceiling) | p99.9 ms (ceiling) | CPU server (ceiling) | "
    "tool, load avg |",
    "|---|---|---|---|---|---|---|",
]
QUIET = "HITL create-request, quiet path (bench scenario)"
LIVE = "HITL create-request, live path (default scenario, webhooks to a local receiver)"
LIVE_CLOSED = "HITL create-request, live path (default scenario, webhooks to a closed port)"


def cases(receiver_port: int) -> list[tuple[str, str, str, str, dict[str, str]]]:
    def with_hook(port: int) -> str:
        hook = f"http://127.0.0.1:{port}/hook"
        return json.dumps({**json.loads(HITL_BODY), "callback_url": hook})

    return [
        (QUIET, "sandbox", HITL_PATH, HITL_BODY, AUTH),
        (LIVE, "default", HITL_PATH, with_hook(receiver_port), AUTH),
        (LIVE_CLOSED, "default", HITL_PATH, with_hook(free_port()), AUTH),
        ("Hive sync task", "sandbox", "/api/v1/task/sync", HIVE_BODY, HIVE_AUTH),
        ("Outharm automated", "sandbox", "/moderation/automated", OUTHARM_BODY, AUTH),
    ]


def throughput(
    only: tuple[str, ...] = (), warmup: float = WARMUP, suffix: str = "", paced: bool = False
) -> list[str]:
    """Rows for every case (or those labelled in `only`), after `warmup` seconds of load (the
    paced load's latency rows when `paced`)."""
    if paced and shutil.which("wrk") is None:
        return ["wrk is not installed: no paced latency rows (its `delay` hook paces the load)"]
    receiver_port = free_port()
    rows = list(PACED_HEAD if paced else HEAD)
    receiver = subprocess.Popen(
        [*pin(1), PY, str(HERE / "targets.py"), "bare", str(receiver_port)],
        env={k: v for k, v in os.environ.items() if k != "MOCKSERVER_LOOP"},
    )
    try:
        for label, kind, path, body, headers in cases(receiver_port):
            if (only and label not in only) or (CASE and CASE not in label):
                continue
            rows += case_rows(label + suffix, kind, path, body, headers, warmup, paced)
    finally:
        receiver.terminate()
        receiver.wait(10)
    return rows


def uvloop_rows() -> list[str]:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return ["uvloop is not installed: pip install 'mockserver[uvloop]' (the dev extra has it)"]
    with event_loop("uvloop"):
        return throughput((QUIET, LIVE), suffix=" on uvloop (ceiling on uvloop)")


def warm_rows() -> list[str]:
    return throughput((QUIET, LIVE), warmup=WARM, suffix=f", after a {WARM:.0f} s warm-up")


def instruction_rows() -> list[str]:
    """Instructions per call under callgrind (repeatable on a busy machine)."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        return ["valgrind is not installed (apt-get install valgrind): no instruction counts"]
    rows = ["| Calls (1,000, 10 connections, server and client counted) | instructions per call |"]
    rows.append("|---|---|")
    for kind, label in (
        ("sandbox", "HITL create-request, quiet path"),
        ("live", "HITL create-request, live path: the call, its claim and answer, two webhooks"),
        ("realtime", "the same on the real clock, webhooks sent by the sender (as under wrk)"),
        ("bare", "bare aiohttp ceiling"),
    ):
        rows.append(f"| {label} | {instructions(kind):,.0f} |")
    return rows


def instructions(kind: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}",
                PY,
                str(HERE / "instructions.py"),
                kind,
            ],
            cwd=HERE,
            check=True,
            capture_output=True,
        )
        total = next(
            line.split()[1]
            for line in out.read_text(errors="replace").splitlines()
            if line.startswith("totals:")  # what was counted (`summary:` may read 0)
        )
    return int(total) / 1000


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

    from mockserver.http.app import build_app
    from mockserver.http.appkeys import WORLDS
    from mockserver.http.settings import Settings
    from mockserver.registry import VENDORS
    from mockserver.scenario.loading.library import ScenarioLibrary
    from mockserver.scenario.loading.loader import load_scenario_file

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

    from mockserver.base.filters import DeliveryFilter
    from mockserver.http.app import build_app
    from mockserver.http.appkeys import WORLDS
    from mockserver.http.settings import Settings
    from mockserver.registry import VENDORS
    from mockserver.scenario.loading.library import ScenarioLibrary
    from mockserver.scenario.loading.loader import parse_scenario

    rport = free_port()
    receiver = subprocess.Popen([*pin(1), PY, str(HERE / "targets.py"), "bare", str(rport)])
    time.sleep(1.0)
    text = (HERE / "bench-scenario.yaml").read_text().replace(
        "    - otherwise: timeout",
        "    - otherwise: [{respond: {after: 1m, choose: 0}}]",
    ) + f'  webhooks: [{{url: "http://127.0.0.1:{rport}/hook", secret: whsec_bench}}]\n'
    scenario = parse_scenario(text, "bench-webhooks.yaml", VENDORS)
    app = build_app(
        Settings(log_level="warning", delivery_cap=20_000, max_pending_deliveries=20_000),
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
    delivered = len(world.dispatcher.query(DeliveryFilter(state="delivered")))
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


def main() -> None:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    ensure_wrk()
    import gcpauses
    import growth
    import peers
    import sampled

    runs: dict[str, Callable[[], list[str]]] = {
        "throughput": throughput,
        "latency": lambda: throughput(paced=True),
        "uvloop": uvloop_rows,
        "warm": warm_rows,
        "peers": peers.rows,
        "gc": gcpauses.rows,
        "sampled": sampled.rows,
        "growth": growth.rows,
        "instructions": instruction_rows,
        "inprocess": lambda: table(
            ["Measure", "Figure", "Target"],
            asyncio.run(startup_and_reset()) + asyncio.run(webhooks()),
        ),
    }
    for section in SECTIONS:
        if ONLY and section != ONLY:
            continue
        print(f"\n## {section} (load average at start: {loadavg()})", flush=True)
        print("\n".join(runs[section]()), flush=True)
        print(f"(load average at end: {loadavg()})", flush=True)


if __name__ == "__main__":
    main()
