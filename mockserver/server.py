"""Starting the sandbox: build the app from settings and serve it until SIGTERM/SIGINT."""

from __future__ import annotations

import gc
import logging
from typing import Any

from aiohttp import web

from mockserver import appkeys, watch
from mockserver.app import build_app
from mockserver.logsetup import configure
from mockserver.registry import VENDORS
from mockserver.scenario.files import load_scenarios
from mockserver.settings import Settings
from mockserver.shutdown import HANDLER_GRACE

log = logging.getLogger("mockserver")


def create_app(settings: Settings) -> web.Application:
    """The application for `settings`; ScenarioError when a scenario file does not load."""
    library = load_scenarios(VENDORS, settings.scenario, settings.scenario_name)
    app = build_app(settings, VENDORS, library)
    if settings.watch:
        watch.install(app)
    return app


def tune_gc() -> None:
    """A sandbox process keeps many small long-lived objects (stored requests, journal): move
    the start-up heap out of the collector's sight and collect the old generation rarely, so
    full collections do not stall answers as the store grows (see bench/run.py)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 100)


def server_options(settings: Settings) -> dict[str, Any]:
    """aiohttp server settings: a connection idle (or still sending its request head) for
    `idle_timeout` seconds is closed; aiohttp bounds the head itself (8190-byte lines)."""
    return {"keepalive_timeout": settings.idle_timeout}


def serve(settings: Settings) -> None:
    configure(settings.log_level, settings.log_format)
    app = create_app(settings)
    app[appkeys.TRANSPORT].own.add(settings.host, settings.port)  # never a webhook target
    tune_gc()
    log.info(
        "mockserver on http://%s:%d (vendors: %s)",
        settings.host,
        settings.port,
        ", ".join(v.name for v in VENDORS),
    )
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        print=None,
        access_log=None,
        shutdown_timeout=HANDLER_GRACE,
        handle_signals=True,
        **server_options(settings),
    )
    log.info("mockserver stopped")
