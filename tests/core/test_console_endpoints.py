"""What the reviewer console reads from the control plane: items of every namespace with what
their scenario does next, the pending timers, the change feed and the scenario check. (The page
itself is driven in a real browser in tests/browser.)"""

from __future__ import annotations

import asyncio
import fnmatch
import tomllib
from pathlib import Path
from typing import Any

from mockserver.http import appkeys
from mockserver.http.app import build_app
from mockserver.http.control.console import FILES
from mockserver.http.settings import Settings
from mockserver.registry import register, vendors
from mockserver.scenario.loading.library import ScenarioLibrary
from tests.crosscut import NO_VENDOR
from tests.crosscut.console import console_failures
from tests.minimal_vendor import MINIMAL
from tests.support.polling import until

from .conftest import AUTH, MakeClient, create_loop, create_request

SCENARIO = """
seed: 5
clock: manual
start: "2026-03-01T12:00:00Z"
reviewers: [{name: Dana Reviewer, email: dana@example.com}]
hitl:
  rules:
    - otherwise:
        - claim: {after: 10m, by: dana@example.com}
        - respond: {after: 5m, choose: Approve}
"""
NS = {"X-Mockserver-Namespace": "qa"}
QA = {**AUTH, **NS}


async def test_items_of_every_namespace_say_what_happens_next(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO)
    loop_id = await create_loop(client)
    first = (await create_request(client, loop_id, "Is this fine?"))["request_id"]
    listed = await (await client.get("/_mockserver/items")).json()
    (item,) = listed["items"]
    assert item["namespace"] == "" and item["text"] == "Is this fine?"
    assert item["answer_form"]["options"][1] == {
        "value": "Reject",
        "label": "Reject",
        "description": None,
    }
    claim, respond, timeout = item["next"]
    assert (claim["action"], claim["at"], claim["by"]) == (
        "claim",
        "2026-03-01T12:10:00Z",
        "dana@example.com",
    )
    assert claim["where"].startswith("test.yaml:") and claim["in_seconds"] == 600
    assert (respond["action"], respond["args"], respond["at"]) == (
        "respond",
        {"choose": "Approve"},
        "2026-03-01T12:15:00Z",
    )
    assert (timeout["action"], timeout["at"]) == ("timeout", "2026-03-01T13:00:00Z")

    await client.post("/_mockserver/clock/advance", json={"by": "30m"}, headers=NS)
    made = await client.post("/v1/api/loops", json={"name": "QA", "icon": "eye"}, headers=QA)
    qa_loop = (await made.json())["data"]["loop"]["id"]
    made = await client.post(
        f"/v1/api/loops/{qa_loop}/requests", json={"request_text": "In QA"}, headers=QA
    )
    second = (await made.json())["data"]["request_id"]
    everywhere = await (await client.get("/_mockserver/items", params={"all": "1"})).json()
    assert [(i["namespace"], i["id"]) for i in everywhere["items"]] == [("", first), ("qa", second)]
    assert set(everywhere["clocks"]) == {"", "qa"}
    assert everywhere["clocks"]["qa"]["now"] == "2026-03-01T12:30:00Z"
    timers = await (await client.get("/_mockserver/clock/timers")).json()
    assert [t["label"] for t in timers["timers"]] == [
        f"{first}:claim",
        f"{first}:respond",
        f"{first}:timeout",
    ]

    await client.post("/_mockserver/clock/advance", json={"by": "10m"})
    (item,) = (await (await client.get("/_mockserver/items")).json())["items"]
    assert item["status"] == "claimed" and [t["action"] for t in item["next"]] == [
        "respond",
        "timeout",
    ]


async def test_the_change_feed_wakes_on_any_namespace_and_times_out_quietly(
    sandbox: MakeClient,
) -> None:
    client = await sandbox(SCENARIO)
    await client.get("/_mockserver/clock", headers=NS)  # namespace qa exists from here
    start = await (await client.get("/_mockserver/wait/changes")).json()
    version = start["version"]
    quiet = await client.get(
        "/_mockserver/wait/changes", params={"since": version, "timeout": "0.05"}
    )
    assert await quiet.json() == {"version": version, "changed": False}

    waiting = asyncio.ensure_future(
        client.get("/_mockserver/wait/changes", params={"since": version, "timeout": "10"})
    )
    feed = client.app[appkeys.WORLDS].feed
    await until(lambda: feed.parked == 1, "the wait parked before the change")
    await client.post("/_mockserver/clock/advance", json={"by": "1s"}, headers=NS)
    woken = await (await waiting).json()
    assert woken["changed"] is True and woken["version"] > version


