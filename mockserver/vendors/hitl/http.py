"""HITL.sh request/response plumbing: the `{error, msg, data}` envelope, JSON bodies, auth and
the hourly per-key rate limit (api-reference/introduction.mdx, authentication.mdx and
errors.mdx; pages cited by path are in github.com/hitl-sh/docs.hitl.sh @0e23b17)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from functools import wraps
from typing import Any

from aiohttp import hdrs, web
from multidict import istr

from mockserver.base import jsonio
from mockserver.base.errors import ApiError
from mockserver.base.jsonio import json_response
from mockserver.base.ratelimit import Usage
from mockserver.kit.plain import with_plain_twin
from mockserver.kit.worldview import WorldView, world_of
from mockserver.records.clock import iso
from mockserver.vendors.hitl import variants
from mockserver.vendors.hitl.models import ApiUser, user_for_key
from mockserver.vendors.hitl.state import HitlState

RATE_HEADERS: web.RequestKey[dict[str, str]] = web.RequestKey("hitl.rate_headers")
USER: web.RequestKey[ApiUser] = web.RequestKey("hitl.user")


def envelope(msg: str, data: Any, status: int = 200) -> web.Response:
    return json_response({"error": False, "msg": msg, "data": data}, status=status)


def render_error(error: ApiError) -> web.Response:
    body = {"error": True, "msg": error.message, "data": error.data}
    return json_response(body, status=error.status, headers=error.headers)


def state_of(request: web.Request) -> HitlState:
    state: HitlState = world_of(request).state("hitl")
    return state


def user_of(request: web.Request) -> ApiUser:
    return request[USER]


def authenticate(request: web.Request, state: HitlState) -> tuple[ApiUser, Usage, dict[str, str]]:
    """Bearer key check, then one unit of the key's hourly budget (401 / 429 as documented):
    the caller, the budget as this call counted it and its rate-limit headers."""
    header = request.headers.get(hdrs.AUTHORIZATION, "")
    scheme, _, key = header.partition(" ")
    key = key.strip()
    now = state.world.clock.timestamp()
    if (
        scheme.lower() != "bearer"
        or not key
        or (state.cfg.keys is not None and key not in state.cfg.keys)
    ):
        # "Headers on all responses" (api-reference/introduction.mdx): a 401 counts nothing
        # and shows the budget of the key as sent (a fresh one for no key).
        request[RATE_HEADERS] = rate_headers(state.limiter.peek(key, now))
        if scheme.lower() != "bearer" or not key:
            raise ApiError(401, "Missing or invalid authorization header")
        raise ApiError(401, "Invalid authorization token")
    usage = state.limiter.hit(key, now)
    headers = rate_headers(usage)
    if not usage.allowed:
        # `hitl.rate_limit_body`: the OpenAPI RateLimitExceeded example (default) or the errors
        # page's (with reset_at); when the budget comes back is in X-RateLimit-Reset and
        # Retry-After.
        data: dict[str, Any] = {"usage_count": usage.used, "usage_limit": usage.limit}
        data["remaining"] = 0
        msg = "API rate limit exceeded"
        if state.world.variants.is_(variants.RATE_LIMIT_BODY, "errors_page"):
            msg = "API key request limit exceeded"
            data["reset_at"] = iso(usage.reset_at)
        raise ApiError(
            429,
            msg,
            data=data,
            headers={**headers, "Retry-After": str(max(1, int(usage.reset_at - now)))},
        )
    return user_for_key(key), usage, headers


# (multidict's case-insensitive strings: an answer's headers take them without folding them)
_LIMIT = istr("X-RateLimit-Limit")
_REMAINING = istr("X-RateLimit-Remaining")
_RESET = istr("X-RateLimit-Reset")


def rate_headers(usage: Usage) -> dict[str, str]:
    return {
        _LIMIT: str(usage.limit),
        _REMAINING: str(usage.remaining),
        _RESET: str(int(usage.reset_at)),
    }


Endpoint = Callable[[web.Request], Awaitable[web.Response]]
# A handler that awaits nothing (the body it reads is read already: `body_of`), given the state
# and the caller: served through its plain twin (`kit/plain.py`), which the middleware calls as
# is, sparing a coroutine per call (and the body's `await request.read()`) on the hottest routes.
PlainEndpoint = Callable[[web.Request, HitlState, ApiUser], web.Response]


def endpoint(*, query: Iterable[str] | None = ()) -> Callable[[Endpoint | PlainEndpoint], Endpoint]:
    """Authenticate, reject unknown query parameters (None: the handler checks them) and put
    the rate-limit headers on every answer, errors included. The handler may be a coroutine
    function of the request, or a plain function (awaiting nothing) of the request, the
    vendor's state and the caller."""
    allowed = None if query is None else frozenset(query)

    def wrap(handler: Endpoint | PlainEndpoint) -> Endpoint:
        call: Any = handler  # either kind (a `cast` per call would cost a Python call)
        if not inspect.iscoroutinefunction(handler):
            return _plain_endpoint(call, allowed)

        @wraps(handler)
        async def run(request: web.Request) -> web.Response:
            state = state_of(request)
            headers = None  # the call's rate-limit headers once counted (locals: no request[...])
            try:
                user, counted, headers = authenticate(request, state)
                request[USER] = user
                if allowed is not None and request.query_string:
                    _check_query(request, allowed)
                response: web.Response = await call(request)
            except ApiError as exc:
                _add_rate_headers(exc, request, headers)
                raise
            return _counted_again(response, state, user, counted, headers)

        return run

    return wrap


