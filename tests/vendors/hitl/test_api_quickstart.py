"""The seed quickstart (https://docs.hitl.sh/quickstart as published; hitl-sh/docs.hitl.sh
quickstart.mdx @0e23b17 is an earlier generation, without the `/api` paths) run against a real
sandbox port.

tests/data/hitl_quickstart_flow.py holds the seed's Python blocks verbatim but for BASE_URL,
API_KEY and `time` (whose `sleep` advances the sandbox's manual clock). The flow runs with the
`requests` library in a worker thread while the sandbox serves on this test's event loop.
Scripted reviewers (the scenario below) join each loop 5 s after it is created (as if they had
scanned its invite code), then claim and answer between the seed's polls; every webhook is
delivered to a local receiver, then replayed into the seed's own Flask handler. It runs on the
sandbox's defaults but for the one variant its code needs, declared here (`SEED_FORMS`): steps 4
and 7 read the new id as `data['request']['id']` (`hitl.created_id: request`; the default is
the OpenAPI's `data.request_id`). It runs in lenient and in strict mode, and neither records a
lenience note: the seed's calls are what the real service accepts.
"""

from __future__ import annotations

import asyncio
import runpy
import sys
import types
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from aiohttp import web
from aiohttp.test_utils import TestServer
from multidict import CIMultiDict

from .conftest import KEY, MakeSandbox, Sandbox

FLOW = Path(__file__).resolve().parents[2] / "data" / "hitl_quickstart_flow.py"
SEED_FORMS = {"hitl.created_id": "request"}  # steps 4 and 7: request['data']['request']['id']
SECRET = "your_webhook_secret_here"  # the seed's WEBHOOK_SECRET, configured in the "dashboard"
RULES = [
    {
        "when": {"text_contains": "crypto"},
        "then": [
            {"respond": {"after": "1s", "choose": "Reject and Flag", "by": "sam@example.com"}}
        ],
    },
    {
        "otherwise": [
            {"claim": {"after": "15s", "by": "dana@example.com"}},
            {"respond": {"after": "10s", "choose": "Approve - Follows"}},
        ]
    },
]


class VirtualTime:
    """Stands in for the `time` module: `sleep` moves the sandbox clock instead of waiting."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        reply = requests.post(
            f"{self.base_url}/_mockserver/clock/advance", json={"seconds": seconds}, timeout=10
        )
        reply.raise_for_status()
        self.slept.append(seconds)


class FlaskRequest:
    """What the seed's handler reads from `flask.request`, set per replayed delivery."""

    def __init__(self) -> None:
        self.body = b""
        self.headers: CIMultiDict[str] = CIMultiDict()

    def get_data(self, as_text: bool = False) -> bytes | str:
        return self.body.decode() if as_text else self.body


def flask_stand_in() -> types.ModuleType:
    class Flask:
        def __init__(self, name: str) -> None:
            self.name = name

        def route(self, rule: str, methods: list[str] | None = None) -> Callable[[Any], Any]:
            return lambda handler: handler

        def run(self, **options: Any) -> None:
            raise AssertionError("step 6's app.run() must not start")

    module = types.ModuleType("flask")
    module.Flask = Flask  # type: ignore[attr-defined]
    module.request = FlaskRequest()  # type: ignore[attr-defined]
    module.jsonify = lambda obj: obj  # type: ignore[attr-defined]
    return module


