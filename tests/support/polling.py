"""The suite's one way to wait for something that only real time settles: a process starting
up, bytes crossing a loopback socket, a file watcher's next poll. Everything else moves on the
virtual clock or waits on a condition the sandbox exposes (the control plane's `wait/...` calls,
`GET /_mockserver/health`'s parked waits), never on a sleep.

Each helper polls a readiness condition until a deadline and fails naming what it waited for
and what it saw last, so a slow machine costs time, never a false failure, and a broken
condition fails with a message rather than a hang. `tests/tooling/test_no_sleeps.py` refuses a
sleep anywhere else in the tests.

The deadlines are generous on purpose: they are reached only when the condition never holds,
and a loaded two-core CI runner can take seconds to start a Python process. Polls start fast
(a few loop turns, then a millisecond) and slow down to `MAX_INTERVAL`, so a condition met at
once costs next to nothing and a long wait does not spin.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import urllib.request
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")

MAX_INTERVAL = 0.05  # seconds between two polls, at most
PROCESS_START = 30.0  # seconds a subprocess may take to answer its first call


def _intervals() -> Any:
    """0, 0, 0 (loop turns or none), then 1 ms doubling up to MAX_INTERVAL."""
    yield from (0.0, 0.0, 0.0)
    interval = 0.001
    while True:
        yield interval
        interval = min(interval * 2, MAX_INTERVAL)


def _failure(what: str, timeout: float, last: object) -> AssertionError:
    seen = f"; last seen: {last!r}" if last is not None else ""
    return AssertionError(f"{what}: not within {timeout:g} s{seen}")


def wait_until(
    predicate: Callable[[], T],
    what: str,
    *,
    timeout: float = 10.0,
    alive: Callable[[], str | None] | None = None,
) -> T:
    """Poll `predicate()` until it returns something true, and return that. AssertionError
    naming `what` after `timeout` seconds, or as soon as `alive()` says why waiting is pointless
    (a process that exited). An exception from `predicate` (a refused connection) counts as
    "not yet" and is shown if the deadline passes."""
    deadline = time.monotonic() + timeout
    last: object = None
    for interval in _intervals():
        try:
            value = predicate()
        except Exception as exc:
            last = exc
        else:
            if value:
                return value
            last = value
        if alive is not None and (why := alive()) is not None:
            raise AssertionError(f"{what}: {why}")
        if time.monotonic() >= deadline:
            raise _failure(what, timeout, last)
        time.sleep(interval)
    raise AssertionError("unreachable")


async def until(predicate: Callable[[], T], what: str, *, timeout: float = 10.0) -> T:
    """`wait_until` inside an event loop: the loop runs between polls."""

    async def read() -> T:
        return predicate()

    return await until_async(read, what, timeout=timeout)


async def until_async(
    predicate: Callable[[], Awaitable[T]], what: str, *, timeout: float = 10.0
) -> T:
    """`until` for a condition read with a call (a control-plane GET)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: object = None
    for interval in _intervals():
        value = await predicate()
        if value:
            return value
        last = value
        if loop.time() >= deadline:
            raise _failure(what, timeout, last)
        await asyncio.sleep(interval)
    raise AssertionError("unreachable")


def exited(proc: subprocess.Popen[Any]) -> Callable[[], str | None]:
    """For `alive=`: why waiting on `proc` is pointless (it exited), or None."""

    def check() -> str | None:
        code = proc.poll()
        return None if code is None else f"the process exited with status {code}"

    return check


def health(base_url: str, namespace: str = "", timeout: float = 2.0) -> dict[str, Any]:
    """`GET /_mockserver/health` of the sandbox at `base_url` (OSError until it listens)."""
    request = urllib.request.Request(base_url.rstrip("/") + "/_mockserver/health")
    if namespace:
        request.add_header("X-Mockserver-Namespace", namespace)
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        found: dict[str, Any] = json.loads(answer.read())
    return found


def serving(
    base_url: str, proc: subprocess.Popen[Any] | None = None, timeout: float = PROCESS_START
) -> dict[str, Any]:
    """Wait until the sandbox at `base_url` answers its health check (failing at once, with
    its exit status, when `proc` exits first); its health answer."""
    return wait_until(
        lambda: health(base_url),
        f"the sandbox at {base_url} answering GET /_mockserver/health",
        timeout=timeout,
        alive=exited(proc) if proc is not None else None,
    )


def parked(base_url: str, count: int, namespace: str = "", timeout: float = 10.0) -> None:
    """Wait until `count` long-poll waits are parked in `namespace` of the sandbox at
    `base_url` (health's `waits.parked`): a wait sent from another thread has arrived."""
    wait_until(
        lambda: health(base_url, namespace)["waits"]["parked"] >= count,
        f"{count} wait(s) parked in namespace {namespace!r} at {base_url}",
        timeout=timeout,
    )
