"""Fixtures for Hive tests: a sandbox app on a manual clock driven over HTTP, and a receiver
for callbacks and Dashboard actions that records every request (and can answer chosen statuses
first)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestServer

from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario
from tests.control_plane import VendorControl

KEY = "hive-test"
AUTH = {"authorization": f"token {KEY}"}
MODELS_HOST = "api.thehive.ai"

# {receiver} is replaced by the receiver's base URL.
SCENARIO = """
name: hive-test
seed: 7
clock: manual
start: 2026-01-01T00:00:00Z
reviewers:
  - {name: Dana Reviewer, email: dana@example.com}
  - {name: Sam Moderator, email: sam@example.com}
hive:
  keys: [hive-test]
  callback_delay: 2s
  text:
    - {matches: '\\b\\d{3}[ .-]\\d{3}[ .-]\\d{4}\\b', class: spam}
    - {matches: '\\b\\d{3}[ .-]\\d{3}[ .-]\\d{4}\\b', class: promotions}
    - {matches: "(?i)idiot|loser", class: bullying, score: 3}
  deny_list: [badword]
  visual:
    - {url_contains: nsfw, class: general_nsfw, score: 0.97}
  rules:
    - {name: Send to Review Feed, if: "pii or bullying >= 2 or general_nsfw >= 0.9",
       action: review}
    - {name: Post has text in Deny List, if: text_filter, action: delete_post}
  actions:
    ban_user:
      url: "{receiver}/hive/ban?source=dashboard"
      header: "X-Auth: s3cret"
      params: {user: user_id, post: post_id, why: rule_name, tier: user.tier, by: moderator}
    delete_post: {url: "{receiver}/hive/delete"}
  review:
    - when: {rule: Send to Review Feed, text_contains: idiot}
      then: {decide: {after: 10m, action: ban_user, by: dana@example.com}}
    - when: {reported: true, report_category: spam}
      then: {dismiss: {after: 1m, note: not spam}}
"""


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every request; answers the queued statuses first, then 200."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)

    def at(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]


@pytest.fixture
async def receiver(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> Receiver:
    got = Receiver()

    async def record(request: web.Request) -> web.Response:
        got.requests.append(
            Received(
                request.method,
                request.path,
                dict(request.query),
                dict(request.headers),
                await request.read(),
            )
        )
        status = got.answers.pop(0) if got.answers else 200
        return web.json_response({"ok": status == 200}, status=status)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    server = await aiohttp_server(app)
    got.url = str(server.make_url("")).rstrip("/")
    return got


class Hive(VendorControl):
    """A thin client: Hive calls with a valid key (Dashboard host unless told), and control."""

    vendor = "hive"

    async def post(
        self,
        path: str,
        body: Any = None,
        *,
        auth: dict[str, str] | None = None,
        host: str | None = None,
        data: Any = None,
        content_type: str | None = None,
    ) -> ClientResponse:
        headers = dict(AUTH if auth is None else auth)
        if host:
            headers["Host"] = host
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        if content_type is not None:
            headers["Content-Type"] = content_type
        return await self.client.post(path, data=data, headers=headers)

    async def ok(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        resp = await self.post(path, body, **kwargs)
        assert resp.status == 200, await resp.text()
        return await resp.json()

    async def error(self, resp: ClientResponse, status: int, code: str) -> dict[str, Any]:
        """Assert Hive's (our) error shape, status and code; the body."""
        assert resp.status == status, await resp.text()
        body: dict[str, Any] = await resp.json()
        assert set(body) <= {"code", "error", "message", "details"}
        assert body["code"] == status and body["error"] == code, body
        assert body["message"]
        return body

    async def act(self, task_id: str, step: Any) -> ClientResponse:
        return await self.client.post(f"/_mockserver/items/hive/{task_id}", json=step)


Sandbox = Callable[..., Awaitable[Hive]]


@pytest.fixture
def sandbox(aiohttp_client: Any, receiver: Receiver) -> Sandbox:
    """`await sandbox()` for the test scenario, or `await sandbox(yaml_text)` for another."""

    async def make(text: str | None = None) -> Hive:
        source = (text or SCENARIO).replace("{receiver}", receiver.url)
        scenario = parse_scenario(source, "test.yaml", VENDORS)
        app = build_app(Settings(), VENDORS, ScenarioLibrary(default=scenario))
        return Hive(await aiohttp_client(app))

    return make
