"""Control-plane answers conform to the sandbox's own description
(mockserver/openapi/control.yaml), for a success and an error of every operation that has
one. Webhook receivers are simulated by a scenario fault, so nothing leaves the process."""

from __future__ import annotations

import pytest

from tests.crosscut import NO_VENDOR

from .conftest import BASE_SCENARIO, MakeClient
from .described import Described

HOOK = "https://example.com/hook"
SCENARIO = (
    BASE_SCENARIO
    + f"""
hitl:
  loops: [{{id: 65f1234567890abcdef12345, name: Team}}]
faults:
  - {{webhook: "{HOOK}", answers: [500, 200, 200, 200]}}
"""
)
LOOP = "65f1234567890abcdef12345"
NS = {"X-Mockserver-Namespace": "ns1"}


async def _hitl_request(api: Described) -> str:
    async with api.client.post(
        f"/v1/api/loops/{LOOP}/requests",
        json={"request_text": "Check", "callback_url": HOOK},
        headers={"Authorization": "Bearer k", **NS},
    ) as resp:
        assert resp.status == 201
        request_id: str = (await resp.json())["data"]["request_id"]
        return request_id


async def test_every_operation_answers_as_described(make_client: MakeClient) -> None:
    client = await make_client(SCENARIO)
    api = Described("control", client, headers=NS)

    await api.call("GET", "/health", 200)
    await api.call("GET", "/openapi", 200)
    await api.call("GET", "/vendors", 200)
    await api.call("GET", "/openapi/{name}", 200, path={"name": "control"})
    await api.call("GET", "/openapi/{name}", 404, path={"name": "nope"})
    await api.call("GET", "/schema", 200)
    await api.call("GET", "/scenario.schema.json", 200)
    await api.call("GET", "/scenario", 200)
    await api.call("GET", "/clock", 200)

    request_id = await _hitl_request(api)
    item = {"vendor": "hitl", "id": request_id}
    await api.call("GET", "/items", 200, query={"vendor": "hitl", "status": "pending"})
    await api.call("POST", "/items/{vendor}/{id}", 200, path=item, json_body="claim")
    await api.call("POST", "/items/{vendor}/{id}", 400, path=item, json_body={"dance": {}})
    await api.call("POST", "/items/{vendor}/{id}", 404, path={**item, "vendor": NO_VENDOR})
    await api.call("GET", "/wait/items/{vendor}/{id}", 200, path=item, query={"status": "claimed"})
    await api.call("GET", "/wait/items/{vendor}/{id}", 400, path=item)
    await api.call(
        "GET", "/wait/items/{vendor}/{id}", 404, path={**item, "id": "nope"}, query={"status": "x"}
    )
    await api.call(
        "GET",
        "/wait/items/{vendor}/{id}",
        408,
        path=item,
        query={"status": "completed", "timeout": "0"},
    )
    respond = {"respond": {"choose": "Approve"}}  # by the claiming reviewer
    await api.call("POST", "/items/{vendor}/{id}", 200, path=item, json_body=respond)

    await api.call("POST", "/clock/advance", 200, json_body={"by": "20s"})
    await api.call("POST", "/clock/advance", 400, json_body={"by": "soon"})
    await api.call("POST", "/clock/set", 200, json_body={"time": "2026-01-05T12:00:00Z"})
    await api.call("POST", "/clock/set", 400, json_body={"time": "noon"})
    await api.call("POST", "/clock/mode", 200, json_body={"mode": "scaled", "scale": 60})
    await api.call("POST", "/clock/mode", 400, json_body={"mode": "fast"})
    await api.call("POST", "/clock/mode", 200, json_body={"mode": "manual"})

    deliveries = await api.call("GET", "/deliveries", 200, query={"event": "request.*"})
    delivery = {"id": deliveries.body["deliveries"][0]["id"]}
    assert deliveries.body["deliveries"][0]["attempts"]
    await api.call("GET", "/deliveries/{id}", 200, path=delivery)
    await api.call("GET", "/deliveries/{id}", 404, path={"id": "nope"})
    await api.call("POST", "/deliveries/{id}/redeliver", 201, path=delivery)
    await api.call("POST", "/deliveries/{id}/redeliver", 404, path={"id": "nope"})
    await api.call("GET", "/wait/deliveries", 200, query={"count": "1", "timeout": "0"})
    await api.call("GET", "/wait/deliveries", 408, query={"count": "99", "timeout": "0"})
    await api.call("GET", "/wait/deliveries", 400, query={"count": "many"})

    await api.call("GET", "/journal", 200, query={"vendor": "hitl", "limit": "5"})
    await api.call("GET", "/journal", 400, query={"status": "ok"})
    await api.call("GET", "/wait/journal", 200, query={"vendor": "hitl", "timeout": "0"})
    await api.call("GET", "/wait/journal", 408, query={"count": "99", "timeout": "0"})
    await api.call("GET", "/wait/journal", 400, query={"since": "yesterday"})
    await api.call("DELETE", "/journal", 200)
    await api.call("DELETE", "/deliveries", 200)

    await api.call("GET", "/variants", 200, query={"vendor": "hitl"})
    await api.call("PUT", "/variants", 200, json_body={"hitl.webhook_body": "B"})
    await api.call("PUT", "/variants", 400, json_body={"hitl.webhook_body": "Z"})
    match = {"variant": "hitl.created_id"}
    found = await api.call(
        "POST", "/variants/match", 200, query=match, json_body={"data": {"request_id": "x"}}
    )
    assert found.body["forms"] == ["request_id"]
    await api.call("POST", "/variants/match", 400, query={"variant": "hitl.nope"}, json_body={})
    await api.call("GET", "/lenience", 200)
    await api.call("DELETE", "/lenience", 200)

    await api.call("PUT", "/scenario", 200, data=BASE_SCENARIO.replace("openapi-tests", "swapped"))
    await api.call("PUT", "/scenario", 400, data="name: broken\nclock: manul\n")
    added = BASE_SCENARIO.replace("openapi-tests", "added")
    await api.call("POST", "/scenarios", 200, query={"source": "added.yaml"}, data=added)
    await api.call("POST", "/scenarios", 400, data="name: broken\nclock: manul\n")
    await api.call("PUT", "/scenario", 400, data="{not json")
    await api.call("PUT", "/scenario", 404, json_body={"name": "no-such-scenario"})
    await api.call(
        "PUT", "/scenario", 200, query={"source": "qa/late.yaml"}, data="clock: manual\nhitl: {}\n"
    )
    await api.call("GET", "/items", 200, query={"all": "1", "limit": "5"})
    await api.call("GET", "/items", 400, query={"limit": "many"})
    await api.call("GET", "/clock/timers", 200)
    changes = await api.call("GET", "/wait/changes", 200)
    since = str(changes.body["version"])
    await api.call("GET", "/wait/changes", 200, query={"since": since, "timeout": "0"})
    await api.call("GET", "/wait/changes", 400, query={"since": "then"})
    await api.call("POST", "/scenario/validate", 200, data="name: x\nclock: manul\n")
    await api.call("GET", "/ui", 200)
    await api.call("GET", "/ui/", 200)
    await api.call("GET", "/ui/{file}", 200, path={"file": "console.js"})
    await api.call("GET", "/ui/{file}", 404, path={"file": "secrets.txt"})
    await api.call("GET", "/ui/vendors.json", 200)
    await api.call("GET", "/ui/vendors/{vendor}.js", 200, path={"vendor": "hitl"})
    await api.call("GET", "/ui/vendors/{vendor}.js", 404, path={"vendor": "nobody"})
    await api.call("POST", "/reset", 200)
    await api.call("POST", "/reset", 200, query={"all": "1"})
    await api.call("POST", "/reset", 200, query={"all": "1", "scenario": "default"})
    await api.call("POST", "/reset", 200, query={"scenario": "default"})
    await api.call("POST", "/reset", 400, query={"scenario": "other"})
    listed = await api.call("GET", "/namespaces", 200)
    assert "ns1" in listed.body["namespaces"]
    await api.call("DELETE", "/namespaces/{namespace}", 200, path={"namespace": "ns1"})
    await api.call("DELETE", "/namespaces/{namespace}", 404, path={"namespace": "ns1"})
    api.assert_covered()


