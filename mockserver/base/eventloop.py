"""The event loop the server runs on: the standard library's (default) or uvloop's, an
optional extra (`pip install 'mockserver[uvloop]'`, then `--loop uvloop` or
`MOCKSERVER_LOOP=uvloop`). uvloop runs the same code with a faster loop and transports; what it
gains here is measured against a bare aiohttp app on the same loop (docs/benchmarks.md)."""

from __future__ import annotations

import asyncio

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


def new_loop(name: str) -> asyncio.AbstractEventLoop:
    """A new event loop of the kind named (`check` it first for a clear message)."""
    check(name)
    if name == "uvloop":
        import uvloop

        loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
        return loop
    return asyncio.new_event_loop()
