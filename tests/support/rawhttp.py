"""Raw HTTP/1.1 receivers for the webhook client's tests (`webhooks/fastpost.py`): a loopback
server whose handler reads requests off the socket and writes exactly the bytes a test chose,
malformed ones included, which no HTTP framework would send."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from mockserver.webhooks.fastpost import parse
from mockserver.webhooks.http1 import Target

Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def read_request(reader: asyncio.StreamReader) -> bytes:
    """One request off the connection, head and body (the client always sends a length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    return head + await reader.readexactly(length)


@asynccontextmanager
async def raw_receiver(serve: Serve, path: str = "/hook") -> AsyncIterator[Target]:
    """`serve` on a loopback port for the block's length; yields the target of `path` there."""
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    target = parse(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}{path}")
    assert target is not None
    try:
        yield target
    finally:
        server.close()
        await server.wait_closed()
