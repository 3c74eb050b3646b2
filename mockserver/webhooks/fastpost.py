"""One webhook POST over plain HTTP/1.1 with keep-alive, for the live path's common case: a
signed JSON body to an `http://host:port/path` receiver.

Why not the aiohttp client for these: under a spam wave every request answered by a scripted
reviewer sends two webhooks, and one aiohttp client request cost about three times a bare
exchange on a kept-alive socket (a request object, headers multidicts, a response object,
stream readers, tasks; docs/benchmarks.md has the figures). Here a request is one prebuilt
`bytes` written on a pooled connection, and the answer is parsed by hand: the status line,
the few headers the delivery log needs, and at most `limit` bytes of body (read as sent, never
decompressed; a longer answer is cut and its connection dropped).

Anything else (https, a URL with credentials or an unusual form) goes through the aiohttp
session as before (`parse` answers None), so its behaviour and error messages stay aiohttp's.
Errors are reported in aiohttp's words too, so a delivery log reads the same either way.
"""

from __future__ import annotations

import asyncio
import functools
import platform
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp

KEEPALIVE = 15.0  # seconds an idle connection is kept (aiohttp's default too)
IDLE_PER_ORIGIN = 16  # idle connections kept per host:port
HEAD_LIMIT = 64 * 1024  # bytes of status line and headers read at most
_MAJOR, _MINOR, _ = platform.python_version_tuple()
USER_AGENT = f"Python/{_MAJOR}.{_MINOR} aiohttp/{aiohttp.__version__}"  # the wire stays as it was


class Refused(Exception):
    """An attempt failed: `str()` is the delivery log's error text."""


class OwnAddress(Refused):
    """The connection reached one of the sandbox's own listening addresses (the `reaches_us`
    guard, checked on the peer address the socket connected to): nothing was sent."""


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


@dataclass(slots=True)
class _Conn:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = field(default_factory=time.monotonic)


