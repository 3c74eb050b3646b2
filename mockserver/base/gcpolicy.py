"""Garbage-collector policy for a serving sandbox, which may hold a million stored requests.

CPython's collector walks every tracked object of the generations it collects. A store that
grows into the oldest generation makes each full collection walk the whole store (a pause that
grows with it), so `tune()` freezes what survives each collection of the middle or oldest
generation: survivors of two collections are the long-lived store, and frozen objects are never
walked again. Collections of every generation still run, over what is new since.

The thresholds keep every pause short, since a pause holds every call in flight: the youngest
generation is collected after 1,000 new objects (the default is 700; 10,000 before, which made
pauses of 3-7 ms on a store of stored requests, whose objects are no longer in the CPU's cache
when walked), and the middle one after every second young collection, so it holds the survivors
of one collection at most: each collection walks at most about 2,000 objects (under 2 ms here,
bench/run.py's `latency` section). Survivors of one collection are not frozen: an object that is
alive only while its call is (a connection, an answer) and caught in a reference cycle is still
freed by the next collection; tests/reliability/test_no_cyclic_garbage.py keeps calls from
leaving such cycles at all.

Frozen objects are still freed by reference counting, but not as cyclic garbage: a world
dropped by a reset is a cycle (world, stores), so the full collection that follows a reset or
drop (mockserver/base/cleanup.py) calls `thaw()` first, returning everything to the collector; that
collection walks the whole heap once, and freezes the survivors again.
"""

from __future__ import annotations

import gc
from typing import Any

THRESHOLDS = (1_000, 1, 10)  # gc.set_threshold's three: see above
_tuned = False


def _freeze_survivors(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info["generation"] >= 1:
        gc.freeze()


def tune() -> None:
    """Serving process only: freeze the start-up heap and long-lived survivors from now on."""
    global _tuned
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    if not _tuned:
        gc.callbacks.append(_freeze_survivors)
        _tuned = True


def thaw() -> None:
    """A world was dropped: let the collector see frozen objects again (its cycles included)."""
    if _tuned:
        gc.unfreeze()
