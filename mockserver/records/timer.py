"""A timer on the virtual clock (`clock.py` keeps them in a heap and fires them), and `iso`,
the form every virtual time is shown in (a timer's `at`, every answer's and webhook's times).
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

TimerCallback = Callable[[], Awaitable[None] | None]
"""A timer's callback: a plain function (None: done) or one returning an awaitable."""
NO_ARG: Any = object()  # a timer without an argument calls its callback with none


@dataclass(slots=True)
class Timer:
    """A callback due at a virtual time; `cancel()` stops it from firing. Slots, and an
    optional argument instead of a closure, keep a timer small (one per stored request)."""

    when: float
    seq: int
    label: str
    callback: Callable[..., Awaitable[None] | None] = field(repr=False)
    cancelled: bool = False
    detail: Mapping[str, Any] | None = None  # what the timer will do, for the console
    arg: Any = field(default=NO_ARG, repr=False)

    @property
    def name(self) -> str:
        """The label, after the argument when there is one ("<request id>:timeout")."""
        return self.label if self.arg is NO_ARG else f"{self.arg}:{self.label}"

    def to_json(self, now: float) -> dict[str, Any]:
        """When it fires (and in how many virtual seconds), its label and detail."""
        return {
            "at": iso(self.when),
            "in_seconds": round(self.when - now, 3),
            "label": self.name,
            **(self.detail or {}),
        }

    def cancel(self) -> None:
        self.cancelled = True

    def fire(self) -> Awaitable[None] | None:
        # marked as cancelled first: discarding a timer that has fired changes nothing
        self.cancelled = True
        return self.callback() if self.arg is NO_ARG else self.callback(self.arg)


@functools.lru_cache(maxsize=8192)  # a request's times are shown again in every answer and webhook
def iso(ts: float) -> str:
    """ISO-8601 UTC with a `Z`, to the millisecond when there is a fraction."""
    whole = math.floor(ts)
    millis = int((ts - whole) * 1000)
    stamp = _iso_seconds(whole)
    return f"{stamp}.{millis:03d}Z" if millis else f"{stamp}Z"


@functools.lru_cache(maxsize=4096)
def _iso_seconds(whole: int) -> str:
    # answers format many timestamps of the same few seconds; strftime is slow
    t = time.gmtime(whole)
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
        f"T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"
    )
