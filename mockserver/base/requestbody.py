"""Reading a request's body, once, for the journal and the handlers, within three bounds.

Every call's body is read here before anything else looks at it (the core middleware does it
for vendor and control calls alike), so no handler reads a body on its own terms:

- size: at most `max_body` bytes as the handlers see them, that is after a `Content-Encoding`
  (gzip or deflate; aiohttp answers another with a 400 naming it) is undone. aiohttp inflates
  as the bytes arrive, a bounded chunk at a time (since aiohttp 3.13.3:
  https://github.com/aio-libs/aiohttp/security/advisories/GHSA-6mq8-rvhq-8wgg), and the count
  is checked after every chunk, so a body that inflates to a gigabyte costs what `max_body`
  bytes cost, then a 413;
- time: the whole body within `timeout` seconds of the head (the idle timeout covers only the
  head), else a 408;
- memory: the bytes of every body still arriving, all connections together, stay within
  `held` (`HeldBytes`); past it the call is a 503 and its bytes are let go.

A refused body's rest is not read when it is encoded (aiohttp would otherwise read, and
inflate, up to ten more seconds of it to keep the connection), too slow or without room: its
connection is closed once the answer is written. An uncompressed rest past `max_body` is left
to aiohttp to read and drop, so the client reads its 413. A body that cannot be decoded (a
broken gzip stream) is the client's mistake, a 400; a client that hangs up before its body
arrives is nobody's error (nothing to answer).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web

from mockserver.base.errors import ApiError


class ClientGone(Exception):
    """The connection closed before the whole body arrived."""


class HeldBytes:
    """The bytes of request bodies still arriving, every connection together, up to `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0

    def take(self, size: int) -> bool:
        """Count `size` more bytes held; False (nothing counted) when that passes the limit."""
        if self.held + size > self.limit:
            return False
        self.held += size
        return True

    def give(self, size: int) -> None:
        self.held -= size


@dataclass(frozen=True)
class BodyLimits:
    """The bounds on reading one body (Settings: `max_body`, `body_timeout`, `body_memory`)."""

    max_body: int = 1024 * 1024
    timeout: float = 30.0
    held: HeldBytes = field(default_factory=lambda: HeldBytes(64 * 1024 * 1024))


class BodyRefused(Exception):
    """A body not read whole: `error` says why in the caller's terms (413, 408 or 503)."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message)
        self.error = error


def payload_problem(request: web.Request, exc: web.RequestPayloadError) -> str:
    """What aiohttp found wrong with a body, in one line. The connection closes after the
    answer (its parser has failed, so it can carry no further request), and the payload is
    marked finished so that aiohttp does not read it again after the answer (and log that
    failure with a traceback); the parser feeds nothing more into a failed payload."""
    request.content.feed_eof()
    request.protocol.close()
    # ... and the answer says so (`Connection: close`), so no client reuses the connection.
    request._message = request._message._replace(should_close=True)
    cause = exc.__cause__ or (exc.args[0] if exc.args else exc)
    return " ".join(str(getattr(cause, "message", cause)).split()) or "unreadable body"


def _give_up(request: web.Request, *, drain: bool = False) -> None:
    """Read no more of this body. With `drain` (a body too large), an uncompressed rest is
    left to aiohttp, which reads and drops it (its cost is the client's own bytes) so that the
    client reads the answer; otherwise (an encoded rest, which would be inflated, or a body too
    slow or with no room) it is not read at all: the socket stops reading now and the
    connection closes once the answer is written (`close_if_abandoned`)."""
    if drain and not request.headers.get("Content-Encoding"):
        return
    transport = request.transport
    if transport is not None:
        transport.pause_reading()
    request._message = request._message._replace(should_close=True)
    request[_ABANDONED] = True


_ABANDONED: web.RequestKey[bool] = web.RequestKey("mockserver.body_abandoned")


async def close_if_abandoned(request: web.Request, response: web.StreamResponse) -> None:
    """Write `response` and close the connection, when its body was abandoned (a no-op
    otherwise): aiohttp would keep the connection and read the rest of the body first."""
    if not request.get(_ABANDONED):
        return
    await response.prepare(request)
    await response.write_eof()
    request.protocol.force_close()


def arrived_body(request: web.Request, limits: BodyLimits) -> bytes | None:
    """The whole body when it can be had without waiting (read already, or all arrived within
    the bounds: the usual small call, in one packet), else None: `read_body` waits for it (and
    refuses what the bounds refuse). A plain function: no coroutine for the usual call."""
    # read already: the same bytes (`in request` would cost a KeyError raised and caught)
    if request._read_bytes is not None:
        return request._read_bytes
    # (No test of the declared Content-Length here: a body that has all arrived is as long as
    # it declared, so the test of what arrived against the bound below refuses the same ones.)
    content = request.content
    arrived = content.total_bytes
    held = limits.held
    if (
        content.is_eof()
        and content.exception() is None
        and arrived <= limits.max_body
        and held.held + arrived <= held.limit
    ):
        # The whole body is here already: no timeout to arm and no loop turn. Nothing is still
        # arriving, so nothing is held; a body the bounds refuse takes `read_body`'s loop,
        # which refuses it in their words.
        body = request._read_bytes = content.read_nowait()
        return body
    return None


async def read_body(request: web.Request, limits: BodyLimits) -> bytes:
    """The whole body (read once: later calls, and `request.read()`, get the same bytes).
    BodyRefused when it is too large, too slow or finds no room; ApiError 400 when it does not
    decode; ClientGone when the client hung up before the end."""
    body = arrived_body(request, limits)
    if body is not None:
        return body
    declared = request.content_length
    if declared is not None and declared > limits.max_body:
        _give_up(request, drain=True)
        raise BodyRefused(_too_large(limits.max_body))
    held = limits.held
    chunks: list[bytes] = []
    taken = 0
    try:
        async with asyncio.timeout(limits.timeout):
            while chunk := await request.content.readany():
                if taken + len(chunk) > limits.max_body:
                    _give_up(request, drain=True)
                    raise BodyRefused(_too_large(limits.max_body))
                if not held.take(len(chunk)):
                    _give_up(request)
                    raise BodyRefused(_no_room(held.limit))
                taken += len(chunk)
                chunks.append(chunk)
    except TimeoutError:
        _give_up(request)
        raise BodyRefused(
            ApiError(
                408,
                f"The request body did not arrive within {limits.timeout:g}s "
                "(MOCKSERVER_BODY_TIMEOUT)",
                code="body-timeout",
            )
        ) from None
    except web.RequestPayloadError as exc:
        raise ApiError(
            400,
            f"The request body cannot be read: {payload_problem(request, exc)}",
            code="bad-body",
        ) from None
    except ConnectionResetError:
        raise ClientGone() from None
    finally:
        held.give(taken)
    body = request._read_bytes = b"".join(chunks)  # what `await request.read()` returns
    return body


def _no_room(limit: int) -> ApiError:
    return ApiError(
        503,
        f"The sandbox holds too many request bodies still arriving ({limit} bytes in all, "
        "MOCKSERVER_BODY_MEMORY): send it again",
        code="busy",
    )


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "Request body is too large", code="content-too-large", data=None)
