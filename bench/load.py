"""A closed-loop HTTP load generator: N connections, each sending requests back to back for a
fixed time. Prints one JSON line: requests per second, p50 and p99 latency in milliseconds."""

from __future__ import annotations

import asyncio
import json
import sys
import time

import aiohttp


async def run(url: str, body: str, headers: dict[str, str], conns: int, seconds: float) -> None:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=conns)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as resp:
                    await resp.read()
                    if resp.status >= 400:
                        errors += 1
                latencies.append(time.perf_counter() - started)

        # warm-up: open the connections before measuring
        await asyncio.gather(*(session.get(url.split("/v1")[0] + "/") for _ in range(1)))
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(conns)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    n = len(latencies)
    print(
        json.dumps(
            {
                "requests": n,
                "errors": errors,
                "rps": n / elapsed,
                "p50_ms": latencies[n // 2] * 1000,
                "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000,
            }
        )
    )


if __name__ == "__main__":
    url, body, header_json, conns, seconds = sys.argv[1:6]
    asyncio.run(run(url, body, json.loads(header_json), int(conns), float(seconds)))
