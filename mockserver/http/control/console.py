"""Control plane for the reviewer console: its page, a change feed, the pending timers and a
scenario check.

The console (`GET /_mockserver/ui`, files in `mockserver/http/console/`) is plain HTML, CSS and
JavaScript shipped with the package: no build step, nothing fetched from the internet. It acts
only through the public control-plane calls a test would make; what it needs beyond them is here.
"""

from __future__ import annotations

from importlib import resources

from aiohttp import web

from mockserver.http import appkeys
from mockserver.http.control.common import world_for
from mockserver.http.control.responses import fail, ok, query_float, query_int
from mockserver.scenario.loading.checks import check_text

# The files the page is made of, and their content types; nothing else is served from here.
FILES = {
    "index.html": "text/html",
    "console.css": "text/css",
    "api.js": "text/javascript",
    "parts.js": "text/javascript",
    "views.js": "text/javascript",
    "panels.js": "text/javascript",
    "console.js": "text/javascript",
}
# Images under review come from anywhere; everything else only from the sandbox itself, and no
# inline script at all, so a request text that slipped through as markup could still not run.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src * data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)


def _page_file(name: str) -> web.Response:
    if name not in FILES:
        fail(404, f"no console file {name!r}")
    body = resources.files("mockserver.http").joinpath("console", name).read_bytes()
    return _served(body, FILES[name])


def _served(body: bytes, content_type: str) -> web.Response:
    return web.Response(
        body=body,
        content_type=content_type,
        charset="utf-8",
        headers={
            "Content-Security-Policy": POLICY,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-cache",
        },
    )


async def console_page(request: web.Request) -> web.Response:
    """The reviewer console (`?token=` once stores a control token in the browser tab), at
    `/_mockserver/ui` and, as people type it, `/_mockserver/ui/` (its files are named from the
    root, so either address loads them)."""
    return _page_file("index.html")


async def console_file(request: web.Request) -> web.Response:
    return _page_file(request.match_info["file"])


async def console_vendors(request: web.Request) -> web.Response:
    """The vendors the page shows: name, title, whether the vendor ships its own view of its
    items (`Vendor.console_view`, served by `vendor_view`) and its lifecycle (`Vendor.lifecycle`):
    every status, those in which an item waits for a reviewer (the queue's filter, and which
    items get a form) and the final ones; the page names no status itself."""
    vendors = request.app[appkeys.VENDORS]
    listed = [
        {
            "name": v.name,
            "title": v.title,
            "view": v.console_view() is not None,
            "statuses": list(v.statuses),
            "waiting": list(v.waiting),
            "final": list(v.lifecycle.final),
        }
        for v in vendors
    ]
    return ok({"vendors": listed})


async def vendor_view(request: web.Request) -> web.Response:
    """A vendor's view of its items for the page (an ES module); 404 when it has none."""
    name = request.match_info["vendor"]
    for vendor in request.app[appkeys.VENDORS]:
        if vendor.name == name and (view := vendor.console_view()) is not None:
            try:
                return _served(view.read(), "text/javascript")
            except OSError:
                break  # declared but not shipped: the page shows the items generically
    fail(404, f"no console view for vendor {name!r}")


async def wait_changes(request: web.Request) -> web.Response:
    """Long-poll until anything changed in any namespace since `since` (a `version` this call
    gave before), or `timeout` seconds passed; `{"version", "changed"}` either way."""
    feed = request.app[appkeys.WORLDS].feed
    since = query_int(request, "since")
    timeout = min(query_float(request, "timeout", 25.0), 60.0)
    if since is None:
        return ok({"version": feed.version, "changed": True})
    changed = await feed.wait(since, timeout)
    return ok({"version": feed.version, "changed": changed})


async def list_timers(request: web.Request) -> web.Response:
    """The namespace's pending timers, soonest first: scripted reviewer steps (with their
    scenario line), timeouts, webhook attempts."""
    clock = world_for(request).clock
    now = clock.timestamp()
    timers = [t.to_json(now) for t in clock.pending()]
    return ok({"clock": clock.describe(), "timers": timers, "count": len(timers)})


async def validate_scenario(request: web.Request) -> web.Response:
    """Check scenario text (the body) as `mockserver validate` does, without using it."""
    text = (await request.read()).decode("utf-8", "replace")
    source = request.query.get("source") or "<pasted>"
    vendors = request.app[appkeys.VENDORS]
    problems = check_text(text, source, vendors)
    return ok({"valid": not problems, "problems": problems})