async def test_a_pasted_scenario_is_checked_like_mockserver_validate(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO)
    text = "hitl:\n  rules:\n    - otherwise: {respond: {rating: 4}}\nclock: manul\n"
    resp = await client.post(
        "/_mockserver/scenario/validate", params={"source": "qa.yaml"}, data=text
    )
    body = await resp.json()
    assert resp.status == 200 and body["valid"] is False
    assert body["problems"] and all(p.startswith("qa.yaml:") for p in body["problems"])
    assert any(":4:" in p and "clock" in p for p in body["problems"])
    good = await client.post("/_mockserver/scenario/validate", data="clock: manual\n")
    assert await good.json() == {"valid": True, "problems": []}
    # nothing was loaded
    assert (await (await client.get("/_mockserver/scenario")).json())["name"] == "scenario"


async def test_the_console_is_served_with_a_strict_policy_and_home_redirects_to_it(
    sandbox: MakeClient,
) -> None:
    client = await sandbox(SCENARIO)
    home = await client.get("/", allow_redirects=False)
    assert home.status == 302 and home.headers["Location"] == "/_mockserver/ui"
    page = await client.get("/_mockserver/ui")
    assert page.status == 200 and page.content_type == "text/html"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "/_mockserver/ui/console.js" in await page.text()
    for name, kind in (("console.js", "text/javascript"), ("console.css", "text/css")):
        asset = await client.get(f"/_mockserver/ui/{name}")
        assert asset.status == 200 and asset.content_type == kind
    for name in ("../app.py", "%2e%2e%2fapp.py", "secrets.txt"):
        assert (await client.get(f"/_mockserver/ui/{name}")).status == 404


def test_every_console_file_is_served_and_shipped_as_package_data() -> None:
    """The Docker image installs the package (not the source tree): each file of the page must
    be package data, and each one is served (nothing in the folder left unreachable)."""
    root = Path(__file__).resolve().parents[2]
    folder = root / "mockserver" / "http" / "console"
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    project = tomllib.loads((root / "pyproject.toml").read_text())
    globs = project["tool"]["setuptools"]["package-data"]["mockserver"]
    for name in FILES:
        assert any(fnmatch.fnmatch(f"http/console/{name}", g) for g in globs), name
    views = sorted((root / "mockserver" / "vendors").glob("*/console.js"))
    # each vendor's own view of its items ships too
    assert len(views) == sum(1 for v in vendors() if v.console is not None)
    for view in views:
        name = view.relative_to(root / "mockserver").as_posix()
        assert any(fnmatch.fnmatch(name, g) for g in globs), name


async def test_with_a_control_token_the_page_loads_but_its_data_needs_the_token(
    sandbox: MakeClient,
) -> None:
    client = await sandbox(SCENARIO, control_token="ctl-secret")
    for path in ("/_mockserver/ui", "/_mockserver/ui/console.js"):
        assert (await client.get(path)).status == 200, path
    assert (await client.get("/_mockserver/ui/nothing")).status == 404
    assert (await client.get("/_mockserver/items")).status == 401
    assert (await client.get("/_mockserver/uix")).status == 401
    good = await client.get("/_mockserver/items", headers={"Authorization": "Bearer ctl-secret"})
    assert good.status == 200


async def test_the_page_lists_the_vendors_and_serves_each_vendors_own_view(
    sandbox: MakeClient,
) -> None:
    """The console names no vendor: it shows those the sandbox lists, each through the view
    its folder ships (`console.js`), and generically when a vendor ships none."""
    client = await sandbox(SCENARIO, control_token="ctl-secret")  # page files need no token
    listed = await (await client.get("/_mockserver/ui/vendors.json")).json()
    assert [v["name"] for v in listed["vendors"]] == [v.name for v in vendors()]
    token = {"Authorization": "Bearer ctl-secret"}
    open_client = await sandbox(SCENARIO)
    failures = [f for v in vendors() for f in await console_failures(open_client, v)]
    assert failures == []
    view = await client.get("/_mockserver/ui/vendors/outharm.js", headers=token)
    assert view.status == 200 and view.content_type == "text/javascript"
    assert "export function form(" in await view.text()
    assert "script-src 'self'" in view.headers["Content-Security-Policy"]
    for name in (NO_VENDOR, "..%2fvendor", "hitl.json"):
        assert (await client.get(f"/_mockserver/ui/vendors/{name}.js")).status == 404, name


async def test_a_vendor_without_a_view_of_its_own_is_listed_and_shown_generically(
    aiohttp_client: Any,
) -> None:
    with register(MINIMAL):
        app = build_app(Settings(), vendors(), ScenarioLibrary.load(vendors(), None))
        client = await aiohttp_client(app)
        listed = await (await client.get("/_mockserver/ui/vendors.json")).json()
        assert listed["vendors"][-1] == {
            "name": "minimal",
            "title": "Minimal",
            "view": False,
            "statuses": ["open", "closed"],
            "waiting": ["open"],
            "final": ["closed"],
        }
        assert (await client.get("/_mockserver/ui/vendors/minimal.js")).status == 404
