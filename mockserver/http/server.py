"""Starting the sandbox: build the app from settings and serve it until SIGTERM/SIGINT."""

from __future__ import annotations

import errno
import logging
import socket
from collections.abc import Iterable
from typing import Any

from aiohttp import web

from mockserver.base import eventloop, gcpolicy
from mockserver.base.logsetup import configure
from mockserver.base.urls import local_url
from mockserver.http import appkeys, hostports, watch
from mockserver.http.app import build_app
from mockserver.http.protocollog import ProtocolLog
from mockserver.http.settings import Settings, clock_value
from mockserver.http.shutdown import HANDLER_GRACE
from mockserver.kit.vendor import Vendor
from mockserver.records.clockmodes import parse_clock
from mockserver.registry import vendors
from mockserver.scenario.loading.files import load_scenarios

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
    (see mockserver/base/gcpolicy.py and bench/growth.py)."""
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
    `idle_timeout` seconds is closed; aiohttp bounds the head itself (8190-byte lines); a
    request its parser refuses is logged in one line, not a traceback (`protocollog`)."""
    return {"keepalive_timeout": settings.idle_timeout, "logger": ProtocolLog()}


def bind_hosts(app: web.Application, settings: Settings) -> list[socket.socket]:
    """The sockets of the `--host-port` hosts (HostPortError for a host no vendor declares,
    PortBusy naming the host whose port is taken), installed on the app."""
    if not settings.host_ports:
        return []
    served: tuple[Vendor, ...] = app[appkeys.VENDORS]
    wanted = hostports.resolve(settings.host_ports, served, settings.port)
    bound = bind_each(wanted, settings.host)
    hostports.install(app[appkeys.HOST_PORTS], app[appkeys.TRANSPORT].own, bound)
    return [sock for _, sock in bound]


def bind_each(
    bindings: Iterable[hostports.HostBinding], address: str
) -> list[tuple[hostports.HostBinding, socket.socket]]:
    """A listening socket for each host on `address`; on failure the others are closed and
    PortBusy names the host whose port is taken."""
    out: list[tuple[hostports.HostBinding, socket.socket]] = []
    try:
        for binding in bindings:
            try:
                out.append((binding, bind(address, binding.port)))
            except PortBusy as exc:
                raise PortBusy(
                    exc.errno,
                    f"port {binding.port} for {binding.host} on {address} is already in use; "
                    "choose another with --host-port HOST=PORT or MOCKSERVER_HOST_PORTS",
                ) from None
    except OSError:
        for _, sock in out:
            sock.close()
        raise
    return out


def start_up_notes(app: web.Application, port: int) -> list[tuple[int, str]]:
    """What a person starting the sandbox needs next: where the reviewer console is, and, when
    the served clock is manual, that nothing scripted happens until it is moved (and how)."""
    settings = app[appkeys.SETTINGS]
    base = local_url(settings.host, port)
    notes = [(logging.INFO, f"reviewer console: {base}{appkeys.CONTROL_PREFIX}/ui")]
    served = app[appkeys.LIBRARY].default
    mode = parse_clock(clock_value(settings.clock))[0] if settings.clock else served.clock
    if mode == "manual":
        notes.append(
            (
                logging.WARNING,
                "the clock is manual: scripted reviewers act only when it moves. Move it with "
                f"`curl -X POST {base}{appkeys.CONTROL_PREFIX}/clock/advance -d "
                """'{"by": "5m"}'`, the console's Clock panel, or serve with --clock real""",
            )
        )
    return notes


def serve(settings: Settings) -> None:
    if settings.host_ports:  # refuse an unknown host before anything else
        hostports.resolve(settings.host_ports, vendors(), settings.port)
    configure(settings.log_level, settings.log_format)
    eventloop.check(settings.loop)  # before anything else: a missing uvloop says how to add it
    app = create_app(settings)
    sock = bind(settings.host, settings.port)
    app[appkeys.TRANSPORT].own.add(settings.host, sock.getsockname()[1])  # never a webhook target
    try:
        host_socks = bind_hosts(app, settings)
    except OSError:
        sock.close()
        raise
    tune_gc()
    log.info(
        "mockserver on http://%s:%d (vendors: %s)",
        settings.host,
        sock.getsockname()[1],
        ", ".join(v.name for v in app[appkeys.VENDORS]),
    )
    for bound_port, binding in app[appkeys.HOST_PORTS].items():
        log.info(
            "%s (%s) on http://%s:%d",
            binding.host,
            binding.vendor,
            settings.host,
            bound_port,
            extra={"event": "host_port", "host": binding.host, "port": bound_port},
        )
    log.info(app[appkeys.LIBRARY].describe_default(), extra={"event": "scenario"})
    for level, line in start_up_notes(app, sock.getsockname()[1]):
        log.log(level, line)
    web.run_app(
        app,
        loop=eventloop.new_loop(settings.loop),
        sock=[sock, *host_socks],
        print=None,
        access_log=None,
        shutdown_timeout=HANDLER_GRACE,
        handle_signals=True,
        **server_options(settings),
    )
    log.info("mockserver stopped")
