"""Auth on every vendor route, in each vendor's own error shape, when the scenario lists the
accepted keys. The routes are read from the application, so a route added later is covered."""

from __future__ import annotations

import re
from typing import Any

from mockserver.http import appkeys

from .conftest import LOOP_ID, START, MakeClient, build

SCENARIO = f"""
seed: 2
clock: manual
start: "{START}"
hitl:
  keys: [hitl-key]
  loops: [{{id: {LOOP_ID}, name: Team}}]
outharm: {{tokens: [om-key]}}
hive: {{keys: [hive-key]}}
"""
PARAMS = {
    "loop_id": "65f1234567890abcdef1cccc",
    "request_id": "65f1234567890abcdef1aaaa",
    "user_id": "65f1234567890abcdef1bbbb",
    "submission_id": "0b0d5f9e-8d8a-4c3e-9f0e-3a3a3a3a3a3a",
    "prediction_id": "1",
}
# Outharm's earlier generation is served under its variant only (elsewhere: an unknown path).
LEGACY = "variants: {outharm.generation: legacy}\n"
LEGACY_PATHS = ("/automated/", "/manual/")
GOOD = {"hitl": "Bearer hitl-key", "outharm": "Bearer om-key", "hive": "token hive-key"}

# vendor -> (case, Authorization header or None) -> (status, the body's identifying fields)
EXPECTED: dict[str, dict[str, tuple[str | None, int, dict[str, Any]]]] = {
    "hitl": {
        "missing": (None, 401, {"error": True, "msg": "Missing or invalid authorization header"}),
        "wrong": ("Bearer nope", 401, {"error": True, "msg": "Invalid authorization token"}),
        "other vendor's": ("Bearer om-key", 401, {"error": True}),
        "wrong scheme": ("token hitl-key", 401, {"error": True}),
    },
    "outharm": {
        "missing": (None, 401, {"name": "token-required", "status_code": "401"}),
        "wrong": ("Bearer nope", 401, {"name": "invalid-token", "status_code": "401"}),
        "other vendor's": ("Bearer hitl-key", 401, {"name": "invalid-token"}),
        "wrong scheme": ("Token om-key", 400, {"name": "invalid-token-format"}),
    },
    "hive": {
        "missing": (None, 401, {"code": 401, "error": "unauthorized"}),
        "wrong": ("token nope", 403, {"code": 403, "error": "forbidden"}),
        "other vendor's": ("token om-key", 403, {"code": 403, "error": "forbidden"}),
        "wrong scheme": ("Bearer hive-key", 401, {"code": 401, "error": "unauthorized"}),
    },
}


def vendor_routes() -> list[tuple[str, str, str]]:
    """(vendor, method, path with plausible ids) for every route a vendor registered."""
    app = build(SCENARIO)
    out = []
    for route, vendor in app[appkeys.ROUTE_OWNERS].items():
        assert route.resource is not None
        path = re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], route.resource.canonical)
        out.append((vendor, route.method, path))
    return sorted(out)


ROUTES = vendor_routes()
CASES = [(*r, case) for r in ROUTES for case in EXPECTED[r[0]]]


def headers_for(path: str, auth: str | None) -> dict[str, str]:
    headers = {} if auth is None else {"Authorization": auth}
    if path == "/api/v1/task":
        headers["Host"] = "api.thehive.ai"  # the Models API endpoint (it is not on the Dashboard)
    return headers


def test_every_vendor_has_routes_to_check() -> None:
    assert {v for v, _, _ in ROUTES} == {"hitl", "outharm", "hive"}
    assert len(ROUTES) >= 40


async def test_every_route_rejects_missing_and_wrong_keys_in_its_vendors_shape(
    sandbox: MakeClient,
) -> None:
    """One sandbox for all routes and cases (a parametrized test per case would be slower)."""
    clients = {False: await sandbox(SCENARIO), True: await sandbox(SCENARIO + LEGACY)}
    failures = []
    for vendor, method, path in ROUTES:
        client = clients[path.startswith(LEGACY_PATHS)]
        for case, (auth, status, fields) in EXPECTED[vendor].items():
            resp = await client.request(method, path, headers=headers_for(path, auth))
            body = await resp.json()
            shown = {k: body.get(k) for k in fields}
            if resp.status != status or shown != fields:
                failures.append(f"{method} {path} [{case}]: {resp.status} {body}")
            elif vendor != "hitl" and not body.get("message"):
                failures.append(f"{method} {path} [{case}]: no message: {body}")
    assert failures == []
    counts = [
        (await (await c.get("/_mockserver/journal")).json())["count"] for c in clients.values()
    ]
    assert sum(counts) == sum(len(EXPECTED[v]) for v, _, _ in ROUTES)


async def test_the_right_key_gets_past_auth_on_every_route(sandbox: MakeClient) -> None:
    """The other half of the check: with its vendor's key no route answers 401 or 403 (ids
    that do not exist give 404, missing bodies 400; that is fine here)."""
    clients = {False: await sandbox(SCENARIO), True: await sandbox(SCENARIO + LEGACY)}
    for vendor, method, path in ROUTES:
        client = clients[path.startswith(LEGACY_PATHS)]
        resp = await client.request(method, path, headers=headers_for(path, GOOD[vendor]))
        assert resp.status not in (401, 403), (method, path, await resp.text())
        assert resp.status < 500, (method, path, await resp.text())


async def test_rejected_calls_are_journaled_and_cost_no_rate_limit(sandbox: MakeClient) -> None:
    client = await sandbox(
        SCENARIO.replace("keys: [hitl-key]", "keys: [hitl-key]\n  rate_limit: 3")
    )
    for _ in range(5):
        resp = await client.get("/v1/test", headers={"Authorization": "Bearer nope"})
        assert resp.status == 401
    resp = await client.get("/v1/test", headers={"Authorization": GOOD["hitl"]})
    assert resp.status == 200 and resp.headers["X-RateLimit-Remaining"] == "2"
    journal = await (await client.get("/_mockserver/journal?status=401")).json()
    assert journal["count"] == 5
