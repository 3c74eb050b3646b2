"""Starting the sandbox: build the app from settings and serve it until SIGTERM/SIGINT."""

from __future__ import annotations

import logging

from aiohttp import web

from mockserver import gcpolicy, watch
from mockserver.app import build_app
from mockserver.logsetup import configure
from mockserver.registry import VENDORS
from mockserver.scenario.files import load_scenarios
from mockserver.settings import Settings

log = logging.getLogger("mockserver")


def create_app(settings: Settings) -> web.Application:
    """The application for `settings`; ScenarioError when a scenario file does not load."""
    library = load_scenarios(VENDORS, settings.scenario, settings.scenario_name)
    app = build_app(settings, VENDORS, library)
    if settings.watch:
        watch.install(app)
    return app


def tune_gc() -> None:
    """A sandbox process keeps many small long-lived objects (stored requests, journal): keep
    them out of the collector's walks, so collections do not stall answers as the store grows
    (see mockserver/gcpolicy.py and bench/growth.py)."""
    gcpolicy.tune()


def serve(settings: Settings) -> None:
    configure(settings.log_level, settings.log_format)
    app = create_app(settings)
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
        shutdown_timeout=10.0,
        handle_signals=True,
    )
    log.info("mockserver stopped")
