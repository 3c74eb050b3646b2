"""A timer on the virtual clock (`clock.py` keeps them in a heap and fires them), and `iso`,
the form every virtual time is shown in (a timer's `at`, every answer's and webhook's times).
"""

from __future__ import annotations

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
    lane: int = field(default=-1, repr=False, compare=False)  # its clock's lane (-1: none)

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


def iso(ts: float) -> str:
    """ISO-8601 UTC with a `Z`, to the millisecond when there is a fraction."""
    whole = math.floor(ts)
    stamp = _SECONDS.get(whole)
    if stamp is None:
        stamp = _iso_seconds(whole)
    return stamp + _MILLIS[int((ts - whole) * 1000)]


# No cache of whole timestamps: on the real clock nearly every one is new (a wave's requests
# each have their own), so a cache would only add its bookkeeping to every call. What repeats
# is the second: its text is kept (a few thousand), the milliseconds are picked from a table.
_SECONDS: dict[int, str] = {}
# ".001Z" ... ".999Z", "Z" for none; and ".1000Z", where a timestamp a hair below a whole
# second (a negative one) rounds up to it, as the f-string this replaces wrote it.
_MILLIS = ("Z", *(f".{m:03d}Z" for m in range(1, 1001)))


def _iso_seconds(whole: int) -> str:
    # answers format many timestamps of the same few seconds; strftime is slow
    t = time.gmtime(whole)
    stamp = (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
        f"T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"
    )
    if len(_SECONDS) >= 4096:
        _SECONDS.clear()
    _SECONDS[whole] = stamp
    return stamp
