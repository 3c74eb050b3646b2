"""HITL.sh's documented variants over HTTP: each form is what the sandbox sends when chosen,
and `match_forms` recognises exactly that form in the answer (what `mockserver drift` builds
on); the defaults are the seed documents' forms; scenario, setting and control-plane choices.
"""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.base.errors import ScenarioError
from mockserver.http.settings import Settings
from mockserver.kit.variants import match_forms
from mockserver.registry import VENDORS
from mockserver.scenario.loading.loader import parse_scenario
from mockserver.vendors.hitl.variants import VARIANTS

from .conftest import API, MakeSandbox, Sandbox, scenario_text

BY_NAME = {v.name: v for v in VARIANTS}
HOOKS = '\nfaults:\n  - {webhook: "http://hooks.test/*", answers: [200, 200, 200, 200]}\n'
BODY = {
    "request_text": "Is this fine?",
    "response_type": "single_select",
    "response_config": {"options": ["Approve", "Reject"]},
    "default_response": "Reject",
    "callback_url": "http://hooks.test/hitl",
}


async def _setup(make_sandbox: MakeSandbox, forms: dict[str, str], **hitl: Any) -> Sandbox:
    return await make_sandbox(
        {"join": "on_create", "webhook_secret": "whsec", **hitl},
        extra=HOOKS,
        honest=True,
        variants=forms,
    )


async def _create(sandbox: Sandbox, loop_id: str) -> tuple[dict[str, Any], str]:
    reply = await sandbox.call("POST", f"{API}/loops/{loop_id}/requests", json_body=BODY)
    assert reply.status == 201, reply.body
    data = reply.body["data"]
    rid = data.get("request_id") or data.get("id") or data["request"]["id"]
    return reply.body, rid


@pytest.mark.parametrize("form", ["request", "request_id", "id", "merged"])
async def test_created_id_forms(make_sandbox: MakeSandbox, form: str) -> None:
    sandbox = await _setup(make_sandbox, {"hitl.created_id": form})
    answer, rid = await _create(sandbox, (await sandbox.new_loop())["id"])
    # each documented form alone is recognised; the merged answer only as `merged`
    assert match_forms(BY_NAME["hitl.created_id"], answer) == [form]
    if form == "request":
        assert answer["data"] == {"request": await sandbox.get_request(rid)}


@pytest.mark.parametrize("form", ["id", "id_and_user", "object", "email"])
async def test_response_by_forms(make_sandbox: MakeSandbox, form: str) -> None:
    sandbox = await _setup(make_sandbox, {"hitl.response_by": form})
    _, rid = await _create(sandbox, (await sandbox.new_loop())["id"])
    await sandbox.act(rid, {"respond": {"choose": "Approve", "by": "sam@example.com"}})
    req = await sandbox.get_request(rid)
    assert match_forms(BY_NAME["hitl.response_by"], req) == [form]
    if form == "email":
        assert req["response_by"] == "sam@example.com"
    elif form == "object":
        assert req["response_by"]["email"] == "sam@example.com"


@pytest.mark.parametrize("form", ["A", "B", "C", "D", "merged"])
async def test_webhook_body_forms(make_sandbox: MakeSandbox, form: str) -> None:
    sandbox = await _setup(make_sandbox, {"hitl.webhook_body": form})
    _, rid = await _create(sandbox, (await sandbox.new_loop())["id"])
    await sandbox.act(rid, {"respond": {"choose": "Approve", "by": "sam@example.com"}})
    [delivery] = await sandbox.deliveries(subject=rid)
    body = delivery["payload"]
    matched = match_forms(BY_NAME["hitl.webhook_body"], body)
    assert matched == [form]
    answer = {
        "A": lambda b: b["data"]["request"]["response_data"],
        "B": lambda b: b["response_data"],
        "C": lambda b: b["data"]["request"]["response_data"],
        "D": lambda b: b["response_data"],
        "merged": lambda b: (b["response_data"], b["data"]["request"]["response_data"])[1],
    }[form](body)
    assert answer == "Approve"


