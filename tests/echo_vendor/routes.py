"""Echo's two endpoints. Handlers keep no state: the world's `EchoState` does."""

from __future__ import annotations

from aiohttp import web

from mockserver.base import jsonio
from mockserver.base.errors import ApiError
from mockserver.kit.vendor import Route
from mockserver.kit.worldview import world_of

from .http import authenticate
from .state import EchoState

MAX_TEXT = 10_000


def state_of(request: web.Request) -> EchoState:
    state: EchoState = world_of(request).state("echo")
    authenticate(request, state.cfg.keys)
    return state


async def create_message(request: web.Request) -> web.Response:
    """`POST /echo/messages {"text": "..."}`: 201 with the message, `pending` until decided."""
    state = state_of(request)
    try:
        body = jsonio.loads(await request.read())
    except ValueError:  # jsonio.TooDeep is one
        raise ApiError(400, "The body must be a JSON object", code="bad_request") from None
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "`text` is required: a non-empty string", code="bad_request")
    if len(text) > MAX_TEXT:
        raise ApiError(400, f"`text` is longer than {MAX_TEXT} characters", code="bad_request")
    message = state.receive(text)
    return web.json_response(message.to_json(), status=201)


async def get_message(request: web.Request) -> web.Response:
    """`GET /echo/messages/{id}`: the message as it is now; 404 for an unknown id."""
    message = state_of(request).find(request.match_info["id"])
    if message is None:
        raise ApiError(404, "Message not found", code="not_found")
    return web.json_response(message.to_json())


ROUTES = (
    Route("POST", "/echo/messages", create_message),
    Route("GET", "/echo/messages/{id}", get_message),
)
