"""Calls one testing object passes on unchanged to another, each written once: the async
client's (`await client.journal()` is the sync client's `journal()` in a worker thread) and the
sandbox's (`sandbox.wait_for_status(...)` is its control client's).

A forwarded call keeps the signature the type checker sees, the docstring `help()` shows and
the subclass override it reaches (it looks the method up on the wrapped object at call time).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from mockserver.testing.client import ControlClient

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])


class _WrapsSync(Protocol):
    sync: ControlClient


class _HasControl(Protocol):
    control: ControlClient


def in_thread(
    method: Callable[Concatenate[ControlClient, P], R],
) -> Callable[Concatenate[_WrapsSync, P], Coroutine[Any, Any, R]]:
    """`await async_client.NAME(...)`: `sync.NAME(...)` in a worker thread, so a long-poll wait
    never blocks the test's event loop."""
    name = method.__name__

    async def call(self: _WrapsSync, /, *args: P.args, **kwargs: P.kwargs) -> R:
        bound: Callable[P, R] = getattr(self.sync, name)
        return await asyncio.to_thread(bound, *args, **kwargs)

    return _named(call, method, "in_thread")


def on_control(
    method: Callable[Concatenate[ControlClient, P], R],
) -> Callable[Concatenate[_HasControl, P], R]:
    """`sandbox.NAME(...)`: `sandbox.control.NAME(...)`."""
    name = method.__name__

    def call(self: _HasControl, /, *args: P.args, **kwargs: P.kwargs) -> R:
        bound: Callable[P, R] = getattr(self.control, name)
        return bound(*args, **kwargs)

    return _named(call, method, "on_control")


def _named(call: F, method: Callable[..., Any], how: str) -> F:
    """`call` with `method`'s name, docstring and signature (`__wrapped__`), and a qualified
    name that says what it forwards: `in_thread(ControlClient.journal)`."""
    functools.update_wrapper(call, method)
    call.__module__ = __name__
    call.__qualname__ = f"{how}({method.__qualname__})"
    return call
