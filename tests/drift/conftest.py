"""Fixtures for `mockserver drift`: a stand-in for the real vendor (a second sandbox on a free
loopback port, optionally with a middleware that changes its answers) and a runner for the
command that captures everything it prints and writes.

No test reaches a vendor: `--base` always points at the stand-in.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from aiohttp import web

from mockserver.cli.main import main
from mockserver.http.server import create_app
from mockserver.http.settings import Settings
from mockserver.testing.client import ControlClient
from mockserver.testing.server import InProcessServer

KEY = "hitl_live_drift_" + "7" * 40
"""The "real" key: it must never appear in anything drift prints or writes."""

Middleware = Callable[[web.Request, Callable[[web.Request], Any]], Any]


class StandIn(InProcessServer):
    """A sandbox standing in for the real vendor, with optional middlewares that alter answers."""

    def __init__(self, settings: Settings, middlewares: tuple[Any, ...] = ()) -> None:
        super().__init__(settings)
        self.middlewares = middlewares

    async def _serve(self, sock: socket.socket) -> None:
        app = create_app(self.settings)
        app.middlewares.extend(self.middlewares)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        self._app, self._runner = app, runner

    @property
    def control(self) -> ControlClient:
        return ControlClient(self.url)

    def hitl(self, method: str, path: str, key: str = KEY) -> Any:
        resp = requests.request(
            method,
            f"{self.url}/v1/api{path}",
            headers={"Authorization": f"Bearer {key}"},
            timeout=5,
        )
        return resp.json()


@pytest.fixture
def stand_in() -> Iterator[Callable[..., StandIn]]:
    started: list[StandIn] = []

    def start(scenario: str | None = None, middlewares: tuple[Any, ...] = (), **kw: Any) -> StandIn:
        server = StandIn(Settings(scenario=scenario, **kw), middlewares)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@dataclass
class Result:
    code: int
    out: str
    err: str
    report: dict[str, Any]
    report_text: str

    def probe(self, name: str) -> dict[str, Any]:
        (found,) = [p for p in self.report["probes"] if p["probe"] == name]
        return dict(found)

    def outcomes(self) -> dict[str, str]:
        return {p["probe"]: p["outcome"] for p in self.report["probes"]}


@pytest.fixture
def drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """Run `mockserver drift ARGS` in-process with the key in HITL_API_KEY and no pacing."""
    monkeypatch.setenv("HITL_API_KEY", KEY)
    monkeypatch.setenv("HIVE_API_KEY", KEY)
    monkeypatch.setenv("OUTHARM_API_TOKEN", KEY)
    monkeypatch.setenv("MOCKSERVER_DRIFT_PACE", "0")
    runs = iter(range(1, 100))

    def run(*args: str) -> Result:
        report = tmp_path / f"drift-{next(runs)}.json"
        code = main(["drift", *args, "--report", str(report)])
        captured = capsys.readouterr()
        text = report.read_text(encoding="utf-8") if report.exists() else "{}"
        return Result(code, captured.out, captured.err, json.loads(text), text)

    return run


JOINED = "reviewers: [2 generated]\nhitl: {join: on_create}\n"
"""Reviewers join a new loop at once (a new loop's only active member is its creator, so
requests on it are accepted either way; with reviewers they are broadcast to more people)."""


@pytest.fixture
def joined(tmp_path: Path) -> str:
    return write(tmp_path, "joined.yaml", JOINED)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)
