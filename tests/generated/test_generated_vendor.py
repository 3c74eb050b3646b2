"""A fourth vendor is its folder and one registration line (issue 24).

`tools/new_vendor.py` writes a text-moderation vendor (one create call, one read, scripted
`approve`/`reject`, a signed webhook, an OpenAPI description) into a temporary folder; nothing
else is written for it: no module by hand, no edit under `mockserver/` or `tests/`. The one line
is `registry.register(VENDOR)` here (its package in `PACKAGES` of `mockserver/registry.py` for a
built-in one).
Then every cross-cutting suite runs over it, the very checks each suite runs for the built-in
vendors (tests/crosscut/): the contract, auth, the console, OpenAPI, the image probe and the
scenario schema; and its own behaviour: rules played on the virtual clock, a scripted `fail`
answered by the core, a signed webhook the pytest receiver verifies.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver import registry
from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.kit.contract import check
from mockserver.kit.vendor import Vendor
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario
from mockserver.testing.receiver import ReceiverEndpoint
from mockserver.testing.server import InProcessServer
from tests.crosscut.auth import (
    auth_failures,
    good_headers,
    good_key_failures,
    keyed_scenario,
    vendor_routes,
)
from tests.crosscut.console import console_failures
from tests.crosscut.openapi import (
    conformance_failures,
    coverage_failures,
    document_failures,
    served_failures,
)
from tests.crosscut.schema import printed_schema, schema_failures
from tools import image_probe, new_vendor

Client = TestClient[web.Request, web.Application]
NAME = "textmod"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vendor]:
    """The vendor the generator writes, imported from its temporary folder (not registered)."""
    into = tmp_path_factory.mktemp("generated")
    written = new_vendor.generate(NAME, into, "Text moderation")
    assert {p.parent for p in written} == {into / NAME}  # its folder, nothing else
    sys.path.insert(0, str(into))
    try:
        yield importlib.import_module(f"{NAME}.vendor").VENDOR
    finally:
        sys.path.remove(str(into))
        for module in [m for m in sys.modules if m == NAME or m.startswith(NAME + ".")]:
            del sys.modules[module]


@pytest.fixture
def vendor(generated: Vendor) -> Iterator[Vendor]:
    """The one registration line, for the test's duration."""
    with registry.register(generated) as served:
        yield served


async def client_for(aiohttp_client: Any, text: str) -> Client:
    """The app `mockserver serve` builds, for the vendors registered now and scenario `text`."""
    vendors = registry.vendors()
    scenario = parse_scenario(text, "t.yaml", vendors)
    app = build_app(Settings(), vendors, ScenarioLibrary(default=scenario))
    client: Client = await aiohttp_client(app)
    return client


def test_the_generator_writes_only_the_vendors_folder() -> None:
    """Run as a contributor runs it, into the repository's vendors folder of a copy: it adds
    the folder and changes nothing else; a name that is taken or malformed is refused."""
    before = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    with pytest.raises(ValueError, match="lower-case letters"):
        new_vendor.generate("Text-Mod", ROOT / "mockserver" / "vendors")
    with pytest.raises(ValueError, match="exists already"):
        new_vendor.generate("hitl", ROOT / "mockserver" / "vendors")
    after = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert after == before


def test_it_passes_the_contract_and_is_unknown_until_registered(generated: Vendor) -> None:
    check(generated, registry.vendors())
    assert NAME not in {v.name for v in registry.vendors()}
    with registry.register(generated):
        assert registry.vendor(NAME) is generated
    assert NAME not in {v.name for v in registry.vendors()}


# -- every cross-cutting suite -------------------------------------------------------------------


async def test_auth_every_route_refuses_in_its_error_shape(
    vendor: Vendor, aiohttp_client: Any
) -> None:
    text = keyed_scenario(registry.vendors())
    client = await client_for(aiohttp_client, text)
    routes = [r for r in vendor_routes(client.app) if r[0] == NAME]
    assert {(m, p.split("/")[-1]) for _, m, p, _ in routes} == {
        ("POST", "messages"),
        ("GET", "x1"),
    }
    failures = await auth_failures(lambda _path: client, vendor, routes)
    failures += await good_key_failures(lambda _path: client, vendor, routes)
    assert failures == []


