"""JSON answers and errors of the control plane (its own shape, not any vendor's)."""

from __future__ import annotations

import math
from typing import Any, NoReturn

from aiohttp import web

from mockserver.base import jsonio
from mockserver.base.filters import FilterError, whole_number


class ControlError(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def fail(status: int, message: str, **extra: Any) -> NoReturn:
    raise ControlError(status, message, **extra)


def ok(data: Any, status: int = 200) -> web.Response:
    """A control-plane answer: JSON and a final newline, so `curl` output in a terminal ends
    on a line of its own. (Vendor answers keep the vendors' bytes.)"""
    return web.Response(body=jsonio.dumps(data) + b"\n", status=status, content_type=JSON)


JSON = "application/json"


async def read_json(request: web.Request, *, required: bool = False) -> dict[str, Any]:
    """The JSON object body; {} for an empty body unless `required`."""
    raw = await request.read()
    if not raw.strip():
        if required:
            fail(400, "a JSON body is required")
        return {}
    try:
        data = jsonio.loads(raw)
    except jsonio.TooDeep as exc:
        fail(400, f"body is {exc}")
    except ValueError as exc:
        fail(400, f"body is not valid JSON: {exc}")
    if not isinstance(data, dict):
        fail(400, "body must be a JSON object")
    return data


# Long-poll waits end after at most this many seconds of real time (the OpenAPI maximum).
MAX_WAIT = 300.0


def query_float(
    request: web.Request, name: str, default: float, *, maximum: float = MAX_WAIT
) -> float:
    """A finite number from 0 to `maximum` (`nan`, `inf` and negatives are a 400)."""
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 <= value <= maximum:  # false for nan too
        fail(400, f"query parameter {name!r} must be a number from 0 to {maximum:g}, got {raw!r}")
    return value


def query_int(
    request: web.Request, name: str, *, minimum: int = 0, maximum: int | None = None
) -> int | None:
    """A whole number from `minimum` (to `maximum`), or None when absent."""
    try:
        return whole_number(request.query, name, minimum=minimum, maximum=maximum)
    except FilterError as exc:
        fail(400, str(exc))
