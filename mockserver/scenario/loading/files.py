"""Scenario files a `--scenario` setting names: loading them, and the stamps hot reload compares.

An existing folder that holds no scenario files yet (the Docker image's `/scenarios` when
nothing is mounted) serves the embedded default scenario; with `--watch`, files added to it
later are picked up. A path that does not exist stays an error, so a typo is not mistaken for
an empty folder.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from mockserver.base.errors import ScenarioError
from mockserver.kit.vendor import Vendor
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import load_default, scenario_files

log = logging.getLogger("mockserver.scenario")

Stamps = dict[str, tuple[int, int]]


def load_scenarios(
    vendors: Sequence[Vendor], path: str | None, active: str | None = None
) -> ScenarioLibrary:
    """The library `ScenarioLibrary.load` gives, except that an empty folder serves the
    embedded default; ScenarioError when a file does not load."""
    if path is not None and Path(path).is_dir() and not scenario_files(Path(path)):
        embedded = load_default(vendors)
        if active is not None and active != embedded.name:
            raise ScenarioError([f"{path}: no scenario named {active!r} (the folder is empty)"])
        log.info("%s holds no scenario files yet: serving the embedded default scenario", path)
        return ScenarioLibrary(embedded, {embedded.name: embedded}, Path(path))
    return ScenarioLibrary.load(vendors, path, active)


def stamps(path: str) -> Stamps:
    """Modification time and size of every scenario file under `path` (a file or folder),
    keyed by the name scenarios carry as their `source`; {} when the path is gone."""
    out: Stamps = {}
    root = Path(path)
    if not root.exists():
        return out
    for file in scenario_files(root):
        try:
            st = file.stat()
        except OSError:
            continue
        out[str(file)] = (st.st_mtime_ns, st.st_size)
    return out


def changed(before: Stamps, after: Stamps) -> set[str]:
    """Files added, removed or modified between two stamp sets."""
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
