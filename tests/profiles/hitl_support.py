"""What the HITL.sh client profiles share: an in-process sandbox on a free port, called the way a
real client calls the real service (its method, path, headers and body bytes, nothing added),
and the sandbox's control plane for the reviewers' side and the virtual clock.

A profile (`test_hitl_<client>.py`, one file per public client) re-implements in Python what
its client sends and reads, cites where (repository, path, commit), and runs on the sandbox's
defaults; a profile that needs another documented form names that one variant and says why.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient
from multidict import CIMultiDictProxy

from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario
from tests.control_plane import VendorControl

KEY = "hitl_live_" + "5" * 48
LOOP = "65f1234567890abcdef12345"
REVIEWER = {"name": "Dana Reviewer", "email": "dana@example.com"}
_BASE = f"""
name: hitl-client-profile
seed: 11
clock: manual
start: "2026-01-05T10:00:00Z"
reviewers:
  - {{name: {REVIEWER["name"]}, email: {REVIEWER["email"]}}}
"""


def compact_json(value: Any) -> bytes:
    """The bytes JavaScript's `JSON.stringify(value)` sends: no spaces, UTF-8, key order kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def js_truthy(value: Any) -> bool:
    """JavaScript's truthiness (`a || b` keeps `a` when this is true): [] and {} are truthy."""
    if isinstance(value, list | dict):
        return True
    return bool(value)


@dataclass
class Reply:
    status: int
    headers: CIMultiDictProxy[str]
    body: Any
    """The JSON body, or None when the answer is not JSON."""

    @property
    def ok(self) -> bool:
        """`fetch`'s `response.ok`."""
        return 200 <= self.status < 300


class HitlService(VendorControl):
    """The sandbox seen from a client (`origin` stands for https://api.hitl.sh) and from the
    test (the control plane)."""

    vendor = "hitl"

    @property
    def origin(self) -> str:
        return str(self.client.make_url("")).rstrip("/")

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None = None
    ) -> Reply:
        """One call exactly as given; `url` is a path or an absolute URL on this origin (a
        client that builds URLs from what the service answered must land here)."""
        parts = urlsplit(url)
        if parts.scheme:
            assert f"{parts.scheme}://{parts.netloc}" == self.origin, url
            url = parts.path + (f"?{parts.query}" if parts.query else "")
        # skip_auto_headers: aiohttp adds none of its own defaults the client did not send.
        async with self.client.request(
            method,
            url,
            data=body,
            headers=dict(headers),
            skip_auto_headers=("Content-Type", "Accept", "User-Agent"),
        ) as resp:
            raw = await resp.read()
            parsed = json.loads(raw) if resp.content_type == "application/json" else None
            return Reply(resp.status, resp.headers, parsed)

    async def act(self, request_id: str, action: Any) -> Any:
        return await self.control("POST", f"/items/hitl/{request_id}", action)

    async def lenience(self) -> Any:
        return await self.control("GET", "/lenience")


MakeService = Callable[..., Awaitable[HitlService]]


@pytest.fixture
def hitl_service(aiohttp_client: Callable[..., Awaitable[TestClient[Any, Any]]]) -> MakeService:
    """`await hitl_service(hitl={...}, variants={...})`: a sandbox on the defaults, on a manual
    clock, with one reviewer and the loop `LOOP` ("Support"); `hitl` adds to its `hitl:`
    section, `variants` names the forms a profile needs."""

    async def make(
        hitl: Mapping[str, Any] | None = None, variants: Mapping[str, str] | None = None
    ) -> HitlService:
        section = {
            "loops": [{"id": LOOP, "name": "Support", "description": "Escalations"}],
            **(hitl or {}),
        }
        text = _BASE + f"hitl: {json.dumps(section)}\n"
        if variants:
            text += f"variants: {json.dumps(dict(variants))}\n"
        scenario = parse_scenario(text, "profile.yaml", VENDORS)
        app = build_app(Settings(), VENDORS, ScenarioLibrary(default=scenario))
        return HitlService(await aiohttp_client(app))

    return make
