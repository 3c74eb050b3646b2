"""The vendor's own MCP server (github.com/hitl-sh/mcp.hitl.sh @8230553) as a client of the
sandbox: every HTTP call its `HitlClient` (lib/hitl-client.ts) makes when its test scripts
(scripts/test-all-tools.mjs, scripts/test-all-response-types.mjs) drive the MCP tools, replayed
with the same method, path, headers and body (zod's key order, `loop_id` moved to the path,
`platform` defaulted to "api" as app/mcp/route.ts does).

They pass in lenient and in strict mode, with no lenience note: what the vendor's own client
sends is what the real service accepts. The scripts read the new id as `data.id`, so the
sandbox answers in that documented form (`hitl.created_id: id`).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import KEY, MakeSandbox, Sandbox

LOOP = "65f1234567890abcdef12345"
HEADERS = {  # HitlClient.request(): Authorization, Accept, Content-Type with a body, User-Agent
    "Authorization": f"Bearer {KEY}",
    "Accept": "application/json",
    "User-Agent": "hitl-mcp-server/0.1.0",
}

# scripts/test-all-tools.mjs, test 5 (create_request)
TOOLS_REQUEST = {
    "processing_type": "deferred",
    "type": "markdown",
    "priority": "medium",
    "request_text": "MCP Server Test Request - Please review this test message",
    "response_type": "single_select",
    "response_config": {"options": ["Approve", "Reject", "Needs Changes"], "required": True},
    "default_response": "Reject",
    "platform": "api",
    "tags": ["test", "mcp-server"],
}
# scripts/test-all-tools.mjs, test 7 (update_request) and test 9 (add_request_feedback)
UPDATES = {
    "priority": "high",
    "request_text": "MCP Server Test Request - UPDATED with high priority",
}
FEEDBACK = {
    "feedback": {
        "rating": 5,
        "comment": "Test feedback from MCP server test suite",
        "accuracy": 5,
        "timeliness": 5,
        "helpfulness": 5,
        "would_recommend": True,
        "category": "positive",
    }
}
# scripts/test-all-response-types.mjs: the five requests, as zod passes them on
RESPONSE_TYPES: list[dict[str, Any]] = [
    {
        "processing_type": "deferred",
        "type": "markdown",
        "priority": "high",
        "request_text": "Please categorize this customer support ticket.",
        "response_type": "single_select",
        "response_config": {
            "options": [
                "Technical Issue",
                "Account Problem",
                "Billing Question",
                "Feature Request",
                "Other",
            ],
            "required": True,
        },
        "default_response": "Other",
        "platform": "api",
        "context": {
            "ticket_id": "TICKET-12345",
            "customer_email": "user@example.com",
            "subject": "Login issues",
        },
    },
    {
        "processing_type": "time-sensitive",
        "type": "image",
        "priority": "critical",
        "request_text": "What objects do you see in this image? Select all that apply.",
        "timeout_seconds": 900,
        "response_type": "multi_select",
        "response_config": {
            "options": [
                "Person",
                "Car",
                "Building",
                "Tree",
                "Animal",
                "Traffic Light",
                "Road Sign",
            ],
            "max_selections": 3,
            "required": True,
        },
        "default_response": ["Tree"],
        "platform": "api",
        "image_url": "https://images.unsplash.com/photo-1506905925346-21bda4d32df4",
    },
    {
        "processing_type": "deferred",
        "type": "markdown",
        "priority": "low",
        "request_text": "Please rate the quality of this AI-generated content on a scale of 1-5.",
        "response_type": "rating",
        "response_config": {"scale_max": 5},
        "default_response": 3,
        "platform": "api",
        "context": {
            "content_id": "ai_gen_123",
            "content_type": "blog_post",
            "generated_by": "gpt-4",
        },
    },
    {
        "processing_type": "time-sensitive",
        "type": "markdown",
        "priority": "medium",
        "request_text": "Please provide a summary of this article in 2-3 sentences.",
        "timeout_seconds": 1800,
        "response_type": "text",
        "response_config": {"min_length": 20, "max_length": 500},
        "default_response": "No summary provided",
        "platform": "api",
        "context": {"article_url": "https://example.com/article", "word_limit": 50},
    },
    {
        "processing_type": "time-sensitive",
        "type": "markdown",
        "priority": "medium",
        "request_text": "How many people are visible in this crowd photo?",
        "timeout_seconds": 3600,
        "response_type": "number",
        "response_config": {
            "min_value": 1,
            "max_value": 1000,
            "allow_negative": False,
            "decimal_places": 2,
        },
        "default_response": 105.5,
        "platform": "api",
        "context": {
            "event_name": "Tech Conference 2025",
            "photo_location": "Main auditorium",
            "timestamp": "2025-01-15T14:30:00Z",
        },
    },
]


async def call(sandbox: Sandbox, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One HitlClient.request(): `path` relative to https://api.hitl.sh/v1/."""
    headers = dict(HEADERS)
    raw = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        raw = json.dumps(body)
    reply = await sandbox.call(method, f"/v1/{path}", raw=raw, headers=headers, key=None)
    return reply.status, reply.body


