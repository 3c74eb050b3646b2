"""What hostile clients cost the sandbox (issue 23): a benchmark, not a test, it prints figures.

- a gzip body that inflates to 1 GiB: the server's CPU until it has answered and let go;
- HITL create-request throughput (wrk, pinned to the other core) with 0 and with 500 parked
  `wait/journal` calls for a `count` every call matches;
- 400 connections each sending a 1 MiB body but its last byte: the server's RSS, and the
  connections still open after MOCKSERVER_BODY_TIMEOUT (30 s) and 5 s more;
- 9,000 GETs with 1,302 empty query parameters: the RSS the journal grows by.

    .venv/bin/python bench/hostile.py [--quick] [--source DIR]

`--source DIR` serves the `mockserver` package found in DIR instead (say, `git archive` of an
older commit unpacked there), to compare.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import AUTH, HITL_BODY, HITL_PATH, QUICK, arg, free_port
from wrk import cpu_seconds, pin
from wrk import run as load

SOURCE = arg("--source", str(Path(__file__).resolve().parents[1]))
SCENARIO = Path(__file__).resolve().parent / "bench-scenario.yaml"  # one loop, no rate limit


@contextlib.contextmanager
def sandbox() -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """`mockserver serve` of the bench scenario from SOURCE on a free port, pinned to core 0."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": SOURCE, "MOCKSERVER_LOG_LEVEL": "warning"}
    serve = ["serve", "--port", str(port), "--scenario", str(SCENARIO)]
    cmd = [*pin(0), sys.executable, "-m", "mockserver.cli.main", *serve]
    proc = subprocess.Popen(cmd, env=env, cwd="/")
    for _ in range(400):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            break
        time.sleep(0.05)
    try:
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(10)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def head(port: int, method: str, path: str, extra: str = "") -> bytes:
    return (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer bench-key\r\n"
        f"Content-Type: application/json\r\n{extra}\r\n"
    ).encode()


def gzip_bomb() -> str:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = b"".join([packer.compress(b"\0" * (1 << 20)) for _ in range(1024)] + [packer.flush()])
    with sandbox() as (port, proc):
        before = cpu_seconds(proc.pid)
        with socket.create_connection(("127.0.0.1", port)) as sock:
            extra = f"Content-Encoding: gzip\r\nContent-Length: {len(body)}\r\n"
            sock.sendall(head(port, "POST", HITL_PATH, extra))
            with contextlib.suppress(OSError):
                sock.sendall(body)
            sock.settimeout(30)
            status = sock.recv(12).decode()
        time.sleep(12)  # aiohttp would go on reading a body it has answered for up to 10 s
        spent = cpu_seconds(proc.pid) - before
    return f"gzip body of {len(body) // 1024} KiB inflating to 1 GiB: {status}, {spent:.2f} s CPU"


async def _park(port: int, count: int) -> list[asyncio.StreamWriter]:
    writers = []
    for _ in range(count):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        path = "/_mockserver/wait/journal?method=POST&count=1000000000&timeout=300"
        writer.write(head(port, "GET", path))
        writers.append(writer)
    return writers


def waits(count: int) -> str:
    with sandbox() as (port, proc):
        loop = asyncio.new_event_loop()
        writers = loop.run_until_complete(_park(port, count))
        time.sleep(1.0)
        got = load(
            f"http://127.0.0.1:{port}{HITL_PATH}", HITL_BODY, AUTH, 3 if QUICK else 8, proc.pid
        )
        for writer in writers:
            writer.close()
        loop.close()
    return (
        f"create-request, {count} journal waits parked: {got.rps:.0f}/s "
        f"({got.errors} errors, server CPU {got.server_cpu:.0%})"
    )


async def _unfinished(port: int, count: int) -> list[asyncio.StreamWriter]:
    writers = []
    for _ in range(count):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(head(port, "POST", HITL_PATH, f"Content-Length: {1 << 20}\r\n"))
        writer.write(b" " * ((1 << 20) - 1))
        writers.append(writer)
    await asyncio.gather(*(w.drain() for w in writers), return_exceptions=True)
    return writers


def still_open(port: int) -> int:
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for r in rows if r.split()[1].endswith(f":{port:04X}") and r.split()[3] == "01")


def unfinished_bodies(count: int = 400) -> str:
    with sandbox() as (port, proc):
        before = rss_mib(proc.pid)
        loop = asyncio.new_event_loop()
        writers = loop.run_until_complete(_unfinished(port, count))
        time.sleep(5)
        held = rss_mib(proc.pid)
        time.sleep(30)
        left = still_open(port)
        for writer in writers:
            writer.close()
        loop.close()
    return (
        f"{count} bodies of 1 MiB but a byte: RSS {before:.0f} -> {held:.0f} MiB, "
        f"{left} connections open after 35 s"
    )


def long_queries(calls: int = 9000) -> str:
    query = "&".join(f"p{i}=" for i in range(1302))
    with sandbox() as (port, proc):
        before = rss_mib(proc.pid)
        with socket.create_connection(("127.0.0.1", port)) as sock, sock.makefile("rb") as answers:
            for _ in range(calls):
                sock.sendall(head(port, "GET", f"/v1/api/requests?{query}"))
                length = 0
                while (line := answers.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                answers.read(length)
        url = f"http://127.0.0.1:{port}/_mockserver/journal?limit=1"
        with urllib.request.urlopen(url) as resp:
            journal = json.load(resp)
        grown = rss_mib(proc.pid) - before
    return (
        f"{calls} GETs with 1,302 empty parameters: RSS +{grown:.0f} MiB, "
        f"{journal['dropped']} of {journal['total']} dropped from the journal"
    )


def main() -> None:
    print(f"serving {SOURCE}")
    for figure in (gzip_bomb, lambda: waits(0), lambda: waits(500), unfinished_bodies):
        print(figure(), flush=True)
    print(long_queries(2000 if QUICK else 9000))


if __name__ == "__main__":
    main()
