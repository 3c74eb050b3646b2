"""HITL.sh lenience notes: what lenient mode accepted that strict mode (the documented rules
the vendor's own samples satisfy) would refuse, found by checking the same body strictly.

The strict check runs only in lenient mode and only re-validates the parsed body, so a call
strict mode accepts costs one more validation pass and no allocation beyond it.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from mockserver.appkeys import note_lenience
from mockserver.errors import ApiError
from mockserver.lenience import Lenience

REQUEST_SOURCE = "api-reference/requests/create-request.mdx; OpenAPI CreateRequestRequest"
LOOP_SOURCE = "api-reference/loops/create-loop.mdx; OpenAPI CreateLoopRequest"


def shadow(request: web.Request, strict_check: Callable[[], object], source: str) -> None:
    """Run `strict_check`; when it refuses, note what the real service would answer."""
    try:
        strict_check()
    except ApiError as exc:
        note_lenience(request, refused(exc, source))


def refused(exc: ApiError, source: str) -> Lenience:
    detail = exc.data if isinstance(exc.data, str) else exc.message
    what, sep, name = detail.partition(": ")
    if sep and what.startswith("unknown"):
        # one rule for every unknown key, the key in the detail
        return Lenience(
            f"hitl.{what.replace(' ', '_')}",
            f"answer {exc.status} {exc.message}: {detail}",
            source,
            name,
        )
    return Lenience(
        f"hitl.validation: {detail}", f"answer {exc.status} {exc.message}: {detail}", source
    )