@pytest.fixture
async def receiver(
    aiohttp_server: Callable[[web.Application], Awaitable[TestServer]],
) -> tuple[str, list[tuple[CIMultiDict[str], bytes]]]:
    """A webhook receiver at /webhook/hitl (the seed's route) recording what it gets."""
    got: list[tuple[CIMultiDict[str], bytes]] = []

    async def hook(request: web.Request) -> web.Response:
        got.append((CIMultiDict(request.headers), await request.read()))
        return web.json_response({"status": "success"})

    app = web.Application()
    app.router.add_post("/webhook/hitl", hook)
    server = await aiohttp_server(app)
    return str(server.make_url("/webhook/hitl")), got


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
async def test_seed_quickstart_flow(
    strict: bool,
    make_sandbox: MakeSandbox,
    receiver: tuple[str, list[tuple[CIMultiDict[str], bytes]]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hook_url, received = receiver
    sandbox = await make_sandbox(
        {
            "webhooks": [{"url": hook_url, "secret": SECRET}],
            "rules": RULES,
            "join": "5s",
            "strict": strict,
        },
        honest=True,
        variants=SEED_FORMS,
    )
    host = f"http://{sandbox.client.host}:{sandbox.client.port}"
    clock = VirtualTime(host)
    monkeypatch.setitem(sys.modules, "flask", flask_stand_in())

    def run_seed() -> dict[str, Any]:
        # Step 1 is a curl command: the same call with requests.
        check = requests.get(f"{host}/v1/test", headers={"Authorization": f"Bearer {KEY}"})
        assert (check.status_code, check.json()["msg"]) == (200, "API key is valid")
        return runpy.run_path(
            str(FLOW),
            init_globals={
                "SANDBOX_BASE_URL": f"{host}/v1",
                "SANDBOX_API_KEY": KEY,
                "SANDBOX_TIME": clock,
            },
        )

    ns = await asyncio.get_running_loop().run_in_executor(None, run_seed)
    lines = capsys.readouterr().out.splitlines()
    assert not [line for line in lines if line.lstrip().startswith("❌ Error")], lines

    # Steps 2 and 4: the loop and the request, as the seed printed them.
    assert "✅ Created loop: Content Moderation Team" in lines
    code = ns["loop_response"]["data"]["invite_code"]
    assert len(code) == 6 and f"   Invite Code: {code}" in lines
    # hitl.join_url (default): the OpenAPI's host (the quickstart only prints it)
    assert f"   Join URL: https://my.hitl.sh/join/{code}" in lines
    assert "✅ Content moderation request created!" in lines
    assert "   Status: pending" in lines

    # Step 5: polled every 10 virtual seconds; claimed at 15 s, answered at 25 s.
    monitor = lines[lines.index("🔍 Monitoring request status...") + 1 :]
    statuses = [line for line in monitor if line.startswith("📊 Request Status:")]
    assert statuses == [
        f"📊 Request Status: {s}" for s in ("pending", "pending", "claimed", "completed")
    ]
    assert "👤 Request claimed by reviewer (in progress)" in monitor
    assert "   Decision: ✅ Approve - Follows guidelines" in monitor
    assert "   Response time: 25.0 seconds" in monitor
    request = await sandbox.get_request(ns["REQUEST_ID"])
    assert (request["status"], request["response_data"]) == (
        "completed",
        "✅ Approve - Follows guidelines",
    )
    assert f"   Reviewed by: {request['response_by']}" in monitor
    # The seed's default_response is not an option; it is kept as sent (the sample wins).
    assert request["default_response"] == "❌ Reject - Review timeout"

    # Step 7: three requests, one second apart; the crypto one is rejected within a second.
    created = [line for line in lines if line.startswith("✅ Moderation request created: ")]
    assert len(created) == 3 and "\n📊 Created 3 moderation requests" in "\n".join(lines)
    assert ns["stats"] == {"total_requests": 4, "completed": 2, "pending": 2, "approval_rate": 50.0}
    assert lines[-4:] == [
        "   Total requests: 4",
        "   Completed: 2",
        "   Pending: 2",
        "   Approval rate: 50.0%",
    ]
    assert clock.slept == [10, 10, 10, 1, 1, 1]
    # The class sends `metadata` and a stray `loop_id`, and no timeout_seconds (lenient: 1 h).
    flagged = await sandbox.get_request(ns["request_ids"][1])
    assert flagged["metadata"] == {
        "user_id": "user456",
        "content_type": "comment",
        "original_content": "Buy my crypto course! Link in bio! Make money fast!",
    }
    assert (flagged["status"], flagged["response_data"]) == ("completed", "🚨 Reject and Flag User")
    assert (flagged["created_at"], flagged["timeout_at"]) == (
        "2026-01-05T10:00:31Z",
        "2026-01-05T11:00:31Z",
    )
    # Real-world use cases: the multi_select and rating payloads are accepted as written.
    assert [r.status_code for r in ns["use_case_responses"]] == [201, 201]
    assert len(ns["loops"]) == 3

    await check_webhooks(sandbox, ns, received, capsys)
    assert await sandbox.control("GET", "/lenience") == {"rules": [], "total": 0}
    assert (await sandbox.control("GET", "/scenario"))["problems"] == []


async def check_webhooks(
    sandbox: Sandbox,
    ns: dict[str, Any],
    received: list[tuple[CIMultiDict[str], bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every delivery reached the receiver; the seed's handler verifies and acts on each."""
    deliveries = await sandbox.deliveries()
    assert [d["state"] for d in deliveries] == ["delivered"] * 3
    events = [(d["event"], d["subject"]) for d in deliveries]
    crypto = ns["request_ids"][1]  # user456: "Buy my crypto course!"
    assert events == [
        ("request.claimed", ns["REQUEST_ID"]),
        ("request.completed", ns["REQUEST_ID"]),
        ("request.completed", crypto),
    ]
    assert len(received) == 3
    flask_request = ns["request"]  # step 6 bound the name to flask.request
    for headers, body in received:
        assert headers["X-HITL-Signature-256"].startswith("sha256=")
        assert ns["verify_webhook_signature"](
            body.decode(), headers["X-HITL-Signature-256"], SECRET
        )
        flask_request.body, flask_request.headers = body, headers
        assert ns["handle_webhook"]() == {"status": "success"}
    out = capsys.readouterr().out.splitlines()
    assert "👤 Request " + ns["REQUEST_ID"] + " claimed by dana@example.com" in out
    assert out.count("🎉 Content moderation completed!") == 2
    assert "   Decision: ✅ Approve - Follows guidelines" in out
    assert "   Decision: 🚨 Reject and Flag User" in out
    # "Approve" in decision for the first; the flagged one contains "Reject" (the seed tests
    # "Reject" before "Flag").
    assert out.count("✅ Content approved - taking no action") == 1
    assert out.count("❌ Content rejected - hiding from users") == 1
    # A body changed in transit fails the seed's signature check.
    headers, body = received[1]
    flask_request.body = body.replace(b"Approve", b"Reject")
    assert ns["handle_webhook"]() == ({"error": "Invalid signature"}, 401)
