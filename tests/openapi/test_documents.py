"""The shipped descriptions: valid OpenAPI 3.1, served exactly as written, and in step with the
routes the app registers (every route described, nothing described that is not served)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import yaml
from aiohttp import web
from openapi_spec_validator import validate

from mockserver.http import appkeys
from mockserver.http.openapi import DocumentError, document, names, parse, source
from mockserver.registry import vendor, vendors
from tests.crosscut import NO_VENDOR
from tests.crosscut.openapi import (
    conformance_failures,
    coverage_failures,
    served_failures,
)

from .conftest import BASE_SCENARIO, MakeClient, build
from .described import operations, server_paths

NAMES = names()


@pytest.mark.parametrize("name", NAMES)
def test_each_description_is_valid_openapi_3_1(name: str) -> None:
    doc = document(name)
    validate(doc)
    assert doc["openapi"].startswith("3.1.")
    assert doc["info"]["title"] and doc["servers"]


@pytest.mark.parametrize("name", NAMES)
def test_operation_ids_are_unique(name: str) -> None:
    doc = document(name)
    ids = [
        doc["paths"][template][method.lower()]["operationId"]
        for method, template in operations(doc)
    ]
    assert len(ids) == len(set(ids))


async def test_served_documents_equal_the_files(make_client: MakeClient) -> None:
    """Each description is listed and served as its file says (a vendor's with the enums its
    lifecycle gives: tests/crosscut/openapi.py); the control plane's exactly as written."""
    client = await make_client(BASE_SCENARIO)
    async with client.get("/_mockserver/openapi") as resp:
        assert resp.status == 200
        listed = (await resp.json())["documents"]
    assert [d["name"] for d in listed] == list(NAMES)
    assert [f for v in vendors() for f in await served_failures(client, v)] == []
    async with client.get("/_mockserver/openapi/control") as resp:
        assert await resp.json() == await asyncio.to_thread(yaml.safe_load, source("control"))


async def test_an_unknown_description_is_a_404_naming_the_others(make_client: MakeClient) -> None:
    client = await make_client(BASE_SCENARIO)
    async with client.get(f"/_mockserver/openapi/{NO_VENDOR}") as resp:
        assert resp.status == 404
        assert await resp.json() == {
            "error": f"no OpenAPI description {NO_VENDOR!r}",
            "available": list(NAMES),
        }


def test_a_vendors_enums_come_from_its_lifecycle() -> None:
    """`x-lifecycle` in a vendor's file becomes the enum its lifecycle gives (HITL's request
    statuses; what waits for a reviewer); a marker naming no list is refused."""
    hitl = vendor("hitl")
    schemas = document("hitl")["components"]["schemas"]
    assert schemas["RequestStatus"]["enum"] == list(hitl.statuses)
    assert "x-lifecycle" in source("hitl") and "x-lifecycle" not in str(document("hitl"))
    with pytest.raises(ValueError, match=r"/components/x: x-lifecycle: 'colours' is not one"):
        hitl.lifecycle.fill({"components": {"x": {"x-lifecycle": "colours"}}})


def _registered(app: web.Application) -> dict[str, set[tuple[str, str]]]:
    """(METHOD, path) of every route, by owner: a vendor's name, or "control". HEAD routes
    that aiohttp adds next to each GET are left out."""
    owners = app[appkeys.ROUTE_OWNERS]
    out: dict[str, set[tuple[str, str]]] = {}
    for route in app.router.routes():
        if route.method == "HEAD" or route.resource is None:
            continue
        path = route.resource.canonical
        owner = owners.get(route)
        if owner is None:
            assert path.startswith(appkeys.CONTROL_PREFIX), path
            owner = "control"
        out.setdefault(owner, set()).add((route.method, path))
    return out


def _described(names: tuple[str, ...]) -> set[tuple[str, str]]:
    """(METHOD, full path) of every operation under every server it is served at."""
    out: set[tuple[str, str]] = set()
    for name in names:
        doc = document(name)
        for method, template in operations(doc):
            for prefix in server_paths(doc, template):
                out.add((method, prefix + template))
    return out


def test_every_route_is_described_and_every_description_is_served() -> None:
    app = build(BASE_SCENARIO)
    registered = _registered(app)
    assert set(registered) == {v.name for v in vendors()} | {"control"}
    assert {d.name for v in vendors() for d in v.openapi_documents()} | {"control"} == set(NAMES)
    assert [f for v in vendors() for f in coverage_failures(app, v)] == []
    described = _described(("control",))
    assert registered["control"] - described == set(), "control: routes without a description"
    assert described - registered["control"] == set(), "control: described but not served"


async def test_smoke_calls_answer_as_their_descriptions_say(make_client: MakeClient) -> None:
    client = await make_client(BASE_SCENARIO)
    assert [f for v in vendors() for f in await conformance_failures(client, v)] == []


def test_the_hive_descriptions_share_the_model_result_schemas() -> None:
    dashboard = document("hive-dashboard")["components"]["schemas"]
    models = document("hive-models")["components"]["schemas"]
    shared = ("ModelStatus", "Span", "ScoredClass", "ModelInput", "TextResponse")
    for name in (*shared, "VisualResponse", "DateTimeMs", "Error", "HttpUrl"):
        assert dashboard[name] == models[name], name


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("paths:\n  /x:\n    get:\n      responses:\n        200: {description: ok}\n", "200"),
        ("info: {title: t, version: 2026-01-01}\n", "version"),
        ("- a list\n", "not a mapping"),
    ],
)
def test_yaml_that_is_not_json_data_is_refused(text: str, problem: str) -> None:
    with pytest.raises(DocumentError, match=problem):
        parse(text, "bad.yaml")


def test_documents_are_fresh_copies() -> None:
    doc: dict[str, Any] = document("hitl")
    doc["paths"].clear()
    assert document("hitl")["paths"]
