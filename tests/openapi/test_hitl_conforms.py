"""HITL.sh answers conform to the sandbox's own description
(mockserver/vendors/hitl/openapi.yaml), for a success and an error of every operation, at both
path forms."""

from __future__ import annotations

import io
from typing import Any

import pytest

from .conftest import BASE_SCENARIO, Client, MakeClient, control
from .described import Described

KEY = "hitl-openapi-key"
STRANGER = "hitl-openapi-stranger"
# The older request shape is described too: its named form (`mapped`) answers it.
SCENARIO = (
    BASE_SCENARIO
    + f"hitl: {{keys: [{KEY}, {STRANGER}], join: on_create}}\n"
    + "variants: {hitl.older_request_shape: mapped}\n"
)
MISSING = "65f1234567890abcdef99999"
BODIES: list[tuple[str, dict[str, Any], Any, Any]] = [
    ("single_select", {"options": ["Approve", "Reject"]}, "Reject", {"choose": "Approve"}),
    (
        "single_select",
        {"options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
        "b",
        {"choose": "a"},
    ),
    ("multi_select", {"options": ["Spam", "Fine"]}, ["Fine"], {"choose_many": ["Spam"]}),
    ("rating", {"scale_min": 1, "scale_max": 5}, 3, {"rating": 4}),
    ("rating", {"min": 1, "max": 10}, 5, {"rating": 7}),
    ("number", {"min_value": 0, "max_value": 10}, 0, {"number": 7}),
    ("boolean", {"true_label": "Yes", "false_label": "No"}, False, {"boolean": True}),
    ("boolean", {}, False, {"boolean": True}),
    ("text", {"max_length": 100}, "none", {"text": "Fine by me"}),
]


def _body(kind: str, config: dict[str, Any], default: Any) -> dict[str, Any]:
    return {
        "processing_type": "time-sensitive",
        "type": "markdown",
        "priority": "high",
        "request_text": f"A {kind} question",
        "response_type": kind,
        "response_config": config,
        "default_response": default,
        "timeout_seconds": 600,
        "platform": "api",
        "context": {"post": 1},
        "metadata": {"source": "app"},
        "tags": ["a"],
        "callback_url": "https://example.com/hook",
    }


async def _created(api: Described, loop_id: str, body: dict[str, Any]) -> str:
    answer = await api.call(
        "POST", "/loops/{loop_id}/requests", 201, path={"loop_id": loop_id}, json_body=body
    )
    request_id: str = answer.body["data"]["request_id"]  # hitl.created_id default (request_id)
    return request_id


@pytest.mark.parametrize("server", ["/v1/api", "/v1"])
async def test_every_operation_answers_as_described(make_client: MakeClient, server: str) -> None:
    client: Client = await make_client(SCENARIO)
    api = Described("hitl", client, headers={"Authorization": f"Bearer {KEY}"}, server=server)
    stranger = {"Authorization": f"Bearer {STRANGER}"}

    await api.call("GET", "/test", 200)
    await api.call("GET", "/test", 400, query={"verbose": "1"})

    loop = await api.call("POST", "/loops", 201, json_body={"name": "Team", "icon": "eye"})
    loop_id = loop.body["data"]["loop"]["id"]
    ids = {"loop_id": loop_id}
    await api.call("POST", "/loops", 400, json_body={"icon": "eye"})
    await api.call("GET", "/loops", 200)
    await api.call("GET", "/loops", 401, headers={"Authorization": ""})
    await api.call("GET", "/loops/{loop_id}", 200, path=ids)
    await api.call("GET", "/loops/{loop_id}", 404, path={"loop_id": MISSING})
    await api.call("GET", "/loops/{loop_id}", 403, path=ids, headers=stranger)
    await api.call("PUT", "/loops/{loop_id}", 200, path=ids, json_body={"description": "Ours"})
    await api.call("PUT", "/loops/{loop_id}", 400, path=ids, json_body={})
    members = await api.call("GET", "/loops/{loop_id}/members", 200, path=ids)
    await api.call("GET", "/loops/{loop_id}/members", 400, path={"loop_id": "not-an-id"})
    creator, reviewer = (m["user_id"] for m in members.body["data"]["members"][:2])
    member = {**ids, "user_id": reviewer}
    await api.call("DELETE", "/loops/{loop_id}/members/{user_id}", 200, path=member)
    creator_path = {**ids, "user_id": creator}
    await api.call("DELETE", "/loops/{loop_id}/members/{user_id}", 400, path=creator_path)

    decided = []
    for kind, config, default, action in BODIES:
        request_id = await _created(api, loop_id, _body(kind, config, default))
        await control(client, "POST", f"/items/hitl/{request_id}", {"respond": action})
        decided.append(request_id)
    await api.call(
        "POST", "/loops/{loop_id}/requests", 400, path=ids, json_body={"request_text": ""}
    )
    image = {"type": "image", "image_url": "https://example.com/a.png", "request_text": "Look"}
    claimed = await _created(api, loop_id, image)
    await control(client, "POST", f"/items/hitl/{claimed}", "claim")
    older = {"content": "https://example.com/v.mp4", "content_type": "video", "priority": "urgent"}
    legacy = await _created(api, loop_id, older)
    late = await _created(api, loop_id, {"request_text": "Late", "default_response": "Reject"})
    await control(client, "POST", f"/items/hitl/{late}", "timeout")
    pending = await _created(api, loop_id, {"request_text": "Still open"})

    for request_id in (*decided, claimed, legacy, late, pending):
        await api.call("GET", "/requests/{request_id}", 200, path={"request_id": request_id})
    await api.call("GET", "/requests/{request_id}", 404, path={"request_id": MISSING})
    listed = await api.call("GET", "/requests", 200, query={"limit": "3", "sort": "status_asc"})
    assert listed.body["data"]["has_more"] is True
    await api.call("GET", "/requests", 400, query={"status": "lost"})
    # Found by fuzzing: an offset past 2**53 - 1 used to be a 500 (next_offset overflowed).
    await api.call("GET", "/requests", 400, query={"offset": str(2**64)})
    await api.call("GET", "/loops/{loop_id}/requests", 200, path=ids, query={"priority": "high"})
    await api.call("GET", "/loops/{loop_id}/requests", 404, path={"loop_id": MISSING})

    on_pending = {"request_id": pending}
    await api.call("PATCH", "/requests/{request_id}", 200, path=on_pending, json_body={"tags": []})
    await api.call("PATCH", "/requests/{request_id}", 400, path=on_pending, json_body={})
    await api.call("GET", "/requests/{request_id}/response", 202, path=on_pending)
    await api.call("GET", "/requests/{request_id}/response", 202, path={"request_id": claimed})
    for request_id in (decided[0], late):
        await api.call(
            "GET", "/requests/{request_id}/response", 200, path={"request_id": request_id}
        )
    feedback = {"feedback": {"rating": 5, "comment": "Great", "category": "positive"}}
    on_decided = {"request_id": decided[0]}
    await api.call(
        "POST", "/requests/{request_id}/feedback", 200, path=on_decided, json_body=feedback
    )
    await api.call(
        "POST", "/requests/{request_id}/feedback", 400, path=on_decided, json_body=feedback
    )
    await api.call("DELETE", "/requests/{request_id}", 200, path=on_pending)
    await api.call("DELETE", "/requests/{request_id}", 200, path={"request_id": claimed})
    await api.call("DELETE", "/requests/{request_id}", 400, path=on_pending)
    await api.call("GET", "/requests/{request_id}/response", 400, path=on_pending)
    await api.call("GET", "/requests/{request_id}", 403, path=on_pending, headers=stranger)

    await api.call("DELETE", "/loops/{loop_id}", 403, path=ids, headers=stranger)
    await api.call("DELETE", "/loops/{loop_id}", 200, path=ids)
    api.assert_covered()


@pytest.mark.parametrize(
    "body",
    [
        {"content": "Older shape", "priority": None, "content_type": None, "ai_analysis": None},
        {"content": "aGVsbG8=", "content_type": "image", "priority": "normal"},
        {"content": "https://example.com/doc.pdf", "content_type": "document"},
        {"request_text": "Nulls", "metadata": None, "context": None, "callback_url": None},
        {"request_text": "Later", "processing_type": "deferred", "priority": None},
        {"request_text": "Hear", "type": "audio", "audio_url": "data:audio/mp3;base64,AA"},
        {"request_text": "See", "type": "file", "file_url": "https://e.com/f", "file_name": "f"},
    ],
)
async def test_request_variants_are_described(
    make_client: MakeClient, body: dict[str, Any]
) -> None:
    client = await make_client(SCENARIO)
    api = Described("hitl", client, headers={"Authorization": f"Bearer {KEY}"})
    loop = await api.call("POST", "/loops", 201, json_body={"name": "Team"})
    made = await _created(api, loop.body["data"]["loop"]["id"], body)
    await api.call("GET", "/requests/{request_id}", 200, path={"request_id": made})


async def test_rate_limited_answers_are_described(make_client: MakeClient) -> None:
    client = await make_client(BASE_SCENARIO + "hitl: {rate_limit: 2}\n")
    api = Described("hitl", client, headers={"Authorization": "Bearer k"})
    await api.call("GET", "/test", 200)
    await api.call("GET", "/loops", 200)
    for method, template in (("GET", "/test"), ("POST", "/loops"), ("GET", "/requests")):
        answer = await api.call(method, template, 429, json_body={"name": "x"})
        assert answer.body["data"]["remaining"] == 0


async def test_a_body_over_the_limit_is_described(make_client: MakeClient) -> None:
    client = await make_client(BASE_SCENARIO)
    api = Described("hitl", client, headers={"Authorization": "Bearer k"})
    await api.call("POST", "/loops", 413, data=io.BytesIO(b"x" * (1024 * 1024 + 1)))


def test_the_checker_is_not_vacuous() -> None:
    """A documented answer with one field wrong, missing or extra is rejected."""
    api = Described("hitl", client=None)  # type: ignore[arg-type]
    _, pointer = api.response("GET", "/test", 200)
    schema = pointer + "/content/application~1json/schema"
    good: dict[str, Any] = {
        "error": False,
        "msg": "API key is valid",
        "data": {
            "api_key_id": "0" * 24,
            "user_id": "1" * 24,
            "email": "a@example.com",
            "account_status": "active",
            "rate_limit": {"limit": 5, "remaining": 4, "reset_at": "2026-01-05T11:00:00Z"},
            "permissions": [],
        },
    }
    assert api.problems(schema, good) == []
    for bad in (
        {**good, "error": True},
        {**good, "extra": 1},
        {**good, "data": {**good["data"], "user_id": "not-hex"}},
        {**good, "data": {**good["data"], "rate_limit": {"limit": 5, "remaining": 4}}},
        {**good, "data": {**good["data"], "email": "not an e-mail"}},
    ):
        assert api.problems(schema, bad) != [], bad


async def test_a_huge_integer_in_metadata_is_echoed(make_client: MakeClient) -> None:
    client = await make_client(SCENARIO)
    api = Described("hitl", client, headers={"Authorization": f"Bearer {KEY}"})
    loop = await api.call("POST", "/loops", 201, json_body={"name": "Team"})
    body = {"request_text": "Big", "metadata": {"n": 2**64}}
    await _created(api, loop.body["data"]["loop"]["id"], body)
