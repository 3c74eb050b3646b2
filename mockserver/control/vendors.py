"""`GET /_mockserver/vendors`: what each served vendor declares (name, title, path prefixes,
base path, action words with their settings, item statuses, OpenAPI names, signature schemes).

Clients derive from it what they would otherwise hard-code: the `trigger` CLI its verbs and
options, a test its base URLs.
"""

from __future__ import annotations

from aiohttp import web

from mockserver import appkeys
from mockserver.control.responses import ok


async def list_vendors(request: web.Request) -> web.Response:
    """`{"vendors": [vendor.describe(), ...]}`, in the order the sandbox serves them."""
    return ok({"vendors": [v.describe() for v in request.app[appkeys.VENDORS]]})
