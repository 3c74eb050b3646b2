"""Garbage-collector policy for a serving sandbox, which may hold a million stored requests.

CPython's collector walks every tracked object of the generations it collects. A store that
grows into the oldest generation makes each full collection walk the whole store (a pause that
grows with it), so `tune()` freezes what survives each collection of the middle or oldest
generation: survivors of two collections are the long-lived store, and frozen objects are never
walked again. Collections of every generation still run, over what is new since.

Frozen objects are still freed by reference counting, but not as cyclic garbage: a world
dropped by a reset is a cycle (world, stores), so the full collection that follows a reset or
drop (mockserver/base/cleanup.py) calls `thaw()` first, returning everything to the collector; that
collection walks the whole heap once, and freezes the survivors again.
"""

from __future__ import annotations

import gc
from typing import Any

_tuned = False


def _freeze_survivors(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info["generation"] >= 1:
        gc.freeze()


def tune() -> None:
    """Serving process only: freeze the start-up heap and long-lived survivors from now on."""
    global _tuned
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 10)
    if not _tuned:
        gc.callbacks.append(_freeze_survivors)
        _tuned = True


def thaw() -> None:
    """A world was dropped: let the collector see frozen objects again (its cycles included)."""
    if _tuned:
        gc.unfreeze()
