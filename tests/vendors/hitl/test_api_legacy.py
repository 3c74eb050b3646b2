"""The older request shape of the seed requests page (https://docs.hitl.sh/concepts/requests as
of hitl-sh/docs.hitl.sh concepts/requests.mdx @cce3de9; requests/introduction.mdx there has the
same examples): mapped onto the current shape and returned as sent, under the variants that page
needs, declared here (`SEED_FORMS`): `hitl.older_request_shape: mapped` (the default refuses the
shape, as the OpenAPI requires `request_text`) and `hitl.get_response: decision`. The seed's own
`submit_request` / `get_request_response` run unchanged (but for the host) against the sandbox's
real port, with `requests` in a worker thread."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import API, KEY, MakeSandbox, Sandbox

FLOW = Path(__file__).resolve().parents[2] / "data" / "hitl_requests_flow.py"
FAILED = "Validation failed"
# The forms the seed page's code needs: its body shape, and `response.decision` off /response.
SEED_FORMS = {"hitl.older_request_shape": "mapped", "hitl.get_response": "decision"}


@pytest.fixture
async def sandbox(make_sandbox: MakeSandbox) -> Sandbox:
    return await make_sandbox(variants=SEED_FORMS)


def load_flow(sandbox: Sandbox) -> ModuleType:
    """The seed's code as a module, pointed at the sandbox."""
    spec = importlib.util.spec_from_file_location("hitl_requests_flow", FLOW)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # The seed's module-level settings, as its README tells a user to edit them.
    setattr(module, "BASE_URL", f"http://{sandbox.client.host}:{sandbox.client.port}/v1")  # noqa: B010
    setattr(module, "API_KEY", KEY)  # noqa: B010
    return module


