"""The vendor's own n8n node as a client of the sandbox, on the sandbox's defaults.

Facts, from github.com/hitl-sh/n8n-plugin at commit 0d86f4f8d01b2a93e941a52e7f46cbd955670842:

- `credentials/HitlCredentialsApi.credentials.ts`: the credential test is `GET {baseUrl}/v1/test`
  with `Authorization: Bearer <apiKey>`.
- `nodes/HitlNode/HitlNode.node.ts`, `methods.loadOptions.getLoops`: `GET {baseUrl}/v1/api/loops`
  with `Authorization: Bearer <apiKey>` and `Content-Type: application/json`; reads
  `error`, `data.loops[].id`, `.name`, `.member_count`, `.description`.
- the same file, `execute()`: from the node's parameters (defaults: processing type
  `deferred`, content type `markdown`, priority `medium`, timeout 600 s, rating 1-5) it builds
  `response_config`: select types `{prompt: "", options: [{value: snake_case(label), label}],
  required: true}` (multi_select adds `min_selections: 1, max_selections: <option count>`),
  rating `{prompt: "", min, max, required: true}`, number `{required: true, prompt: "",
  min_value: 0, max_value: 1000000, decimal_places: 0, allow_negative: false}`, text
  `{prompt: "", placeholder: "Enter your response...", min_length: 0, max_length: 1000,
  required: true}`, boolean `{prompt: "", required: true}`; turns the default response into an
  option value (a one-element list for multi_select), a number or a boolean; and sends
  `POST {baseUrl}/v1/api/loops/{loopId}/requests` with the body keys in this order:
  `processing_type, type, priority, request_text, response_type, response_config,
  default_response, platform: "n8n", platform_version: "1.0.0"`, then `image_url` (image
  requests), `context` (when not `{}`), `timeout_seconds` (time-sensitive only).
- `send` reads `error` (and `msg`, `data` on an error), then `data.request_id`, `data.status`,
  `data.processing_type`, `data.priority`, `data.timeout_at`, `data.broadcasted_to`,
  `data.notifications_sent`, `data.polling_url`.
- `sendAndWait` makes `polling_url` absolute with `baseUrl` and polls it every 5 s (up to
  `timeout_seconds`, or 1 h for deferred requests) until `data.request.status` is completed,
  answered, resolved, failed, timeout or cancelled, or `data.request.response_data` is set;
  then reads `data.request.status`, `.response_data`, `.response_by_user` and
  `.response_time_seconds`.

On the defaults every read finds its field: `hitl.created_id` is `request_id` (with
`polling_url`) and `hitl.response_by` is `id_and_user`. The bodies pass in strict mode too,
with no lenience note (a multi_select's `max_selections` equal to its option count included).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

import pytest

from tests.profiles.hitl_support import (
    KEY,
    LOOP,
    REVIEWER,
    HitlService,
    MakeService,
    compact_json,
    hitl_service,  # noqa: F401 (the fixture)
    js_truthy,
)

POLL_SECONDS = 5
SEND_READS = (  # what the `send` operation reads from the 201 answer's `data`
    *("request_id", "status", "processing_type", "priority", "timeout_at"),
    *("broadcasted_to", "notifications_sent", "polling_url"),
)
TERMINAL = ("completed", "answered", "resolved", "failed", "timeout", "cancelled")
OBJECT_ID = re.compile(r"[0-9a-f]{24}")
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
# What the scripted reviewer answers, by response type (n8n's option values are snake_case).
RULES = [
    {"when": {"text_contains": "nobody"}, "then": "timeout"},
    {
        "when": {"response_type": "single_select"},
        "then": [
            {"claim": {"after": "7s", "by": REVIEWER["email"]}},
            {"respond": {"after": "6s", "choose": "approve"}},
        ],
    },
    {
        "when": {"response_type": "multi_select"},
        "then": {"respond": {"after": "12s", "choose_many": ["spam", "off_topic"]}},
    },
    {"when": {"response_type": "rating"}, "then": {"respond": {"after": "12s", "rating": 4}}},
    {"when": {"response_type": "number"}, "then": {"respond": {"after": "12s", "number": 42}}},
    {
        "when": {"response_type": "text"},
        "then": {"respond": {"after": "12s", "text": "Looks fine"}},
    },
    {"when": {"response_type": "boolean"}, "then": {"respond": {"after": "12s", "boolean": True}}},
]


@dataclass(frozen=True)
class NodeParameters:
    """The node's parameters, with the node's own defaults."""

    request_text: str
    response_type: str = "text"
    processing_type: str = "deferred"
    content_type: str = "markdown"
    priority: str = "medium"
    image_url: str = ""
    context: str = "{}"
    timeout_seconds: int = 600
    response_options: str = ""
    rating_min: float = 1
    rating_max: float = 5
    default_response: str = ""


class HitlNode:
    """HitlNode.execute() and its credential, in Python: what it sends and what it reads."""

    def __init__(self, service: HitlService) -> None:
        self.service = service
        self.base_url = service.origin  # the credential's `baseUrl`
        self.headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}

    async def test_credential(self) -> bool:
        reply = await self.service.send(
            "GET", f"{self.base_url}/v1/test", {"Authorization": f"Bearer {KEY}"}
        )
        return reply.ok

    async def get_loops(self) -> list[dict[str, str]]:
        reply = await self.service.send("GET", f"{self.base_url}/v1/api/loops", self.headers)
        body = reply.body
        if body.get("error") or not (body.get("data") or {}).get("loops"):
            return []
        return [
            {
                "name": f"{loop['name']} ({loop.get('member_count') or 0} members)"
                + (f" - {loop['description']}" if loop.get("description") else ""),
                "value": loop["id"],
            }
            for loop in body["data"]["loops"]
        ]

    def payload(self, p: NodeParameters) -> dict[str, Any]:
        config = _response_config(p)
        body: dict[str, Any] = {
            "processing_type": p.processing_type,
            "type": p.content_type,
            "priority": p.priority,
            "request_text": p.request_text,
            "response_type": p.response_type,
            "response_config": config,
            "default_response": _default_response(p, config),
            "platform": "n8n",
            "platform_version": "1.0.0",
        }
        if p.content_type == "image" and p.image_url.strip():
            body["image_url"] = p.image_url.strip()
        if p.context.strip() and p.context.strip() != "{}":
            body["context"] = json.loads(p.context)
        if p.processing_type == "time-sensitive" and p.timeout_seconds:
            body["timeout_seconds"] = p.timeout_seconds
        return body

    async def create(self, p: NodeParameters) -> dict[str, Any]:
        url = f"{self.base_url}/v1/api/loops/{LOOP}/requests"
        reply = await self.service.send("POST", url, self.headers, compact_json(self.payload(p)))
        body: dict[str, Any] = reply.body
        assert body.get("error") is not True, f"API Error: {body.get('msg')} - {body.get('data')}"
        return body

    async def send(self, p: NodeParameters) -> dict[str, Any]:
        """The `send` operation's output item."""
        data = (await self.create(p))["data"]
        return {key: data.get(key) for key in SEND_READS}

    async def send_and_wait(self, p: NodeParameters) -> dict[str, Any]:
        """The `sendAndWait` operation: poll `polling_url` every 5 (virtual) seconds."""
        created = (await self.create(p))["data"]
        request_id = created.get("request_id")
        polling_url = created.get("polling_url") or f"{self.base_url}/v1/api/requests/{request_id}"
        if not polling_url.startswith("http"):
            polling_url = (
                f"{self.base_url}{'' if polling_url.startswith('/') else '/'}{polling_url}"
            )
        max_wait = p.timeout_seconds if p.processing_type == "time-sensitive" else 3600
        waited, polls, answer, done = 0, 0, None, False
        while not done and waited < max_wait:
            await self.service.advance(f"{POLL_SECONDS}s")
            waited += POLL_SECONDS
            polls += 1
            reply = await self.service.send("GET", polling_url, self.headers)
            if not reply.ok or reply.body.get("error"):
                # n8n's request helper throws on a non-2xx answer, the node on `error`; both
                # are retried, but for the last poll before the node's own deadline.
                if waited >= max_wait - POLL_SECONDS:
                    raise PollingFailed(reply.status, reply.body.get("msg"), polls)
                continue
            answer = reply.body
            data = answer.get("data") or {}
            request = data.get("request") or {}
            status = _js_or(request.get("status"), data.get("status"))
            found = _js_or(request.get("response_data"), data.get("response_data"))
            done = status in TERMINAL or found is not None
        default = self.payload(p)["default_response"]  # the node's formattedDefaultResponse
        if not done or answer is None:
            return {"request_id": request_id, "status": "timeout", "response": default}
        data = answer["data"]
        request = data.get("request") or {}
        answered = _js_or(request.get("response_data"), data.get("response_data"))
        return {
            "request_id": request_id,
            "status": _js_or(request.get("status"), data.get("status")) or "completed",
            "response": _js_or(answered, default),
            "response_by": request.get("response_by_user"),
            "response_time_seconds": request.get("response_time_seconds"),
            "polls": polls,
        }


