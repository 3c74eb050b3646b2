"""One webhook POST on the wire, HTTP/1.1 by hand (`fastpost.py` sends it): the request's
bytes as the aiohttp client wrote them, and its answer read back within bounds (the status
line and headers within the stream's limit, at most `limit` bytes of body, read as sent and
never decompressed). A receiver is untrusted: whatever it sends is an `Answer` or a `Refused`
in aiohttp's words, never an exception of another kind, and reading stays linear in what it
sent.
"""

from __future__ import annotations

import asyncio
import platform
from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp

_MAJOR, _MINOR, _ = platform.python_version_tuple()
USER_AGENT = f"Python/{_MAJOR}.{_MINOR} aiohttp/{aiohttp.__version__}"  # the wire stays as it was


class Refused(Exception):
    """An attempt failed: `str()` is the delivery log's error text."""


class Stale(Exception):
    """The receiver closed the connection before any byte of an answer (a kept-alive
    connection it had timed out, typically)."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a plain-HTTP webhook goes: host, port, the Host header and the request target."""

    host: str
    port: int
    host_header: str
    path: str


@dataclass(slots=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names; the last value of a repeated header
    body: bytes
    truncated: bool


# aiohttp's automatic headers, after the request's own, then the length
_AUTOMATIC = (
    f"Accept: */*\r\nAccept-Encoding: gzip, deflate\r\nUser-Agent: {USER_AGENT}\r\nContent-Length: "
)


def request(target: Target, body: bytes, headers: Mapping[str, str], mark: str = "") -> bytes:
    """The request's bytes: what aiohttp sent (its automatic headers too); `mark`: a header
    line after the request's own."""
    own = "".join([f"{name}: {value}\r\n" for name, value in headers.items()])
    return (
        f"POST {target.path} HTTP/1.1\r\nHost: {target.host_header}\r\n"
        f"{own}{mark}{_AUTOMATIC}{len(body)}\r\n\r\n"
    ).encode("latin-1") + body


async def read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bool]:
    """Status, headers and whether it is HTTP/1.0, skipping interim 1xx answers."""
    first = True
    while True:
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if first and not exc.partial:
                raise Stale from None
            raise Refused("ServerDisconnectedError: Server disconnected") from None
        except (ConnectionResetError, BrokenPipeError):
            if first:
                raise Stale from None
            raise
        first = False
        lines = raw.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise Refused(f"ClientResponseError: 400, message='Bad status line {lines[0]!r}'")
        status = int(parts[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, sep, value = line.partition(":")
                if not sep:
                    raise Refused("ClientResponseError: 400, message='Bad header line'")
                headers[name.strip().lower()] = value.strip()
        if 100 <= status < 200 and status != 101:
            continue
        return status, headers, parts[0] == "HTTP/1.0"


async def read_body(
    reader: asyncio.StreamReader, status: int, headers: dict[str, str], limit: int
) -> tuple[bytes, bool, bool]:
    """At most `limit` bytes of the body; whether more was left unread (truncated); whether
    the body ended where the connection can carry the next request."""
    if status in (204, 304):
        return b"", False, True
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return await _chunked(reader, limit)
    length_text = headers.get("content-length")
    if length_text is not None:
        if not length_text.isdigit():
            raise Refused("ClientResponseError: 400, message='Invalid Content-Length'")
        length = int(length_text)
        data = await reader.readexactly(min(length, limit))
        return data, length > limit, length <= limit
    # no length: the body runs to the end of the connection, which is never reused
    chunks: list[bytes] = []
    kept = 0
    while kept < limit:
        data = await reader.read(limit - kept)
        if not data:
            return b"".join(chunks), False, False
        chunks.append(data)
        kept += len(data)
    return b"".join(chunks), not reader.at_eof(), False  # (aiohttp's test, too)


async def _chunked(reader: asyncio.StreamReader, limit: int) -> tuple[bytes, bool, bool]:
    chunks: list[bytes] = []
    kept = 0
    while True:
        size_line = await reader.readuntil(b"\r\n")
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise Refused("ClientPayloadError: Response payload is not completed") from None
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers, the blank line
                pass
            return b"".join(chunks), False, True
        if kept + size > limit:
            chunks.append(await reader.readexactly(limit - kept))
            return b"".join(chunks), True, False
        chunks.append(await reader.readexactly(size))
        kept += size
        await reader.readexactly(2)  # the chunk's CRLF
