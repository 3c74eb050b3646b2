"""Logs: one line per API call and per webhook attempt, readable text by default and JSON lines
with `--log-format json`."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver.base.logsetup import configure
from mockserver.http.server import create_app
from mockserver.http.settings import Settings

from .helpers import AUTH, new_request, scenario, write

HOOK = "http://127.0.0.1:9/hooks/hitl"
WEBHOOK_SCENARIO = scenario(
    "logs",
    "    - otherwise: {respond: {after: 1s, choose: Approve}}\n",
    extra=f"faults:\n  - {{webhook: '{HOOK}', answers: [500]}}\n",
).replace("hitl:\n", f"hitl:\n  webhooks:\n    - {{url: '{HOOK}', secret: whsec_test}}\n")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


async def exercise(tmp_path: Path, aiohttp_client: Any) -> None:
    """One HITL call, then a request whose completion webhook gets a (simulated) 500."""
    path = write(tmp_path / "logs.yaml", WEBHOOK_SCENARIO)
    client = await aiohttp_client(create_app(Settings(scenario=str(path))))
    assert (await client.get("/v1/test", headers=AUTH)).status == 200
    await new_request(client)
    await client.post("/_mockserver/clock/advance", json={"by": "1s"})
    waited = await client.get("/_mockserver/wait/deliveries", params={"count": "1"})
    assert waited.status == 200, await waited.text()


@pytest.mark.usefixtures("restore_logging")
async def test_text_lines_by_default(tmp_path: Path, aiohttp_client: Any) -> None:
    stream = io.StringIO()
    configure("info", Settings().log_format, stream)
    await exercise(tmp_path, aiohttp_client)
    lines = stream.getvalue().splitlines()
    assert any(re.fullmatch(r"\d\d:\d\d:\d\d INFO    hitl GET /v1/test -> 200", x) for x in lines)
    webhook = [x for x in lines if " webhook request.completed " in x]
    assert len(webhook) == 1, lines
    assert webhook[0].endswith(f"webhook request.completed {HOOK} -> 500 (attempt 1, pending)")


@pytest.mark.usefixtures("restore_logging")
async def test_json_lines_on_request(tmp_path: Path, aiohttp_client: Any) -> None:
    stream = io.StringIO()
    configure("info", "json", stream)
    await exercise(tmp_path, aiohttp_client)
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    call = next(e for e in entries if e["message"] == "hitl GET /v1/test -> 200")
    assert (call["level"], call["logger"]) == ("info", "mockserver.http")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", call["time"])
    webhook = [e for e in entries if e["message"].startswith("webhook request.completed")]
    assert [e["message"] for e in webhook] == [
        f"webhook request.completed {HOOK} -> 500 (attempt 1, pending)"
    ]


@pytest.mark.usefixtures("restore_logging")
def test_json_lines_carry_extra_fields_and_errors() -> None:
    stream = io.StringIO()
    configure("debug", "json", stream)
    log = logging.getLogger("mockserver.test")
    log.debug("with extra", extra={"vendor": "hitl", "status": 201})
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert (first["vendor"], first["status"], first["level"]) == ("hitl", 201, "debug")
    assert second["message"] == "failed" and "ValueError: boom" in second["error"]