class PollingFailed(Exception):
    """The node's `Polling failed: ...` error."""

    def __init__(self, status: int, msg: str | None, polls: int) -> None:
        super().__init__(f"Polling failed: HTTP {status} {msg}")
        self.status, self.msg, self.polls = status, msg, polls


def _js_or(left: Any, right: Any) -> Any:
    return left if js_truthy(left) else right


def _response_config(p: NodeParameters) -> dict[str, Any]:
    if p.response_type in ("single_select", "multi_select"):
        labels = [o.strip() for o in p.response_options.split(",") if o.strip()]
        options = [{"value": re.sub(r"\s+", "_", o.lower()), "label": o} for o in labels]
        config: dict[str, Any] = {"prompt": "", "options": options, "required": True}
        if p.response_type == "multi_select":
            config["min_selections"] = 1
            config["max_selections"] = len(options)
        return config
    if p.response_type == "rating":
        return {"prompt": "", "min": p.rating_min, "max": p.rating_max, "required": True}
    if p.response_type == "number":
        return {
            "required": True,
            "prompt": "",
            "min_value": 0,
            "max_value": 1000000,
            "decimal_places": 0,
            "allow_negative": False,
        }
    if p.response_type == "text":
        return {
            "prompt": "",
            "placeholder": "Enter your response...",
            "min_length": 0,
            "max_length": 1000,
            "required": True,
        }
    return {"prompt": "", "required": True}


