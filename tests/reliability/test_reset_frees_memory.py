"""After a reset, what the old world held is freed, with the garbage collector tuned as the
server tunes it (full collections rare): load-then-reset rounds leave RSS where the first round
left it, instead of climbing round after round."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import aiohttp
import pytest

from mockserver.base import gcpolicy
from tests.support.polling import until

from .conftest import LOOP_ID, START, Served

SCENARIO = f"""
seed: 1
clock: manual
start: "{START}"
hitl:
  keys: [hk]
  loops: [{{id: {LOOP_ID}, name: Team}}]
"""
ROUNDS, CALLS = 5, 600
AUTH = {"Authorization": "Bearer hk"}


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture
def tuned_gc() -> Iterator[list[int]]:
    """The server's thresholds (server.tune_gc) for the test; the full collections seen."""
    full: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            full.append(1)

    gc.collect()
    before = gc.get_threshold()
    gc.set_threshold(*gcpolicy.THRESHOLDS)
    gc.callbacks.append(seen)
    yield full
    gc.callbacks.remove(seen)
    gc.set_threshold(*before)


async def load(client: aiohttp.ClientSession) -> None:
    body = {
        "request_text": "review me " * 20,
        "response_type": "text",
        "metadata": {f"k{n}": ["v" * 20, {"n": n}] for n in range(40)},
    }
    path = f"/v1/api/loops/{LOOP_ID}/requests"
    for start in range(0, CALLS, 50):
        answers = await asyncio.gather(
            *(client.post(path, json=body, headers=AUTH) for _ in range(start, start + 50))
        )
        assert {a.status for a in answers} == {201}
        for answer in answers:
            answer.release()


async def test_rss_returns_after_each_reset(
    served: Callable[..., Awaitable[Served]], tuned_gc: list[int]
) -> None:
    """A real client session: aiohttp's test client keeps every response it got."""
    sandbox = await served(SCENARIO, rate_limit=1_000_000)
    levels = []
    async with aiohttp.ClientSession(sandbox.url) as client:
        for _ in range(ROUNDS):
            await load(client)
            tuned_gc.clear()
            async with client.post("/_mockserver/reset") as resp:
                assert resp.status == 200
            await until(lambda: tuned_gc, "a full collection followed")
            levels.append(rss_mib())
    print("RSS after each reset (MiB):", [round(level, 1) for level in levels])
    assert levels[-1] - levels[1] < 8, levels  # round 1 warms the allocator up
