"""HITL.sh lenience notes: what lenient mode accepted that strict mode (the documented rules
the vendor's own samples satisfy) would refuse, found by checking the same body strictly.

The strict check runs only in lenient mode and only re-validates the parsed body; for a
create-request body the verdict is remembered per world by the body's bytes (a suite sends the
same few bodies again and again), so the usual call pays a dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.kit.worldview import note_lenience
from mockserver.records.lenience import Lenience

# The documented rule each note cites: a page and the OpenAPI schema of one commit of
# github.com/hitl-sh/docs.hitl.sh.
REQUEST_SOURCE = (
    "hitl-sh/docs.hitl.sh api-reference/requests/create-request.mdx, "
    "api-reference/openapi.json CreateRequestRequest @0e23b17"
)
LOOP_SOURCE = (
    "hitl-sh/docs.hitl.sh api-reference/loops/create-loop.mdx, "
    "api-reference/openapi.json CreateLoopRequest @0e23b17"
)


VERDICTS_KEPT = 1024


def shadow(
    request: web.Request,
    strict_check: Callable[[], object],
    source: str,
    *,
    verdicts: dict[bytes, Lenience | None] | None = None,
    key: bytes = b"",
) -> None:
    """Run `strict_check` (or recall its verdict for `key` in `verdicts`, when the check
    depends on those bytes only); when it refuses, note what the real service would answer."""
    if verdicts is not None and key in verdicts:
        note = verdicts[key]
    else:
        try:
            strict_check()
            note = None
        except ApiError as exc:
            note = refused(exc, source)
        if verdicts is not None:
            if len(verdicts) >= VERDICTS_KEPT:
                verdicts.clear()
            verdicts[key] = note
    if note is not None:
        note_lenience(request, note)


def recalled(request: web.Request, verdicts: dict[bytes, Lenience | None], key: bytes) -> bool:
    """`shadow`'s verdict for `key` when `verdicts` holds it (noted as `shadow` notes it): True
    then, and the caller makes no check to give `shadow` (the usual call: a body seen before)."""
    if key not in verdicts:
        return False
    note = verdicts[key]
    if note is not None:
        note_lenience(request, note)
    return True


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
