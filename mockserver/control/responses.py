"""JSON answers and errors of the control plane (its own shape, not any vendor's)."""

from __future__ import annotations

from typing import Any, NoReturn

from aiohttp import web

from mockserver import jsonio
from mockserver.jsonio import json_response


class ControlError(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def fail(status: int, message: str, **extra: Any) -> NoReturn:
    raise ControlError(status, message, **extra)


def ok(data: Any, status: int = 200) -> web.Response:
    return json_response(data, status=status)


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


def query_float(request: web.Request, name: str, default: float) -> float:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        fail(400, f"query parameter {name!r} must be a number, got {raw!r}")


def query_int(request: web.Request, name: str) -> int | None:
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        fail(400, f"query parameter {name!r} must be a whole number, got {raw!r}")
