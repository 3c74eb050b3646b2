"""The shipped descriptions: valid OpenAPI 3.1, served exactly as written, and in step with the
routes the app registers (every route described, nothing described that is not served)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from aiohttp import web
from openapi_spec_validator import validate

from mockserver.http import appkeys
from mockserver.http.openapi import DocumentError, document, names, parse, source
from mockserver.registry import VENDORS

from .conftest import BASE_SCENARIO, MakeClient, build
from .described import operations, server_paths

NAMES = names()

# Which descriptions describe which part of the app. A new vendor fails
# `test_every_route_is_described` until it has a description listed here.
DESCRIBED_BY = {
    "hitl": ("hitl",),
    "outharm": ("outharm", "outharm-legacy"),
    "hive": ("hive-dashboard", "hive-models"),
    "control": ("control",),
}


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


@pytest.fixture(scope="module")
def written() -> dict[str, Any]:
    """Each description as its file says, parsed outside any event loop (the biggest takes
    about 100 ms of CPU, the suite's budget for one loop callback)."""
    return {name: yaml.safe_load(source(name)) for name in NAMES}


async def test_served_documents_equal_the_files(
    make_client: MakeClient, written: dict[str, Any]
) -> None:
    client = await make_client(BASE_SCENARIO)
    async with client.get("/_mockserver/openapi") as resp:
        assert resp.status == 200
        listed = (await resp.json())["documents"]
    assert [d["name"] for d in listed] == list(NAMES)
    for entry in listed:
        async with client.get(entry["path"]) as resp:
            assert resp.status == 200
            assert resp.content_type == "application/json"
            assert await resp.json() == written[entry["name"]]


async def test_an_unknown_description_is_a_404_naming_the_others(make_client: MakeClient) -> None:
    client = await make_client(BASE_SCENARIO)
    async with client.get("/_mockserver/openapi/stripe") as resp:
        assert resp.status == 404
        assert await resp.json() == {
            "error": "no OpenAPI description 'stripe'",
            "available": list(NAMES),
        }


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
    registered = _registered(build(BASE_SCENARIO))
    assert set(registered) == {v.name for v in VENDORS} | {"control"}
    assert set(DESCRIBED_BY) == set(registered), "a vendor without a description"
    assert {n for names in DESCRIBED_BY.values() for n in names} == set(NAMES)
    for owner, routes in registered.items():
        described = _described(DESCRIBED_BY[owner])
        assert routes - described == set(), f"{owner}: routes without a description"
        assert described - routes == set(), f"{owner}: described but not served"


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
