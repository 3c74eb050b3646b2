"""A connection that sits idle, or sends its request head a byte at a time, is closed after
`MOCKSERVER_IDLE_TIMEOUT` seconds, while other clients are answered meanwhile. Real time is
what a socket sees, so these tests use a short timeout and wait on the server's close."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import aiohttp

from .conftest import START, Served

SCENARIO = f'seed: 1\nclock: manual\nstart: "{START}"\n'
IDLE = 0.5


async def closed_after(reader: asyncio.StreamReader, limit: float) -> float:
    """Seconds until the server closes the connection (read returns EOF), at most `limit`."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await asyncio.wait_for(reader.read(), limit) == b""
    return loop.time() - started


async def test_an_idle_connection_is_closed(served: Callable[..., Awaitable[Served]]) -> None:
    sandbox = await served(SCENARIO, idle_timeout=IDLE)
    reader, writer = await asyncio.open_connection("127.0.0.1", sandbox.port)
    assert await closed_after(reader, 5) < IDLE + 1.5
    writer.close()


async def test_a_head_sent_byte_by_byte_is_cut_off(
    served: Callable[..., Awaitable[Served]],
) -> None:
    sandbox = await served(SCENARIO, idle_timeout=IDLE)
    reader, writer = await asyncio.open_connection("127.0.0.1", sandbox.port)
    head = b"GET /_mockserver/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 4000
    loop = asyncio.get_running_loop()
    deadline = loop.time() + IDLE + 1.5
    answered = 0
    closed = False
    async with aiohttp.ClientSession(sandbox.url) as http:
        for byte in head:
            if loop.time() > deadline:
                break
            try:
                writer.write(bytes([byte]))
                await writer.drain()
                # one byte every 20 ms: the pause is a wait for the server to hang up
                closed = await asyncio.wait_for(reader.read(1), 0.02) == b""
                break
            except TimeoutError:
                pass
            except ConnectionError:
                closed = True
                break
            async with http.get("/_mockserver/health") as resp:  # others are answered
                answered += resp.status == 200
    writer.close()
    assert closed, "the slow connection was still open"
    assert answered > 5


async def test_a_keep_alive_connection_idle_after_an_answer_is_closed(
    served: Callable[..., Awaitable[Served]],
) -> None:
    sandbox = await served(SCENARIO, idle_timeout=IDLE)
    reader, writer = await asyncio.open_connection("127.0.0.1", sandbox.port)
    writer.write(b"GET /_mockserver/health HTTP/1.1\r\nHost: x\r\n\r\n")
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
    await reader.readexactly(length)
    assert await closed_after(reader, 5) < IDLE + 1.5
    writer.close()
