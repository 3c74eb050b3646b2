"""The log of requests aiohttp refuses before any handler sees them, in one line each.

aiohttp's HTTP parser refuses a malformed request head, a broken chunk or a body in an encoding
it cannot undo (`Content-Encoding: br` or `zstd`, which need packages the sandbox does not
install) with a 400 of its own, and logs it with `logger.exception`: a traceback at ERROR for
every such request, so a client (or a hostile one, over and over) fills the log with stack
traces of the server's parser. The request is the client's mistake, not the server's: this
logger writes it as one WARNING line naming the client, the status and aiohttp's message, and
keeps the traceback for anything that is not a refusal of the client's bytes.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from aiohttp.http_exceptions import HttpProcessingError

_aiohttp_server = logging.getLogger("aiohttp.server")


def _one_line(exc: HttpProcessingError) -> str:
    return " ".join(str(exc.message).split()) or type(exc).__name__


class ProtocolLog(logging.LoggerAdapter[logging.Logger]):
    """The `logger` aiohttp's request handler writes to (`server_options`)."""

    def __init__(self, logger: logging.Logger = _aiohttp_server) -> None:
        super().__init__(logger, {})

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        exc = exc_info if isinstance(exc_info, BaseException) else sys.exc_info()[1]
        if isinstance(exc, HttpProcessingError):
            self.logger.warning(
                "%s: refused with %s: %s",
                str(msg) % args if args else msg,
                exc.code,
                _one_line(exc),
                extra={"event": "bad_http", "status": exc.code},
            )
            return
        self.logger.error(msg, *args, exc_info=exc_info, **kwargs)