# Bugs the fuzzer found in the control plane and the clock, kept as regression tests.


@pytest.mark.parametrize("body", [{"seconds": 2e236}, {"by": "99999999d"}, {"by": [1]}])
async def test_advancing_past_the_year_9999_or_by_a_list_is_a_400(
    make_client: MakeClient, body: dict[str, object]
) -> None:
    api = Described("control", await make_client(BASE_SCENARIO))
    await api.call("POST", "/clock/advance", 400, json_body=body)


async def test_a_time_before_1970_is_a_400(make_client: MakeClient) -> None:
    api = Described("control", await make_client(BASE_SCENARIO))
    await api.call("POST", "/clock/set", 400, json_body={"time": "0598-02-17T10:31:08Z"})


async def test_a_huge_scale_is_a_400(make_client: MakeClient) -> None:
    api = Described("control", await make_client(BASE_SCENARIO))
    await api.call("POST", "/clock/mode", 400, json_body={"mode": "scaled", "scale": 1e307})


async def test_an_empty_list_of_steps_is_a_400(make_client: MakeClient) -> None:
    client = await make_client(SCENARIO)
    api = Described("control", client, headers=NS)
    item = {"vendor": "hitl", "id": await _hitl_request(api)}
    await api.call("POST", "/items/{vendor}/{id}", 400, path=item, json_body=[])


async def test_yaml_with_a_control_character_is_a_400(make_client: MakeClient) -> None:
    api = Described("control", await make_client(BASE_SCENARIO))
    await api.call("PUT", "/scenario", 400, data="name: x\x03\n")