def _default_response(p: NodeParameters, config: dict[str, Any]) -> Any:
    given = p.default_response
    if p.response_type in ("single_select", "multi_select"):
        options = config["options"]
        snake = re.sub(r"\s+", "_", given.lower())
        matches = (
            [o for o in options if o["label"] == given]
            or [o for o in options if o["label"].lower() == given.lower()]
            or [o for o in options if o["value"] == given]
            or [o for o in options if o["value"].lower() == given.lower()]
            or [o for o in options if o["value"] == snake]
        )
        value = matches[0]["value"] if matches else (options[0]["value"] if options else given)
        return [value] if p.response_type == "multi_select" else value
    if p.response_type in ("number", "rating"):
        return float(given) if "." in given else int(given)
    if p.response_type == "boolean":
        return given.lower() in ("true", "1", "yes")
    return given


SELECT = NodeParameters(
    "Is this post OK?",
    "single_select",
    priority="high",
    response_options="Approve, Reject, Needs review",
    default_response="Reject",
)
CASES = {
    "single_select": (SELECT, {"selected_value": "approve", "selected_label": "Approve"}),
    "multi_select": (
        NodeParameters(
            "Which rules does it break?",
            "multi_select",
            processing_type="time-sensitive",
            response_options="Spam,Off topic,Abuse",
            default_response="Off topic",
            context='{"post_id": 77}',
        ),
        {"selected_values": ["spam", "off_topic"], "selected_labels": ["Spam", "Off topic"]},
    ),
    "rating": (NodeParameters("Rate the draft", "rating", default_response="3"), 4),
    "number": (
        NodeParameters(
            "How many people are in the photo?",
            "number",
            content_type="image",
            image_url=" https://example.com/crowd.jpg ",
            default_response="0",
        ),
        {"number": 42, "formatted_value": "42"},
    ),
    "text": (NodeParameters("Summarise the ticket", default_response="n/a"), "Looks fine"),
    "boolean": (NodeParameters("Publish?", "boolean", default_response="no"), True),
}