@pytest.mark.parametrize("form", ["sha256", "bare", "none"])
async def test_signature_header_forms(make_sandbox: MakeSandbox, form: str) -> None:
    sandbox = await _setup(make_sandbox, {"hitl.signature_header": form})
    _, rid = await _create(sandbox, (await sandbox.new_loop())["id"])
    await sandbox.act(rid, "cancel")
    [delivery] = await sandbox.deliveries(subject=rid)
    assert match_forms(BY_NAME["hitl.signature_header"], {"headers": delivery["headers"]}) == [form]


async def test_cancel_rule_and_join_url_and_response_decision_defaults(
    make_sandbox: MakeSandbox,
) -> None:
    sandbox = await _setup(make_sandbox, {})
    created = await sandbox.call("POST", f"{API}/loops", json_body={"name": "Team", "icon": "eye"})
    # OpenAPI CreateLoopResponse.join_url
    assert match_forms(BY_NAME["hitl.join_url"], created.body) == ["my.hitl.sh"]
    loop_id = created.body["data"]["loop"]["id"]
    _, claimed = await _create(sandbox, loop_id)
    await sandbox.act(claimed, "claim")
    cancelled = await sandbox.call("DELETE", f"{API}/requests/{claimed}")
    assert match_forms(BY_NAME["hitl.cancel_rule"], cancelled.body) == ["pending_or_claimed"]
    _, rid = await _create(sandbox, loop_id)
    await sandbox.act(rid, {"respond": {"choose": "Reject"}})
    answer = await sandbox.call("GET", f"/v1/requests/{rid}/response")
    # hitl-sh/docs.hitl.sh concepts/integrations.mdx @0e23b17 reads `status` and `decision` at
    # the top level
    assert (answer.body["status"], answer.body["decision"]) == ("completed", "rejected")
    assert answer.body["data"]["decision"] == "rejected"
    assert match_forms(BY_NAME["hitl.get_response"], answer.body) == ["decision"]


async def test_the_other_documented_forms_of_cancel_join_url_response_and_429(
    make_sandbox: MakeSandbox,
) -> None:
    forms = {
        "hitl.cancel_rule": "pending_only",
        "hitl.join_url": "hitl.sh",
        "hitl.get_response": "envelope",
        "hitl.rate_limit_body": "errors_page",
    }
    sandbox = await _setup(make_sandbox, forms, rate_limit=6)
    created = await sandbox.call("POST", f"{API}/loops", json_body={"name": "T", "icon": "eye"})
    assert match_forms(BY_NAME["hitl.join_url"], created.body) == ["hitl.sh"]
    loop_id = created.body["data"]["loop"]["id"]
    _, claimed = await _create(sandbox, loop_id)
    await sandbox.act(claimed, "claim")
    refused = await sandbox.call("DELETE", f"{API}/requests/{claimed}")
    assert match_forms(BY_NAME["hitl.cancel_rule"], refused.body) == ["pending_only"]
    await sandbox.act(claimed, {"respond": {"choose": "Approve"}})
    answer = await sandbox.call("GET", f"/v1/requests/{claimed}/response")
    assert match_forms(BY_NAME["hitl.get_response"], answer.body) == ["envelope"]
    for _ in range(3):
        limited = await sandbox.call("GET", "/v1/test")
    assert limited.status == 429
    assert match_forms(BY_NAME["hitl.rate_limit_body"], limited.body) == ["errors_page"]
    assert limited.body["data"]["reset_at"] == "2026-01-05T11:00:00Z"


async def test_the_older_request_shape_is_rejected_or_mapped_with_a_note(
    make_sandbox: MakeSandbox,
) -> None:
    older = {"content": "Some post", "content_type": "text", "priority": "normal"}
    mapped = await _setup(make_sandbox, {"hitl.older_request_shape": "mapped"})
    loop_id = (await mapped.new_loop())["id"]
    reply = await mapped.call("POST", f"{API}/loops/{loop_id}/requests", json_body=older)
    assert reply.status == 201
    [rule] = (await mapped.control("GET", "/lenience"))["rules"]
    assert rule["rule"] == "hitl.validation: request_text is required"
    rejected = await _setup(make_sandbox, {})  # the default: OpenAPI requires request_text
    loop_id = (await rejected.new_loop())["id"]
    await rejected.fail(
        "POST",
        f"{API}/loops/{loop_id}/requests",
        400,
        "Validation failed",
        "request_text is required",
        json_body=older,
    )


