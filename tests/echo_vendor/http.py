"""Echo's error body and auth: `{"error": {"status", "code", "message"}}`, and
`Authorization: Bearer <key>` (any key when the scenario lists none)."""

from __future__ import annotations

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.kit.vendor import ErrorFormat


def render_error(error: ApiError) -> web.Response:
    body = {"status": error.status, "code": error.code or "error", "message": error.message}
    return web.json_response({"error": body}, status=error.status, headers=error.headers)


ERRORS = ErrorFormat(render_error, message=("error", "message"))
"""Where a client reads an error's message: `error.message`."""


def authenticate(request: web.Request, keys: tuple[str, ...] | None) -> None:
    scheme, _, key = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(401, "Send Authorization: Bearer <key>", code="unauthorized")
    if keys is not None and key.strip() not in keys:
        raise ApiError(401, "Unknown API key", code="unauthorized")
