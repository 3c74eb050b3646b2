"""A compressed body costs what its inflated size allows, never what it inflates to: bytes are
inflated as they arrive, counted as they come, and past `MOCKSERVER_MAX_BODY` the call is a 413
and the rest is not read (aiohttp would otherwise read, and inflate, up to ten more seconds of
it to keep the connection). Counted in bytes inflated, not timed."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import compression_utils

from .conftest import LOOP_ID, LOOP_SCENARIO, Served

CAP = 1024 * 1024  # the default MOCKSERVER_MAX_BODY
PATHS = {
    "vendor": f"/v1/api/loops/{LOOP_ID}/requests",
    "control": "/_mockserver/scenario/validate",
}


@functools.cache
def compressed(size: int, encoding: str) -> bytes:
    """`size` bytes of a JSON-looking text (mostly spaces), compressed as `encoding` says."""
    wbits = {"gzip": 31, "deflate": 15, "raw-deflate": -15}[encoding]
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = b" " * (64 * 1024)
    out = [packer.compress(b'{"request_text": "x"')]
    for _ in range(size // len(block)):
        out.append(packer.compress(block))
    out.append(packer.compress(b"}"))
    out.append(packer.flush())
    return b"".join(out)


class Inflation:
    """Counts the bytes the sandbox's HTTP parser inflates (in this process: the sandbox is
    served on this test's own event loop)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.total = 0
        original = compression_utils.ZLibDecompressor.decompress_sync

        def counted(decompressor: Any, data: Any, max_length: int = 0) -> bytes:
            out: bytes = original(decompressor, data, max_length)
            self.total += len(out)
            return out

        monkeypatch.setattr(compression_utils.ZLibDecompressor, "decompress_sync", counted)


async def post(
    port: int, path: str, body: bytes, encoding: str, *, chunked: bool
) -> tuple[int, bytes]:
    """POST `body` on a raw connection; the answer's status, and whatever follows it until the
    server closes the connection (at most a few seconds)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    header = "gzip" if encoding == "gzip" else "deflate"
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(body)}"
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer hk\r\n"
        f"Content-Type: application/json\r\nContent-Encoding: {header}\r\n{framing}\r\n\r\n"
        "".encode()
    )
    if chunked:
        for at in range(0, len(body), 4096):
            piece = body[at : at + 4096]
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        writer.write(b"0\r\n\r\n")
    else:
        writer.write(body)
    with contextlib.suppress(ConnectionError):  # the server closed first: its answer follows
        await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    status = int(head.split(b" ", 2)[1])
    rest = b""
    if b"connection: close" in head.lower():
        rest = await asyncio.wait_for(reader.read(), 5)  # ends: the server hung up
    writer.close()
    return status, rest


@pytest.mark.parametrize("route", sorted(PATHS))
@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
async def test_a_body_that_inflates_past_the_cap_costs_only_the_cap(
    served: Callable[..., Awaitable[Served]],
    monkeypatch: pytest.MonkeyPatch,
    route: str,
    encoding: str,
    chunked: bool,
) -> None:
    inflation = Inflation(monkeypatch)
    sandbox = await served(LOOP_SCENARIO)
    # 64 MiB in about 64 KiB, packed off the loop (the watchdog counts the test's own CPU too)
    bomb = await asyncio.to_thread(compressed, 64 * CAP, encoding)
    assert len(bomb) < CAP // 8
    status, _ = await post(sandbox.port, PATHS[route], bomb, encoding, chunked=chunked)
    assert status == 413
    # What it cost is what the cap allows (plus what the parser inflated ahead), not 64 MiB.
    assert inflation.total <= 3 * CAP, inflation.total


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_a_compressed_body_within_the_cap_is_read_whole(
    served: Callable[..., Awaitable[Served]], monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    inflation = Inflation(monkeypatch)
    sandbox = await served(LOOP_SCENARIO)
    body = compressed(CAP // 2, encoding)
    status, _ = await post(sandbox.port, PATHS["vendor"], body, encoding, chunked=False)
    assert status == 201  # it arrived whole: the request was created
    assert CAP // 2 < inflation.total <= CAP