@pytest.fixture(params=[False, True], ids=["lenient", "strict"])
async def mcp_sandbox(request: pytest.FixtureRequest, make_sandbox: MakeSandbox) -> Sandbox:
    # The scripts use the account's first loop, one with reviewers (made in the dashboard).
    hitl = {"strict": request.param, "loops": [{"id": LOOP, "name": "Support"}]}
    return await make_sandbox(hitl, honest=True, variants={"hitl.created_id": "id"})


async def test_the_tool_scripts_calls_pass(mcp_sandbox: Sandbox) -> None:
    sandbox = mcp_sandbox
    assert (await call(sandbox, "GET", "test"))[0] == 200  # getAuthInfoForToken
    status, loops = await call(sandbox, "GET", "api/loops")
    assert status == 200 and loops["data"]["loops"][0]["id"] == LOOP
    assert (await call(sandbox, "GET", "api/requests"))[0] == 200
    status, pending = await call(sandbox, "GET", "api/requests?status=pending&limit=5")
    assert status == 200 and pending["data"]["count"] == 0

    status, created = await call(sandbox, "POST", f"api/loops/{LOOP}/requests", TOOLS_REQUEST)
    assert status == 201, created
    new_id = created["data"]["id"]  # what the script reads
    status, got = await call(sandbox, "GET", f"api/requests/{new_id}")
    assert status == 200 and got["data"]["request"]["tags"] == ["test", "mcp-server"]
    status, updated = await call(sandbox, "PATCH", f"api/requests/{new_id}", UPDATES)
    assert status == 200, updated
    assert updated["data"]["request"]["priority"] == "high"
    status, cancelled = await call(sandbox, "DELETE", f"api/requests/{new_id}")
    assert status == 200 and cancelled["data"]["status"] == "cancelled"
    # the script expects this one to fail ("request may need to be completed first")
    status, refused = await call(sandbox, "POST", f"api/requests/{new_id}/feedback", FEEDBACK)
    assert (status, refused["msg"]) == (400, "Feedback can only be added to completed requests")

    assert await sandbox.control("GET", "/lenience") == {"rules": [], "total": 0}


async def test_the_response_type_scripts_calls_pass(mcp_sandbox: Sandbox) -> None:
    sandbox = mcp_sandbox
    assert (await call(sandbox, "GET", "api/loops"))[0] == 200
    ids = []
    for body in RESPONSE_TYPES:
        status, created = await call(sandbox, "POST", f"api/loops/{LOOP}/requests", body)
        assert status == 201, (body["response_type"], created)
        ids.append(created["data"]["id"])
    for request_id in ids:
        status, cancelled = await call(sandbox, "DELETE", f"api/requests/{request_id}")
        assert status == 200, cancelled
    assert await sandbox.control("GET", "/lenience") == {"rules": [], "total": 0}