async def test_control_plane_lists_and_switches_forms(make_sandbox: MakeSandbox) -> None:
    sandbox = await _setup(make_sandbox, {"hitl.webhook_body": "B"})
    listed = await sandbox.control("GET", "/variants?vendor=hitl")
    by_name = {v["name"]: v for v in listed["variants"]}
    assert set(by_name) == set(BY_NAME)
    body = by_name["hitl.webhook_body"]
    assert (body["default"], body["current"]) == ("A", "B")
    assert body["evidence"].startswith("no integration receives webhooks")
    assert [f["name"] for f in body["forms"]] == ["A", "B", "C", "D", "merged"]
    assert all(f["source"] for v in listed["variants"] for f in v["forms"])
    await sandbox.control("PUT", "/variants", {"hitl.created_id": "id"})
    answer, _ = await _create(sandbox, (await sandbox.new_loop())["id"])
    assert match_forms(BY_NAME["hitl.created_id"], answer) == ["id"]
    # a reset goes back to the scenario's choice
    await sandbox.control("POST", "/reset")
    answer, _ = await _create(sandbox, (await sandbox.new_loop())["id"])
    assert match_forms(BY_NAME["hitl.created_id"], answer) == ["request_id"]


async def test_settings_choose_forms_under_the_scenario(make_sandbox: MakeSandbox) -> None:
    settings = Settings(variant="hitl.created_id=id, hitl.join_url=app.hitl.sh")
    sandbox = await make_sandbox({"join": "on_create"}, honest=True, settings=settings)
    created = await sandbox.call("POST", f"{API}/loops", json_body={"name": "T", "icon": "eye"})
    assert created.body["data"]["join_url"].startswith("https://app.hitl.sh/join/")
    answer, _ = await _create(sandbox, created.body["data"]["loop"]["id"])
    assert match_forms(BY_NAME["hitl.created_id"], answer) == ["id"]
    with pytest.raises(ValueError, match=r"MOCKSERVER_VARIANT: expected vendor\.name=form"):
        Settings(variant="hitl.created_id")


def test_a_scenario_names_variants_with_file_line_errors_and_suggestions() -> None:
    text = scenario_text(honest=True) + "variants:\n  hitl.webhook_bdy: A\n  hitl.created_id: ids\n"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "qa.yaml", VENDORS)
    lines = len(scenario_text(honest=True).splitlines())
    assert info.value.problems == [
        f"qa.yaml:{lines + 2}:3: variants.hitl.webhook_bdy: unknown key "
        "(did you mean 'hitl.webhook_body'?)",
        f"qa.yaml:{lines + 3}:20: variants.hitl.created_id: 'ids' is not one of: request, "
        "request_id, id, merged (did you mean 'id'?)",
    ]


async def test_reviewers_join_by_invite_code_step_or_delay(make_sandbox: MakeSandbox) -> None:
    rules = [{"otherwise": [{"join": {"by": "dana@example.com"}}, {"claim": {"after": "1m"}}]}]
    sandbox = await make_sandbox({"rules": rules, "strict": True}, honest=True)
    loop_id = (await sandbox.new_loop())["id"]
    _, rid = await _create_plain(sandbox, loop_id)
    await sandbox.advance("1m")
    req = await sandbox.get_request(rid)
    assert req["status"] == "claimed"  # dana joined (a step), then claimed
    members = await sandbox.ok(
        "GET", f"{API}/loops/{loop_id}/members", "Loop members retrieved successfully"
    )
    assert [m["email"] for m in members["members"]][1:] == ["dana@example.com"]

    delayed = await make_sandbox({"join": "10m"}, honest=True)
    loop_id = (await delayed.new_loop())["id"]
    path = f"{API}/loops/{loop_id}/members"
    assert (await delayed.ok("GET", path, "Loop members retrieved successfully"))[
        "total_count"
    ] == 1
    await delayed.advance("10m")
    assert (await delayed.ok("GET", path, "Loop members retrieved successfully"))[
        "total_count"
    ] == 3


async def _create_plain(sandbox: Sandbox, loop_id: str) -> tuple[dict[str, Any], str]:
    body = {k: v for k, v in BODY.items() if k != "callback_url"}
    reply = await sandbox.call("POST", f"{API}/loops/{loop_id}/requests", json_body=body)
    assert reply.status == 201, reply.body
    return reply.body, reply.body["data"]["request_id"]


