"""The six HITL.sh response types end to end over HTTP: legacy and structured configs, answers in
the request's own form, `default_response` checks, and lenient vs strict mode (responses/*.mdx and
api-reference/requests/create-request.mdx; pages cited by path are in
github.com/hitl-sh/docs.hitl.sh @0e23b17)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import API, MakeSandbox, Sandbox

CONFIG = "Invalid response configuration"
FAILED = "Validation failed"

# (response_type, response_config, reviewer action, response_data as returned)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], Any]] = [
    ("text", {}, {"text": "Looks fine"}, "Looks fine"),
    ("text", {"max_length": 50, "placeholder": "Why?"}, {"text": "Looks fine"}, "Looks fine"),
    ("single_select", {"options": ["Approve", "Reject"]}, {"choose": "Reject"}, "Reject"),
    (
        "single_select",
        {
            "options": [
                {"value": "approve", "label": "✅ Approve"},
                {"value": "reject", "label": "❌"},
            ]
        },
        {"choose": "approve"},
        {"selected_value": "approve", "selected_label": "✅ Approve"},
    ),
    (
        "multi_select",
        {"options": ["Spam", "Abuse", "Fine"]},
        {"choose_many": ["Abuse", "Spam"]},
        ["Spam", "Abuse"],
    ),
    (
        "multi_select",
        {
            "options": [{"value": "spam", "label": "Spam"}, {"value": "abuse", "label": "Abuse"}],
            "min_selections": 1,
            "max_selections": 2,
        },
        {"choose_many": ["abuse"]},
        {"selected_values": ["abuse"], "selected_labels": ["Abuse"]},
    ),
    ("rating", {"min": 1, "max": 5}, {"rating": 4}, 4),
    (
        "rating",
        {"scale_min": 1, "scale_max": 10, "scale_step": 0.5, "labels": {"1": "Poor", "7": "Good"}},
        {"rating": 7.5},
        {"rating": 7.5, "rating_label": "Good"},
    ),
    ("number", {"min": 0, "max": 1000}, {"number": 299.99}, 299.99),
    (
        "number",
        {"min_value": 0, "max_value": 1000, "decimal_places": 2, "prefix": "$", "suffix": " USD"},
        {"number": 299.99},
        {"number": 299.99, "formatted_value": "$299.99 USD"},
    ),
    ("boolean", {}, {"boolean": True}, True),
    (
        "boolean",
        {"true_label": "Safe", "false_label": "Unsafe"},
        {"boolean": False},
        {"boolean": False, "boolean_label": "Unsafe"},
    ),
]


@pytest.mark.parametrize(("kind", "config", "action", "expected"), CASES)
async def test_answer_comes_back_in_the_form_the_request_used(
    sandbox: Sandbox,
    loop_id: str,
    kind: str,
    config: dict[str, Any],
    action: dict[str, Any],
    expected: Any,
) -> None:
    created = await sandbox.new_request(
        loop_id, response_type=kind, response_config=config, default_response=None
    )
    rid = created["id"]
    assert created["request"]["response_type"] == kind
    assert created["request"]["response_config"] == config
    await sandbox.advance("4m")
    await sandbox.act(rid, {"respond": {**action, "by": "dana@example.com"}})
    req = await sandbox.get_request(rid)
    assert req["status"] == "completed"
    assert req["response_data"] == expected
    assert req["response_time_seconds"] == 240
    answer = await sandbox.ok(
        "GET", f"/v1/requests/{rid}/response", "Response retrieved successfully"
    )
    # hitl.response_by (default id_and_user): the user id, as get-request.mdx shows, and the
    # person the n8n node reads
    assert answer["response_by"]["email"] == "dana@example.com"
    assert req["response_by"] == answer["response_by"]["user_id"]
    assert req["response_by_user"] == answer["response_by"]
    assert (answer["response_type"], answer["response_data"]) == (kind, expected)


async def test_callback_carries_the_answer_in_the_request_form(make_sandbox: MakeSandbox) -> None:
    hooks = '\nfaults:\n  - {webhook: "http://hooks.test/*", answers: [200, 200]}\n'
    sandbox = await make_sandbox({"webhook_secret": "whsec_test"}, extra=hooks)
    loop_id = (await sandbox.new_loop())["id"]
    options = [{"value": "ok", "label": "Fine"}, {"value": "bad", "label": "Not fine"}]
    rid = (
        await sandbox.new_request(
            loop_id,
            response_config={"options": options},
            default_response="bad",
            callback_url="http://hooks.test/hitl",
        )
    )["id"]
    await sandbox.act(rid, {"respond": {"choose": "Not fine"}})
    [delivery] = await sandbox.deliveries(subject=rid)
    assert (delivery["event"], delivery["url"], delivery["state"]) == (
        "request.completed",
        "http://hooks.test/hitl",
        "delivered",
    )
    payload = delivery["payload"]
    answer = {"selected_value": "bad", "selected_label": "Not fine"}
    # hitl.webhook_body A (default): the quickstart's handler reads data.request
    assert payload["data"]["request"]["response_data"] == answer
    assert payload["data"]["reviewer"]["email"] in ("dana@example.com", "sam@example.com")
    assert delivery["headers"]["X-HITL-Signature-256"].startswith("sha256=")


async def test_timeout_applies_the_default_response(sandbox: Sandbox, loop_id: str) -> None:
    rid = (
        await sandbox.new_request(
            loop_id,
            response_type="rating",
            response_config={"scale_max": 5},
            default_response=3,
            timeout_seconds=600,
        )
    )["id"]
    await sandbox.advance("9m59s")
    assert (await sandbox.get_request(rid))["status"] == "pending"
    await sandbox.advance("1s")
    req = await sandbox.get_request(rid)
    assert (req["status"], req["default_response"], req["response_data"]) == ("timeout", 3, None)
    assert req["timed_out_at"] == "2026-01-05T10:10:00Z"
    answer = await sandbox.ok(
        "GET", f"/v1/requests/{rid}/response", "Response retrieved successfully"
    )
    assert (answer["response_data"], answer["is_default_response"]) == (3, True)


# (response_type, response_config, default_response, data of the 400 in strict mode,
#  whether lenient mode accepts it)
DEFAULTS: list[tuple[str, dict[str, Any], Any, str, bool]] = [
    (
        "single_select",
        {"options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
        "c",
        "default_response must be one of the options: a, b",
        False,
    ),
    (
        "multi_select",
        {"options": ["Spam", "Fine"]},
        "Spam",
        "default_response must be an array of option values",
        True,
    ),
    (
        "multi_select",
        {"options": ["Spam", "Fine"]},
        ["Nope"],
        "default_response must be one of the options: Spam, Fine",
        False,
    ),
    (
        "rating",
        {"scale_min": 1, "scale_max": 10},
        11,
        "default_response 11 is outside the scale 1-10",
        False,
    ),
    (
        "rating",
        {"scale_min": 1, "scale_max": 5},
        2.5,
        "default_response 2.5 is not on a step of 1 from 1",
        True,
    ),
    ("number", {"min_value": 0, "max_value": 10}, "5", "default_response must be a number", False),
    (
        "number",
        {"min_value": 0, "max_value": 10},
        -1,
        "default_response must not be negative",
        False,
    ),
    ("boolean", {}, "yes", "default_response must be true or false", True),
    ("boolean", {}, 1, "default_response must be true or false", False),
    ("text", {"max_length": 10}, 5, "default_response must be a string", False),
    ("text", {"max_length": 10}, "x" * 11, "default_response must be at most 10 characters", False),
]


@pytest.mark.parametrize(("kind", "config", "default", "problem", "lenient_ok"), DEFAULTS)
async def test_default_response_is_checked_against_the_type(
    make_sandbox: MakeSandbox,
    kind: str,
    config: dict[str, Any],
    default: Any,
    problem: str,
    lenient_ok: bool,
) -> None:
    body = {
        "processing_type": "time-sensitive",
        "type": "markdown",
        "priority": "low",
        "request_text": "Check",
        "response_type": kind,
        "response_config": config,
        "default_response": default,
        "timeout_seconds": 600,
        "platform": "api",
    }
    for strict in (True, False):
        sandbox = await make_sandbox({"strict": strict})
        path = f"{API}/loops/{(await sandbox.new_loop())['id']}/requests"
        if strict or not lenient_ok:
            await sandbox.fail("POST", path, 400, FAILED, problem, json_body=body)
        else:
            req = (await sandbox.new_request(path.split("/")[-2], **body))["request"]
            assert req["default_response"] == default


BASE = {
    "processing_type": "time-sensitive",
    "type": "markdown",
    "priority": "low",
    "request_text": "Check",
    "response_type": "single_select",
    "response_config": {"options": ["Approve", "Reject"]},
    "default_response": "Reject",
    "timeout_seconds": 3600,
    "platform": "api",
}

# (body changes, 400 msg and data in strict mode, what lenient mode makes of it)
STRICTNESS: list[tuple[dict[str, Any], str, str, dict[str, Any]]] = [
    (
        {"processing_type": "deferred", "timeout_seconds": 7 * 86400},
        FAILED,
        "timeout_seconds must be between 60 and 86400",
        {"timeout_at": "2026-01-12T10:00:00Z"},
    ),
    (
        {"platform": "cli"},
        FAILED,
        "platform must be one of: n8n, zapier, web_portal, api, mobile, webhook",
        {"platform": "cli"},
    ),
    ({"source": "crm"}, FAILED, "unknown field: source", {"status": "pending"}),
    (
        {"response_type": "text", "response_config": {}, "default_response": "n/a"},
        CONFIG,
        "max_length is required",
        {"response_config": {}},
    ),
    (
        {"response_config": {"options": ["Only"]}, "default_response": "Only"},
        CONFIG,
        "options must have 2-20 items",
        {"response_config": {"options": ["Only"]}},
    ),
    (
        {"response_type": "number", "response_config": {"min_value": 0}, "default_response": 1},
        CONFIG,
        "max_value is required",
        {"response_config": {"min_value": 0}},
    ),
]


@pytest.mark.parametrize(("changes", "msg", "detail", "lenient"), STRICTNESS)
async def test_strict_mode_enforces_what_lenient_mode_notes(
    make_sandbox: MakeSandbox,
    changes: dict[str, Any],
    msg: str,
    detail: str,
    lenient: dict[str, Any],
) -> None:
    strict = await make_sandbox({"strict": True})
    loop_id = (await strict.new_loop())["id"]
    body = {k: v for k, v in {**BASE, **changes}.items() if v is not None}
    path = f"{API}/loops/{loop_id}/requests"
    await strict.fail("POST", path, 400, msg, detail, json_body=body)
    base_strict: dict[str, Any] = {
        k: v for k, v in BASE.items() if k not in changes or changes[k] is not None
    }
    await strict.new_request(loop_id, **base_strict)  # the complete body is fine
    assert (await strict.control("GET", "/lenience"))["total"] == 0
    lenient_box = await make_sandbox()
    lenient_loop = (await lenient_box.new_loop())["id"]
    data = await lenient_box.ok(
        "POST",
        f"{API}/loops/{lenient_loop}/requests",
        "Request created and broadcasted successfully",
        201,
        json_body=body,
    )
    for key, value in lenient.items():
        assert data["request"][key] == value, key
    # Accepted, with a lenience note saying what the real service answers and why.
    report = await lenient_box.control("GET", "/lenience")
    [rule] = report["rules"]
    assert rule["real"] == f"answer 400 {msg}: {detail}"
    assert rule["source"].startswith(
        "hitl-sh/docs.hitl.sh api-reference/requests/create-request.mdx"
    )
    assert (rule["count"], rule["first_call"]["method"]) == (1, "POST")
    [entry] = (await lenient_box.control("GET", "/journal?method=POST&path=*/requests"))["entries"]
    assert [n["rule"] for n in entry["lenience"]] == [rule["rule"]]
    assert rule["first_call"]["seq"] == entry["seq"]


# Fields openapi marks required that the vendor's own samples omit: strict fills them in too.
SAMPLE_WINS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"timeout_seconds": None}, {"timeout_at": "2026-01-05T11:00:00Z", "timeout_seconds": 3600}),
    ({"platform": None}, {"platform": "api"}),
    ({"priority": None}, {"priority": "medium"}),
    ({"type": None}, {"type": "markdown"}),
    ({"default_response": None}, {"default_response": None}),
    (
        {"response_type": "rating", "response_config": {"scale_max": 5}, "default_response": 3},
        {"response_config": {"scale_max": 5}},
    ),
]


@pytest.mark.parametrize(("changes", "made"), SAMPLE_WINS)
async def test_strict_mode_accepts_what_the_vendors_samples_send(
    make_sandbox: MakeSandbox, changes: dict[str, Any], made: dict[str, Any]
) -> None:
    body = {k: v for k, v in {**BASE, **changes}.items() if v is not None}
    for strict in (True, False):
        sandbox = await make_sandbox({"strict": strict})
        loop_id = (await sandbox.new_loop())["id"]
        data = await sandbox.new_request(loop_id, **{k: None for k in BASE} | body)
        for key, value in made.items():
            assert data["request"][key] == value, key
        assert (await sandbox.control("GET", "/lenience"))["total"] == 0


async def test_lenient_mode_defaults_a_bare_request(sandbox: Sandbox, loop_id: str) -> None:
    data = await sandbox.ok(
        "POST",
        f"{API}/loops/{loop_id}/requests",
        "Request created and broadcasted successfully",
        201,
        json_body={"request_text": "Anything wrong here?"},
    )
    req = data["request"]
    assert (req["response_type"], req["processing_type"], req["priority"]) == (
        "single_select",
        "time-sensitive",
        "medium",
    )
    assert req["response_config"] == {"options": ["Approve", "Reject", "Needs Changes", "Escalate"]}
    await sandbox.act(req["id"], {"respond": {"choose": "Escalate"}})
    assert (await sandbox.get_request(req["id"]))["response_data"] == "Escalate"
