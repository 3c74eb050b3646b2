"""OpenClaw's HITL.sh approvals (a public client by another project) as a client of the sandbox.

Facts, from github.com/openclaw/openclaw at commit b3d5f1964f059bf5c8d4ca75080e3876a69c603d:

- `src/infra/outbound/deliver.ts`: before an outbound send it creates a request with
  `processing_type: "time-sensitive"`, `type: "markdown"`, `priority: "high"`, `request_text`
  (cut to 1900 characters), `timeout_seconds` (its setting, default 120, clamped to 60-86400),
  `response_type: "single_select"`, options `allow-once` / `allow-always` / `deny` as
  `{value, label}` objects with `required: true`, `default_response` (its default decision,
  `deny`), `callback_url` (when configured), `platform: "api"` and a `context` object, and
  waits for the decision the webhook brings (or its own timeout).
- `src/infra/hitl/client.ts`: `POST https://api.hitl.sh/v1/api/loops/{loopId}/requests` with
  `Authorization: Bearer <key>` and `Content-Type: application/json`, the body
  `JSON.stringify`-ed; a non-2xx answer is an error; reads the id with
  `parseHitlCreateRequestResponse` (`src/infra/hitl/types.ts`): `data.request_id`, trimmed.
- `src/infra/hitl/types.ts`, `parseHitlWebhookPayload`: the callback body's top-level `event`
  and `request_id` (both required, else the gateway answers 400 "invalid webhook payload");
  for `request.completed` `response_data.selected_value` (one of the three option values) and
  `response_by.name`; `request.timeout` and `request.cancelled` apply the default decision.
  The gateway's route (`handleHitlCallbackHttpRequest`) answers 200 `{ok: true, ...}`; it
  checks no signature (the secret is in the callback URL's path).

Creating the request passes on the sandbox's defaults (`data.request_id`). The callback needs
one other form, `hitl.webhook_body: B`: OpenClaw reads the flat payload of the published
callback_url page (https://docs.hitl.sh/api-reference/webhooks), while the default is the
event envelope A (`{event, timestamp, data: {request, ...}}`), with no top-level `request_id`.
With `response_data` in its config's form (option objects: `{selected_value, selected_label}`)
and B's `response_by` person, every read finds its field.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.profiles.hitl_support import (
    KEY,
    LOOP,
    REVIEWER,
    MakeService,
    compact_json,
    hitl_service,  # noqa: F401 (the fixture)
)

DECISIONS = ("allow-once", "allow-always", "deny")
SECRET = "cb-5f1a"


def approval_request(text: str, callback_url: str, timeout_seconds: float = 120) -> dict[str, Any]:
    """deliver.ts's create-request body, in its key order."""
    return {
        "processing_type": "time-sensitive",
        "type": "markdown",
        "priority": "high",
        "request_text": text[:1900],
        "timeout_seconds": min(86_400, max(60, int(timeout_seconds))),
        "response_type": "single_select",
        "response_config": {
            "options": [
                {"value": "allow-once", "label": "Allow once"},
                {"value": "allow-always", "label": "Allow always"},
                {"value": "deny", "label": "Deny"},
            ],
            "required": True,
        },
        "default_response": "deny",
        "callback_url": callback_url,
        "platform": "api",
        "context": {"kind": "outbound", "channel": "slack", "to": "#ops", "accountId": None},
    }


def parse_webhook(body: Any) -> dict[str, Any] | None:
    """parseHitlWebhookPayload: what OpenClaw makes of a callback, or None (a 400)."""
    if not isinstance(body, dict):
        return None
    event, request_id = body.get("event"), body.get("request_id")
    if not isinstance(event, str) or not event or not isinstance(request_id, str):
        return None
    if not request_id.strip():
        return None
    by = body.get("response_by")
    name = by.get("name") if isinstance(by, dict) else None
    resolved_by = name.strip() if isinstance(name, str) and name.strip() else "hitl"
    if event == "request.completed":
        answer = body.get("response_data")
        value = answer.get("selected_value") if isinstance(answer, dict) else None
        if value in DECISIONS:
            return {"kind": "completed", "id": request_id, "decision": value, "by": resolved_by}
        return {"kind": "ignored", "id": request_id, "reason": "unknown decision"}
    if event in ("request.timeout", "request.cancelled"):
        return {"kind": "default", "id": request_id, "event": event, "by": resolved_by}
    return {"kind": "ignored", "id": request_id, "reason": "unknown event"}


class Gateway:
    """OpenClaw's callback route, recording what it made of each delivery."""

    def __init__(self) -> None:
        self.parsed: list[dict[str, Any] | None] = []

    async def callback(self, request: web.Request) -> web.Response:
        parsed = parse_webhook(json.loads(await request.read()))
        self.parsed.append(parsed)
        if parsed is None:
            return web.json_response({"ok": False, "error": "invalid webhook payload"}, status=400)
        return web.json_response({"ok": True, "resolved": parsed["kind"] != "ignored"})


@pytest.fixture
async def gateway(
    aiohttp_server: Callable[[web.Application], Awaitable[TestServer]],
) -> tuple[Gateway, str]:
    found = Gateway()
    app = web.Application()
    app.router.add_post(f"/hitl/callback/{SECRET}", found.callback)
    server = await aiohttp_server(app)
    return found, str(server.make_url(f"/hitl/callback/{SECRET}"))


async def create(service: Any, body: dict[str, Any]) -> str:
    """client.ts: the request, then `data.request_id` (trimmed, required)."""
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    url = f"{service.origin}/v1/api/loops/{LOOP}/requests"
    reply = await service.send("POST", url, headers, compact_json(body))
    assert reply.ok, f"hitl http {reply.status}"
    request_id = str((reply.body.get("data") or {}).get("request_id") or "").strip()
    assert request_id, "hitl response missing request_id"
    return request_id


RULES = [
    {"when": {"text_contains": "deploy"}, "then": {"respond": {"after": "40s", "choose": 0}}},
    {"otherwise": "timeout"},
]


async def test_on_the_defaults_the_request_is_made_but_the_callback_is_refused(
    hitl_service: MakeService,  # noqa: F811
    gateway: tuple[Gateway, str],
) -> None:
    found, url = gateway
    service = await hitl_service({"rules": RULES})
    await create(service, approval_request("Outbound: deploy notice", url))
    await service.advance("40s")
    assert found.parsed == [None]  # envelope A has no top-level request_id
    (delivery,) = await service.deliveries()
    assert (delivery["state"], delivery["attempts"][-1]["status"]) == ("failed", 400)


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
async def test_under_the_flat_callback_form_a_decision_and_a_timeout_resolve(
    hitl_service: MakeService,  # noqa: F811
    gateway: tuple[Gateway, str],
    strict: bool,
) -> None:
    found, url = gateway
    service = await hitl_service(
        {"rules": RULES, "strict": strict}, variants={"hitl.webhook_body": "B"}
    )
    approved = await create(service, approval_request("Outbound: deploy notice", url))
    expired = await create(service, approval_request("Outbound: weekly digest", url, 30))
    await service.advance("40s")
    assert found.parsed == [
        {"kind": "completed", "id": approved, "decision": "allow-once", "by": REVIEWER["name"]}
    ]
    await service.advance("20s")  # 60 s: the clamped timeout of the second
    assert found.parsed[1:] == [
        {"kind": "default", "id": expired, "event": "request.timeout", "by": "hitl"}
    ]
    assert [d["state"] for d in await service.deliveries()] == ["delivered", "delivered"]
    assert await service.lenience() == {"rules": [], "total": 0}