def _plain_endpoint(handler: PlainEndpoint, allowed: frozenset[str] | None) -> Endpoint:
    """`endpoint` of a plain handler: its coroutine, with a plain twin the middleware calls."""

    def plain(request: web.Request, world: WorldView) -> web.Response:
        state: HitlState = world.state("hitl")
        headers = None
        try:
            user, counted, headers = authenticate(request, state)
            if allowed is not None and request.query_string:
                _check_query(request, allowed)
            response = handler(request, state, user)
        except ApiError as exc:
            _add_rate_headers(exc, request, headers)
            raise
        return _counted_again(response, state, user, counted, headers)

    @wraps(handler)
    async def run(request: web.Request) -> web.Response:
        if request._read_bytes is None:  # called without the middleware (a test)
            await request.read()
        return plain(request, world_of(request))

    with_plain_twin(run, plain)
    return run


def _check_query(request: web.Request, allowed: frozenset[str]) -> None:
    extra = sorted(set(request.query) - allowed)
    if extra:
        raise ApiError(400, "Validation failed", data=f"unknown query parameter: {extra[0]}")


def _add_rate_headers(exc: ApiError, request: web.Request, headers: dict[str, str] | None) -> None:
    """An error's answer carries the rate-limit headers too: the call's as counted, or, when
    `authenticate` refused it (None), those its 401 set for the key as sent."""
    if headers is None:
        headers = request.get(RATE_HEADERS, {})
    exc.headers = {**headers, **exc.headers}


def _counted_again(
    response: web.Response, state: HitlState, user: ApiUser, counted: Usage, headers: dict[str, str]
) -> web.Response:
    """`response` with the rate-limit headers, counted again after the handler: cancelling a
    pending request refunds a unit."""
    now = state.world.clock.timestamp()
    if state.limiter.unchanged(user.key, counted, now):
        response.headers.update(headers)  # as counted: made once
    else:
        response.headers.update(rate_headers(state.limiter.peek(user.key, now)))
    return response


async def json_body(request: web.Request, *, optional: bool = False) -> Any:
    """The parsed JSON body; 400 "Invalid request body" naming what is wrong."""
    raw = await request.read()
    return body_json(request, raw, optional=optional)


def body_of(request: web.Request) -> bytes:
    """The body a plain handler's `endpoint` had read (the middleware's `read_body` reads it
    before any handler runs, and `await request.read()` returns those bytes)."""
    return request._read_bytes or b""


def body_json(request: web.Request, raw: bytes, *, optional: bool = False) -> Any:
    """`raw`, the request's body, parsed as `json_body` does (for a handler that awaits
    nothing: `endpoint` has the body read before it calls one)."""
    if not raw or raw.isspace():
        if optional:
            return None
        raise ApiError(400, "Invalid request body", data="a JSON body is required")
    if (
        request.headers.get(hdrs.CONTENT_TYPE) != "application/json"  # the usual: no parsing
        and request.content_type not in ("application/json", "application/octet-stream", "")
    ):
        raise ApiError(
            400,
            "Invalid request body",
            data=f"Content-Type must be application/json, got {request.content_type}",
        )
    try:
        return jsonio.loads(raw)
    except jsonio.TooDeep as exc:
        raise ApiError(400, "Invalid request body", data=f"body is {exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "Invalid request body", data=f"body is not valid JSON: {exc}") from None
