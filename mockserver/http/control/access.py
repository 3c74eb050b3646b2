"""The control plane's door, in the order a call meets it:

1. a webhook of this sandbox that came back to it (a port forward) is refused (403);
2. a cross-site or DNS-rebound request (`crosssite.py`) is refused (403);
3. with a token set (`--control-token` / `MOCKSERVER_CONTROL_TOKEN`), every `/_mockserver/*`
   call but `GET /_mockserver/health` and the reviewer console's own files (`/_mockserver/ui`
   and `/_mockserver/ui/*`: the page's HTML, CSS and scripts, which hold no data; the page asks
   for the token and sends it on every call it makes) must send `Authorization: Bearer
   <token>`; anything else is a 401;
4. the body is read within its bounds (`base/requestbody.py`: size, time, memory).

Refusals are in the control plane's error shape. Every call is logged with its method, path,
namespace and status (never its headers or body, so no secret reaches the log).
"""

from __future__ import annotations

import hmac
import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from mockserver.base.errors import ApiError
from mockserver.base.requestbody import BodyRefused, ClientGone, close_if_abandoned, read_body
from mockserver.http import appkeys
from mockserver.http.control import crosssite
from mockserver.http.control.responses import ok

log = logging.getLogger("mockserver.control")
OPEN = frozenset({appkeys.CONTROL_PREFIX + "/health", appkeys.CONTROL_PREFIX + "/ui"})
PAGE_FILES = appkeys.CONTROL_PREFIX + "/ui/"


def is_open(path: str) -> bool:
    """Whether `path` is served without the control token (health, the console's files)."""
    return path in OPEN or path.startswith(PAGE_FILES)


def _authorized(request: web.Request, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def _routing_error(request: web.Request, exc: web.HTTPException) -> web.StreamResponse | None:
    """The router's 404 and 405 in the control plane's error shape (`{"error": ...}`, with
    `Allow` on a 405), as every other control answer; anything else as aiohttp made it."""
    call = f"{request.method} {request.path}"
    if isinstance(exc, web.HTTPMethodNotAllowed):
        allowed = sorted(exc.allowed_methods)
        answer = ok(
            {"error": f"{call}: this path takes {', '.join(allowed)}", "allowed": allowed},
            status=405,
        )
        answer.headers["Allow"] = ", ".join(allowed)
        return answer
    if exc.status == 404:
        return ok(
            {
                "error": f"no control-plane call {call} (the calls: "
                f"GET {appkeys.CONTROL_PREFIX}/openapi/control)"
            },
            status=404,
        )
    return None


async def control_call(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Run a control-plane call if it may run, and log it."""
    settings = request.app[appkeys.SETTINGS]
    token = settings.control_token
    own = request.app[appkeys.TRANSPORT].own
    response: web.StreamResponse
    if own.marked(request):
        response = ok({"error": own.REFUSAL}, status=403)
    elif (refused := crosssite.refusal(request, settings.allowed_hosts)) is not None:
        response = ok({"error": refused}, status=403)
    elif token and not is_open(request.path) and not _authorized(request, token):
        response = ok(
            {
                "error": "this sandbox requires its control token: send "
                "`Authorization: Bearer <token>` (the value of MOCKSERVER_CONTROL_TOKEN)"
            },
            status=401,
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="mockserver control plane"'
    else:
        try:
            await read_body(request, request.app[appkeys.BODY_LIMITS])
            response = await handler(request)
        except BodyRefused as exc:
            response = ok({"error": exc.error.message}, status=exc.error.status)
            await close_if_abandoned(request, response)
        except ApiError as exc:  # a body that does not decode
            response = ok({"error": exc.message}, status=exc.status)
        except ClientGone:  # the client hung up mid-body: nobody to answer
            return web.Response(status=400)
        except web.HTTPException as exc:  # the router's 404 or 405 under the prefix
            shaped = _routing_error(request, exc)
            if shaped is None:  # a redirect
                log.info(
                    "control %s %s ns=%r -> %d",
                    request.method,
                    request.path,
                    appkeys.namespace_of(request),
                    exc.status,
                )
                raise
            response = shaped
    log.info(
        "control %s %s ns=%r -> %d",
        request.method,
        request.path,
        appkeys.namespace_of(request),
        response.status,
    )
    return response
