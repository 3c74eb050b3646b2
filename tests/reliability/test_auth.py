"""Auth on every vendor route, in each vendor's own error shape, when the scenario lists the
accepted keys. The routes are read from the application and the vendors from the registry, so a
route or a vendor added later is covered (tests/crosscut/auth.py); the built-in vendors' exact
answers are pinned here too."""

from __future__ import annotations

from typing import Any

from mockserver.registry import vendors
from tests.crosscut.auth import (
    Client,
    auth_failures,
    good_headers,
    good_key_failures,
    keyed_scenario,
    vendor_routes,
)

from .conftest import MakeClient, build

SCENARIO = keyed_scenario(vendors())
# Outharm's earlier generation is served under its variant only (elsewhere: an unknown path).
LEGACY = "variants: {outharm.generation: legacy}\n"
LEGACY_PATHS = ("/automated/", "/manual/")

# The built-in vendors' exact answers: vendor -> case -> (Authorization, status, the body's
# identifying fields). Every vendor, these and any other, gets the generic checks too.
EXPECTED: dict[str, dict[str, tuple[str | None, int, dict[str, Any]]]] = {
    "hitl": {
        "missing": (None, 401, {"error": True, "msg": "Missing or invalid authorization header"}),
        "wrong": ("Bearer nope", 401, {"error": True, "msg": "Invalid authorization token"}),
        "other vendor's": ("Bearer outharm-key", 401, {"error": True}),
        "wrong scheme": ("token hitl-key", 401, {"error": True}),
    },
    "outharm": {
        "missing": (None, 401, {"name": "token-required", "status_code": "401"}),
        "wrong": ("Bearer nope", 401, {"name": "invalid-token", "status_code": "401"}),
        "other vendor's": ("Bearer hitl-key", 401, {"name": "invalid-token"}),
        "wrong scheme": ("Token outharm-key", 400, {"name": "invalid-token-format"}),
    },
    "hive": {
        "missing": (None, 401, {"code": 401, "error": "unauthorized"}),
        "wrong": ("token nope", 403, {"code": 403, "error": "forbidden"}),
        "other vendor's": ("token outharm-key", 403, {"code": 403, "error": "forbidden"}),
        "wrong scheme": ("Bearer hive-key", 401, {"code": 401, "error": "unauthorized"}),
    },
}

ROUTES = vendor_routes(build(SCENARIO))


async def clients(sandbox: MakeClient) -> dict[bool, Client]:
    """One sandbox for all routes and cases (a parametrized test per case would be slower),
    and one serving Outharm's earlier generation."""
    return {False: await sandbox(SCENARIO), True: await sandbox(SCENARIO + LEGACY)}


def test_every_vendor_has_routes_to_check() -> None:
    assert {v for v, _, _, _ in ROUTES} == {v.name for v in vendors()}
    assert len(ROUTES) >= 40


async def test_every_route_rejects_missing_and_unknown_keys_in_its_vendors_shape(
    sandbox: MakeClient,
) -> None:
    served = await clients(sandbox)

    def client_for(path: str) -> Client:
        return served[path.startswith(LEGACY_PATHS)]

    failures = []
    for vendor in vendors():
        failures += await auth_failures(client_for, vendor, ROUTES)
    assert failures == []


async def test_the_built_in_vendors_answer_exactly_as_they_do(sandbox: MakeClient) -> None:
    served = await clients(sandbox)
    failures = []
    for vendor, method, path, extra in ROUTES:
        client = served[path.startswith(LEGACY_PATHS)]
        for case, (auth, status, fields) in EXPECTED.get(vendor, {}).items():
            headers = {**extra, **({} if auth is None else {"Authorization": auth})}
            resp = await client.request(method, path, headers=headers)
            body = await resp.json()
            shown = {k: body.get(k) for k in fields}
            if resp.status != status or shown != fields:
                failures.append(f"{method} {path} [{case}]: {resp.status} {body}")
    assert failures == []
    counts = [
        (await (await c.get("/_mockserver/journal")).json())["count"] for c in served.values()
    ]
    assert sum(counts) == sum(len(EXPECTED.get(v, {})) for v, _, _, _ in ROUTES)


async def test_the_right_key_gets_past_auth_on_every_route(sandbox: MakeClient) -> None:
    """The other half of the check: with its vendor's key no route answers 401 or 403."""
    served = await clients(sandbox)

    def client_for(path: str) -> Client:
        return served[path.startswith(LEGACY_PATHS)]

    failures = []
    for vendor in vendors():
        failures += await good_key_failures(client_for, vendor, ROUTES)
    assert failures == []


async def test_rejected_calls_are_journaled_and_cost_no_rate_limit(sandbox: MakeClient) -> None:
    client = await sandbox(
        SCENARIO.replace("{keys: [hitl-key]}", "{keys: [hitl-key], rate_limit: 3}")
    )
    for _ in range(5):
        resp = await client.get("/v1/test", headers={"Authorization": "Bearer nope"})
        assert resp.status == 401
    hitl = next(v for v in vendors() if v.name == "hitl")
    resp = await client.get("/v1/test", headers=good_headers(hitl))
    assert resp.status == 200 and resp.headers["X-RateLimit-Remaining"] == "2"
    journal = await (await client.get("/_mockserver/journal?status=401")).json()
    assert journal["count"] == 5
