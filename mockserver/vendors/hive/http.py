"""Hive request plumbing: the error body, `authorization: token <KEY>`, body fields, and which
of Hive's two products a request is for.

Error body (no public Hive page documents one): `{"code": <HTTP status>, "error": <short code>,
"message": <text>}`, plus `"details"` when there is more. `code` mirrors the `code: 200` of
Hive's successful answers. 401 for a missing or malformed authorization header, 403 for a key
the scenario does not accept.

Two products share `/api/v1|v2/task/sync|async`
(https://docs.thehive.ai/reference/submit-a-task-synchronously,
https://docs.thehive.ai/docs/dashboard-api-reference). On a host's own port
(`--host-port api.thehive.ai=8081`) the port decides. On the main port a request is for the
Models API (api.thehive.ai) when its Host is `api.thehive.ai` or starts with `models.` (e.g.
`models.localhost:8080`), or when its path starts with `/models` (`/models/api/v2/task/sync`);
otherwise it is for the Moderation Dashboard (api.hivemoderation.com).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.kit.conveniences import Convenience, allow, convenience
from mockserver.kit.worldview import served_host, world_of

from .forms import Fields, parse_body
from .state import HiveState

DASHBOARD_HOST: Final = "api.hivemoderation.com"
MODELS_HOST: Final = "api.thehive.ai"
MODELS_HOSTS: Final = frozenset({MODELS_HOST})
MODELS_HOST_PREFIX: Final = "models."
MODELS_PATH_PREFIX: Final = "/models"
ALIAS_PATH: Final = "the /models path alias"
ALIAS_HOST: Final = "a models.* Host alias"
MODELS_ORIGIN_DOCS: Final = (
    "https://docs.thehive.ai/reference/submit-a-task-synchronously "
    "(POST https://api.thehive.ai/api/v2/task/sync)"
)
BODY_DOCS: Final = "https://docs.thehive.ai/docs/dashboard-api-reference (JSON or form data)"
_DEFAULT_CODES: Final = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


def render_error(error: ApiError) -> web.Response:
    code = (
        error.code
        or _DEFAULT_CODES.get(error.status)
        or ("server_error" if error.status >= 500 else "error")
    )
    body: dict[str, object] = {
        "code": error.status,
        "error": code.replace("-", "_"),
        "message": error.message,
    }
    if error.data is not None:
        body["details"] = error.data
    return web.json_response(body, status=error.status, headers=error.headers)


def state_of(request: web.Request) -> HiveState:
    state: HiveState = world_of(request).state("hive")
    return state


def authenticate(request: web.Request, state: HiveState) -> str:
    """The API key from `authorization: token <KEY>` (`Token` too,
    https://docs.thehive.ai/reference/authentication)."""
    header = request.headers.get("Authorization", "").strip()
    if not header:
        raise ApiError(
            401,
            "Missing authorization header: send 'authorization: token <YOUR_API_KEY>'",
            code="unauthorized",
        )
    scheme, _, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() != "token" or not key:
        raise ApiError(
            401,
            f"Malformed authorization header: expected 'token <YOUR_API_KEY>', "
            f"got scheme {scheme!r}",
            code="unauthorized",
        )
    if not state.cfg.accepts_key(key):
        raise ApiError(403, "Invalid API key", code="forbidden")
    return key


async def read_fields(request: web.Request) -> Fields:
    return parse_body(await request.read(), request.headers.get("Content-Type", ""))


def hostname(request: web.Request) -> str:
    host = (request.host or "").strip().lower()
    if host.startswith("["):  # [::1]:8080
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def is_models_request(request: web.Request) -> bool:
    """Whether a request is for the Models API rather than the Dashboard (module docstring)."""
    return models_by(request) is not None


def models_by(request: web.Request) -> str | None:
    """What makes a request a Models API call: its host's own port, its `api.thehive.ai` Host,
    or (sandbox aliases, no real host has them) the `/models` path or a `models.*` Host; None
    for a Dashboard call. In strict mode the aliases do not count."""
    served = served_host(request)
    if served is not None:
        return "host port" if served in MODELS_HOSTS else None
    name = hostname(request)
    if name in MODELS_HOSTS:
        return "host"
    if request.path.startswith(MODELS_PATH_PREFIX + "/"):
        return ALIAS_PATH
    if name.startswith(MODELS_HOST_PREFIX) and not state_of(request).strict:
        return ALIAS_HOST
    return None


def read_conveniences(request: web.Request) -> list[Convenience]:
    """What a call relies on that the real hosts do not offer: a body without a Content-Type
    (guessed from its first byte), or the Models API reached by a sandbox alias."""
    found: list[Convenience] = []
    if not request.headers.get("Content-Type", "").strip() and request.body_exists:
        refusal = ApiError(
            415,
            "Send a Content-Type: application/json, application/x-www-form-urlencoded or "
            "multipart/form-data",
            code="unsupported_media_type",
        )
        found.append(convenience("hive.content_type_guessed", refusal, BODY_DOCS))
    alias = models_by(request)
    if alias in (ALIAS_PATH, ALIAS_HOST):
        refusal = ApiError(
            404,
            f"No such endpoint: {request.method} {request.path} ({alias}); the Models API "
            f"is {MODELS_HOST}'s own paths: serve that host with --host-port {MODELS_HOST}=PORT",
            code="not_found",
        )
        found.append(convenience("hive.models_alias", refusal, MODELS_ORIGIN_DOCS, alias))
    return found


def allow_conveniences(request: web.Request, found: Iterable[Convenience]) -> None:
    """Strict mode refuses the first; lenient mode notes every one (`conveniences.allow`)."""
    allow(request, found, strict=state_of(request).strict)


def flag(request: web.Request, name: str) -> bool:
    """A query flag such as `?legacy=1`."""
    return request.query.get(name, "").strip().lower() in ("1", "true", "yes")
