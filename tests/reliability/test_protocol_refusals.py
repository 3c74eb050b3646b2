"""A request aiohttp's HTTP parser refuses before any handler sees it (a body encoding it cannot
undo, a malformed head, a broken chunk) is answered with a 400 and logged as one WARNING line
naming the refusal: never a traceback, which a client could otherwise print into the log at
will. Each case is sent on a raw connection to a sandbox served with the production options."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import pytest

from .conftest import LOOP_ID, LOOP_SCENARIO, Served

PATH = f"/v1/api/loops/{LOOP_ID}/requests"
HEAD = f"POST {PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"

# What a client's bytes can get wrong before the request reaches a handler, a case per class.
REFUSED = {
    "br body": HEAD + "Content-Encoding: br\r\nContent-Length: 4\r\n\r\nabcd",
    "zstd body": HEAD + "Content-Encoding: zstd\r\nContent-Length: 4\r\n\r\nabcd",
    "header without a colon": HEAD + "Not a header\r\nContent-Length: 0\r\n\r\n",
    "two content lengths": HEAD + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    "broken chunk size": HEAD + "Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n",
    "control character in a header": HEAD + "X-A: a\x01b\r\nContent-Length: 0\r\n\r\n",
}


async def exchange(port: int, raw: str) -> bytes:
    """Send `raw` and read the answer until the sandbox closes the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw.encode("latin-1"))
        await writer.drain()
        return await asyncio.wait_for(reader.read(), timeout=10)
    finally:
        writer.close()


@pytest.mark.parametrize("case", sorted(REFUSED))
async def test_a_refused_request_is_a_400_and_one_log_line(
    served: Callable[..., Awaitable[Served]], case: str, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox = await served(LOOP_SCENARIO)
    with caplog.at_level(logging.DEBUG, logger="aiohttp.server"):
        answer = await exchange(sandbox.port, REFUSED[case])
    assert answer.split(b"\r\n", 1)[0] in (b"HTTP/1.0 400 Bad Request", b"HTTP/1.1 400 Bad Request")
    records = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert records, "the refusal was not logged"
    assert all(r.exc_info is None and r.levelno == logging.WARNING for r in records), [
        (r.levelname, r.getMessage(), r.exc_info) for r in records
    ]
    assert "refused with 400" in records[0].getMessage()
    assert "\n" not in records[0].getMessage()


async def test_a_server_fault_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """Only the client's mistakes lose their traceback: anything else aiohttp logs as an
    exception is logged with it, at ERROR."""
    from mockserver.http.protocollog import ProtocolLog

    log = ProtocolLog()
    with caplog.at_level(logging.DEBUG, logger="aiohttp.server"):
        try:
            raise RuntimeError("a fault of the server's own")
        except RuntimeError:
            log.exception("Error handling request from %s", "127.0.0.1")
    (record,) = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
