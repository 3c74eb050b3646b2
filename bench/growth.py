"""Growth: what storing 10k, 100k and 1M requests does to create-request latency, memory, reset
and journal queries; what 100,000 requests on the live path (reviewers answering, every webhook
failing and retrying) cost in memory; and how long SIGTERM takes under full load. Part of
`make bench`.

Each level starts a fresh sandbox (bench scenario, pinned to core 0) holding that many
requests (made in-process through the create-request handler before it listens: the same stored
objects as over HTTP, minutes sooner), fills its journal to the cap with wrk, then measures
create-request for a few seconds, the RSS, journal queries over the full journal, and a reset.
"""

from __future__ import annotations

import json
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import wrk
from common import AUTH, HITL_BODY, HITL_PATH, QUICK, arg, free_port, new_loop, server, table
from wrk import loadavg

LEVELS = [10_000, 50_000] if QUICK else [10_000, 100_000, 1_000_000]
if arg("--levels", ""):  # `--levels none`: the live path and SIGTERM only
    LEVELS = [int(x) for x in arg("--levels", "").split(",") if x != "none"]
MEASURE = 3.0 if QUICK else 5.0
LIVE = 20_000 if QUICK else 100_000  # live-path requests (`--live N`)
if arg("--live", ""):
    LIVE = int(arg("--live", ""))


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process, MiB (`VmHWM`: its peak so far)."""
    status = Path(f"/proc/{pid}/status").read_text()
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith(field))
    return int(kib) / 1024


def settled_rss(base: str, pid: int) -> float:
    """RSS once the collection that frees a reset world has run: it starts a quarter second
    after the reset answers and holds the event loop (seconds over a million objects), so the
    health check answers after it."""
    time.sleep(0.5)
    timed("GET", f"{base}/_mockserver/health", 1)
    return rss_mib(pid)


def timed(method: str, url: str, repeat: int = 3) -> tuple[float, bytes]:
    """Median milliseconds of `repeat` calls, and the last answer's body."""
    times, body = [], b""
    for _ in range(repeat):
        started = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=120) as r:
            body = r.read()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), body


def journal_total(base: str) -> int:
    _, body = timed("GET", f"{base}/_mockserver/journal?limit=1", 1)
    return int(json.loads(body)["total"])


def level(n: int, empty: float) -> list[str]:
    started = time.perf_counter()
    with server("prefilled", str(n), wait=3600) as (port, proc):
        fill = time.perf_counter() - started
        base = f"http://127.0.0.1:{port}"
        url = base + HITL_PATH
        # fill the journal to its cap (10,000 calls), then measure
        wrk.run(url, HITL_BODY, AUTH, 600, proc.pid, until=lambda: journal_total(base) >= 10_000)
        got = wrk.run(url, HITL_BODY, AUTH, MEASURE, proc.pid)
        count = n + journal_total(base)
        rss = rss_mib(proc.pid)
        per = (rss - empty) * 1024 * 1024 / count
        scan, _ = timed("GET", f"{base}/_mockserver/journal?path=/nothing*")
        last, _ = timed("GET", f"{base}/_mockserver/journal?limit=100")
        full, body = timed("GET", f"{base}/_mockserver/journal")
        entries = json.loads(body)["count"]
        reset, _ = timed("POST", f"{base}/_mockserver/reset", 1)
        after = settled_rss(base, proc.pid)
    return [
        f"{count:,}",
        f"{got.rps:,.0f}",
        f"{got.p50_ms:.1f} / {got.p99_ms:.1f}",
        f"{rss:,.0f} MiB ({per:,.0f} B per request)",
        f"{reset:,.0f} ms → {after:,.0f} MiB",
        f"{scan:.0f} / {last:.0f} / {full:.0f} ({entries:,} entries)",
        f"{fill:.0f} s; load {got.loadavg}",
    ]


def empty_rss() -> float:
    """RSS of a sandbox holding nothing, after a second of load (the baseline of B/request)."""
    with server("prefilled", "0") as (port, proc):
        wrk.run(f"http://127.0.0.1:{port}{HITL_PATH}", HITL_BODY, AUTH, 1.0, proc.pid)
        requests = journal_total(f"http://127.0.0.1:{port}")
        return rss_mib(proc.pid) - requests * 1024 / 1024 / 1024  # about 1 KiB each


