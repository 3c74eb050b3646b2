"""One spelling of the virtual clock everywhere: a scenario's `clock:`, `--clock` /
`MOCKSERVER_CLOCK` and the control plane's `POST /_mockserver/clock/mode` all read it here.

Canonical: `real`, `manual` or `scale:N` (N times faster than the wall clock). Also accepted,
so that what one place prints works in every other: `{scale: N}`, `{mode: real | manual}`,
`{mode: scaled, scale: N}`, `{mode: "scale:N"}`, `scaled:N` and `xN`.
"""

from __future__ import annotations

import math
from typing import Any

from mockserver.records.clock import ClockMode

CANONICAL = "real, manual or scale:N (N times faster), e.g. scale:60"


def _scale(raw: Any) -> float:
    try:
        scale = float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"the scale must be a number, got {raw!r}") from None
    if isinstance(raw, bool) or not math.isfinite(scale) or scale <= 0:
        raise ValueError(f"the scale must be a positive number, got {raw!r}")
    return scale


def parse_clock(value: Any) -> tuple[ClockMode, float]:
    """(mode, scale) from any accepted spelling; ValueError naming the canonical ones."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("real", "manual"):
            return ("real" if text == "real" else "manual"), 1.0
        for prefix in ("scale:", "scaled:", "x"):
            if text.startswith(prefix):
                return "scaled", _scale(text.removeprefix(prefix).strip())
        raise ValueError(f"must be {CANONICAL}, got {value!r}")
    if isinstance(value, dict):
        unknown = set(value) - {"mode", "scale"}
        if unknown:
            raise ValueError(f"unknown clock key {sorted(unknown)[0]!r}: give mode and/or scale")
        mode = value.get("mode")
        if mode is None or mode == "scaled":
            if "scale" not in value:
                raise ValueError(f"must be {CANONICAL}: a scaled clock needs a scale")
            return "scaled", _scale(value["scale"])
        if not isinstance(mode, str):
            raise ValueError(f"the mode must be {CANONICAL}, got {mode!r}")
        parsed = parse_clock(mode)  # a scale given with real or manual is ignored
        return parsed
    raise ValueError(f"must be {CANONICAL}, got {value!r}")


def spelled(mode: str, scale: float) -> str:
    """The canonical spelling of a clock: `real`, `manual` or `scale:60`."""
    return f"scale:{scale:g}" if mode == "scaled" else mode


SCHEMA: dict[str, Any] = {
    "description": "real, manual or scale:N (N times faster than real time)",
    "anyOf": [
        {"enum": ["real", "manual"]},
        {"type": "string", "pattern": r"^(scale|scaled):\s*[0-9.eE+]+$|^x[0-9.eE+]+$"},
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "mode": {"type": "string", "pattern": r"^(real|manual|scaled|scale:.*|x.*)$"},
                "scale": {"type": "number", "exclusiveMinimum": 0},
            },
            "anyOf": [{"required": ["scale"]}, {"required": ["mode"]}],
        },
    ],
}
