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

A batch's timeout is a deadline, not a timer of its own: the connections exchanging are
watched by one loop timer set for the earliest deadline among them (a wave's batches all wait
30 s, so a new batch hardly ever moves it), which aborts a connection whose deadline passed;
its unanswered requests are then left unsettled (`None`), as a caller's own timeout leaves
them. Only the rare waits before an exchange (for a free connection, for a new one to open)
take an `asyncio.timeout` each.
"""

from __future__ import annotations

import asyncio
import functools
import math
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from mockserver.webhooks.gate import Gate
from mockserver.webhooks.http1 import (
    Answer,
    Incoming,
    Refused,
    Stale,
    Target,
    request,
)

KEEPALIVE = 15.0  # seconds an idle connection is kept (aiohttp's default too)
IDLE_PER_ORIGIN = 16  # idle connections kept per host:port
HEAD_LIMIT = 64 * 1024  # bytes of status line and headers read at most


class OwnAddress(Refused):
    """The connection reached one of the sandbox's own listening addresses (the `reaches_us`
    guard, checked on the peer address the socket connected to): nothing was sent."""


@dataclass(slots=True, eq=False)
class _Conn:
    incoming: Incoming  # the answers it brings, read from its stream
    writer: asyncio.StreamWriter
    idle_since: float = field(default_factory=time.monotonic)
    expired: bool = False  # aborted by the watchdog: its batch's deadline passed


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
        self,
        connections: int,
        reaches_us: Callable[[object], bool] = lambda _: False,
        mark: tuple[str, str] | None = None,
    ) -> None:
        """`mark`: a header (name, value) every request carries after its own headers (the
        sandbox's mark on what it sends, `transport.OwnAddresses`)."""
        self._reaches_us = reaches_us  # whether a connected peer address is the sandbox's own
        self._mark = mark
        self._mark_line = f"{mark[0]}: {mark[1]}\r\n" if mark is not None else ""
        self._idle: dict[tuple[str, int], list[_Conn]] = {}
        self._closed = False
        self._in_use = Gate(connections)  # connections busy at once, in all
        self._one_by_one: set[tuple[str, int]] = set()  # receivers that close after an answer
        self._deadlines: dict[_Conn, float] = {}  # connections exchanging -> their deadline
        self._alarm: asyncio.TimerHandle | None = None  # the watchdog, at `_alarm_at`
        self._alarm_at = math.inf

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

    async def post_many(
        self,
        items: Sequence[Item],
        limit: int,
        results: list[Result],
        timeout: float | None = None,
    ) -> None:
        """POST every item (all to one host:port), each answer or failure into `results` (same
        order) as it comes. Whatever is not settled `timeout` seconds from now is left None
        (timed out); so is everything after a caller's own timeout, which keeps what was
        settled before it."""
        deadline = None if timeout is None else asyncio.get_running_loop().time() + timeout
        if not self._in_use.take_now():  # every connection busy (rare): wait for one, in time
            try:
                async with asyncio.timeout_at(deadline):
                    await self._in_use.take()
            except TimeoutError:
                return
        try:
            mark, line = self._mark, self._mark_line
            requests = [
                request(t, body, h, line)
                if mark is None or mark[0] not in h
                # the receiver's own header of that name: the mark takes its place
                else request(t, body, {**h, mark[0]: mark[1]}, "")
                for t, body, h in items
            ]
            key = (items[0][0].host, items[0][0].port)
            todo = list(range(len(items)))
            retried = False
            while todo:
                if key in self._one_by_one and len(todo) > 1:
                    for index in todo:
                        await self._batch(key, [index], requests, limit, results, deadline)
                        if deadline is not None and _now() >= deadline:
                            return  # the rest timed out unsent
                    return
                todo = await self._batch(key, todo, requests, limit, results, deadline, retried)
                retried = True
        finally:
            self._in_use.give()

    async def _batch(
        self,
        key: tuple[str, int],
        todo: list[int],
        requests: list[bytes],
        limit: int,
        results: list[Result],
        deadline: float | None,
        retried: bool = True,
    ) -> list[int]:
        """One connection's go at `todo`: what is left to send again on a new connection
        (what timed out is left as it is, None)."""
        conn = self._take(key)
        fresh = conn is None
        if conn is None:
            opening = asyncio.timeout_at(deadline)
            try:
                async with opening:
                    address = await self._address(key)
                    if address is None:
                        for index in todo:
                            results[index] = OwnAddress(f"refused: {key[0]}:{key[1]}")
                        return []
                    reader, writer = await asyncio.open_connection(*address, limit=HEAD_LIMIT)
            except OSError as exc:
                if isinstance(exc, TimeoutError) and opening.expired():
                    return []  # the deadline passed before it connected
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
            conn = _Conn(Incoming(reader, HEAD_LIMIT), writer)
        whole = len(todo) == len(requests)  # (the batch's first go: all of it, in order)
        sending = requests if whole else [requests[i] for i in todo]
        answered, why = await self._exchange(key, conn, sending, limit, deadline)
        if whole:
            results[: len(answered)] = answered
        else:
            for index, answer in zip(todo, answered, strict=False):
                results[index] = answer
        left = todo[len(answered) :]
        if not left or why is _TIMED_OUT:
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
            if now - conn.idle_since < KEEPALIVE and not conn.incoming.at_eof():
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
        self,
        key: tuple[str, int],
        conn: _Conn,
        requests: list[bytes],
        limit: int,
        deadline: float | None,
    ) -> tuple[list[Answer], object]:
        """Send `requests` on `conn` and read their answers in order, by `deadline` (the
        watchdog aborts the connection then): the answers read, and why it stopped short
        (_TIMED_OUT, _STALE, _CLOSED or a Refused) or None when all were answered. A
        connection that answered all is kept for the next batch."""
        if deadline is not None:
            self._watch(conn, deadline)
        why: object = DISCONNECTED
        answers: list[Answer] = []
        incoming = conn.incoming
        take = incoming.take
        wanted = len(requests)
        try:
            conn.writer.write(b"".join(requests))
            stop: object = None  # why the talk below stopped short, if it did
            while True:
                short = take(answers, wanted, limit)  # (those here whole: the usual answers)
                if len(answers) >= wanted:
                    break
                if short:  # (bytes to come of an answer `take` reads: a wave's usual wait)
                    try:
                        if await incoming.more():
                            continue
                    except (ConnectionResetError, BrokenPipeError):
                        pass  # (`answer` reads the failure as it does: a stale connection?)
                try:
                    answer, closing, ended = await incoming.answer(limit)
                except Stale:
                    stop = _STALE if not answers else DISCONNECTED
                    break
                answers.append(answer)
                if not ended or closing:  # this connection carries nothing more
                    more = len(answers) < wanted
                    stop = _CLOSED if ended and more else DISCONNECTED
                    break
            why = stop  # (until here: DISCONNECTED, so a cancelled talk drops the connection)
        except asyncio.IncompleteReadError:
            why = Refused("ClientPayloadError: Response payload is not completed")
        except asyncio.LimitOverrunError:
            why = Refused("ClientResponseError: 400, message='Got more than 65536 bytes'")
        except Refused as exc:
            why = exc
        except OSError as exc:
            why = Refused(f"ClientOSError: {exc}")
        finally:
            if deadline is not None:
                self._deadlines.pop(conn, None)
            if why is None and not conn.expired:
                self._give_back(key, conn)
            else:
                conn.writer.close()
        if why is not None and conn.expired:
            why = _TIMED_OUT
        return answers, why

    def _watch(self, conn: _Conn, deadline: float) -> None:
        """Abort `conn` at `deadline` unless its exchange is over by then."""
        self._deadlines[conn] = deadline
        if deadline < self._alarm_at:
            if self._alarm is not None:
                self._alarm.cancel()
            self._alarm_at = deadline
            self._alarm = asyncio.get_running_loop().call_at(deadline, self._expire)

    def _expire(self) -> None:
        """The watchdog: abort every connection whose deadline passed; look again at the
        earliest deadline left."""
        self._alarm, self._alarm_at = None, math.inf
        now = _now() + _RESOLUTION  # (the loop runs a timer up to its clock's resolution early)
        later = math.inf
        for conn, deadline in list(self._deadlines.items()):
            if deadline <= now:
                del self._deadlines[conn]
                conn.expired = True
                conn.writer.transport.abort()
            elif deadline < later:
                later = deadline
        if later < math.inf:
            self._alarm_at = later
            self._alarm = asyncio.get_running_loop().call_at(later, self._expire)

    async def close(self) -> None:
        self._closed = True
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm, self._alarm_at = None, math.inf
        for pool in self._idle.values():
            for conn in pool:
                conn.writer.close()
        self._idle.clear()


def _now() -> float:
    return asyncio.get_running_loop().time()


_RESOLUTION = time.get_clock_info("monotonic").resolution


_STALE = object()  # the connection was closed before any answer
_TIMED_OUT = object()  # the watchdog aborted the connection: its deadline passed
_CLOSED = object()  # the receiver closed it after an answer, as it said it would
DISCONNECTED = Refused("ServerDisconnectedError: Server disconnected")
