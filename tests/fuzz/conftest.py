"""Fixtures for the fuzz tests: one live sandbox per worker with the fuzz scenario, a
`requests` session, and a namespace of its own for each test (a fresh world); and the summary
of findings `make fuzz` prints at the end (each failing test with its minimal case)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from mockserver.testing.server import InProcessServer

from .support import LONG, SCALE, SEED, start_server

NS_HEADER = "X-Mockserver-Namespace"


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessServer]:
    server = start_server(tmp_path_factory.mktemp("fuzz"))
    yield server
    server.stop()


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> dict[str, str]:
    """The namespace header that gives this test a world of its own."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    return {NS_HEADER: name}


# (test id, what it said) of each failing fuzz test; filled where the reports arrive (the
# xdist controller, or the one process).
FOUND: list[tuple[str, list[str]]] = []
SHOWN = 12  # lines of each finding in the summary


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep what a failing fuzz test says went wrong: its assertion's lines (the case, as
    sent, and each broken invariant), shrunk to the minimal case in `make fuzz`."""
    if not report.failed or "tests/fuzz/" not in report.nodeid:
        return
    lines = [
        line[1:].strip()
        for line in report.longreprtext.splitlines()
        if line.startswith("E ") and line[1:].strip()
    ]
    wanted = [line for line in lines if not line.startswith(("Failing test case", "case=", ")"))]
    FOUND.append((report.nodeid, wanted[:SHOWN] or report.longreprtext.splitlines()[-SHOWN:]))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FOUND and not LONG:
        return
    seed = f", seed {SEED}" if SEED is not None else ", a random seed (hypothesis prints it)"
    mode = f"scale {SCALE:g}{seed}" if LONG else "make test's fixed cases"
    terminalreporter.section(f"fuzz findings: {len(FOUND)} ({mode})")
    if not FOUND:
        terminalreporter.write_line("none: every case kept every invariant")
    for nodeid, lines in FOUND:
        terminalreporter.write_line(nodeid, bold=True)
        for line in lines:
            terminalreporter.write_line(f"    {line[:300]}")