def sigterm() -> str:
    """Seconds from SIGTERM to exit for the default scenario under full wrk load."""
    rport = free_port()
    targets = str(Path(__file__).with_name("targets.py"))
    receiver = subprocess.Popen([*wrk.pin(1), sys.executable, targets, "bare", str(rport)])
    body = json.dumps({**json.loads(HITL_BODY), "callback_url": f"http://127.0.0.1:{rport}/h"})
    try:
        with server("default") as (port, proc):
            path = new_loop(f"http://127.0.0.1:{port}")
            load = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _LOAD,
                    f"http://127.0.0.1:{port}{path}",
                    body,
                    str(proc.pid),
                ],
                stdout=subprocess.DEVNULL,
            )
            time.sleep(8.0)  # requests pile up; reviewers and webhooks are busy
            started = time.perf_counter()
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
                took = f"{time.perf_counter() - started:.2f} s (exit code {proc.returncode})"
            except subprocess.TimeoutExpired:
                took = "did not stop within 30 s"
            load.terminate()
            load.wait(10)
    finally:
        receiver.terminate()
        receiver.wait(10)
    return took


_LOAD = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
import wrk
from common import AUTH
wrk.run(sys.argv[1], sys.argv[2], AUTH, 30, int(sys.argv[3]))
"""


def live(n: int) -> list[str]:
    """The live path at `n` requests: the default scenario (each request claimed a second
    later, answered two seconds after), every webhook to a closed port, so each delivery fails
    and retries on its schedule (15 s, 1 min, ...) until the pending bound abandons it. Bytes
    per request: RSS (and peak RSS) above the idle sandbox's, over `n`; journal (capped),
    pending deliveries (bounded), timers and the stored requests included."""
    closed = free_port()
    body = json.dumps({**json.loads(HITL_BODY), "callback_url": f"http://127.0.0.1:{closed}/h"})
    with server("default") as (port, proc):
        base = f"http://127.0.0.1:{port}"
        url = base + new_loop(base)
        time.sleep(1.5)  # the reviewers join the new loop
        idle = rss_mib(proc.pid)
        started = time.perf_counter()
        load = wrk.run(url, body, AUTH, 3600, proc.pid, until=lambda: journal_total(base) >= n)
        took = time.perf_counter() - started
        time.sleep(4.0)  # the last requests are claimed and answered, their webhooks fail
        count = journal_total(base) - 1  # the loop's creation is not a request
        rss, peak = rss_mib(proc.pid), rss_mib(proc.pid, "VmHWM")
        with urllib.request.urlopen(f"{base}/_mockserver/deliveries?event=none", timeout=60) as r:
            sent = json.loads(r.read())
    per, per_peak = ((x - idle) * 1024 * 1024 / count for x in (rss, peak))
    return [
        f"{count:,} in {took:.0f} s ({count / took:,.0f}/s, p99 {load.p99_ms:.0f} ms)",
        f"{rss:,.0f} MiB ({per:,.0f} B per request)",
        f"{peak:,.0f} MiB ({per_peak:,.0f} B per request)",
        f"{sent['total']:,} / {sent.get('pending', '?')} (bound {sent.get('max_pending', 'none')}"
        f") / {sent.get('abandoned_at_bound', 0):,}",
        f"{idle:.0f} MiB; load {loadavg()}",
    ]


def rows() -> list[str]:
    head = [
        "Stored requests",
        "create req/s",
        "create p50 / p99 ms",
        "RSS",
        "reset → RSS once settled",
        "journal ms: scan / last 100 / all",
        "prefill time; load avg",
    ]
    empty = empty_rss() if LEVELS else 0.0
    out = table(head, [level(n, empty) for n in LEVELS])
    out.append("")
    live_head = [
        "Live path (default scenario, webhooks to a closed port)",
        "RSS after",
        "peak RSS",
        "deliveries made / pending / abandoned at the bound",
        "idle RSS; load avg",
    ]
    out += table(live_head, [live(LIVE)])
    out.append("")
    out.append(f"SIGTERM under full load (default scenario, webhooks): {sigterm()}")
    return out
