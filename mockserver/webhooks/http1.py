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
_CRLF = "\r\n"


def request(target: Target, body: bytes, headers: Mapping[str, str], mark: str = "") -> bytes:
    """The request's bytes: what aiohttp sent (its automatic headers too); `mark`: a header
    line after the request's own."""
    own = "\r\n".join(map(": ".join, headers.items()))  # (each "name: value", no loop here)
    return (
        f"POST {target.path} HTTP/1.1\r\nHost: {target.host_header}\r\n"
        f"{own}{_CRLF if own else ''}{mark}{_AUTOMATIC}{len(body)}\r\n\r\n"
    ).encode("latin-1") + body


READ_SIZE = 64 * 1024  # bytes asked of the stream at a time


class Incoming:
    """The answers arriving on one connection, parsed from a buffer of their own: a batch's
    pipelined answers come in one or a few pieces, and each is parsed where it lies, with no
    stream call (nor a wait) for a status line or a body already here. The stream's contract
    holds as `readuntil`/`readexactly` keep it: a status line with its headers (or a chunk's
    size line) of more than `limit` bytes is refused, an answer cut short raises
    `IncompleteReadError`."""

    __slots__ = ("_buf", "_limit", "_pos", "reader")

    def __init__(self, reader: asyncio.StreamReader, limit: int) -> None:
        self.reader = reader
        self._buf = b""  # what came and is not parsed yet starts at _pos
        self._pos = 0
        self._limit = limit

    def at_eof(self) -> bool:
        """Nothing is left to read: the stream ended and every byte it gave was parsed."""
        return self._pos >= len(self._buf) and self.reader.at_eof()

    def take(self, answers: list[Answer], wanted: int, limit: int) -> bool:
        """The next answers, up to `wanted` in `answers`, while each lies here whole in its
        common form, without a coroutine: a head read before (`_HEADS`) of a final status,
        with a plain Content-Length body of at most `limit` bytes, on a connection it keeps
        open. It stops at anything else, with nothing of it consumed: True when that is only
        bytes still to come of an answer it would take (`more`, then `take` again), False when
        `answer` is to read the next (waiting for bytes itself as it must)."""
        buf, pos = self._buf, self._pos
        short = False
        while len(answers) < wanted:
            at = buf.find(b"\r\n\r\n", pos)
            if at < 0:  # (the head's end still to come, within `_until`'s bound)
                short = len(buf) - pos - 3 <= self._limit
                break
            head = _HEADS.get(buf[pos : at + 4])
            if head is None:
                break
            status, headers, closing, length = head
            start = at + 4
            end = start + length
            if closing or status < 200 or length < 0 or length > limit:
                break
            if end > len(buf):  # (its body still coming)
                short = True
                break
            answers.append(Answer(status, headers, buf[start:end], False))
            pos = end
        self._pos = pos
        return short

    async def answer(self, limit: int) -> tuple[Answer, bool, bool]:
        """The next answer, skipping interim 1xx ones, with at most `limit` bytes of its body;
        whether the connection carries nothing after it (HTTP/1.0, `Connection: close`);
        whether its body ended where the connection can carry the next request. (Any answer:
        the usual ones, lying whole in the buffer, `take` reads first without a coroutine.)"""
        first = True
        while True:
            try:
                raw = await self._until(b"\r\n\r\n")
            except asyncio.IncompleteReadError as exc:
                if first and not exc.partial:
                    raise Stale from None
                raise Refused("ServerDisconnectedError: Server disconnected") from None
            except (ConnectionResetError, BrokenPipeError):
                if first:
                    raise Stale from None
                raise
            first = False
            head = _HEADS.get(raw)
            if head is None:
                head = _read_head(raw)
            status, headers, closing, _ = head
            if 100 <= status < 200 and status != 101:
                continue
            body, truncated, ended = await self._body(status, headers, limit)
            return Answer(status, headers, body, truncated), closing, ended

    async def _body(
        self, status: int, headers: dict[str, str], limit: int
    ) -> tuple[bytes, bool, bool]:
        """At most `limit` bytes of the body; whether more was left unread (truncated);
        whether the body ended where the connection can carry the next request."""
        if status in (204, 304):
            return b"", False, True
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return await self._chunked(limit)
        length_text = headers.get("content-length")
        if length_text is not None:
            if not length_text.isdigit():
                raise Refused("ClientResponseError: 400, message='Invalid Content-Length'")
            length = int(length_text)
            wanted = min(length, limit)
            pos = self._pos
            if len(self._buf) - pos >= wanted:  # (here already: a batch's usual case)
                self._pos = pos + wanted
                data = self._buf[pos : pos + wanted]
            else:
                data = await self._exactly(wanted)
            return data, length > limit, length <= limit
        # no length: the body runs to the end of the connection, which is never reused
        chunks: list[bytes] = []
        kept = 0
        while kept < limit:
            data = await self._some(limit - kept)
            if not data:
                return b"".join(chunks), False, False
            chunks.append(data)
            kept += len(data)
        return b"".join(chunks), not self.at_eof(), False  # (aiohttp's test, too)

    async def _chunked(self, limit: int) -> tuple[bytes, bool, bool]:
        chunks: list[bytes] = []
        kept = 0
        while True:
            size_line = await self._until(b"\r\n")
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise Refused("ClientPayloadError: Response payload is not completed") from None
            if size == 0:
                while (await self._until(b"\r\n")) != b"\r\n":  # trailers, the blank line
                    pass
                return b"".join(chunks), False, True
            if kept + size > limit:
                chunks.append(await self._exactly(limit - kept))
                return b"".join(chunks), True, False
            chunks.append(await self._exactly(size))
            kept += size
            await self._exactly(2)  # the chunk's CRLF

    async def more(self) -> bool:
        """More bytes from the stream; False once it ended."""
        data = await self.reader.read(READ_SIZE)
        if not data:
            return False
        pos = self._pos
        self._buf = self._buf[pos:] + data if pos < len(self._buf) else data
        self._pos = 0
        return True

    async def _until(self, separator: bytes) -> bytes:
        """`StreamReader.readuntil` on the buffer: up to and including `separator`."""
        seplen = len(separator)
        while True:
            buf, pos = self._buf, self._pos
            at = buf.find(separator, pos)
            if at >= 0:
                break
            if len(buf) - pos + 1 - seplen > self._limit:
                raise asyncio.LimitOverrunError(
                    "Separator is not found, and chunk exceed the limit", 0
                )
            if not await self.more():
                partial = self._buf[self._pos :]
                self._pos = len(self._buf)
                raise asyncio.IncompleteReadError(partial, None)
        if at - pos > self._limit:
            raise asyncio.LimitOverrunError("separator beyond the limit", 0)
        self._pos = at + seplen
        return buf[pos : at + seplen]

    async def _exactly(self, n: int) -> bytes:
        """`StreamReader.readexactly` on the buffer."""
        while len(self._buf) - self._pos < n:
            if not await self.more():
                partial = self._buf[self._pos :]
                self._pos = len(self._buf)
                raise asyncio.IncompleteReadError(partial, n)
        pos = self._pos
        self._pos = pos + n
        return self._buf[pos : pos + n]

    async def _some(self, n: int) -> bytes:
        """`StreamReader.read(n)` on the buffer: what is here (waiting for some if nothing
        is), at most `n` bytes; b"" at the end."""
        if self._pos >= len(self._buf) and not await self.more():
            return b""
        pos = self._pos
        data = self._buf[pos : pos + n]
        self._pos = pos + len(data)
        return data


