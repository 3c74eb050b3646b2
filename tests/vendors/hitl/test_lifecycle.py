"""A HITL.sh status is declared once (`mockserver/vendors/hitl/lifecycle.py`), and everything
else follows (issue 24).

The test adds a status to a copy of HITL's declaration, in that one place (`escalated`: waits
for a reviewer, sends `request.escalated`, between `claimed` and the final ones), serves the
derived vendor in place of HITL (`registry.register(..., instead=True)`), puts a request in it
the way HITL's store moves every request (`HitlState.move`), and checks that it reached:
validation (the list filter takes it), the sort (its rank), webhooks (the scenario's event
filter takes its event, which is sent, signed), OpenAPI (the status enums) and the console
(the page's lifecycle, the waiting queue and the words an escalated request offers). The same
calls against the built-in HITL refuse it, so each check can fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver import registry
from mockserver.base.errors import ScenarioError
from mockserver.http import appkeys
from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.kit.lifecycle import Status
from mockserver.kit.vendor import Vendor
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario
from mockserver.testing.receiver import ReceiverEndpoint
from mockserver.vendors.hitl.state import HitlState
from mockserver.vendors.hitl.vendor import VENDOR as HITL

Client = TestClient[web.Request, web.Application]
KEY = {"Authorization": "Bearer k1"}
ESCALATED = Status("escalated", "a senior reviewer has it", waiting=True, event="request.escalated")
# The one place: a copy of HITL's declaration with one more status.
DERIVED = replace(HITL, lifecycle=HITL.lifecycle.adding(ESCALATED, after="claimed"))


def scenario(webhook: ReceiverEndpoint, events: str) -> str:
    return (
        "clock: manual\n"
        'start: "2026-01-05T10:00:00Z"\n'
        "reviewers: [{name: Dana Reviewer, email: dana@example.com}]\n"
        "hitl:\n"
        "  join: on_create\n"
        f'  webhooks: [{{url: "{webhook.url}", secret: "{webhook.secret}", events: {events}}}]\n'
    )


@pytest.fixture
def derived() -> Iterator[Vendor]:
    with registry.register(DERIVED, instead=True) as vendor:
        yield vendor


async def serve(aiohttp_client: Any, text: str) -> Client:
    vendors = registry.vendors()
    library = ScenarioLibrary(default=parse_scenario(text, "t.yaml", vendors))
    client: Client = await aiohttp_client(build_app(Settings(), vendors, library))
    return client


async def new_request(client: Client, loop_id: str, text: str) -> str:
    body = {"request_text": text, "response_type": "boolean", "response_config": {}}
    made = await client.post(f"/v1/api/loops/{loop_id}/requests", json=body, headers=KEY)
    assert made.status == 201, await made.text()
    return str((await made.json())["data"]["request_id"])


async def test_a_status_added_in_one_place_reaches_everything(
    derived: Vendor, aiohttp_client: Any, webhook_receiver: ReceiverEndpoint
) -> None:
    client = await serve(aiohttp_client, scenario(webhook_receiver, "[request.escalated]"))
    loop = await client.post("/v1/api/loops", json={"name": "Team"}, headers=KEY)
    loop_id = (await loop.json())["data"]["loop"]["id"]
    first, second, third = [await new_request(client, loop_id, t) for t in ("a", "b", "c")]
    state: HitlState = client.app[appkeys.WORLDS].get("").state("hitl")
    state.move(state.requests[second], "escalated")
    state.claim(state.requests[third], "dana@example.com")

    # validation: the list filter takes it; the sort ranks it where it was declared
    listed = await client.get("/v1/api/requests", params={"status": "escalated"}, headers=KEY)
    assert [r["id"] for r in (await listed.json())["data"]["requests"]] == [second]
    ranked = await client.get("/v1/api/requests", params={"sort": "status_asc"}, headers=KEY)
    statuses = [r["status"] for r in (await ranked.json())["data"]["requests"]]
    assert statuses == ["pending", "claimed", "escalated"]

    # webhooks: the target filtered on its event got it (and not the claim), signed
    await client.post("/_mockserver/clock/advance", json={"by": "0s"})
    (hook,) = webhook_receiver.received
    assert (hook.event, hook.signature) == ("request.escalated", "valid")
    assert hook.json()["data"]["request"]["status"] == "escalated"

    # OpenAPI: the served description's status enums
    doc = await (await client.get("/_mockserver/openapi/hitl")).json()
    assert doc["components"]["schemas"]["RequestStatus"]["enum"] == [
        "pending", "claimed", "escalated", "completed", "timeout", "cancelled",
    ]  # fmt: skip
    not_ready = doc["components"]["schemas"]["ResponseNotReadyAnswer"]["properties"]["data"]
    assert not_ready["properties"]["status"]["enum"] == ["pending", "claimed", "escalated"]

    # the console: the page's lifecycle, the waiting queue, the words it offers
    page = await (await client.get("/_mockserver/ui/vendors.json")).json()
    (hitl,) = [v for v in page["vendors"] if v["name"] == "hitl"]
    assert "escalated" in hitl["statuses"] and hitl["waiting"] == [
        "pending",
        "claimed",
        "escalated",
    ]
    waiting = await client.get("/_mockserver/items", params={"vendor": "hitl", "status": "waiting"})
    items = {i["id"]: i for i in (await waiting.json())["items"]}
    assert set(items) == {first, second, third}
    assert items[second]["actions"] == ["respond", "timeout", "cancel"]
    described = await (await client.get("/_mockserver/vendors")).json()
    (declared,) = [v for v in described["vendors"] if v["name"] == "hitl"]
    assert "request.escalated" in declared["events"]

    # a waiting status times out like the others (the store reads the lifecycle's waiting)
    await client.post("/_mockserver/clock/advance", json={"by": "1d"})
    got = await client.get(f"/v1/api/requests/{second}", headers=KEY)
    assert (await got.json())["data"]["request"]["status"] == "timeout"


async def test_the_built_in_declaration_refuses_it(
    aiohttp_client: Any, webhook_receiver: ReceiverEndpoint
) -> None:
    """The same calls without the added status: each check above can fail."""
    with pytest.raises(ScenarioError, match=r"'request.escalated' is not one of"):
        parse_scenario(
            scenario(webhook_receiver, "[request.escalated]"), "t.yaml", registry.vendors()
        )
    client = await serve(aiohttp_client, scenario(webhook_receiver, "[request.claimed]"))
    listed = await client.get("/v1/api/requests", params={"status": "escalated"}, headers=KEY)
    assert listed.status == 400
    doc = await (await client.get("/_mockserver/openapi/hitl")).json()
    assert "escalated" not in doc["components"]["schemas"]["RequestStatus"]["enum"]
    page = await (await client.get("/_mockserver/ui/vendors.json")).json()
    assert "escalated" not in page["vendors"][0]["statuses"]