async def in_thread(fn: Any, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


# (seed example, fields of the current shape it maps onto)
MAPPED = {
    "text_request": {"type": "markdown", "request_text": "User submitted comment text"},
    "image_request": {
        "type": "image",
        "request_text": "Review this image",
        "image_url": "data:image/png;base64,base64_encoded_image_data",
    },
    "video_request": {
        "type": "video",
        "request_text": "Review this video",
        "video_url": "data:video/mp4;base64,video_file_url",
    },
    "document_request": {
        "type": "file",
        "request_text": "Review this document",
        "file_url": "data:application/octet-stream;base64,document_file_url",
    },
}


@pytest.mark.parametrize("example", sorted(MAPPED))
async def test_seed_examples_are_accepted_and_returned_as_sent(
    sandbox: Sandbox, loop_id: str, example: str
) -> None:
    flow = load_flow(sandbox)
    sent: dict[str, Any] = getattr(flow, example)
    created = await in_thread(flow.submit_request, loop_id, sent)
    assert (created["error"], created["msg"]) == (
        False,
        "Request created and broadcasted successfully",
    )
    req = created["data"]["request"]
    assert created["data"]["request_id"] == req["id"]
    for key, value in sent.items():
        assert req[key] == value, key
    for key, value in MAPPED[example].items():
        assert req[key] == value, key
    assert req["priority"] == created["data"]["priority"] == "medium"
    assert req["response_type"] == "single_select"
    assert await sandbox.get_request(req["id"]) == req


async def test_required_and_optional_fields_round_trip(sandbox: Sandbox, loop_id: str) -> None:
    flow = load_flow(sandbox)
    sent = {**flow.REQUIRED_FIELDS, **flow.OPTIONAL_FIELDS, "loop_id": loop_id}
    created = await in_thread(flow.submit_request, loop_id, sent)
    data = created["data"]
    req = data["request"]
    for key in ("content", "content_type", "priority", "ai_analysis", "metadata", "context"):
        assert req[key] == sent[key], key
    # "urgent" is returned as sent; the current-shape summary and filters use "critical".
    assert (req["priority"], data["priority"]) == ("urgent", "critical")
    listed = await sandbox.ok(
        "GET", f"{API}/requests?priority=critical", "Requests retrieved successfully"
    )
    assert [r["id"] for r in listed["requests"]] == [req["id"]]
    assert listed["requests"][0]["priority"] == "urgent"


async def test_seed_polls_the_response_until_decided(sandbox: Sandbox, loop_id: str) -> None:
    flow = load_flow(sandbox)
    rid = (await in_thread(flow.submit_request, loop_id, flow.text_request))["data"]["request_id"]
    assert await in_thread(flow.get_request_response, rid) is None  # 202: not ready yet
    await sandbox.advance("3m")
    await sandbox.act(rid, {"respond": {"choose": "Needs Changes", "by": "dana@example.com"}})
    answer = await in_thread(flow.get_request_response, rid)
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    assert (answer["error"], answer["msg"]) == (False, "Response retrieved successfully")
    assert (answer["status"], answer["decision"]) == ("completed", "needs_changes")
    data = answer["data"]
    assert (data["request_id"], data["status"], data["response_data"]) == (
        rid,
        "completed",
        "Needs Changes",
    )
    assert (data["response_by"]["email"], data["response_time_seconds"]) == (
        "dana@example.com",
        180,
    )


async def test_seed_submit_raises_on_an_error_answer(sandbox: Sandbox) -> None:
    flow = load_flow(sandbox)
    with pytest.raises(Exception, match="Loop not found"):
        await in_thread(flow.submit_request, "65f1234567890abcdef99999", flow.text_request)


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({"content_type": "audio"}, "content_type must be one of: text, image, video, document"),
        ({"priority": "asap"}, "priority must be one of: low, normal, high, urgent"),
        ({"priority": 2}, "priority must be one of: low, normal, high, urgent"),
        ({"content": None}, "content is required"),
        ({"content": 42}, "content must be a string"),
        ({"content": ""}, "content must be at least 1 characters"),
        ({"content": "x" * 2001}, "content must be between 1 and 2000 characters"),
        ({"ai_analysis": [0.7]}, "ai_analysis must be an object"),
        ({"metadata": "user_123"}, "metadata must be an object"),
    ],
)
async def test_older_shape_validation(
    sandbox: Sandbox, loop_id: str, fields: dict[str, Any], detail: str
) -> None:
    body = {"content": "User comment", "content_type": "text", "priority": "normal", **fields}
    await sandbox.fail("POST", f"/v1/loops/{loop_id}/requests", 400, FAILED, detail, json_body=body)


async def test_strict_mode_takes_only_the_current_shape(make_sandbox: MakeSandbox) -> None:
    sandbox = await make_sandbox({"strict": True})
    loop_id = (await sandbox.new_loop())["id"]
    body = {"content": "User comment", "content_type": "text", "priority": "normal"}
    await sandbox.fail(
        "POST",
        f"/v1/loops/{loop_id}/requests",
        400,
        FAILED,
        "request_text is required",
        json_body=body,
    )


async def test_patch_of_a_field_sent_in_the_older_shape(sandbox: Sandbox, loop_id: str) -> None:
    body = {"content": "User comment", "content_type": "text", "priority": "normal"}
    created = await sandbox.ok(
        "POST",
        f"/v1/loops/{loop_id}/requests",
        "Request created and broadcasted successfully",
        201,
        json_body=body,
    )
    rid = created["request_id"]
    assert created["request"]["priority"] == "normal"
    # The sandbox's own message (docs/fidelity.md: "Messages the docs do not give").
    data = await sandbox.ok(
        "PATCH",
        f"/v1/requests/{rid}",
        "Request updated successfully",
        json_body={"priority": "high"},
    )
    assert (data["request"]["priority"], data["request"]["content"]) == ("high", "User comment")
    assert await sandbox.get_request(rid) == data["request"]
    for priority, found in (("high", [rid]), ("medium", [])):
        listed = await sandbox.ok(
            "GET", f"{API}/requests?priority={priority}", "Requests retrieved successfully"
        )
        assert [r["id"] for r in listed["requests"]] == found
