"""`GET /_mockserver/vendors`: what each served vendor declares (name, title, path prefixes,
base path, real hosts with the port serving each (`--host-port`; null: none), action words with
their settings, item statuses, OpenAPI names, signature schemes).

Clients derive from it what they would otherwise hard-code: the `trigger` CLI its verbs and
options, a test its base URLs.
"""

from __future__ import annotations

from aiohttp import web

from mockserver.http import appkeys, hostports
from mockserver.http.control.responses import ok


async def list_vendors(request: web.Request) -> web.Response:
    """`{"vendors": [vendor.describe(), ...]}`, in the order the sandbox serves them."""
    ports = hostports.ports(request.app[appkeys.HOST_PORTS])
    described = []
    for vendor in request.app[appkeys.VENDORS]:
        entry = vendor.describe()
        for host in entry["hosts"]:
            host["port"] = ports.get(host["name"])
        described.append(entry)
    return ok({"vendors": described})
