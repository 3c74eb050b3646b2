"""A connection that sits idle, or sends its request head a byte at a time, is closed after
`MOCKSERVER_IDLE_TIMEOUT` seconds, while other clients are answered meanwhile; a body that
does not arrive whole within `MOCKSERVER_BODY_TIMEOUT` is a 408, and bodies still arriving hold
no more than `MOCKSERVER_BODY_MEMORY` together. Real time is what a socket sees, so these tests
use a short timeout and wait on the server's close."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import aiohttp
import pytest

from mockserver.http import appkeys
from tests.support.polling import until

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


async def send_part_of_a_body(
    port: int, path: str, length: int, sent: int
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Open a connection and send a head announcing `length` bytes of body, then `sent`."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer k\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n".encode()
        + b" " * sent
    )
    await writer.drain()
    return reader, writer


async def answer_and_close(reader: asyncio.StreamReader, limit: float) -> tuple[int, bytes]:
    """The status the server answers with, and its body, once it has closed the connection."""
    data = await asyncio.wait_for(reader.read(), limit)  # to the end: the server hangs up
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.mark.parametrize("path", ["/v1/api/loops", "/_mockserver/clock/advance"])
async def test_a_body_that_never_finishes_is_cut_off(
    served: Callable[..., Awaitable[Served]], path: str
) -> None:
    """The idle timeout covers the head; `MOCKSERVER_BODY_TIMEOUT` the whole body: a client
    that sends all but the last byte gets a 408 and its connection closed."""
    sandbox = await served(SCENARIO, body_timeout=IDLE, idle_timeout=60)
    reader, writer = await send_part_of_a_body(sandbox.port, path, 1000, 999)
    loop = asyncio.get_running_loop()
    started = loop.time()
    status, body = await answer_and_close(reader, 5)
    assert status == 408
    assert b"MOCKSERVER_BODY_TIMEOUT" in body
    assert loop.time() - started < IDLE + 1.5
    writer.close()


async def test_unfinished_bodies_hold_no_more_than_the_body_memory(
    served: Callable[..., Awaitable[Served]],
) -> None:
    """Bodies still arriving share `MOCKSERVER_BODY_MEMORY`: past it, the call whose bytes
    do not fit is a 503 and its bytes are let go; the others go on, and finish."""
    sandbox = await served(SCENARIO, max_body=10_000, body_memory=25_000, body_timeout=30)
    held = sandbox.app[appkeys.BODY_LIMITS].held
    path = "/v1/api/loops"
    first = [await send_part_of_a_body(sandbox.port, path, 10_000, 9_000) for _ in range(2)]
    await until(lambda: held.held == 18_000, "both partial bodies held")
    reader, writer = await send_part_of_a_body(sandbox.port, path, 10_000, 9_000)
    status, body = await answer_and_close(reader, 5)
    assert status == 503 and b"MOCKSERVER_BODY_MEMORY" in body
    assert held.held == 18_000  # the refused call's bytes are not held
    writer.close()
    for reader, writer in first:  # the others finish: their calls are answered
        writer.write(b" " * 1_000)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.split(b" ", 2)[1] != b"503"
        writer.close()
    await until(lambda: held.held == 0, "every body let go")
