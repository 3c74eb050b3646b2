"""Durations as QA engineers write them in scenarios: `30s`, `2m`, `1h30m`, `1.5h`, `800ms`, or a
number of seconds."""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
DURATION_PATTERN = r"^\s*(\d+(\.\d+)?(ms|s|m|h|d)\s*)+$"


def parse_duration(value: str | int | float) -> float:
    """Seconds in a duration; raises ValueError with a readable message when it is not one."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"expected a duration like 30s, 2m or 1h, got {value!r}")
    if isinstance(value, int | float):
        if not 0 <= value < float("inf"):
            raise ValueError(f"a duration must be a positive, finite number, got {value!r}")
        return float(value)
    text = value.replace(" ", "")
    if not text or _PART.sub("", text):
        raise ValueError(f"expected a duration like 30s, 2m or 1h, got {value!r}")
    return sum(float(num) * _UNITS[unit] for num, unit in _PART.findall(text))


def format_duration(seconds: float) -> str:
    """The inverse of `parse_duration` for messages: 90 -> '1m30s'."""
    if seconds < 1 and seconds > 0:
        return f"{round(seconds * 1000)}ms"
    whole = int(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if whole >= size:
            parts.append(f"{whole // size}{unit}")
            whole %= size
    return "".join(parts) or "0s"