async def test_a_reviewer_who_never_joined_is_auto_joined_with_a_note_or_refused_in_strict(
    make_sandbox: MakeSandbox,
) -> None:
    rules = [
        {"otherwise": [{"respond": {"after": "1m", "choose": "Approve", "by": "sam@example.com"}}]}
    ]
    lenient = await make_sandbox({"rules": rules}, honest=True)
    loop_id = (await lenient.new_loop())["id"]
    _, rid = await _create_plain(lenient, loop_id)
    await lenient.advance("1m")
    assert (await lenient.get_request(rid))["status"] == "completed"
    [rule] = (await lenient.control("GET", "/lenience"))["rules"]
    assert rule["rule"] == "hitl.reviewer_auto_joined"
    assert rule["source"].startswith(
        "hitl-sh/docs.hitl.sh api-reference/loops/loop-members.mdx @0e23b17"
    )
    assert rule["detail"].startswith("sam@example.com (test.yaml:")
    assert rule["first_call"] is None  # a scripted step, not a call

    strict = await make_sandbox({"rules": rules, "strict": True}, honest=True)
    loop_id = (await strict.new_loop())["id"]
    _, rid = await _create_plain(strict, loop_id)
    await strict.advance("1m")
    assert (await strict.get_request(rid))["status"] == "pending"
    problems = (await strict.control("GET", "/scenario"))["problems"]
    assert len(problems) == 1 and "sam@example.com is not an active member" in problems[0]
    assert (await strict.control("GET", "/lenience"))["total"] == 0


OBJECTS = {"options": [{"value": "ok", "label": "Fine"}, {"value": "bad", "label": "Not fine"}]}


@pytest.mark.parametrize(
    ("form", "config", "expected"),
    [
        ("as_configured", {"options": ["Approve", "Reject"]}, "Approve"),
        ("as_configured", OBJECTS, {"selected_value": "ok", "selected_label": "Fine"}),
        ("scalar", OBJECTS, "ok"),
        ("scalar", {"options": ["Approve", "Reject"]}, "Approve"),
        (
            "structured",
            {"options": ["Approve", "Reject"]},
            {
                "selected_value": "Approve",
                "selected_label": "Approve",
            },
        ),
    ],
)
async def test_response_data_forms(
    make_sandbox: MakeSandbox, form: str, config: dict[str, Any], expected: Any
) -> None:
    sandbox = await _setup(make_sandbox, {"hitl.response_data": form})
    loop_id = (await sandbox.new_loop())["id"]
    body = {**BODY, "response_config": config, "default_response": None}
    reply = await sandbox.call("POST", f"{API}/loops/{loop_id}/requests", json_body=body)
    rid = reply.body["data"]["request_id"]
    await sandbox.act(rid, {"respond": {"choose": 0, "by": "sam@example.com"}})
    req = await sandbox.get_request(rid)
    assert req["response_data"] == expected
    assert form in match_forms(BY_NAME["hitl.response_data"], req)


async def test_a_random_claim_picks_among_who_has_joined_the_loop_by_now(
    make_sandbox: MakeSandbox,
) -> None:
    # who of the scenario's reviewers joined is kept per loop: a reviewer joining later counts
    sandbox = await make_sandbox(
        {"rules": [{"otherwise": [{"claim": {"after": "1m"}}]}]}, honest=True
    )
    loop_id = (await sandbox.new_loop())["id"]
    await sandbox.control("POST", f"/items/hitl/{loop_id}", {"join": {"by": "dana@example.com"}})

    async def claimers(count: int) -> set[str]:
        ids = [(await _create_plain(sandbox, loop_id))[1] for _ in range(count)]
        await sandbox.advance("1m")
        return {str((await sandbox.get_request(rid))["claimed_by"]) for rid in ids}

    dana = await claimers(3)
    assert len(dana) == 1
    await sandbox.control("POST", f"/items/hitl/{loop_id}", {"join": {"by": "sam@example.com"}})
    both = await claimers(12)
    assert len(both) == 2 and dana < both
    assert (await sandbox.control("GET", "/lenience"))["total"] == 0  # nobody joined on the spot
