"""`GET /_mockserver/openapi` (the index) and `GET /_mockserver/openapi/{name}` (one
description as JSON): the OpenAPI descriptions of every emulated API and of this control plane.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from mockserver.http.appkeys import CONTROL_PREFIX
from mockserver.http.control.responses import ok
from mockserver.http.openapi import document_json, index, names


async def list_documents(request: web.Request) -> web.Response:
    """`{"documents": [{"name", "title", "version", "path"}]}`. The descriptions are parsed on
    first use, off the event loop (a few hundred ms of YAML for all of them)."""
    return ok({"documents": await asyncio.to_thread(index)})


async def get_document(request: web.Request) -> web.Response:
    """One description as JSON; 404 `{"error", "available"}` for an unknown name."""
    name = request.match_info["name"]
    if name not in names():
        return ok(
            {"error": f"no OpenAPI description {name!r}", "available": list(names())}, status=404
        )
    body = await asyncio.to_thread(document_json, name)
    return web.Response(body=body + b"\n", content_type="application/json")


def openapi_routes() -> list[web.RouteDef]:
    """The two routes, for `build_app` to add next to the other control routes."""
    return [
        web.get(f"{CONTROL_PREFIX}/openapi", list_documents),
        web.get(f"{CONTROL_PREFIX}/openapi/{{name}}", get_document),
    ]
