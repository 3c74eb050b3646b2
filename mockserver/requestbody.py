"""Reading a request's body for the journal and the handlers: a body that cannot be decoded
(a broken `Content-Encoding: gzip`) is the client's mistake, a 400; a client that hangs up
before its body arrives is not an error of the sandbox (nothing to answer, nothing to log as
one)."""

from __future__ import annotations

from aiohttp import web

from mockserver.errors import ApiError


class ClientGone(Exception):
    """The connection closed before the whole body arrived."""


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


async def read_body(request: web.Request) -> bytes:
    """The whole body; ApiError 400 when it does not decode, ClientGone when cut off."""
    try:
        return await request.read()
    except web.RequestPayloadError as exc:
        raise ApiError(
            400,
            f"The request body cannot be read: {payload_problem(request, exc)}",
            code="bad-body",
        ) from None
    except ConnectionResetError:
        raise ClientGone() from None
