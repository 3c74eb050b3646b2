"""Small helpers shared by the tooling tests: scenario text, HITL calls and file edits."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

KEY = "hitl_live_" + "0" * 48
AUTH = {"Authorization": f"Bearer {KEY}"}


def scenario(name: str, rules: str = "    - otherwise: timeout\n", extra: str = "") -> str:
    """A manual-clock scenario whose HITL reviewers follow `rules` (YAML, indented 4)."""
    return (
        f"name: {name}\nseed: 3\nclock: manual\nstart: 2026-01-05T10:00:00Z\n"
        "reviewers:\n  - {name: Dana Reviewer, email: dana@example.com}\n"
        f"{extra}hitl:\n  rules:\n{rules}"
    )


def write(path: Path, text: str) -> Path:
    """Write `text` and move the modification time on, so a poller sees a change even when
    the file system's clock granularity is coarse."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    after = max(path.stat().st_mtime_ns, before + 1_000_000)
    os.utime(path, ns=(after, after))
    return path


async def new_request(client: TestClient[Any, Any], **fields: Any) -> str:
    """Create a loop and a single_select request in it; the request id."""
    loop = await client.post(
        "/v1/api/loops", json={"name": "Moderation", "icon": "shield-check"}, headers=AUTH
    )
    assert loop.status == 201, await loop.text()
    loop_id = (await loop.json())["data"]["loop"]["id"]
    body = {
        "processing_type": "time-sensitive",
        "type": "markdown",
        "priority": "medium",
        "request_text": "Please review this comment",
        "response_type": "single_select",
        "response_config": {"options": ["Approve", "Reject"]},
        "default_response": "Reject",
        "timeout_seconds": 3600,
        "platform": "api",
        **fields,
    }
    made = await client.post(f"/v1/api/loops/{loop_id}/requests", json=body, headers=AUTH)
    assert made.status == 201, await made.text()
    request_id: str = (await made.json())["data"]["request_id"]
    return request_id


async def request_status(client: TestClient[Any, Any], request_id: str) -> str:
    got = await client.get(f"/v1/api/requests/{request_id}", headers=AUTH)
    status: str = (await got.json())["data"]["request"]["status"]
    return status
