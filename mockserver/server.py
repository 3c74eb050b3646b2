"""Starting the sandbox: build the app from settings and serve it until SIGTERM/SIGINT."""

from __future__ import annotations

import logging

from aiohttp import web

from mockserver.app import build_app
from mockserver.library import ScenarioLibrary
from mockserver.logsetup import configure
from mockserver.registry import VENDORS
from mockserver.settings import Settings

log = logging.getLogger("mockserver")


def create_app(settings: Settings) -> web.Application:
    """The application for `settings`; ScenarioError when a scenario file does not load."""
    library = ScenarioLibrary.load(VENDORS, settings.scenario, settings.scenario_name)
    return build_app(settings, VENDORS, library)


def serve(settings: Settings) -> None:
    configure(settings.log_level, settings.log_format)
    app = create_app(settings)
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
