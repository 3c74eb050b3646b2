"""Where a live call's CPU goes, by sampling under wrk: part of `make bench` (section
`sampled`).

The live path (embedded default scenario, each request claimed and answered by scripted
reviewers, a signed webhook for each step to a local receiver on core 1) runs under wrk like
the throughput section's row, while py-spy samples the server 250 times a second without
stopping it (`--nonblocking`: no inflation, unlike cProfile's `bench/livecost.py`). Each sample
is counted in one area, by the innermost frame of mockserver's or aiohttp's own code in its
stack (asyncio's and the selector's time is the event loop's, the rest of the standard
library's belongs to the code that called it: hmac, json), and each area's
share of the samples times the server's CPU per call under wrk gives its µs per live call.

py-spy is installed on first use under `bench/.tools/` (which git ignores), with this Python's
pip; it reads the server's memory through ptrace, which needs root or a ptrace scope of 0
(`/proc/sys/kernel/yama/ptrace_scope`). Without it the section says why and prints no row.

    .venv/bin/python bench/sampled.py [--quick]
    PYTHONPATH=<an older tree> .venv/bin/python bench/sampled.py    (a before column)
"""

from __future__ import annotations

import collections
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import wrk
from common import AUTH, HITL_BODY, QUICK, free_port, new_loop, server, table
from wrk import pin

HERE = Path(__file__).resolve().parent
TOOLS = HERE / ".tools"
PY_SPY = "py-spy>=0.4"
SECONDS = 4.0 if QUICK else 10.0
RATE = 250  # samples a second

# The areas, in the order the table lists them.
INCOMING_OURS = (
    "the incoming create-request: mockserver's code (middleware, validation, journal, store)"
)
INCOMING_AIOHTTP = "the incoming create-request: aiohttp (parsing, routing, response)"
TIMERS = "timers: scheduling the steps and the timeout at create, the clock firing them"
BODIES = "the two webhook bodies: request JSON, envelope, encoding, signing"
LOOP = "the event loop (select, callbacks)"
OUTGOING = "the outgoing requests: sender, attempts, pipelined exchange, settling"
STEPS = "the two state changes (claim, answer)"
SCHEDULING = "delivery scheduling (record, bound, queue)"
AREAS = (INCOMING_OURS, INCOMING_AIOHTTP, TIMERS, BODIES, LOOP, OUTGOING, STEPS, SCHEDULING)

# mockserver's files by area (a path's ending); the rest of mockserver is the incoming call's.
_BY_FILE = (
    (("webhooks/sender.py", "webhooks/attempts.py", "webhooks/posting.py"), OUTGOING),
    (("webhooks/fastpost.py", "webhooks/http1.py"), OUTGOING),
    (("webhooks/dispatcher.py", "webhooks/deliveries.py", "kit/outbox.py"), SCHEDULING),
    (("/webhooks.py", "webhooks/signatures.py"), BODIES),
    (("records/clock.py", "records/clockrunner.py", "records/timer.py"), TIMERS),
    (("records/heaps.py", "scenario/engine.py"), TIMERS),
)
# The clock's runner, firing what is due (`Runner._tick` in records/clockrunner.py; earlier
# `Clock._tick` in records/clock.py, for before figures from older trees).
_RUNNER = ("Runner._tick ", "Clock._tick ")
# The loop's own files: a sample whose innermost frame is one of them is the loop's time.
_LOOP_FILES = ("asyncio/", "selectors.py", "socket.py")
# Files whose code runs both for the incoming call and for a scripted step: a step's when the
# clock fired it.
_STEP_FILES = ("/state.py", "/actions.py", "http/world.py", "records/changes.py", "/models.py")


def py_spy() -> str | None:
    """py-spy's executable, installed on first use; None (with the reason printed) if it
    cannot be had."""
    found = shutil.which("py-spy") or shutil.which("py-spy", path=str(TOOLS / "bin"))
    if found:
        return found
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(TOOLS), PY_SPY]
    done = subprocess.run(cmd, capture_output=True, text=True)
    found = shutil.which("py-spy", path=str(TOOLS / "bin"))
    if done.returncode or not found:
        print(f"bench: installing {PY_SPY} failed:\n{done.stderr[-2000:]}")
        return None
    return found


