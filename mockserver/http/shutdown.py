"""Stopping the sandbox quickly without losing anything (SIGTERM, `docker stop`, end of tests).

1. As soon as it stops listening, every waiting control-plane call is answered (503 with what
   it has so far) instead of being cut off.
2. Calls still running get `HANDLER_GRACE` seconds (the server's shutdown timeout).
3. Every namespace closes at once: webhook attempts in flight get `CLOSE_GRACE` seconds, then
   stop; every delivery not delivered by then is recorded `abandoned`.
4. With `--dump-on-exit PATH`, every namespace's journal and delivery log is written to PATH as
   one JSON document, for a CI job to keep as an artifact.
So a stop takes at most about HANDLER_GRACE + CLOSE_GRACE seconds, within `docker stop`'s 10.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from mockserver import __version__
from mockserver.http import appkeys

if TYPE_CHECKING:
    from mockserver.http.world import World

log = logging.getLogger("mockserver")

HANDLER_GRACE = 2.0  # seconds calls in progress may take to finish once a stop begins
CLOSE_GRACE = 2.0  # seconds webhook attempts in flight may take to finish
SHUTTING_DOWN = "the sandbox is shutting down"


async def answer_waits(app: web.Application) -> None:
    """`on_shutdown`: end every long-poll wait now, each answering with what it has."""
    worlds = app[appkeys.WORLDS]
    for namespace in worlds.namespaces():
        worlds.get(namespace).notifier.close(SHUTTING_DOWN)


async def close_worlds(app: web.Application) -> None:
    """Close every namespace at once; then write the exit dump if one is asked for."""
    worlds = app[appkeys.WORLDS]
    kept = {namespace: worlds.get(namespace) for namespace in worlds.namespaces()}
    abandoned = await worlds.close_all(grace=CLOSE_GRACE)
    if abandoned:
        log.warning("shutdown: %d webhook deliveries recorded as abandoned", abandoned)
    path = app[appkeys.SETTINGS].dump_on_exit
    if path:
        try:
            write_dump(Path(path), kept)
        except OSError as exc:
            log.error("shutdown: cannot write the exit dump to %s: %s", path, exc)
        else:
            log.info("shutdown: journal and deliveries of %d namespace(s) in %s", len(kept), path)


def dump(worlds: dict[str, World]) -> dict[str, Any]:
    """Every namespace's journal and delivery log, as the control plane shows them."""
    return {
        "mockserver": __version__,
        "namespaces": {
            namespace: {
                "journal": [e.to_json() for e in world.journal],
                "journal_dropped": world.journal.dropped,
                "deliveries": [d.to_json() for d in world.dispatcher.log],
                "deliveries_dropped": world.dispatcher.log.dropped,
            }
            for namespace, world in sorted(worlds.items())
        },
    }


def write_dump(path: Path, worlds: dict[str, World]) -> None:
    """Written whole or not at all (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        json.dump(dump(worlds), out, indent=1, default=str)
    os.replace(partial, path)
