"""What the benchmark scripts share: request bodies, free ports, the server processes."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from targets import HITL_BODY, LOOP  # the same HITL create body (250 bytes) for every run
from wrk import pin

__all__ = ["HITL_BODY", "LOOP"]

HERE = Path(__file__).resolve().parent
QUICK = "--quick" in sys.argv
HITL_PATH = f"/v1/api/loops/{LOOP}/requests"
AUTH = {"Authorization": "Bearer bench-key", "Content-Type": "application/json"}
HIVE_AUTH = {"Authorization": "token bench-key", "Content-Type": "application/json"}
HIVE_BODY = json.dumps({"patron_id": "1", "post_id": "2", "text_data": "hello there"})
OUTHARM_BODY = json.dumps(
    {"schema_id": "550e8400-e29b-41d4-a716-446655440000", "content": {"body": ["hello there"]}}
)


def arg(name: str, default: str) -> str:
    """The value after `name` on the command line, or `default`."""
    if name in sys.argv[:-1]:
        return sys.argv[sys.argv.index(name) + 1]
    return default


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(
    kind: str, *extra: str, wait: float = 30.0
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """A `bench/targets.py` server on a free loopback port, pinned to core 0."""
    port = free_port()
    cmd = [*pin(0), sys.executable, str(HERE / "targets.py"), kind, str(port), *extra]
    proc = subprocess.Popen(cmd)
    deadline = time.time() + wait
    while time.time() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            break
        time.sleep(0.05)
    try:
        yield port, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(30)


def new_loop(base: str) -> str:
    """A fresh HITL loop's create-request path (the default scenario seeds no loop)."""
    req = urllib.request.Request(
        f"{base}/v1/api/loops", data=b'{"name": "Bench"}', headers=AUTH, method="POST"
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        loop_id = json.loads(resp.read())["data"]["loop"]["id"]
    return f"/v1/api/loops/{loop_id}/requests"


def table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown table."""
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out
