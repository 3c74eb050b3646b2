"""The vendor's own MCP server as a client of the sandbox.

Facts, from github.com/hitl-sh/mcp.hitl.sh at commit 8230553b33d65f094171f439e79f0d0f183ebf5f:

- `lib/hitl-client.ts` (`HitlClient`, base `https://api.hitl.sh/v1/`): every call sends
  `Authorization: Bearer <key>`, `Accept: application/json`, `Content-Type: application/json`
  when it has a body, and `User-Agent` (`app/mcp/route.ts` gives `hitl-mcp-server/0.1.0`); paths
  `test`, `api/loops`, `api/loops/{loopId}/requests` (POST), `api/requests` (with `status`,
  `priority`, `loop_id`, `limit`, `offset`, `sort`), `api/requests/{id}` (GET, PATCH, DELETE),
  `api/requests/{id}/feedback` (POST). A non-2xx answer becomes an error with `body.msg`.
- `scripts/claude-desktop-server.mjs`: the Claude Desktop server's own `HitlClient`, the same
  calls with `User-Agent: hitl-mcp-stdio-server/0.1.0`.
- `app/mcp/route.ts`: `create_request` re-parses its input with zod (`createRequestFieldsSchema`:
  the body keys come out in that schema's order), moves `loop_id` to the path and defaults
  `platform` to "api". What the tools read: `getAuthInfoForToken` `data.user_id ?? data.email ??
  data.api_key_id`, `data.permissions`, `data.email`, `data.api_key_id`, `data.account_status`;
  `list_loops` `msg`, `data.loops`, `data.count`; `list_requests` `msg`, `data.count`,
  `data.total`, `data.has_more`, `data.requests`; the other tools `msg` and `data`, passed on
  whole; every tool first `error`.
- `scripts/test-all-tools.mjs` and `scripts/test-all-response-types.mjs`: the calls below, and
  the new request's id read as `createData.data.id`.

The server's own calls pass on the sandbox's defaults, in lenient and in strict mode, with no
lenience note. Its test scripts need one other form, `hitl.created_id: id`: they read the new id
as `data.id`, which the default (`data.request_id`, the OpenAPI's `CreateRequestResponse`, which
the vendor's n8n node reads) does not have, so on the defaults they would go on with
`undefined`.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.profiles.hitl_support import (
    KEY,
    LOOP,
    HitlService,
    MakeService,
    compact_json,
    hitl_service,  # noqa: F401 (the fixture)
)

AGENTS = {  # route.ts USER_AGENT; claude-desktop-server.mjs
    "route": "hitl-mcp-server/0.1.0",
    "desktop": "hitl-mcp-stdio-server/0.1.0",
}

# scripts/test-all-tools.mjs, test 5 (create_request), as zod passes it on
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


class McpHitlClient:
    """`HitlClient.request()`: a path relative to https://api.hitl.sh/v1/, the headers it sets,
    a non-2xx answer raised with its `msg`."""

    def __init__(self, service: HitlService, user_agent: str) -> None:
        self.service = service
        self.user_agent = user_agent

    async def request(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {KEY}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        headers["User-Agent"] = self.user_agent
        raw = compact_json(body) if body is not None else None
        reply = await self.service.send(method, f"/v1/{path}", headers, raw)
        if not reply.ok:
            raise HitlApiError(reply.status, (reply.body or {}).get("msg"))
        assert reply.body["error"] is False  # every tool checks `error` first
        return reply.body


class HitlApiError(Exception):
    def __init__(self, status: int, msg: str | None) -> None:
        super().__init__(f"{msg} (status {status})")
        self.status, self.msg = status, msg


@pytest.fixture(
    params=[(a, s) for a in AGENTS for s in (False, True)],
    ids=lambda p: f"{p[0]}-{'strict' if p[1] else 'lenient'}",
)
async def mcp(request: pytest.FixtureRequest, hitl_service: MakeService) -> McpHitlClient:  # noqa: F811
    agent, strict = request.param
    return McpHitlClient(await hitl_service({"strict": strict}), AGENTS[agent])


async def test_every_tool_reads_what_it_needs_on_the_defaults(mcp: McpHitlClient) -> None:
    auth = (await mcp.request("GET", "test"))["data"]  # getAuthInfoForToken
    assert auth["user_id"] and auth["email"] and auth["api_key_id"] and auth["account_status"]
    assert "requests:write" in auth["permissions"]
    loops = await mcp.request("GET", "api/loops")
    assert loops["msg"] and loops["data"]["count"] == 1
    assert [loop["id"] for loop in loops["data"]["loops"]] == [LOOP]
    for query in ("", "?status=pending&limit=5"):
        listed = (await mcp.request("GET", f"api/requests{query}"))["data"]
        assert (listed["count"], listed["total"], listed["has_more"], listed["requests"]) == (
            0,
            0,
            False,
            [],
        )
    created = await mcp.request("POST", f"api/loops/{LOOP}/requests", TOOLS_REQUEST)
    assert created["msg"] == "Request created and broadcasted successfully"
    new_id = created["data"]["request_id"]  # what an agent reads from the tool's `data`
    got = await mcp.request("GET", f"api/requests/{new_id}")
    assert got["data"]["request"]["tags"] == ["test", "mcp-server"]
    updated = await mcp.request("PATCH", f"api/requests/{new_id}", UPDATES)
    assert updated["data"]["request"]["priority"] == "high"
    cancelled = await mcp.request("DELETE", f"api/requests/{new_id}")
    assert cancelled["data"]["status"] == "cancelled"
    with pytest.raises(HitlApiError) as refused:  # feedback needs a completed request
        await mcp.request("POST", f"api/requests/{new_id}/feedback", FEEDBACK)
    assert (refused.value.status, refused.value.msg) == (
        400,
        "Feedback can only be added to completed requests",
    )
    assert await mcp.service.lenience() == {"rules": [], "total": 0}


async def test_the_tool_scripts_read_the_new_id_as_data_id(hitl_service: MakeService) -> None:  # noqa: F811
    # On the defaults, the script's `createData.data.id` is undefined: its next call would be
    # GET api/requests/undefined.
    defaults = McpHitlClient(await hitl_service(), AGENTS["route"])
    created = await defaults.request("POST", f"api/loops/{LOOP}/requests", TOOLS_REQUEST)
    assert "id" not in created["data"]
    with pytest.raises(HitlApiError) as lost:
        await defaults.request("GET", "api/requests/undefined")
    assert (lost.value.status, lost.value.msg) == (400, "Invalid request ID format")

    # Under the form the scripts read, test-all-tools.mjs runs through.
    mcp = McpHitlClient(await hitl_service(variants={"hitl.created_id": "id"}), AGENTS["route"])
    created = await mcp.request("POST", f"api/loops/{LOOP}/requests", TOOLS_REQUEST)
    new_id = created["data"]["id"]
    assert (await mcp.request("GET", f"api/requests/{new_id}"))["data"]["request"]["id"] == new_id
    await mcp.request("PATCH", f"api/requests/{new_id}", UPDATES)
    assert (await mcp.request("DELETE", f"api/requests/{new_id}"))["data"]["status"] == "cancelled"


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
async def test_the_response_type_script_creates_and_cancels_all_five(
    hitl_service: MakeService,  # noqa: F811
    strict: bool,
) -> None:
    mcp = McpHitlClient(
        await hitl_service({"strict": strict}, variants={"hitl.created_id": "id"}),
        AGENTS["route"],
    )
    ids = []
    for body in RESPONSE_TYPES:
        created = await mcp.request("POST", f"api/loops/{LOOP}/requests", body)
        ids.append(created["data"]["id"])
    for request_id in ids:
        assert (await mcp.request("DELETE", f"api/requests/{request_id}"))["data"]["status"] == (
            "cancelled"
        )
    assert await mcp.service.lenience() == {"rules": [], "total": 0}