# A head read: status, headers, whether the connection carries nothing after this answer
# (HTTP/1.0 or `Connection: close`), and its body's length when that is a plain
# Content-Length (else -1: `_body` reads it).
Head = tuple[int, dict[str, str], bool, int]
# Heads read lately, by their bytes: a receiver answers a wave with the same few heads (a
# Date that changes once a second), so most are parsed once, not once per answer. Bounded in
# count and size; the headers dict is shared by the answers with that head, and never changed.
_HEADS: dict[bytes, Head] = {}
_HEADS_KEPT = 64
_HEAD_CACHED = 1024  # bytes of head at most to be kept


def _read_head(raw: bytes) -> Head:
    """`_head`, with the length `Incoming.answer` reads the body by; remembered (a short head)."""
    status, headers, http10 = _head(raw)
    closing = http10 or headers.get("connection", "").lower() == "close"
    length_text = headers.get("content-length")
    length = (
        int(length_text)
        if length_text is not None
        and length_text.isdigit()
        and "transfer-encoding" not in headers
        and status != 204
        and status != 304
        else -1
    )
    head = (status, headers, closing, length)
    if len(raw) <= _HEAD_CACHED:
        if len(_HEADS) >= _HEADS_KEPT:
            _HEADS.clear()
        _HEADS[raw] = head
    return head


def _head(raw: bytes) -> tuple[int, dict[str, str], bool]:
    """Status, headers (lower-case names, the last value of a repeated one) and whether it is
    HTTP/1.0, of a status line and headers ending in a blank line."""
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise Refused(f"ClientResponseError: 400, message='Bad status line {lines[0]!r}'")
    headers: dict[str, str] = {}
    for line in lines[1:-2]:  # (`raw` ends with a blank line: the last two are empty)
        name, sep, value = line.partition(":")
        if not sep:
            raise Refused("ClientResponseError: 400, message='Bad header line'")
        headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers, parts[0] == "HTTP/1.0"
