"""The event loop the server runs on: the standard library's (default) or uvloop's, an
optional extra (`pip install 'mockserver[uvloop]'`, then `--loop uvloop` or
`MOCKSERVER_LOOP=uvloop`). uvloop runs the same code with a faster loop and transports; what it
gains here is measured against a bare aiohttp app on the same loop (docs/benchmarks.md).

The standard library's loop, on Python before 3.12, leaves every closed TCP connection as a
reference cycle: the socket transport keeps its read callback, a method bound to itself, after
the connection is lost (CPython issue https://github.com/python/cpython/issues/100348, fixed in
3.12 by https://github.com/python/cpython/pull/100349, not backported). Only the cyclic garbage
collector frees such a transport, its socket and its buffers; and the sandbox freezes the
survivors of its collections (mockserver/base/gcpolicy.py), so a transport alive during a
collection and closed after it would never be freed. The loop made here drops that callback
once the connection is lost, so a closed connection is freed by reference counting at once.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from asyncio import selector_events
from typing import Any

LOOPS = ("asyncio", "uvloop")


class LoopUnavailable(RuntimeError):
    """The chosen loop is not installed: the message says how to install it."""


def check(name: str) -> None:
    """Refuse an unknown loop name (ValueError) or a loop that is not installed."""
    if name not in LOOPS:
        raise ValueError(f"must be one of {', '.join(LOOPS)}, got {name!r}")
    if name == "uvloop":
        try:
            import uvloop  # noqa: F401
        except ImportError:
            raise LoopUnavailable(
                "uvloop is not installed: pip install 'mockserver[uvloop]' (or pip install "
                "uvloop), or leave MOCKSERVER_LOOP / --loop at asyncio"
            ) from None


_Transport: Any = selector_events._SelectorSocketTransport  # type: ignore[attr-defined]


class _AcyclicSocketTransport(_Transport):  # type: ignore[misc]
    """The standard socket transport, without its self-reference once its connection is lost."""

    def _call_connection_lost(self, exc: BaseException | None) -> None:
        try:
            super()._call_connection_lost(exc)
        finally:
            self._read_ready_cb = None


class AcyclicSelectorEventLoop(asyncio.SelectorEventLoop):
    """The standard library's loop whose TCP transports free themselves when closed."""

    def _make_socket_transport(
        self,
        sock: socket.socket,
        protocol: asyncio.BaseProtocol,
        waiter: asyncio.Future[Any] | None = None,
        *,
        extra: dict[str, Any] | None = None,
        server: asyncio.AbstractServer | None = None,
    ) -> asyncio.Transport:
        transport: asyncio.Transport = _AcyclicSocketTransport(
            self, sock, protocol, waiter, extra, server
        )
        return transport


def new_loop(name: str) -> asyncio.AbstractEventLoop:
    """A new event loop of the kind named (`check` it first for a clear message)."""
    check(name)
    if name == "uvloop":
        import uvloop

        loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
        return loop
    if sys.version_info < (3, 12):
        return AcyclicSelectorEventLoop()
    return asyncio.new_event_loop()
