"""Auth on every route of a vendor: without a key, or with one the scenario does not list, it
answers in that vendor's own error shape; with a listed key it gets past auth.

The scenario `keyed_scenario(vendors)` lists one key per vendor (in the section key the vendor's
`KeyAuth.keys` names); the routes are read from the application, so a route added later is
covered. A route limited to some of the vendor's hosts is called as the first of them (`Host`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver.base.errors import ApiError
from mockserver.http import appkeys
from mockserver.kit.vendor import Vendor

Client = TestClient[web.Request, web.Application]
# Plausible ids for path parameters (24-hex ObjectIDs, UUIDs, numbers); any other: "x1".
PARAMS: Mapping[str, str] = {
    "loop_id": "65f1234567890abcdef1cccc",
    "request_id": "65f1234567890abcdef1aaaa",
    "user_id": "65f1234567890abcdef1bbbb",
    "submission_id": "0b0d5f9e-8d8a-4c3e-9f0e-3a3a3a3a3a3a",
    "prediction_id": "1",
}
REFUSED = (400, 401, 403)
"""What a missing or unknown key may get (a malformed header is a 400 at some vendors)."""


def key_of(vendor: Vendor) -> str:
    return f"{vendor.name}-key"


def keyed_scenario(vendors: Iterable[Vendor]) -> str:
    """Scenario YAML accepting one key per vendor (`<name>-key`), on a manual clock."""
    lines = ["seed: 2", "clock: manual", 'start: "2026-01-01T00:00:00Z"']
    lines += [f"{v.name}: {{{v.auth.keys}: [{key_of(v)}]}}" for v in vendors]
    return "\n".join(lines) + "\n"


def good_headers(vendor: Vendor) -> dict[str, str]:
    return vendor.auth.headers(key_of(vendor))


def vendor_routes(app: web.Application) -> list[tuple[str, str, str, dict[str, str]]]:
    """(vendor, method, path with plausible ids, headers) for every route a vendor registered;
    a route limited to some of its vendor's hosts gets `Host` set to the first."""
    hosts = app[appkeys.ROUTE_HOSTS]
    out = []
    for route, vendor in app[appkeys.ROUTE_OWNERS].items():
        assert route.resource is not None
        path = re.sub(
            r"\{(\w+)\}", lambda m: PARAMS.get(m.group(1), "x1"), route.resource.canonical
        )
        only = hosts.get(route)
        out.append((vendor, route.method, path, {"Host": only[0]} if only else {}))
    return sorted(out, key=lambda r: r[:3])


def shape_problems(vendor: Vendor, body: Any) -> list[str]:
    """Why `body` is not an error in the vendor's shape: a JSON object with at least the keys
    the vendor's renderer gives any error, and a message where its `ErrorFormat` says."""
    rendered = vendor.render_error(ApiError(401, "sample")).body
    sample = json.loads(rendered) if isinstance(rendered, bytes) else {}
    if not isinstance(body, dict):
        return [f"not a JSON object: {body!r}"[:200]]
    problems = []
    missing = sorted(set(sample) - set(body))
    if missing:
        problems.append(f"not {vendor.name}'s error shape (no {', '.join(missing)}): {body}")
    message = vendor.errors.message_of(body)
    if not isinstance(message, str) or not message:
        where = ".".join(vendor.errors.message)
        problems.append(f"no message at {where}: {body}"[:300])
    return problems


async def auth_failures(
    client_for: Callable[[str], Client],
    vendor: Vendor,
    routes: Iterable[tuple[str, str, str, dict[str, str]]],
) -> list[str]:
    """Every route of `vendor` called without a key and with an unknown one: refused in the
    vendor's error shape. `client_for(path)`: the sandbox to call (one accepting
    `keyed_scenario`)."""
    failures = []
    cases = {"missing": None, "unknown": vendor.auth.headers("not-a-listed-key")}
    for owner, method, path, extra in routes:
        if owner != vendor.name:
            continue
        for case, auth in cases.items():
            headers = {**extra, **(auth or {})}
            resp = await client_for(path).request(method, path, headers=headers)
            try:
                body = await resp.json(content_type=None)
            except ValueError:
                body = await resp.text()
            said = f"{vendor.name} {method} {path} [{case} key]"
            if resp.status not in REFUSED:
                failures.append(f"{said}: {resp.status}, not refused: {body}"[:300])
            failures += [f"{said}: {p}" for p in shape_problems(vendor, body)]
    return failures


async def good_key_failures(
    client_for: Callable[[str], Client],
    vendor: Vendor,
    routes: Iterable[tuple[str, str, str, dict[str, str]]],
) -> list[str]:
    """With its listed key no route of `vendor` answers 401, 403 or 5xx (ids that do not exist
    give 404, missing bodies 400: that is fine here)."""
    failures = []
    for owner, method, path, extra in routes:
        if owner != vendor.name:
            continue
        headers = {**extra, **good_headers(vendor)}
        resp = await client_for(path).request(method, path, headers=headers)
        if resp.status in (401, 403) or resp.status >= 500:
            failures.append(f"{vendor.name} {method} {path}: {resp.status} {await resp.text()}")
    return failures
