"""SIGTERM on the real `mockserver serve` process: with webhooks stuck in flight and retries
pending in five namespaces and a long-poll wait parked, it stops within 5 s, answers the wait,
records every undelivered webhook `abandoned` and writes the exit dump."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.polling import parked, serving, wait_until

from .conftest import LOOP_ID, refused_url

NAMESPACES = [f"tenant-{n}" for n in range(5)]
SCENARIO = f"""
seed: 5
clock: real
hitl:
  loops: [{{id: {LOOP_ID}, name: Team}}]
  rules: [{{otherwise: timeout}}]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def never_answers() -> Iterator[str]:
    """A loopback port that accepts connections (the kernel does) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook"


def call(base: str, method: str, path: str, body: Any = None, ns: str = "") -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", "Bearer key")
    if ns:
        request.add_header("X-Mockserver-Namespace", ns)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def webhook(base: str, ns: str, url: str) -> str:
    body = {"request_text": "x", "response_type": "text", "callback_url": url}
    status, made = call(base, "POST", f"/v1/api/loops/{LOOP_ID}/requests", body, ns)
    assert status == 201, made
    rid: str = made["data"]["request_id"]
    status, _ = call(base, "DELETE", f"/v1/api/requests/{rid}", ns=ns)
    assert status == 200
    return rid


def attempted(base: str) -> int:
    """How many deliveries have had a (failed) first attempt, in every namespace."""
    made = 0
    for ns in NAMESPACES:
        _, found = call(base, "GET", "/_mockserver/deliveries", ns=ns)
        made += sum(1 for d in found["deliveries"] if d["attempts"])
    return made


def test_sigterm_stops_fast_answers_waits_abandons_and_dumps(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO)
    dump = tmp_path / "out" / "mockserver-dump.json"
    port = free_port()
    env = {**os.environ, "MOCKSERVER_DUMP_ON_EXIT": str(dump), "MOCKSERVER_LOG_LEVEL": "warning"}
    cmd = [sys.executable, "-m", "mockserver.cli.main", "serve", "--port", str(port)]
    log = tmp_path / "stderr.txt"
    with log.open("w") as err:
        proc = subprocess.Popen([*cmd, "--scenario", str(scenario)], env=env, stderr=err)
    base = f"http://127.0.0.1:{port}"
    try:
        serving(base, proc)
        with never_answers() as stuck:
            subjects = []
            for ns in NAMESPACES:
                subjects.append(webhook(base, ns, stuck))  # in flight, never answered
                subjects.append(webhook(base, ns, refused_url()))  # fails; retry in 15 s
            waited: list[tuple[int, Any]] = []
            path = f"/_mockserver/wait/items/hitl/{subjects[0]}?status=completed&timeout=60"
            waiter = threading.Thread(
                target=lambda: waited.append(call(base, "GET", path, ns=NAMESPACES[0]))
            )
            waiter.start()
            # the first attempts to `refused` are made (real time: a connection refused)
            wait_until(lambda: attempted(base) >= len(NAMESPACES), "the first attempts")
            parked(base, 1, NAMESPACES[0])  # the wait has arrived: SIGTERM must answer it

            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=15)
            took = time.monotonic() - started
            waiter.join(5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        stderr = log.read_text()
    assert code == 0, stderr
    assert took < 5.0, f"stopping took {took:.1f}s"
    assert len(waited) == 1
    status, answer = waited[0]
    assert status == 503 and "shutting down" in answer["error"]
    assert answer["current_status"] == "cancelled"

    found = json.loads(dump.read_text())
    assert sorted(found["namespaces"]) == NAMESPACES
    states = {
        d["subject"]: d["state"] for ns in found["namespaces"].values() for d in ns["deliveries"]
    }
    assert states == {rid: "abandoned" for rid in subjects}
    for ns in found["namespaces"].values():
        assert [e["method"] for e in ns["journal"]] == ["POST", "DELETE", "POST", "DELETE"]


@pytest.fixture(autouse=True)
def _no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCKSERVER_CONTROL_TOKEN", raising=False)
