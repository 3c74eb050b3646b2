"""Warm peers: WireMock answering the same call with the same bytes, beside the sandbox's quiet
path and the bare aiohttp ceiling, each after the same warm-up, in one run. Part of `make bench`
(section `peers`).

WireMock is the standalone jar of npm's `wiremock` package (installed once under
`bench/.peers/`, which git ignores); it needs `java` and `npm` on PATH and is skipped with a
message otherwise. It runs pinned to core 0 like every server here, so its JIT and collector
threads count as its CPU. Two rows: with its request journal (its default) and with
`--no-request-journal`. A JVM needs its warm-up: the figures after `WARM` seconds of the same
load are the ones to compare (the issue's peer figures were taken after 30 s).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import wrk
from common import AUTH, HITL_BODY, HITL_PATH, QUICK, free_port, server
from wrk import Load, pin

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".peers"
WIREMOCK = "3.13.2"  # npm's `wiremock` package bundles wiremock-standalone-<version>.jar
WARM = 10.0 if QUICK else 30.0
DURATION = 3.0 if QUICK else 10.0


def wiremock_jar() -> Path | None:
    """The WireMock standalone jar, installed from npm on first use; None (with a reason
    printed) where java or npm is missing or the install fails."""
    jar = CACHE / "node_modules/wiremock/build" / f"wiremock-standalone-{WIREMOCK}.jar"
    if jar.exists():
        return jar
    if shutil.which("java") is None or shutil.which("npm") is None:
        print("bench: peers need java and npm on PATH (WireMock's jar comes from npm)")
        return None
    CACHE.mkdir(exist_ok=True)
    cmd = ["npm", "install", "--prefix", str(CACHE), "--no-audit", "--no-fund"]
    done = subprocess.run([*cmd, f"wiremock@{WIREMOCK}"], capture_output=True, text=True)
    if done.returncode != 0 or not jar.exists():
        print(f"bench: installing wiremock@{WIREMOCK} from npm failed:\n{done.stderr[-2000:]}")
        return None
    return jar


def stub(port: int, status: int, body: str) -> None:
    """WireMock answers the create-request path with the sandbox's own answer, byte for byte."""
    mapping = {
        "request": {"method": "POST", "urlPath": HITL_PATH},
        "response": {
            "status": status,
            "body": body,
            "headers": {"Content-Type": "application/json"},
        },
    }
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/__admin/mappings",
        data=json.dumps(mapping).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        resp.read()


def up(port: int, deadline: float) -> bool:
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/__admin/health", timeout=2):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def warm_measure(port: int, pid: int) -> Load:
    url = f"http://127.0.0.1:{port}{HITL_PATH}"
    wrk.run(url, HITL_BODY, AUTH, WARM, pid)
    return wrk.run(url, HITL_BODY, AUTH, DURATION, pid)


def wiremock(jar: Path, sample: dict[str, object], journal: bool) -> Load | None:
    port = free_port()
    flags = ["--port", str(port), "--disable-banner"]
    if not journal:
        flags.append("--no-request-journal")
    proc = subprocess.Popen(
        [*pin(0), "java", "-jar", str(jar), *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not up(port, time.time() + 60):
            print("bench: WireMock did not start within 60 s")
            return None
        stub(port, int(str(sample["status"])), str(sample["body"]))
        return warm_measure(port, proc.pid)
    finally:
        proc.terminate()
        proc.wait(30)


def answer_of(port: int) -> dict[str, object]:
    """The sandbox's own answer to the bench's create-request: what the peers send back."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{HITL_PATH}", data=HITL_BODY.encode(), headers=AUTH
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return {"status": resp.status, "body": resp.read().decode()}


def rows() -> list[str]:
    """Sandbox (quiet path), WireMock with and without its journal, and the ceiling answering
    the same bytes, each after the same warm-up, one after the other."""
    jar = wiremock_jar()
    found: list[tuple[str, Load]] = []
    with server("sandbox") as (port, proc):
        sample = answer_of(port)
        found.append(("mockserver, HITL create-request, quiet path", warm_measure(port, proc.pid)))
    if jar is not None:
        for journal in (True, False):
            got = wiremock(jar, sample, journal)
            if got is not None:
                label = "with its request journal" if journal else "--no-request-journal"
                found.append((f"WireMock {WIREMOCK}, {label}", got))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(sample, f)
    try:
        with server("bare", f.name) as (port, proc):
            ceiling = warm_measure(port, proc.pid)
    finally:
        os.unlink(f.name)
    out = [
        f"| Server (after a {WARM:.0f} s warm-up) | req/s | ratio to the ceiling | p99 ms | "
        "CPU server / wrk | server CPU µs per call | load avg |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, got in [*found, ("bare aiohttp ceiling", ceiling)]:
        per_call = got.server_cpu * got.seconds / max(1, got.requests) * 1e6
        out.append(
            f"| {label} | {got.rps:,.0f} ({got.errors} errors) | **{got.rps / ceiling.rps:.2f}** | "
            f"{got.p99_ms:.1f} | {got.server_cpu:.0%} / {got.client_cpu:.0%} | {per_call:.0f} | "
            f"{got.loadavg} |"
        )
    return out
