"""The event-loop watchdog over the whole suite: a test fails when, during its setup, call or
teardown, one callback held an asyncio event loop longer than the budget. That covers every
loop the tests run in this process (pytest-aiohttp's, the in-process sandbox's thread of
`mockserver.testing`, receivers) and every sandbox a test starts as a subprocess: those inherit
`MOCKSERVER_LOOP_WATCHDOG_MS` and `MOCKSERVER_LOOP_WATCHDOG_REPORT` and append their stalls to a
file this plugin reads after each phase.

The budget (docs/contributing.md, "The event-loop watchdog"):
- `MOCKSERVER_TEST_LOOP_BUDGET_MS` (default 100): the CPU time one callback may take in the
  loop's thread. CPU time, so a busy machine (other processes taking the cores) does not fail
  a test; a callback that blocks without using the CPU (a sleep, a synchronous socket read) is
  caught by the real-time ceiling, 10 times the budget.
- `MOCKSERVER_TEST_SLOWDOWN` (default 1) multiplies both, for a machine slower than a
  developer's laptop (a small CI runner: 2 or 3).
- A machine busier than its cores (its load average over its core count, when above 1) stretches
  the real-time ceiling by that ratio: a thread waiting for a core, or for the GIL that a busy
  test thread holds, is no stalled loop.
The garbage collector's pauses are shown but not counted: they grow with the test process's
heap (pytest, hypothesis, every test module), not with what a test sends.

A test that stalls a loop on purpose (the watchdog's own tests) is marked
`@pytest.mark.loop_stall_allowed`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver.base.loopwatch import LoopWatch, Overrun

BUDGET_MS = float(os.environ.get("MOCKSERVER_TEST_LOOP_BUDGET_MS") or 100)
SLOWDOWN = float(os.environ.get("MOCKSERVER_TEST_SLOWDOWN") or 1)
CPU_MS = BUDGET_MS * SLOWDOWN
WALL_MS = 10 * CPU_MS
HOW_TO_SET = (
    f"budget {CPU_MS:.0f} ms of CPU, {WALL_MS:.0f} ms of real time: "
    "MOCKSERVER_TEST_LOOP_BUDGET_MS x MOCKSERVER_TEST_SLOWDOWN"
)


class SuiteWatch:
    """The process's watch, and the report file of the sandboxes started as subprocesses."""

    def __init__(self) -> None:
        self.watch = LoopWatch(WALL_MS, CPU_MS, count_gc=False).install()
        self.folder = Path(tempfile.mkdtemp(prefix="loopwatch-"))
        self.report = self.folder / "stalls.jsonl"
        self.report.touch()
        self.read = 0
        os.environ["MOCKSERVER_LOOP_WATCHDOG_MS"] = str(CPU_MS)
        os.environ["MOCKSERVER_LOOP_WATCHDOG_REPORT"] = str(self.report)

    def take(self) -> list[Overrun]:
        """Every overrun since the last call: in this process, and in sandbox subprocesses
        (their own reports, filtered by this suite's budgets; this process's are in `watch`)."""
        found = self.watch.take()
        with self.report.open("rb") as lines:
            lines.seek(self.read)
            data = lines.read()
        complete = data[: data.rfind(b"\n") + 1]
        self.read += len(complete)
        for line in complete.splitlines():
            entry: dict[str, Any] = json.loads(line)
            overrun = Overrun(**entry)
            if overrun.pid != os.getpid():
                found.append(overrun)
        ceiling = WALL_MS * busy()
        return [o for o in found if o.cpu_ms - o.gc_ms > CPU_MS or o.wall_ms - o.gc_ms > ceiling]

    def close(self) -> None:
        self.watch.uninstall()
        shutil.rmtree(self.folder, ignore_errors=True)


def busy() -> float:
    """How many times more runnable threads than cores the machine has had lately (1 at most
    as many as its cores)."""
    return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))


KEY = pytest.StashKey[SuiteWatch]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "loop_stall_allowed: the test stalls an event loop on purpose (the watchdog's tests)",
    )
    config.stash[KEY] = SuiteWatch()


def pytest_unconfigure(config: pytest.Config) -> None:
    watch = config.stash.get(KEY, None)
    if watch is not None:
        watch.close()


def _check(item: pytest.Item, phase: str) -> None:
    overruns = item.config.stash[KEY].take()
    if not overruns or item.get_closest_marker("loop_stall_allowed") is not None:
        return
    lines = "\n".join(f"- {o.describe()}" for o in overruns)
    load = f"; real-time ceiling x{busy():.1f} for the machine's load" if busy() > 1 else ""
    pytest.fail(
        f"the event loop was held too long during {phase} ({HOW_TO_SET}{load}):\n{lines}",
        pytrace=False,
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    try:
        return (yield)
    finally:
        _check(item, "setup")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    try:
        return (yield)
    finally:
        _check(item, "the test")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    try:
        return (yield)
    finally:
        _check(item, "teardown")


@pytest.fixture
def loop_watch(request: pytest.FixtureRequest) -> SuiteWatch:
    """The suite's watch, for a test that attributes stalls to each of its own cases (the
    fuzz tests): what it takes, the per-phase check no longer sees."""
    return request.config.stash[KEY]