@functools.lru_cache(maxsize=1024)  # a wave sends to a few URLs, thousands of times each
def parse(url: str) -> Target | None:
    """The target of a plain `http://` URL this client sends to; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port or 80
    except ValueError:
        return None
    host = parts.hostname
    if parts.scheme != "http" or not host or parts.username is not None or parts.password:
        return None
    if not parts.netloc.isascii() or any(c in url for c in " \r\n\t"):
        return None
    netloc = parts.netloc.rsplit("@", 1)[-1]
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if not path.isascii():
        return None
    return Target(host, port, netloc, path)


Item = tuple[Target, bytes, Mapping[str, str]]  # one POST: where, the body, its headers
Result = Answer | Refused | None  # None: not settled yet (the caller's timeout came first)


class FastPost:
    """Pooled keep-alive connections per host:port, shared by every namespace.

    `post_many` sends a batch of POSTs to one host:port pipelined on one connection (HTTP/1.1
    allows it; the receiver answers them in order): under a wave, a busy event loop needs
    several turns for one exchange, and one exchange for a whole batch keeps the deliveries up
    with the calls. A receiver that closes the connection after an answer (HTTP/1.0,
    `Connection: close`) has processed nothing after it (RFC 9112, 9.6): the rest of the batch
    goes again on a new connection, and that receiver gets one request per connection from
    then on."""

    def __init__(
        self, connections: int, reaches_us: Callable[[object], bool] = lambda _: False
    ) -> None:
        self._reaches_us = reaches_us  # whether a connected peer address is the sandbox's own
        self._idle: dict[tuple[str, int], list[_Conn]] = {}
        self._closed = False
        self._in_use = asyncio.Semaphore(connections)  # connections busy at once, in all
        self._one_by_one: set[tuple[str, int]] = set()  # receivers that close after an answer

    async def post(
        self, target: Target, body: bytes, headers: Mapping[str, str], limit: int
    ) -> Answer:
        """POST `body`; the answer with at most `limit` bytes of its body. Raises Refused (a
        connection or protocol failure, in aiohttp's words) or TimeoutError (the caller's)."""
        results: list[Result] = [None]
        await self.post_many([(target, body, headers)], limit, results)
        result = results[0]
        if isinstance(result, Refused):
            raise result
        assert result is not None
        return result

    async def post_many(self, items: Sequence[Item], limit: int, results: list[Result]) -> None:
        """POST every item (all to one host:port), each answer or failure into `results` (same
        order) as it comes, so a caller's timeout keeps what was settled before it."""
        async with self._in_use:
            requests = [_request(*item) for item in items]
            key = (items[0][0].host, items[0][0].port)
            todo = list(range(len(items)))
            retried = False
            while todo:
                if key in self._one_by_one and len(todo) > 1:
                    for index in todo:
                        await self._batch(key, [index], requests, limit, results)
                    return
                todo = await self._batch(key, todo, requests, limit, results, retried)
                retried = True

    async def _batch(
        self,
        key: tuple[str, int],
        todo: list[int],
        requests: list[bytes],
        limit: int,
        results: list[Result],
        retried: bool = True,
    ) -> list[int]:
        """One connection's go at `todo`: what is left to send again on a new connection."""
        conn = self._take(key)
        fresh = conn is None
        if conn is None:
            try:
                address = await self._address(key)
                if address is None:
                    for index in todo:
                        results[index] = OwnAddress(f"refused: {key[0]}:{key[1]}")
                    return []
                reader, writer = await asyncio.open_connection(*address, limit=HEAD_LIMIT)
            except OSError as exc:
                refused = Refused(
                    f"ClientConnectorError: Cannot connect to host {key[0]}:{key[1]} "
                    f"ssl:default [{exc.strerror or exc}]"
                )
                for index in todo:
                    results[index] = refused
                return []
            if self._reaches_us(writer.get_extra_info("peername")):
                writer.close()  # the sandbox itself: not a byte is sent
                own = OwnAddress(f"refused: {key[0]}:{key[1]} is this sandbox's own address")
                for index in todo:
                    results[index] = own
                return []
            conn = _Conn(reader, writer)
        answered, why = await self._exchange(key, conn, [requests[i] for i in todo], limit)
        for index, answer in zip(todo, answered, strict=False):
            results[index] = answer
        left = todo[len(answered) :]
        if not left:
            return []
        if why is _STALE and not fresh and not retried:
            return left  # a kept-alive connection the receiver had closed: once more
        if why is _CLOSED:
            self._one_by_one.add(key)
            return left  # never processed (the receiver closed after an answer): again
        failure = why if isinstance(why, Refused) else DISCONNECTED
        for index in left:
            results[index] = failure
        return []

    async def _address(self, key: tuple[str, int]) -> tuple[str, int] | None:
        """The address to connect to for host:port, resolved once here and connected to as
        resolved (so the check and the connection see the same address); None when any
        address of the name is the sandbox's own (as the aiohttp session's socket guard)."""
        host, port = key
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        if not infos or any(self._reaches_us(info[4]) for info in infos):
            return None if infos else key
        sockaddr = infos[0][4]
        return str(sockaddr[0]), int(sockaddr[1])

    def _take(self, key: tuple[str, int]) -> _Conn | None:
        pool = self._idle.get(key)
        now = time.monotonic()
        while pool:
            conn = pool.pop()
            if now - conn.idle_since < KEEPALIVE and not conn.reader.at_eof():
                return conn
            conn.writer.close()
        return None

    def _give_back(self, key: tuple[str, int], conn: _Conn) -> None:
        pool = self._idle.setdefault(key, [])
        if self._closed or len(pool) >= IDLE_PER_ORIGIN:
            conn.writer.close()
            return
        conn.idle_since = time.monotonic()
        pool.append(conn)

    async def _exchange(
        self, key: tuple[str, int], conn: _Conn, requests: list[bytes], limit: int
    ) -> tuple[list[Answer], object]:
        """Send `requests` on `conn` and read their answers in order: the answers read, and why
        it stopped short (_STALE, _CLOSED or a Refused) or None when all were answered."""
        answers: list[Answer] = []
        reusable = False
        try:
            conn.writer.write(b"".join(requests))
            for _ in requests:
                try:
                    status, headers, http10 = await _head(conn.reader)
                except _Stale:
                    return answers, _STALE if not answers else DISCONNECTED
                body, truncated, ended = await _body(conn.reader, status, headers, limit)
                answers.append(Answer(status, headers, body, truncated))
                closing = http10 or headers.get("connection", "").lower() == "close"
                if not ended or closing:  # this connection carries nothing more
                    more = len(answers) < len(requests)
                    return answers, (_CLOSED if ended and more else DISCONNECTED)
            reusable = True
            return answers, None
        except asyncio.IncompleteReadError:
            return answers, Refused("ClientPayloadError: Response payload is not completed")
        except asyncio.LimitOverrunError:
            return answers, Refused("ClientResponseError: 400, message='Got more than 65536 bytes'")
        except Refused as exc:
            return answers, exc
        except OSError as exc:
            return answers, Refused(f"ClientOSError: {exc}")
        finally:
            if reusable:
                self._give_back(key, conn)
            else:
                conn.writer.close()

    async def close(self) -> None:
        self._closed = True
        for pool in self._idle.values():
            for conn in pool:
                conn.writer.close()
        self._idle.clear()


class _Stale(Exception):
    """The receiver closed the connection before any byte of an answer (a kept-alive
    connection it had timed out, typically)."""


_STALE = object()  # the connection was closed before any answer
_CLOSED = object()  # the receiver closed it after an answer, as it said it would
DISCONNECTED = Refused("ServerDisconnectedError: Server disconnected")


def _request(target: Target, body: bytes, headers: Mapping[str, str]) -> bytes:
    """The request's bytes: what aiohttp sent (its automatic headers too)."""
    head = [f"POST {target.path} HTTP/1.1", f"Host: {target.host_header}"]
    head.extend(f"{name}: {value}" for name, value in headers.items())
    head.append("Accept: */*")
    head.append("Accept-Encoding: gzip, deflate")
    head.append(f"User-Agent: {USER_AGENT}")
    head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


async def _head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bool]:
    """Status, headers and whether it is HTTP/1.0, skipping interim 1xx answers."""
    first = True
    while True:
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if first and not exc.partial:
                raise _Stale from None
            raise Refused("ServerDisconnectedError: Server disconnected") from None
        except (ConnectionResetError, BrokenPipeError):
            if first:
                raise _Stale from None
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


async def _body(
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
