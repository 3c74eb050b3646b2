"""`--loop uvloop` (MOCKSERVER_LOOP): the server runs on uvloop, the optional extra; without
it installed, or with an unknown name, the user reads what to do, never a traceback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest

from mockserver.base import eventloop
from mockserver.http.settings import Settings
from tests.support.polling import serving


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_runs_on_uvloop_and_stops_on_sigterm() -> None:
    port = free_port()
    env = {**os.environ, "MOCKSERVER_LOOP": "uvloop", "MOCKSERVER_LOG_LEVEL": "warning"}
    code = (
        "import asyncio, sys\n"
        "from mockserver.http import server\n"
        "real = server.web.run_app\n"
        "def run_app(app, **kw):\n"  # report the loop the app runs on, then serve as usual
        "    print(type(kw['loop']).__module__, flush=True)\n"
        "    real(app, **kw)\n"
        "server.web.run_app = run_app\n"
        "from mockserver.cli.main import main\n"
        f"sys.exit(main(['serve', '--port', '{port}']))\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as proc:
        run(proc, port)


def run(proc: subprocess.Popen[bytes], port: int) -> None:
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().decode().startswith("uvloop")
        assert serving(f"http://127.0.0.1:{port}", proc)["status"] == "ok"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


def test_uvloop_missing_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # an import of it fails, as uninstalled
    with pytest.raises(eventloop.LoopUnavailable, match=r"pip install 'mockserver\[uvloop\]'"):
        eventloop.check("uvloop")
    eventloop.check("asyncio")


def test_an_unknown_loop_is_refused_naming_the_variable() -> None:
    with pytest.raises(ValueError, match="MOCKSERVER_LOOP: must be asyncio or uvloop"):
        Settings.from_env({"MOCKSERVER_LOOP": "trio"})
    assert Settings.from_env({"MOCKSERVER_LOOP": "uvloop"}).loop == "uvloop"