async def test_the_console_lists_its_items_and_acts_on_them(
    vendor: Vendor, aiohttp_client: Any
) -> None:
    client = await client_for(aiohttp_client, "clock: manual\n")
    made = await client.post(f"/{NAME}/messages", json={"text": "hi"}, headers=good_headers(vendor))
    assert made.status == 201
    item_id = (await made.json())["id"]
    assert await console_failures(client, vendor) == []  # acts with `approve`
    (item,) = (await (await client.get(f"/_mockserver/items?vendor={NAME}")).json())["items"]
    assert (item["id"], item["status"], item["summary"], item["actions"]) == (
        item_id,
        "approved",
        "hi",
        [],
    )
    page = await (await client.get("/_mockserver/ui/vendors.json")).json()
    assert NAME in [v["name"] for v in page["vendors"]]


def test_its_openapi_description_is_valid_with_its_lifecycles_enums(vendor: Vendor) -> None:
    assert document_failures(vendor) == []


async def test_its_openapi_description_is_served_in_step_and_conforming(
    vendor: Vendor, aiohttp_client: Any
) -> None:
    client = await client_for(aiohttp_client, "clock: manual\n")
    assert await served_failures(client, vendor) == []
    assert coverage_failures(client.app, vendor) == []
    assert await conformance_failures(client, vendor) == []
    listed = await (await client.get("/_mockserver/openapi")).json()
    assert NAME in [d["name"] for d in listed["documents"]]


def test_the_image_probe_calls_it(vendor: Vendor) -> None:
    """The probe `make image-check` runs, against a sandbox serving it (every declared host
    on a port of its own, as the image does)."""
    said: list[str] = []
    with InProcessServer(Settings()) as server:
        sent = image_probe.probe(server.url, said.append)
    assert sent[NAME] == 2  # its smoke call, and its host's port answering as it alone
    assert any(line.startswith(f"{NAME}: POST /{NAME}/messages -> 201") for line in said)


def test_its_section_is_in_the_schema_and_validates(vendor: Vendor) -> None:
    assert schema_failures(vendor, registry.vendors()) == []
    rules = printed_schema()["properties"][NAME]["properties"]["rules"]  # type: ignore[index]
    assert "approve" in str(rules) and "reject" in str(rules)


# -- its own behaviour, which the kit wires ------------------------------------------------------


def _scenario(webhook: ReceiverEndpoint) -> str:
    return (
        "clock: manual\n"
        'start: "2026-01-01T00:00:00Z"\n'
        "reviewers: [{name: Dana Reviewer, email: dana@example.com}]\n"
        f"{NAME}:\n"
        "  keys: [k1]\n"
        f'  webhook: {{url: "{webhook.url}", secret: "{webhook.secret}"}}\n'
        "  rules:\n"
        "    - when: {text_contains: spam}\n"
        "      then: {reject: {after: 30s, reason: spam}}\n"
        "    - when: {text_contains: outage}\n"
        "      then: {fail: {status: 503}}\n"
        "    - otherwise: {approve: {after: 1m}}\n"
    )


async def test_scripted_reviewers_a_core_fail_and_a_signed_webhook(
    vendor: Vendor, aiohttp_client: Any, webhook_receiver: ReceiverEndpoint
) -> None:
    client = await client_for(aiohttp_client, _scenario(webhook_receiver))
    auth = vendor.auth.headers("k1")
    spam = await (
        await client.post(f"/{NAME}/messages", json={"text": "spam!"}, headers=auth)
    ).json()
    failed = await client.post(f"/{NAME}/messages", json={"text": "outage"}, headers=auth)
    assert (failed.status, await failed.json()) == (  # the core's `fail`, in its error body
        503,
        {"error": {"status": 503, "code": "error", "message": "Service Unavailable"}},
    )
    await client.post("/_mockserver/clock/advance", json={"by": "30s"})
    got = await (await client.get(f"/{NAME}/messages/{spam['id']}", headers=auth)).json()
    assert (got["status"], got["reason"]) == ("rejected", "spam")
    (hook,) = webhook_receiver.received
    assert (hook.event, hook.signature) == ("message.decided", "valid")  # its own scheme
    assert (hook.header("X-Textmod-Signature") or "").startswith("sha256=")
