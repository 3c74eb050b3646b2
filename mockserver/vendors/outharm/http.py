"""Outharm request/response plumbing: the error body, bearer-token auth, the JSON submission body
and the `fail` step of scenario rules (https://outharm.com/docs/api/auth, /docs/api/automated,
/docs/api/manual, /docs/api/errors)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from http import HTTPStatus

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.kit.conveniences import allow, convenience
from mockserver.kit.worldview import world_of
from mockserver.vendors.outharm.models import Schema
from mockserver.vendors.outharm.scenario import OutharmConfig
from mockserver.vendors.outharm.state import OutharmState
from mockserver.vendors.outharm.validation import (
    AUTH_DOCS,
    MANUAL_DOCS,
    check_content_type,
    parse_body,
    unknown_fields,
    validate_submission,
)
from mockserver.vendors.outharm.variants import CURRENT, GENERATION, LEGACY


def render_error(error: ApiError) -> web.Response:
    """`{"name", "message", "status_code"}` with the status as a STRING
    (https://outharm.com/docs/api/errors)."""
    status = error.status
    if status == 413:
        # https://outharm.com/docs/api/errors lists `content-too-large` among the 400s: the
        # sandbox's body-size limit answers so.
        status = 400
    body = {"name": error.code or _name_for(status), "message": error.message}
    body["status_code"] = str(status)
    return web.json_response(body, status=status, headers=error.headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Request failed"


def _name_for(status: int) -> str:
    """A name for statuses Outharm's catalogue leaves out (injected faults: 429, 5xx) [I]:
    the HTTP reason phrase in the catalogue's kebab case, e.g. `service-unavailable`."""
    return _phrase(status).lower().replace(" ", "-")


def state_of(request: web.Request) -> OutharmState:
    state: OutharmState = world_of(request).state("outharm")
    return state


def authenticate(request: web.Request, cfg: OutharmConfig) -> str:
    """The bearer token, or the documented auth errors (https://outharm.com/docs/api/auth, word
    for word)."""
    header = request.headers.get("Authorization", "").strip()
    if not header:
        # [I] An empty header value counts as no header: there is no token to judge.
        raise ApiError(401, "API token is required", code="token-required")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    bad_format = ApiError(400, "Invalid API token format", code="invalid-token-format")
    if scheme.lower() != "bearer" or not token or any(c.isspace() for c in token):
        raise bad_format
    if scheme != "Bearer":
        # The docs write `Authorization: Bearer <token>`; another case is a convenience.
        found = convenience("outharm.bearer_scheme_case", bad_format, AUTH_DOCS, scheme)
        allow(request, [found], strict=state_of(request).strict)
    if cfg.tokens is not None and token not in cfg.tokens:
        raise ApiError(401, "API token not found or invalid", code="invalid-token")
    return token


def require_webhook(request: web.Request, cfg: OutharmConfig) -> None:
    """Manual moderation needs a webhook endpoint set in the Console
    (https://outharm.com/docs/api/manual, "Requirements"): without one the
    sandbox still queues (the verdict shows on the control plane), a convenience."""
    if cfg.webhook is None:
        refusal = ApiError(
            400,
            "Manual moderation needs a webhook endpoint (Console, Manual Moderation settings)",
            code="webhook-not-configured",
        )
        found = convenience("outharm.manual_without_webhook", refusal, MANUAL_DOCS)
        allow(request, [found], strict=state_of(request).strict)


Endpoint = Callable[[web.Request], Awaitable[web.StreamResponse]]


def endpoint(handler: Endpoint, generation: str = CURRENT) -> Endpoint:
    """An endpoint of one API generation (variant `outharm.generation`): in the other it is an
    unknown path (Outharm's 404, before anything else); in its own, auth errors come first, as
    on every Outharm call."""

    @wraps(handler)
    async def run(request: web.Request) -> web.StreamResponse:
        if not world_of(request).variants.is_(GENERATION, generation):
            raise ApiError(
                404, f"No such endpoint: {request.method} {request.path}", code="not-found"
            )
        authenticate(request, state_of(request).cfg)
        return await handler(request)

    return run


def legacy_endpoint(handler: Endpoint) -> Endpoint:
    """An endpoint of the legacy generation (`legacy.py`)."""
    return endpoint(handler, LEGACY)


def require_manual_subscription(cfg: OutharmConfig) -> None:
    if not cfg.manual_subscription:
        # The 403 of https://outharm.com/docs/api/manual, word for word.
        raise ApiError(
            403,
            "Manual moderation subscription required",
            code="manual-moderation-subscription-required",
        )


async def submission_body(
    request: web.Request, cfg: OutharmConfig
) -> tuple[Schema, dict[str, list[str]]]:
    """The validated `{schema_id, content}` body (validation.py holds every rule); a field the
    docs do not list is a convenience (ignored, or refused when strict)."""
    check_content_type(request.headers.get("Content-Type"))
    body = parse_body(await request.read())
    schema, content = validate_submission(body, cfg.schemas_by_id())
    allow(request, unknown_fields(body), strict=state_of(request).strict)
    return schema, content
