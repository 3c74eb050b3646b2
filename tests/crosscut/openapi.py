"""A vendor's OpenAPI descriptions: each valid OpenAPI 3.1 with its lifecycle's enums filled,
listed and served as written (the enums aside), in step with the routes the app registers
(every route described, nothing described that is not served), and its smoke calls answering
as their description says."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import yaml
from aiohttp import web
from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate

from mockserver.http import appkeys
from mockserver.http.openapi import document, source
from mockserver.kit.lifecycle import MARKER, markers
from mockserver.kit.vendor import Vendor
from tests.openapi.described import Described, operations, server_paths

Client = TestClient[web.Request, web.Application]


def document_failures(vendor: Vendor) -> list[str]:
    """Each description of `vendor` is valid OpenAPI 3.1 once its lifecycle fills it."""
    failures = []
    for declared in vendor.openapi_documents():
        name = declared.name
        written = yaml.safe_load(source(name))
        for where, which in markers(written):
            if which not in ("statuses", "waiting", "open", "final", "events"):
                failures.append(f"{name}: {MARKER} at {where}: {which!r} names no list")
        doc = document(name)
        if list(markers(doc)):
            failures.append(f"{name}: {MARKER} left unfilled")
        try:
            validate(doc)
        except Exception as exc:  # the validator's own error, shortened
            failures.append(f"{name}: not valid OpenAPI: {str(exc)[:300]}")
            continue
        if not str(doc.get("openapi", "")).startswith("3.1."):
            failures.append(f"{name}: not OpenAPI 3.1")
        ids = [doc["paths"][t][m.lower()].get("operationId") for m, t in operations(doc)]
        if len(ids) != len(set(ids)):
            failures.append(f"{name}: an operationId is used twice")
    return failures


async def served_failures(client: Client, vendor: Vendor) -> list[str]:
    """Each description of `vendor` is listed by `/_mockserver/openapi` and served as its file
    says, with its lifecycle's enums."""
    resp = await client.get("/_mockserver/openapi")
    listed = {d["name"]: d for d in (await resp.json())["documents"]}
    failures = []
    for declared in vendor.openapi_documents():
        entry = listed.get(declared.name)
        if entry is None:
            failures.append(f"{declared.name}: not listed by GET /_mockserver/openapi")
            continue
        served = await (await client.get(entry["path"])).json()
        # parsed off the event loop: the biggest file takes about 100 ms of CPU, the suite's
        # budget for one loop callback (tests/conftest.py's watchdog)
        written = await asyncio.to_thread(yaml.safe_load, source(declared.name))
        vendor.lifecycle.fill(written)
        if served != written:
            failures.append(f"{declared.name}: served differs from {declared.resource}")
    return failures


def _described(vendor: Vendor) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for declared in vendor.openapi_documents():
        doc = document(declared.name)
        for method, template in operations(doc):
            for prefix in server_paths(doc, template):
                out.add((method, prefix + template))
    return out


def coverage_failures(app: web.Application, vendor: Vendor) -> list[str]:
    """Every route `vendor` registered is described by its descriptions, and every operation
    they describe is served (HEAD routes aiohttp adds beside each GET left out)."""
    owners = app[appkeys.ROUTE_OWNERS]
    routes = {
        (r.method, r.resource.canonical)
        for r in app.router.routes()
        if r.resource is not None and r.method != "HEAD" and owners.get(r) == vendor.name
    }
    described = _described(vendor)
    failures = [
        f"{vendor.name}: {m} {p} is served but not described" for m, p in routes - described
    ]
    failures += [
        f"{vendor.name}: {m} {p} is described but not served" for m, p in described - routes
    ]
    return sorted(failures)


def _operation(
    vendor: Vendor, method: str, path: str
) -> list[tuple[str, str, str, dict[str, str]]]:
    """(description, template, server prefix, path parameters) of each operation `path` is."""
    found = []
    for declared in vendor.openapi_documents():
        doc = document(declared.name)
        for op_method, template in operations(doc):
            if op_method != method:
                continue
            for prefix in server_paths(doc, template):
                pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(prefix + template))
                if match := re.fullmatch(pattern, path):
                    found.append((declared.name, template, prefix, match.groupdict()))
    return found


async def conformance_failures(client: Client, vendor: Vendor) -> list[str]:
    """Each smoke call of `vendor` whose path one operation of its descriptions describes
    answers a documented 2xx as that operation says (body schema, content type, headers)."""
    failures = []
    for call in vendor.smoke:
        found = _operation(vendor, call.method, call.path)
        if len(found) != 1:
            continue  # not described (coverage says so) or the same path on several hosts
        name, template, prefix, params = found[0]
        documented: dict[str, Any] = document(name)["paths"][template][call.method.lower()]
        status = next((int(c) for c in documented["responses"] if c.startswith("2")), 200)
        headers = vendor.auth.headers("crosscut-key")
        api = Described(name, client, headers=headers)
        body: Any = call.body if call.body is not None else None
        try:
            if body is None:
                await api.call(call.method, template, status, path=params, server=prefix)
            else:
                await api.call(
                    call.method, template, status, path=params, json_body=body, server=prefix
                )
        except AssertionError as exc:
            failures.append(f"{vendor.name}: {call.method} {call.path}: {str(exc)[:300]}")
    return failures
