"""Garbage-collector policy for a serving sandbox, which may hold a million stored requests.

CPython's collector walks every tracked object of the generations it collects. A store that
grows into the oldest generation makes each full collection walk the whole store (a pause that
grows with it), so `tune()` freezes what survives each collection of the middle or oldest
generation: survivors of two collections are the long-lived store, and frozen objects are never
walked again. Collections of every generation still run, over what is new since.

Frozen objects are still freed by reference counting, but not as cyclic garbage: a world
dropped by a reset is a cycle (world, clock, timers, stores), so `thaw()` returns everything to
the collector when a world is dropped, and runs a full collection at once when much was frozen
since start-up (a big store: the memory comes back now, for the price of one walk); a per-test
reset of a small world leaves that to the next full collection and stays fast.
"""

from __future__ import annotations

import gc
from typing import Any

_tuned = False
_baseline = 0  # objects frozen at start-up
BIG = 200_000  # objects frozen since start-up that make a reset collect at once


def _freeze_survivors(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info["generation"] >= 1:
        gc.freeze()


def tune() -> None:
    """Serving process only: freeze the start-up heap and long-lived survivors from now on."""
    global _tuned, _baseline
    gc.collect()
    gc.freeze()
    _baseline = gc.get_freeze_count()
    gc.set_threshold(10_000, 20, 10)
    if not _tuned:
        gc.callbacks.append(_freeze_survivors)
        _tuned = True


def thaw() -> None:
    """A world was dropped: let the collector see frozen objects again (its cycles included),
    and collect at once if much was frozen since start-up."""
    if _tuned:
        grown = gc.get_freeze_count() - _baseline
        gc.unfreeze()
        if grown > BIG:
            gc.collect()
