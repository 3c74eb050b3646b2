"""One record is one log line, whatever a client puts in what gets logged: a path, a query, a
namespace name or an error message holding a line break, a carriage return, a terminal escape or
a Unicode line separator cannot forge another line. Text lines write each such character as its
escape; JSON lines escape them already; a traceback's lines are indented under their record."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from mockserver.base.logsetup import JsonLines, TextLines

from .conftest import LOOP_ID, LOOP_SCENARIO, MakeClient

# Every character that ends a line or steers a terminal.
CONTROL = [*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0)), "\u2028", "\u2029"]
LINE = re.compile(r"^\d\d:\d\d:\d\d (DEBUG|INFO|WARNING|ERROR|CRITICAL) +\S")


def record(
    message: str, *args: object, namespace: str = "", error: bool = False
) -> logging.LogRecord:
    exc_info = None
    if error:
        try:
            raise ValueError(f"client said {message}")
        except ValueError as exc:
            exc_info = (type(exc), exc, exc.__traceback__)
    made = logging.LogRecord("mockserver.http", logging.INFO, __file__, 1, message, args, exc_info)
    made.namespace = namespace
    return made


@pytest.mark.parametrize("char", CONTROL, ids=[f"U+{ord(c):04X}" for c in CONTROL])
def test_a_control_character_never_starts_a_line(char: str) -> None:
    forged = f"{char}10:00:00 INFO    hitl POST /v1/api/loops -> 201"
    made = record("hitl GET %s -> %d", f"/x{forged}", 404, namespace=f"ns{forged}", error=True)
    text = TextLines().format(made)
    first, *rest = text.split("\n")
    assert LINE.match(first) and char not in first
    assert all(line.startswith("  ") for line in rest)  # the traceback, indented
    assert not any(c in text for c in CONTROL if c != "\n")
    parsed = json.loads(JsonLines().format(record("%s", forged, namespace=forged)))
    assert parsed["message"] == forged and parsed["namespace"] == forged


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """The sandbox's log, as `mockserver serve` writes it in text."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(TextLines())
    logger = logging.getLogger("mockserver")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield out
    logger.removeHandler(handler)
    logger.setLevel(level)


async def test_client_text_cannot_forge_a_log_line(sandbox: MakeClient, lines: io.StringIO) -> None:
    client = await sandbox(LOOP_SCENARIO)
    auth = {"Authorization": "Bearer k"}
    for char in CONTROL:
        forged = quote(f"{char}10:00:00 INFO    [victim] reset: every namespace")
        await client.get(f"/v1/api/requests/{forged}", headers=auth)  # a vendor call: its path
        await client.get(f"/v1/{forged}", headers=auth)  # no such endpoint
        await client.get(f"/_mockserver/journal?namespace=n{forged}")  # a namespace name
        await client.post(f"/v1/api/loops/{LOOP_ID}/requests?x={forged}", headers=auth, json={})
    logged = lines.getvalue().splitlines()
    assert len(logged) >= 4 * len(CONTROL)
    forged_lines = [line for line in logged if not LINE.match(line)]
    assert not forged_lines, forged_lines[:5]
    assert not any("[victim]" in line[:40] for line in logged)
