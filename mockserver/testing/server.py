"""The sandbox in-process: the real application on a free loopback port, served from a background
thread that owns its own event loop (the aiohttp `fake_server` pattern, made thread-safe).

The test's own code, sync or async, talks to it over HTTP like to any server. The plugin's reset
before each test is the control plane's reset (`reset()` runs the endpoint's own function),
without the round trip, which would cost about 1 ms a test.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Coroutine
from typing import Any, Self, TypeVar

from aiohttp import web

from mockserver.base import eventloop
from mockserver.http import appkeys, hostports
from mockserver.http.control.setup import reset_worlds
from mockserver.http.server import bind_each, create_app, server_options
from mockserver.http.settings import Settings
from mockserver.kit.vendor import Vendor
from mockserver.testing.lifetime import Startable

T = TypeVar("T")


class InProcessServer(Startable):
    """Start with `start()` (or `with InProcessServer() as server:`), stop with `stop()`.

    `settings` default to `Settings.from_env()`, so `MOCKSERVER_SCENARIO`, `MOCKSERVER_SEED`,
    `MOCKSERVER_RATE_LIMIT` ... apply; host and port are always loopback and a free port. Every
    host a vendor declares is also served on a free port of its own (`host_url`).
    """

    def __init__(self, settings: Settings | None = None, *, host: str = "127.0.0.1") -> None:
        self.settings = settings if settings is not None else Settings.from_env()
        self.host = host
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._app: web.Application | None = None

    @property
    def url(self) -> str:
        if not self.port:
            raise RuntimeError("the in-process sandbox is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def app(self) -> web.Application:
        if self._app is None:
            raise RuntimeError("the in-process sandbox is not started")
        return self._app

    def start(self, timeout: float = 10.0) -> Self:
        """Bind a free port, start the loop thread and serve; returns once accepting calls.
        Raises ScenarioError when the configured scenario does not load."""
        if self._thread is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        loop = eventloop.new_loop("asyncio")
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="mockserver", daemon=True)
        self._thread.start()
        try:
            self.call(self._serve(sock), timeout)
        except BaseException:
            sock.close()
            self._halt()
            raise
        return self

    async def _serve(self, sock: socket.socket) -> None:
        app = create_app(self.settings)
        app[appkeys.TRANSPORT].own.add(self.host, self.port)  # never a webhook target
        served: tuple[Vendor, ...] = app[appkeys.VENDORS]
        every_host = hostports.resolve(hostports.ALL, served, 0)
        bound = bind_each(every_host, self.host)
        hostports.install(app[appkeys.HOST_PORTS], app[appkeys.TRANSPORT].own, bound)
        runner = web.AppRunner(
            app,
            access_log=None,
            handle_signals=False,
            shutdown_timeout=1.0,
            **server_options(self.settings),
        )
        await runner.setup()
        for one in (sock, *(s for _, s in bound)):
            await web.SockSite(runner, one).start()
        self._app, self._runner = app, runner

    def host_url(self, host: str) -> str:
        """`http://127.0.0.1:PORT` of the port answering as `host` alone (KeyError listing the
        declared hosts for any other name)."""
        served = hostports.ports(self.app[appkeys.HOST_PORTS])
        if host not in served:
            raise KeyError(f"no vendor declares the host {host!r} (hosts: {', '.join(served)})")
        return f"http://{self.host}:{served[host]}"

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 10.0) -> T:
        """Run a coroutine on the server's loop from any other thread and return its result."""
        if self._loop is None:
            coro.close()
            raise RuntimeError("the in-process sandbox is not started")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def reset(self) -> None:
        """Every namespace back to a fresh world on the server's default scenario: what
        `POST /_mockserver/reset?all=1&scenario=default` does (the same function), without the
        HTTP round trip. Worlds are rebuilt lazily on their next call."""
        self.call(reset_worlds(self.app, None, default=True))

    def stop(self) -> None:
        """Stop serving, record undelivered webhooks as abandoned, end the thread."""
        if self._loop is None:
            return
        if self._runner is not None:
            with contextlib.suppress(Exception):
                self.call(self._runner.cleanup(), timeout=15.0)
        self._runner = self._app = None
        self._halt()

    def _halt(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(_cancel_leftovers(), loop).result(5.0)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5.0)
        if not thread.is_alive():
            loop.close()
        self._loop = self._thread = None
        self.port = 0


async def _cancel_leftovers() -> None:
    current = asyncio.current_task()
    tasks = [t for t in asyncio.all_tasks() if t is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.get_running_loop().shutdown_asyncgens()
