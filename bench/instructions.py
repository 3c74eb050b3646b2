"""Instructions per HITL create-request, counted by valgrind's callgrind: repeatable on a busy
machine where timings are not, so before/after comparisons of an optimization use this.

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out \\
        .venv/bin/python bench/instructions.py [sandbox|bare]
    (prints "... instructions per call"; needs valgrind, and callgrind_control on PATH)

The server runs in this process with a small client (10 connections, raw HTTP/1.1 keep-alive);
counting is switched on only around 1,000 calls, after a warm-up, so start-up is not counted.
Server and client are both counted: compare `sandbox` with `bare` (a bare aiohttp app answering
a fixed body), whose difference is the sandbox's own work.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from aiohttp import web
from targets import HITL_BODY, PATH, bare_app

HERE = Path(__file__).resolve().parent
CALLS, CONNS = 1000, 10
REQUEST = (
    f"POST {PATH} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer bench-key\r\n"
    f"Content-Type: application/json\r\nContent-Length: {len(HITL_BODY)}\r\n\r\n{HITL_BODY}"
).encode()


async def client(port: int, n: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for _ in range(n):
        writer.write(REQUEST)
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
    from mockserver.server import create_app, tune_gc
    from mockserver.settings import Settings

    if kind == "bare":
        app = bare_app()
    else:
        settings = Settings(port=0, scenario=str(HERE / "bench-scenario.yaml"), log_level="warning")
        app = create_app(settings)
    tune_gc()
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    await asyncio.gather(*(client(port, 100) for _ in range(CONNS)))  # warm-up
    counting = callgrind("on")
    started = time.process_time()
    await asyncio.gather(*(client(port, CALLS // CONNS) for _ in range(CONNS)))
    spent = time.process_time() - started
    if counting:
        callgrind("off")
        print(f"{kind}: {CALLS:,} calls counted; instructions per call = callgrind total / {CALLS}")
    else:
        print(f"{kind}: {spent / CALLS * 1e6:.0f} µs CPU per call (not under callgrind)")
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "sandbox"))