@pytest.fixture(params=[False, True], ids=["lenient", "strict"])
async def node(request: pytest.FixtureRequest, hitl_service: MakeService) -> HitlNode:  # noqa: F811
    return HitlNode(await hitl_service({"rules": RULES, "strict": request.param}))


async def test_the_credential_test_and_the_loop_picker(node: HitlNode) -> None:
    assert await node.test_credential()
    assert await node.get_loops() == [{"name": "Support (1 members) - Escalations", "value": LOOP}]


@pytest.mark.parametrize("kind", sorted(CASES))
async def test_send_reads_every_field_of_the_created_request(node: HitlNode, kind: str) -> None:
    params, _ = CASES[kind]
    out = await node.send(params)
    assert OBJECT_ID.fullmatch(out["request_id"])
    assert (out["status"], out["processing_type"], out["priority"]) == (
        "pending",
        params.processing_type,
        params.priority,
    )
    assert ISO_TIME.fullmatch(out["timeout_at"])
    # the scenario loop's one active member, its reviewer
    assert (out["broadcasted_to"], out["notifications_sent"]) == (1, 1)
    assert out["polling_url"] == f"/v1/api/requests/{out['request_id']}"
    assert await node.service.lenience() == {"rules": [], "total": 0}


@pytest.mark.parametrize("kind", sorted(CASES))
async def test_send_and_wait_polls_until_a_person_answered(node: HitlNode, kind: str) -> None:
    params, expected = CASES[kind]
    out = await node.send_and_wait(params)
    assert (out["status"], out["response"]) == ("completed", expected)
    assert out["response_by"] == {
        "user_id": out["response_by"]["user_id"],
        "name": REVIEWER["name"],
        "email": REVIEWER["email"],
    }
    assert OBJECT_ID.fullmatch(out["response_by"]["user_id"])
    # answered 12 s after creation (the single_select claimed at 7 s, answered 6 s later)
    assert out["response_time_seconds"] == (13 if kind == "single_select" else 12)
    assert out["polls"] == 3  # 5, 10 and 15 virtual seconds after creation
    assert await node.service.lenience() == {"rules": [], "total": 0}


async def test_polling_every_5_s_meets_the_hourly_rate_limit_before_a_10_minute_timeout(
    node: HitlNode,
) -> None:
    # The node polls 12 times a minute; the service allows 100 calls per key per hour
    # (https://docs.hitl.sh/api-reference/authentication). Nobody answers this request: after
    # the create call and 99 polls, every poll gets 429, and the node gives up on the first
    # failing poll within 5 s of its deadline (595 s).
    params = replace(SELECT, request_text="nobody answers", processing_type="time-sensitive")
    with pytest.raises(PollingFailed) as failed:
        await node.send_and_wait(params)
    assert (failed.value.status, failed.value.msg, failed.value.polls) == (
        429,
        "API rate limit exceeded",
        119,
    )
    journal = (await node.service.control("GET", "/journal?vendor=hitl"))["entries"]
    assert [e["status"] for e in journal].count(429) == 119 - 99


async def test_send_and_wait_sees_the_timeout_at_its_last_poll(hitl_service: MakeService) -> None:  # noqa: F811
    # An account allowed more calls an hour (`rate_limit`): the request times out at 600 s,
    # which is the node's last poll; `response_data` is null, so the node reports its own
    # default response.
    node = HitlNode(await hitl_service({"rules": RULES, "rate_limit": 1000}))
    params = replace(SELECT, request_text="nobody answers", processing_type="time-sensitive")
    out = await node.send_and_wait(params)
    assert (out["status"], out["polls"], out["response"]) == ("timeout", 120, "reject")
    assert out["response_by"] is None
