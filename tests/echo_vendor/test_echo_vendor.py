"""A fourth vendor that lives only in the tests gets everything a built-in vendor gets (issue 12):
scenario words and `file:line:col` errors, rules played on the virtual clock, control-plane
items and actions, signed webhooks with its own retry schedule verified by the pytest receiver,
journal filtering and its OpenAPI description. Nothing under `mockserver/` names it: the test
registers it with `mockserver.registry.register` and builds the app the way `mockserver serve`
does (`mockserver.http.server.create_app`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mockserver import registry
from mockserver.base.errors import ScenarioError
from mockserver.cli.main import main
from mockserver.http.server import create_app
from mockserver.http.settings import Settings
from mockserver.kit.vendor import Vendor
from mockserver.scenario.loading.loader import parse_scenario
from mockserver.testing.receiver import ReceiverEndpoint
from tests.echo_vendor.webhooks import SIGNATURE

from .conftest import AUTH, Client, MakeClient, Serve, post_message, scenario


async def call(client: Client, method: str, path: str, body: Any = None) -> Any:
    resp = await client.request(method, path, json=body, headers=AUTH)
    assert resp.status < 300, await resp.text()
    return await resp.json()


async def send(client: Client, text: str) -> dict[str, Any]:
    message: dict[str, Any] = await call(client, "POST", "/echo/messages", {"text": text})
    assert message["status"] == "pending"
    return message


async def status(client: Client, message_id: str) -> str:
    return str((await call(client, "GET", f"/echo/messages/{message_id}"))["status"])


async def advance(client: Client, by: str) -> None:
    await call(client, "POST", "/_mockserver/clock/advance", {"by": by})


# -- scenario words and validation -----------------------------------------------------------


def test_scenario_words_come_from_its_tables_with_the_same_messages(echo: Vendor) -> None:
    def problems(text: str) -> list[str]:
        with pytest.raises(ScenarioError) as caught:
            parse_scenario(text, "s.yaml", registry.vendors())
        return caught.value.problems

    step = "{v}:\n  rules:\n    - otherwise: [{{{w}: {{}}}}]\n"
    # the same mistake, the same message shape as a built-in vendor's
    assert problems(step.format(v="hitl", w="clam")) == [
        "s.yaml:3:20: hitl.rules[0].otherwise[0].clam: unknown key (did you mean 'claim'?)"
    ]
    assert problems(step.format(v="echo", w="aprove")) == [
        "s.yaml:3:20: echo.rules[0].otherwise[0].aprove: unknown key (did you mean 'approve'?)"
    ]
    assert problems("echo:\n  rules:\n    - otherwise: rejct\n") == [
        "s.yaml:3:18: echo.rules[0].otherwise: 'rejct' is not one of: approve, reject "
        "(did you mean 'reject'?)"
    ]
    assert problems("echo:\n  rules:\n    - when: {text_contain: x}\n      then: approve\n") == [
        "s.yaml:3:14: echo.rules[0].when.text_contain: unknown key (did you mean 'text_contains'?)"
    ]
    assert problems("echo:\n  rules:\n    - otherwise: {reject: {reson: x}}\n") == [
        "s.yaml:3:28: echo.rules[0].otherwise.reject.reson: unknown key (did you mean 'reason'?)"
    ]
    people = "reviewers: [{email: dana@example.com}]\n"
    assert problems(people + "echo:\n  rules:\n    - otherwise: {approve: {by: bo@x.y}}\n") == [
        "s.yaml:4:33: echo.rules[0].otherwise.approve.by: unknown reviewer 'bo@x.y': name one "
        "of the scenario's reviewers (dana@example.com)"
    ]
    parsed = parse_scenario(scenario(), "s.yaml", registry.vendors()).section("echo")
    assert [r.where for r in parsed.rules.rules] == ["s.yaml:9:7", "s.yaml:11:7", "s.yaml:13:7"]
    assert parsed.rules.rules[0].steps[0].args == {"reason": "looks like spam"}


def test_unregistered_the_section_is_an_unknown_key() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario("echo: {}\n", "s.yaml", registry.vendors())
    assert caught.value.problems[0].startswith("s.yaml:1:1: echo: unknown key")


def test_validate_reports_format_and_vendor_checks_with_file_and_line(
    echo: Vendor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(scenario(), encoding="utf-8")
    bad.write_text(
        "reviewrs: []\necho:\n  rules:\n    - when: {text_contains: x}\n      then: approve\n"
        "    - otherwise: [approve, {reject: {after: 1m}}]\n",
        encoding="utf-8",
    )
    assert main(["validate", str(good)]) == 0
    assert capsys.readouterr().out == "1 scenario file(s) OK\n"
    assert main(["validate", str(bad)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{bad}:1:1: reviewrs: unknown key (did you mean 'reviewers'?)",
        f"{bad}:6:28: echo.rules[1].otherwise[1]: never runs: the message is already decided "
        "by `approve`",
    ]


# -- the API, scripted reviewers on the virtual clock ----------------------------------------


async def test_a_scripted_rule_plays_out_on_the_virtual_clock(serve: Serve) -> None:
    client = await serve(scenario())
    spam = await send(client, "Cheap SPAM here")
    hello = await send(client, "hello")
    await advance(client, "29s")
    assert [await status(client, m["id"]) for m in (spam, hello)] == ["pending", "pending"]
    await advance(client, "1s")
    rejected = await call(client, "GET", f"/echo/messages/{spam['id']}")
    assert (rejected["status"], rejected["reason"]) == ("rejected", "looks like spam")
    assert rejected["decided_at"] == "2026-01-01T00:00:30Z"
    assert await status(client, hello["id"]) == "pending"
    await advance(client, "30s")
    approved = await call(client, "GET", f"/echo/messages/{hello['id']}")
    assert (approved["status"], approved["decided_by"]) == ("approved", "dana@example.com")


async def test_errors_and_faults_answer_in_the_vendors_own_shape(serve: Serve) -> None:
    client = await serve(scenario())
    resp = await client.post("/echo/messages", json={"text": "x"})
    assert resp.status == 401
    assert (await resp.json())["error"]["code"] == "unauthorized"
    resp = await client.get("/echo/messages/nope", headers=AUTH)
    assert (resp.status, await resp.json()) == (
        404,
        {"error": {"status": 404, "code": "not_found", "message": "Message not found"}},
    )
    resp = await client.post("/echo/messages", json={"text": "outage!"}, headers=AUTH)
    assert (resp.status, (await resp.json())["error"]["message"]) == (503, "reviews are paused")
    resp = await client.post("/echo/messages", data=b"[[[", headers=AUTH)
    assert (resp.status, (await resp.json())["error"]["code"]) == (400, "bad_request")


# -- control plane -----------------------------------------------------------------------------


async def test_control_plane_lists_its_items_and_acts_through_the_action_table(
    serve: Serve, tmp_path: Path
) -> None:
    client = await serve(scenario())
    hello = await send(client, "hello")
    items = (await call(client, "GET", "/_mockserver/items?vendor=echo"))["items"]
    (item,) = items
    assert (item["vendor"], item["id"], item["status"]) == ("echo", hello["id"], "pending")
    assert item["actions"] == ["approve", "reject"]
    scripted = f"{tmp_path / 'echo.yaml'}:13:28"  # the `otherwise` rule's approve step
    assert [(t["action"], t["where"]) for t in item["next"]] == [("approve", scripted)]

    item_path = f"/_mockserver/items/echo/{hello['id']}"
    rejected = await call(client, "POST", item_path, {"reject": {"reason": "by hand"}})
    assert (rejected["status"], rejected["reason"], rejected["actions"]) == (
        "rejected",
        "by hand",
        [],
    )
    assert (await call(client, "GET", "/_mockserver/items?vendor=echo&status=pending"))[
        "items"
    ] == []
    answers = {
        "again": (item_path, "approve"),
        "unknown id": ("/_mockserver/items/echo/nope", "approve"),
        "fail": (item_path, {"fail": {"status": 500}}),
        "not a word": (item_path, "escalate"),
    }
    got = {}
    for name, (path, body) in answers.items():
        resp = await client.post(path, json=body)
        got[name] = (resp.status, (await resp.json())["error"])
    assert got == {
        "again": (400, "approve applies to items that are pending; this one is rejected"),
        "unknown id": (404, "Message not found"),
        "fail": (400, "`fail` applies only when a message arrives"),
        "not a word": (400, "not a valid action"),
    }
    resp = await client.post(item_path, json="escalate")
    assert (await resp.json())["actions"] == ["approve", "reject"]

    # the scripted approve, due after the manual decision, is skipped and noted with its line
    await advance(client, "1m")
    assert (await call(client, "GET", "/_mockserver/scenario"))["problems"] == [
        f"{scripted}: approve on message {hello['id']}: approve applies to items that are "
        "pending; this one is rejected"
    ]


async def test_waiting_on_an_item_ends_when_it_is_decided(serve: Serve) -> None:
    client = await serve(scenario())
    hello = await send(client, "hello")
    wait = f"/_mockserver/wait/items/echo/{hello['id']}"
    resp = await client.get(wait, params={"status": "approved", "timeout": "0"})
    assert (resp.status, (await resp.json())["current_status"]) == (408, "pending")
    await call(client, "POST", f"/_mockserver/items/echo/{hello['id']}", "approve")
    reached = await call(client, "GET", f"{wait}?status=approved,rejected&timeout=1")
    assert reached == {"id": hello["id"], "status": "approved"}
    resp = await client.get("/_mockserver/wait/items/echo/nope", params={"status": "approved"})
    assert resp.status == 404


# -- webhooks ----------------------------------------------------------------------------------


async def test_decision_webhook_is_signed_and_retried_on_its_own_schedule(
    serve: Serve, webhook_receiver: ReceiverEndpoint
) -> None:
    client = await serve(scenario(webhook_receiver))
    webhook_receiver.respond_with(500, times=1)
    hello = await send(client, "hello")
    await call(client, "POST", f"/_mockserver/items/echo/{hello['id']}", "approve")
    await advance(client, "0s")
    assert len(webhook_receiver.received) == 1
    await advance(client, "9s")  # echo retries after 10 s (the shared default is 15 s)
    assert len(webhook_receiver.received) == 1
    await advance(client, "1s")
    received = webhook_receiver.received
    assert len(received) == 2 and received[0].body == received[1].body
    assert received[1].json()["message"]["status"] == "approved"
    assert webhook_receiver.events == ["message.decided", "message.decided"]
    for hook in received:
        assert (hook.header("X-Echo-Signature") or "").startswith("sha256=")
        assert SIGNATURE.verify(hook.headers, hook.body, webhook_receiver.secret) is True
        assert SIGNATURE.verify(hook.headers, hook.body, "another secret") is False

    (delivery,) = (await call(client, "GET", "/_mockserver/deliveries?vendor=echo"))["deliveries"]
    assert (delivery["event"], delivery["subject"], delivery["state"]) == (
        "message.decided",
        hello["id"],
        "delivered",
    )
    assert [a["status"] for a in delivery["attempts"]] == [500, 200]


async def test_the_pytest_receiver_verifies_it_through_the_vendors_scheme(
    serve: Serve, webhook_receiver: ReceiverEndpoint
) -> None:
    client = await serve(scenario(webhook_receiver))
    await send(client, "hello")
    await advance(client, "1m")
    (hook,) = webhook_receiver.received
    assert (hook.signature, hook.event) == ("valid", "message.decided")
    webhook_receiver.assert_all_verified()


async def test_a_wrong_secret_is_caught_by_the_receiver(
    serve: Serve, webhook_receiver: ReceiverEndpoint
) -> None:
    client = await serve(scenario(webhook_receiver, secret="not-the-receivers"))
    hello = await send(client, "scam offer")
    await advance(client, "30s")
    (hook,) = webhook_receiver.received
    assert hook.json()["message"]["id"] == hello["id"]
    assert hook.signature == "invalid"
    with pytest.raises(AssertionError, match="not all verified"):
        webhook_receiver.assert_all_verified()


# -- a running sandbox: the trigger CLI -------------------------------------------------------


def test_the_trigger_cli_lists_its_items_and_acts_with_its_words(
    running: str, capsys: pytest.CaptureFixture[str]
) -> None:
    message = post_message(running, "hello")
    assert main(["trigger", "--url", running, "list", "--vendor", "echo"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["VENDOR", "ID", "STATUS", "TYPE", "SUMMARY"]
    assert row.split() == ["echo", message["id"], "pending", "hello"]  # its summary
    # the verbs and their options are echo's words and settings, as the sandbox declares them
    verb = ["trigger", "--url", running, "reject", message["id"], "--reason", "by hand"]
    assert main(verb) == 0
    assert capsys.readouterr().out == f"echo {message['id']}: rejected\n"
    assert main(["trigger", "--url", running, "list", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["id"], listed["reason"], listed["actions"]) == (message["id"], "by hand", [])
    assert main(["trigger", "--url", running, "approve", message["id"]]) == 1
    assert capsys.readouterr().err == (
        "mockserver trigger: approve applies to items that are pending; this one is rejected\n"
    )


# -- journal and OpenAPI -----------------------------------------------------------------------


async def test_the_journal_filters_by_vendor(serve: Serve) -> None:
    client = await serve(scenario())
    hello = await send(client, "hello")
    await client.get(f"/echo/messages/{hello['id']}", headers=AUTH)
    await client.get("/v1/api/loops", headers=AUTH)  # a HITL call, not echo's
    journal = await call(client, "GET", "/_mockserver/journal?vendor=echo")
    assert [(e["method"], e["path"]) for e in journal["entries"]] == [
        ("POST", "/echo/messages"),
        ("GET", f"/echo/messages/{hello['id']}"),
    ]
    everything = await call(client, "GET", "/_mockserver/journal")
    assert {e["vendor"] for e in everything["entries"]} == {"echo", "hitl"}


async def test_its_openapi_description_is_served(serve: Serve) -> None:
    client = await serve(scenario())
    index = (await call(client, "GET", "/_mockserver/openapi"))["documents"]
    assert "echo" in [d["name"] for d in index]
    document = await call(client, "GET", "/_mockserver/openapi/echo")
    assert set(document["paths"]) == {"/echo/messages", "/echo/messages/{id}"}


async def test_without_registration_nothing_serves_it(
    aiohttp_client: MakeClient,
) -> None:
    client = await aiohttp_client(create_app(Settings()))
    resp = await client.post("/echo/messages", json={"text": "x"}, headers=AUTH)
    assert resp.status == 404
    assert (await resp.json())["error"] == "no emulated API serves POST /echo/messages"
