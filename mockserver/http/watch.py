"""Hot reload (`serve --watch`, `MOCKSERVER_WATCH=true`): edited scenario files apply without a
restart; a broken edit is reported and the last good scenario stays in force.

A background task compares the scenario files' modification times and sizes every half second
(no file-system events, so it works the same on bind mounts and network folders). When any file
changed, the whole file or folder is loaded again, off the event loop:

- if it loads, the library is replaced in place (so `PUT /_mockserver/scenario {"name": ...}`
  sees the new versions), and every namespace whose scenario came from a changed file switches
  to the new version through `Worlds.use_scenario`, which resets that namespace. A namespace
  on the library's default follows the new default (a first file added to an empty folder
  takes over from the embedded scenario, as a `default.yaml` does from the first file).
  Namespaces on unchanged files keep their state;
- if it does not load, each `file:line:col` problem is logged and nothing changes. The broken
  files are not tried again until they change once more.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Literal

from aiohttp import web

from mockserver.base.errors import ScenarioError
from mockserver.http import appkeys
from mockserver.scenario.loading.files import Stamps, changed, load_scenarios, stamps
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.model import Scenario

log = logging.getLogger("mockserver.watch")

POLL_SECONDS = 0.5
Outcome = Literal["unchanged", "applied", "rejected"]


class Reloader:
    """Watches the scenario file or folder of one application."""

    def __init__(self, app: web.Application, path: str, interval: float = POLL_SECONDS) -> None:
        self.app = app
        self.path = path
        self.interval = interval
        self.problems: list[str] = []
        self._stamps: Stamps = stamps(path)

    async def check(self) -> Outcome:
        """Load the scenarios again if a file changed since the last check, and apply them."""
        now = await asyncio.to_thread(stamps, self.path)
        files = changed(self._stamps, now)
        if not files:
            return "unchanged"
        self._stamps = now
        settings = self.app[appkeys.SETTINGS]
        vendors = self.app[appkeys.VENDORS]
        try:
            fresh = await asyncio.to_thread(
                load_scenarios, vendors, self.path, settings.scenario_name
            )
        except ScenarioError as exc:
            self.problems = exc.problems
            current = self.app[appkeys.WORLDS].scenario.name
            log.error("scenario reload rejected; %r stays in force:", current)
            for line in exc.problems:
                log.error("  %s", line)
            return "rejected"
        self.problems = []
        await self._apply(fresh, files)
        return "applied"

    async def _apply(self, fresh: ScenarioLibrary, files: set[str]) -> None:
        library = self.app[appkeys.LIBRARY]
        worlds = self.app[appkeys.WORLDS]
        old_default = library.default
        library.default, library.named, library.path = fresh.default, fresh.named, fresh.path
        current = worlds.scenario
        overrides = {
            ns: s for ns in worlds.namespaces() if (s := worlds.scenario_for(ns)) is not current
        }
        on_default = current.source == old_default.source and current.name == old_default.name
        target = fresh.default if on_default else _same_file(fresh, current)
        if target is not None and (target.source in files or target.source != current.source):
            await worlds.use_scenario(target, None)
            log.info("scenario reloaded: %r from %s", target.name, target.source)
            # use_scenario(..., None) dropped the namespaces' own scenarios: put them back.
            for ns, scenario in overrides.items():
                await worlds.use_scenario(_newer(fresh, scenario, files), ns)
            return
        for ns, scenario in overrides.items():
            if scenario.source in files:
                await worlds.use_scenario(_newer(fresh, scenario, files), ns)
                log.info("scenario reloaded for namespace %r: %r", ns, scenario.name)
        log.info("scenario files changed: %s", ", ".join(sorted(files)))

    async def run(self) -> None:
        """Check forever, every `interval` seconds; errors are logged, never fatal."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.check()
            except Exception:
                log.exception("scenario watch: unexpected error")

    async def lifetime(self, app: web.Application) -> AsyncIterator[None]:
        """cleanup_ctx: the polling task runs while the application does."""
        task = asyncio.create_task(self.run(), name="mockserver-watch")
        log.info("watching %s for scenario changes", self.path)
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _same_file(library: ScenarioLibrary, scenario: Scenario) -> Scenario | None:
    """The scenario of `library` loaded from the file `scenario` came from, if any."""
    return next((s for s in library.named.values() if s.source == scenario.source), None)


def _newer(library: ScenarioLibrary, scenario: Scenario, files: set[str]) -> Scenario:
    if scenario.source in files:
        return _same_file(library, scenario) or scenario
    return scenario


RELOADER: web.AppKey[Reloader] = web.AppKey("reloader", Reloader)


def install(app: web.Application) -> None:
    """Watch the application's `--scenario` path (a no-op, with a warning, without one)."""
    path = app[appkeys.SETTINGS].scenario
    if path is None:
        log.warning("--watch: no --scenario file or folder given, so nothing to watch")
        return
    reloader = Reloader(app, path)
    app[RELOADER] = reloader
    app.cleanup_ctx.append(reloader.lifetime)