def area_of(frames: list[str]) -> str:
    """The area of one sample, its frames outermost first (py-spy's raw format)."""
    fired = any(f.startswith(_RUNNER) for f in frames)  # a timer's callback: a scripted step
    innermost = frames[-1][frames[-1].rfind("(") + 1 :] if frames else ""
    if innermost.startswith(_LOOP_FILES):
        return LOOP
    for frame in reversed(frames):
        where = frame[frame.rfind("(") + 1 :]
        if "aiohttp/" in where:
            return INCOMING_AIOHTTP
        if "mockserver/" not in where:
            continue  # the standard library's: the area of the code that called it
        path = where.split(":")[0]
        if path.endswith(_STEP_FILES):
            if not fired:
                return INCOMING_OURS
            if path.endswith("/models.py") and any(f.startswith("emit ") for f in frames):
                return BODIES
            return STEPS
        for endings, area in _BY_FILE:
            if path.endswith(endings):
                return area
        return STEPS if fired else INCOMING_OURS
    return LOOP


def areas(raw: str) -> collections.Counter[str]:
    """Samples per area in a py-spy raw file (`stack count` lines)."""
    counted: collections.Counter[str] = collections.Counter()
    for line in raw.splitlines():
        stack, _, count = line.rstrip().rpartition(" ")
        if stack and count.isdigit():
            counted[area_of(stack.split(";"))] += int(count)
    return counted


def sample(spy: str) -> tuple[collections.Counter[str], wrk.Load] | None:
    """The live path under wrk with py-spy recording the server."""
    rport = free_port()
    receiver = subprocess.Popen(
        [*pin(1), sys.executable, str(HERE / "targets.py"), "bare", str(rport)]
    )
    try:
        time.sleep(1.0)
        body = json.dumps(
            {**json.loads(HITL_BODY), "callback_url": f"http://127.0.0.1:{rport}/hook"}
        )
        with server("default") as (port, proc), tempfile.TemporaryDirectory() as tmp:
            url = f"http://127.0.0.1:{port}{new_loop(f'http://127.0.0.1:{port}')}"
            wrk.run(url, body, AUTH, 1.0 if QUICK else 3.0, proc.pid)
            out = Path(tmp) / "live.raw"
            cmd = [spy, "record", "--pid", str(proc.pid), "--duration", f"{SECONDS:.0f}"]
            cmd += ["--rate", str(RATE), "--format", "raw", "--output", str(out), "--nonblocking"]
            recorder = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            load = wrk.run(url, body, AUTH, SECONDS + 1, proc.pid)
            err = recorder.communicate(timeout=60)[1].decode()
            if recorder.returncode or not out.exists():
                print(f"bench: py-spy could not sample the server (ptrace?):\n{err[-1000:]}")
                return None
            return areas(out.read_text()), load
    finally:
        receiver.terminate()
        receiver.wait(10)


def rows() -> list[str]:
    spy = py_spy()
    got = sample(spy) if spy else None
    if got is None:
        return []
    counted, load = got
    total = sum(counted.values()) or 1
    per_call = load.server_cpu * load.seconds / max(1, load.requests) * 1e6
    out = [
        (area, f"{per_call * counted[area] / total:.0f}", f"{100 * counted[area] / total:.1f}%")
        for area in AREAS
    ]
    out.append(
        (
            "**a live call** (py-spy's own cost included)",
            f"**{per_call:.0f}**",
            f"{total:,} samples",
        )
    )
    head = ["Area", "µs of server CPU per live call", "share"]
    note = f"({load.rps:,.0f} live calls a second under wrk, load {load.loadavg})"
    return [*table(head, out), note]


if __name__ == "__main__":
    print("\n".join(rows()))
