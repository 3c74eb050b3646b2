"""Starting the sandbox: build the app from settings and serve it until SIGTERM/SIGINT."""

from __future__ import annotations

import errno
import logging
import socket
from typing import Any

from aiohttp import web

from mockserver import appkeys, eventloop, gcpolicy, watch
from mockserver.app import build_app
from mockserver.logsetup import configure
from mockserver.registry import vendors
from mockserver.scenario.files import load_scenarios
from mockserver.settings import Settings
from mockserver.shutdown import HANDLER_GRACE

log = logging.getLogger("mockserver")


def create_app(settings: Settings) -> web.Application:
    """The application for `settings`; ScenarioError when a scenario file does not load."""
    served = vendors()  # the built-in ones and any a test registered
    library = load_scenarios(served, settings.scenario, settings.scenario_name)
    app = build_app(settings, served, library)
    if settings.watch:
        watch.install(app)
    return app


def tune_gc() -> None:
    """A sandbox process keeps many small long-lived objects (stored requests, journal): keep
    them out of the collector's walks, so collections do not stall answers as the store grows
    (see mockserver/gcpolicy.py and bench/growth.py)."""
    gcpolicy.tune()


class PortBusy(OSError):
    """The port is taken: the message says so and what to do."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, bound before anything is logged, so a busy port is the
    first and only thing a user reads; PortBusy / OSError otherwise."""
    try:
        family = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family, backlog=1024)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortBusy(
                exc.errno,
                f"port {port} on {host} is already in use (is another mockserver running?); "
                "choose another with --port N, MOCKSERVER_PORT=N or `make run PORT=N`",
            ) from None
        raise


def server_options(settings: Settings) -> dict[str, Any]:
    """aiohttp server settings: a connection idle (or still sending its request head) for
    `idle_timeout` seconds is closed; aiohttp bounds the head itself (8190-byte lines)."""
    return {"keepalive_timeout": settings.idle_timeout}


def serve(settings: Settings) -> None:
    configure(settings.log_level, settings.log_format)
    eventloop.check(settings.loop)  # before anything else: a missing uvloop says how to add it
    app = create_app(settings)
    sock = bind(settings.host, settings.port)
    app[appkeys.TRANSPORT].own.add(settings.host, sock.getsockname()[1])  # never a webhook target
    tune_gc()
    log.info(
        "mockserver on http://%s:%d (vendors: %s)",
        settings.host,
        sock.getsockname()[1],
        ", ".join(v.name for v in app[appkeys.VENDORS]),
    )
    log.info(app[appkeys.LIBRARY].describe_default(), extra={"event": "scenario"})
    web.run_app(
        app,
        loop=eventloop.new_loop(settings.loop),
        sock=sock,
        print=None,
        access_log=None,
        shutdown_timeout=HANDLER_GRACE,
        handle_signals=True,
        **server_options(settings),
    )
    log.info("mockserver stopped")
