"""The event-loop watchdog (mockserver/base/loopwatch.py): what it records, the server's
`--loop-watchdog-ms` option, and the suite's own hook (tests/conftest.py) failing a test that
stalls a loop."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver.base.loopwatch import LoopWatch
from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario

pytest_plugins = ["pytester"]
Client = TestClient[web.Request, web.Application]


def burn_cpu(seconds: float) -> None:
    """Hold the thread (and its loop) on the CPU, as a quadratic scan would."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


@pytest.mark.loop_stall_allowed
async def test_a_callback_over_the_cpu_budget_is_recorded_with_its_stack() -> None:
    # (a collection of this big test process's heap is no callback's doing: not counted)
    loop = asyncio.get_running_loop()
    watch = LoopWatch(wall_ms=10_000, cpu_ms=60, loop=loop, count_gc=False).install()
    try:
        await asyncio.sleep(0)
        assert watch.take() == []  # short callbacks are not recorded

        async def slow_handler() -> None:
            burn_cpu(0.2)

        await asyncio.create_task(slow_handler(), name="the-slow-one")
        overruns = watch.take()
        assert len(overruns) == 1, overruns
        (overrun,) = overruns
    finally:
        watch.uninstall()
    assert "the-slow-one" in overrun.callback and "slow_handler" in overrun.callback
    assert overrun.cpu_ms >= 200 and overrun.wall_ms >= overrun.cpu_ms
    assert overrun.stack is not None and "burn_cpu" in overrun.stack, overrun
    assert "held the event loop" in overrun.describe()


@pytest.mark.loop_stall_allowed
async def test_a_callback_that_blocks_without_cpu_is_caught_by_the_real_time_budget() -> None:
    watch = LoopWatch(wall_ms=60, cpu_ms=10_000, loop=asyncio.get_running_loop()).install()
    try:
        # the stall under test: a callback that blocks 150 ms without using the CPU
        asyncio.get_running_loop().call_soon(time.sleep, 0.15)
        await asyncio.sleep(0)  # (a yield: the call_soon runs first)
        # (on a busy machine a callback waiting for a core may pass 60 ms of real time too)
        (overrun,) = [o for o in watch.take() if "sleep" in o.callback]
    finally:
        watch.uninstall()
    assert "sleep" in overrun.callback and overrun.wall_ms >= 150 and overrun.cpu_ms < 60


async def test_other_loops_are_not_watched_by_a_loop_watch() -> None:
    other = asyncio.new_event_loop()
    watch = LoopWatch(wall_ms=10, loop=other).install()
    try:
        # a stall on this loop, which the watch on `other` must not report
        asyncio.get_running_loop().call_soon(time.sleep, 0.05)
        await asyncio.sleep(0)  # (a yield: the call_soon runs first)
    finally:
        watch.uninstall()
        other.close()
    assert watch.take() == []


@pytest.mark.loop_stall_allowed
async def test_the_servers_option_logs_each_stall_and_appends_it_to_the_report(
    aiohttp_client: Callable[[web.Application], Awaitable[Client]],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    report = tmp_path / "stalls.jsonl"
    settings = Settings(loop_watchdog_ms=50, loop_watchdog_report=str(report))
    scenario = parse_scenario("name: t\n", "t.yaml", VENDORS)
    client = await aiohttp_client(build_app(settings, VENDORS, ScenarioLibrary(default=scenario)))
    assert (await client.get("/_mockserver/health")).status == 200
    asyncio.get_running_loop().call_soon(burn_cpu, 0.12)
    await asyncio.sleep(0)  # (a yield: the call_soon runs first)
    # The option's budget is real time: on a busy machine another callback waiting for a core
    # may pass 50 ms too. Each stall is one line and one warning; the burn is one of them.
    stalls = [json.loads(line) for line in report.read_text().splitlines()]
    (burn,) = [s for s in stalls if "burn_cpu" in s["callback"]]
    assert burn["wall_ms"] >= 120 and burn["cpu_ms"] >= 120
    records = [r for r in caplog.records if r.name == "mockserver.loop"]
    assert len(records) == len(stalls)
    assert all(r.levelno == logging.WARNING for r in records)
    assert all("event loop stalled" in r.getMessage() for r in records)
    assert [r for r in records if "burn_cpu" in r.getMessage()]


def test_the_suite_fails_a_test_that_stalls_a_loop(pytester: pytest.Pytester) -> None:
    pytester.makeconftest((Path(__file__).parents[1] / "conftest.py").read_text())
    pytester.makepyfile(
        test_stall="""
        import asyncio, time

        def burn():
            end = time.thread_time() + 0.3
            while time.thread_time() < end:
                pass

        def test_stalls():
            async def main():
                burn()
            asyncio.run(main())

        def test_does_not():
            asyncio.run(asyncio.sleep(0))
        """
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:anyio"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the event loop was held too long during the test*",
            "*coroutine test_stalls.<locals>.main*",
            "*in burn*",
        ]
    )


STALLING_SANDBOX = """
import asyncio, time
from mockserver.base.loopwatch import serve_watch
from mockserver.http.settings import Settings

settings = Settings.from_env()  # MOCKSERVER_LOOP_WATCHDOG_MS and _REPORT, from the suite

async def main():
    loop = asyncio.get_running_loop()
    serve_watch(settings.loop_watchdog_ms, settings.loop_watchdog_report, loop).install()
    await asyncio.sleep(0)  # the watch times callbacks that start after it is installed
    end = time.thread_time() + 0.3
    while time.thread_time() < end:
        pass
    await asyncio.sleep(0)

asyncio.run(main())
"""


def test_a_sandbox_the_suite_starts_as_a_subprocess_reports_its_stalls_to_it(
    loop_watch: Any,
) -> None:
    """What `mockserver serve` does with the variables the suite exports: its stall reaches the
    suite's hook (taken here, so this test does not fail for it)."""
    command = [sys.executable, "-c", STALLING_SANDBOX]
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True) as sandbox:
        _, stderr = sandbox.communicate(timeout=60)
    assert sandbox.returncode == 0, stderr
    assert "event loop stalled" in stderr  # the server's own warning
    (stall,) = [o for o in loop_watch.take() if o.pid == sandbox.pid and "main" in o.callback]
    assert "coroutine main" in stall.callback and stall.cpu_ms >= 300
