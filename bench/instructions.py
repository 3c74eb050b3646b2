"""Instructions per HITL create-request, counted by valgrind's callgrind: repeatable on a busy
machine where timings are not, so before/after comparisons of an optimization use this.

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out \\
        .venv/bin/python bench/instructions.py [sandbox|live|bare]
    (prints "... instructions per call"; needs valgrind, and callgrind_control on PATH;
    `bench/run.py --only instructions` runs all three and prints the table)

The server runs in this process with a small client (10 connections, raw HTTP/1.1 keep-alive);
counting is switched on only around 1,000 calls, after a warm-up, so start-up is not counted.
Server and client are both counted: compare `sandbox` with `bare` (a bare aiohttp app answering
a fixed body), whose difference is the sandbox's own work.

`live` is the live path: the embedded default scenario on a manual clock (so the count does
not depend on how fast valgrind runs), each request with a `callback_url`; after every 100
calls the clock moves 3 s, so each request is claimed and answered and both signed webhooks go
out to a bare aiohttp receiver in another process (not counted). Per call: the create-request,
its two scripted steps and its two deliveries. On a manual clock the attempts due at one
instant run inside the first one's timer, in batches pipelined on one connection.

`realtime` is the live path as a wave meets it: the same calls on the default scenario's real
clock, the scripted steps falling due a second and three seconds later while calls keep
arriving, and the webhooks sent by the sender's workers, several to one receiver pipelined on
one connection (as under wrk); counting stops once every webhook of the 1,000 calls is
delivered. The batches depend on timing, so the count varies a little from run to run (about
1%); it is the figure nearest to what wrk measures.
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
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web
from common import free_port, new_loop
from targets import HITL_BODY, PATH, bare_app

HERE = Path(__file__).resolve().parent
CALLS, CONNS = 1000, 10


def request_bytes(path: str = PATH, body: str = HITL_BODY) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer bench-key\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n{body}"
    ).encode()


REQUEST = request_bytes()


async def client(port: int, n: int, request: bytes = REQUEST) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for _ in range(n):
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        at = head.lower().index(b"content-length:")
        await reader.readexactly(int(head[at + 15 : head.index(b"\r\n", at)]))
    writer.close()


def callgrind(switch: str) -> bool:
    """Counting on or off (False when not running under callgrind)."""
    tool = shutil.which("callgrind_control")
    if tool is None:
        return False
    done = subprocess.run([tool, "-i", switch, str(os.getpid())], capture_output=True, text=True)
    return done.returncode == 0 and "Error" not in done.stdout + done.stderr


async def main(kind: str) -> None:
    from mockserver.http.server import create_app, tune_gc
    from mockserver.http.settings import Settings

    receiver, receiver_port = None, 0
    if kind == "bare":
        app = bare_app()
    elif kind in ("live", "realtime"):
        clock = "manual" if kind == "live" else "real"
        app = create_app(Settings(port=0, clock=clock, log_level="warning", rate_limit=10**9))
        receiver_port = free_port()
        receiver = subprocess.Popen(
            [sys.executable, str(HERE / "targets.py"), "bare", str(receiver_port)],
            stdout=subprocess.DEVNULL,
        )
    else:
        settings = Settings(port=0, scenario=str(HERE / "bench-scenario.yaml"), log_level="warning")
        app = create_app(settings)
    tune_gc()
    try:
        await count(kind, app, receiver_port)
    finally:
        if receiver is not None:
            receiver.terminate()
            receiver.wait(10)


async def count(kind: str, app: web.Application, receiver_port: int) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    batch = run_batch(port, REQUEST)
    settled: Callable[[int], Awaitable[None]] | None = None
    if kind == "live":
        batch = await live_batch(app, port, receiver_port)
    elif kind == "realtime":
        batch, settled = await realtime_batch(app, port, receiver_port)
    await batch(100)  # warm-up
    if settled is not None:
        await settled(100)
    counting = callgrind("on")
    started = time.process_time()
    for _ in range(CALLS // 100):
        await batch(100)
    if settled is not None:
        await settled(CALLS + 100)
    spent = time.process_time() - started
    if counting:
        callgrind("off")
        print(f"{kind}: {CALLS:,} calls counted; instructions per call = callgrind total / {CALLS}")
    else:
        print(f"{kind}: {spent / CALLS * 1e6:.0f} µs CPU per call (not under callgrind)")
    await runner.cleanup()


Batch = Callable[[int], Awaitable[None]]


def run_batch(port: int, request: bytes) -> Batch:
    async def batch(n: int) -> None:
        await asyncio.gather(*(client(port, n // CONNS, request) for _ in range(CONNS)))

    return batch


async def live_batch(app: web.Application, port: int, rport: int) -> Batch:
    """Calls with a callback_url to the receiver on `rport`; after each batch the manual clock
    moves on until every request is answered and its webhooks are settled."""
    from mockserver.http.appkeys import WORLDS

    world = app[WORLDS].get()
    base = f"http://127.0.0.1:{port}"
    path = await asyncio.to_thread(new_loop, base)
    await world.clock.advance(2)  # the reviewers join the loop
    body = json.dumps({**json.loads(HITL_BODY), "callback_url": f"http://127.0.0.1:{rport}/h"})
    if os.environ.get("ABLATE") == "nohook":
        body = HITL_BODY
    await receiver_up(rport)
    calls = run_batch(port, request_bytes(path, body))
    log = world.dispatcher.log

    async def batch(n: int) -> None:
        before = log.total
        await calls(n)
        await world.clock.advance(3)
        sent = list(log)[before - log.total :]
        assert len(sent) == 2 * n or os.environ.get("ABLATE"), f"{len(sent)} webhooks for {n}"
        assert all(d.state == "delivered" for d in sent), "a webhook was not delivered"

    return batch


async def receiver_up(rport: int) -> None:
    """Wait (up to about ten seconds) until the local receiver on `rport` takes connections."""
    for _ in range(100):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", rport), 0.2):
            return
        await asyncio.sleep(0.1)


async def realtime_batch(
    app: web.Application, port: int, rport: int
) -> tuple[Batch, Callable[[int], Awaitable[None]]]:
    """Calls with a callback_url on the real clock, and a wait until the webhooks of the first
    `n` calls are all delivered."""
    from mockserver.http.appkeys import WORLDS

    world = app[WORLDS].get()
    base = f"http://127.0.0.1:{port}"
    path = await asyncio.to_thread(new_loop, base)
    await asyncio.sleep(1.5)  # the reviewers join the loop a second after it is made
    body = json.dumps({**json.loads(HITL_BODY), "callback_url": f"http://127.0.0.1:{rport}/h"})
    await receiver_up(rport)
    calls = run_batch(port, request_bytes(path, body))
    log = world.dispatcher.log

    async def settled(n: int) -> None:
        while log.total < 2 * n or world.dispatcher.pending:
            await asyncio.sleep(0.05)
        sent = list(log)[-min(2 * n, log.cap) :]
        assert all(d.state == "delivered" for d in sent), "a webhook was not delivered"

    return calls, settled


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "sandbox"))
