"""Driving load with wrk (the load generator that can saturate a one-core aiohttp server), and
measuring the CPU the server and the load generator spent while it ran.

wrk is Debian's `wrk` package. `ensure_wrk()` installs it with apt-get when it is missing and
this process may (root, apt-get present); otherwise it says how and the bench falls back to the
aiohttp client in `load.py`, whose rows are labelled as such (that client tops out near one
core's worth of requests, so its ceiling is the client's, not the server's).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLK_TCK = os.sysconf("SC_CLK_TCK")

# wrk's Lua hooks: a fixed method, body and headers; with WRK_THINK_MS, each connection waits
# that long after an answer before its next request (wrk's `delay` hook), so the offered load is
# about connections x 1000 / think requests a second whoever serves it; `done` prints one JSON
# line.
LUA = """
local think = tonumber(os.getenv("WRK_THINK_MS") or "0")
if think > 0 then
  delay = function() return think end
end
wrk.method = os.getenv("WRK_METHOD")
wrk.body = os.getenv("WRK_BODY")
for name, value in string.gmatch(os.getenv("WRK_HEADERS"), "([^\\n:]+): ([^\\n]*)") do
  wrk.headers[name] = value
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"socket_errors":%d,"non2xx":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
"""


def ensure_wrk() -> str | None:
    """The path of wrk, installing Debian's package when possible; None (with a message) if not."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: wrk is missing; installing Debian's wrk package", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, check=False)
        found = shutil.which("wrk")
        if found:
            return found
    print(
        "bench: wrk is not installed and cannot be installed here; install it with\n"
        "    sudo apt-get install -y wrk        (Debian/Ubuntu)\n"
        "    brew install wrk                   (macOS)\n"
        "Falling back to the aiohttp client (bench/load.py): its figures are the client's limit.",
        file=sys.stderr,
    )
    return None


def pin(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if shutil.which("taskset") else []


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process so far (Linux /proc), 0.0 where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


@dataclass
class Load:
    """One measured run: throughput, latency, errors and the CPU share of both sides."""

    tool: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    p999_ms: float
    errors: int
    server_cpu: float  # share of one core, 1.0 = saturated
    client_cpu: float
    loadavg: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run(
    url: str,
    body: str,
    headers: dict[str, str],
    seconds: float,
    server_pid: int,
    *,
    method: str = "POST",
    conns: int = 50,
    think_ms: int = 0,
    until: Callable[[], bool] | None = None,
) -> Load:
    """One wrk run (2 threads, pinned to core 1) against the server `server_pid` (on core 0);
    with `think_ms`, each connection pauses that long between an answer and its next request
    (a paced load, the same for every server that keeps up with it); with `until`, the run is
    interrupted (SIGINT: wrk still reports) once `until()` holds."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return _fallback(url, body, headers, seconds, server_pid, conns)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA)
    env = {
        **os.environ,
        "WRK_METHOD": method,
        "WRK_BODY": body,
        "WRK_HEADERS": "\n".join(f"{k}: {v}" for k, v in headers.items()),
        "WRK_THINK_MS": str(think_ms),
    }
    cmd = [*pin(1), wrk, "-t2", f"-c{conns}", f"-d{seconds:g}s", "--timeout", "10s"]
    try:
        before, children = cpu_seconds(server_pid), children_cpu()
        started = time.perf_counter()
        proc = subprocess.Popen([*cmd, "-s", f.name, url], env=env, stdout=subprocess.PIPE)
        while until is not None and proc.poll() is None and not until():
            time.sleep(0.2)
        if proc.poll() is None and until is not None:
            proc.send_signal(signal.SIGINT)
        out = proc.communicate()[0].decode()
        wall = time.perf_counter() - started
        server, client = cpu_seconds(server_pid) - before, children_cpu() - children
    finally:
        os.unlink(f.name)
    result = json.loads(out.strip().splitlines()[-1])
    return Load(
        tool="wrk",
        requests=result["requests"],
        seconds=result["duration_us"] / 1e6,
        p50_ms=result["p50_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        p999_ms=result["p999_us"] / 1000,
        errors=result["socket_errors"] + result["non2xx"],
        server_cpu=server / wall,
        client_cpu=client / wall,
        loadavg=loadavg(),
    )


def children_cpu() -> float:
    """CPU seconds of this process's finished children (the load generator, once it exits)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _fallback(
    url: str, body: str, headers: dict[str, str], seconds: float, server_pid: int, conns: int
) -> Load:
    before, children = cpu_seconds(server_pid), children_cpu()
    started = time.perf_counter()
    out = subprocess.run(
        [
            *pin(1),
            sys.executable,
            str(HERE / "load.py"),
            url,
            body,
            json.dumps(headers),
            str(conns),
            str(seconds),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return Load(
        tool="aiohttp client (fallback)",
        requests=result["requests"],
        seconds=result["requests"] / result["rps"],
        p50_ms=result["p50_ms"],
        p99_ms=result["p99_ms"],
        p999_ms=result.get("p999_ms", result["p99_ms"]),
        errors=result["errors"],
        server_cpu=(cpu_seconds(server_pid) - before) / wall,
        client_cpu=(children_cpu() - children) / wall,
        loadavg=loadavg(),
    )
