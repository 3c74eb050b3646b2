"""Fuzz every control-plane operation against its description: no 5xx, every status
documented, every answer as the description says.

Each test gets a sandbox of its own (the control plane resets, swaps scenarios and moves
clocks for every namespace). Long polls are fuzzed with `timeout=0` so none waits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mockserver.testing.server import InProcessServer

from .support import (
    HITL_KEY,
    LOOP_ID,
    OWN_CHECKS,
    both_modes,
    labels,
    load,
    operation,
    start_server,
)

HOOK = "https://example.com/fuzz-hook"
# Durations of at most 9999 units per part, so a run of advances stays inside the years the
# clock can show (past 9999-12-31 an advance is a documented 400, which would end the run).


def _bounded_durations(doc: dict[str, Any]) -> None:
    duration = doc["components"]["schemas"]["Duration"]["oneOf"][0]
    duration["pattern"] = "^([0-9]{1,4}(\\.[0-9]{1,3})?(ms|s|m|h|d)){1,3}$"


SCHEMA = load("control", _bounded_durations)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[InProcessServer]:
    server = start_server(tmp_path)
    yield server
    server.stop()


def known_ids(url: str, session: requests.Session) -> dict[str, str]:
    """A pending HITL request and a webhook delivery (about a cancelled one) in the default
    namespace, and a namespace to drop."""
    auth = {"Authorization": f"Bearer {HITL_KEY}"}
    made = session.post(
        f"{url}/v1/api/loops/{LOOP_ID}/requests",
        json={"request_text": "Fuzz", "callback_url": HOOK},
        headers=auth,
    )
    assert made.status_code == 201, made.text
    request_id = made.json()["data"]["request_id"]
    cancelled = session.delete(f"{url}/v1/api/requests/{request_id}", headers=auth)
    assert cancelled.status_code == 200, cancelled.text
    deliveries = session.get(f"{url}/_mockserver/deliveries").json()["deliveries"]
    pending = session.post(
        f"{url}/v1/api/loops/{LOOP_ID}/requests", json={"request_text": "Act"}, headers=auth
    )
    assert pending.status_code == 201, pending.text
    made_namespace = session.get(f"{url}/_mockserver/clock", params={"namespace": "fuzz-ns"})
    assert made_namespace.status_code == 200, made_namespace.text
    return {
        "request": pending.json()["data"]["request_id"],
        "delivery": deliveries[0]["id"],
        "namespace": "fuzz-ns",
    }


@pytest.mark.parametrize(("method", "template"), labels("control"))
def test_fuzz_control(
    sandbox: InProcessServer, session: requests.Session, method: str, template: str
) -> None:
    ids = known_ids(sandbox.url, session)
    known: dict[str, str] = {}
    if "{vendor}" in template:
        known = {"vendor": "hitl", "id": ids["request"]}
    elif "{id}" in template:
        known = {"id": ids["delivery"]}
    elif "{name}" in template:
        known = {"name": "control"}
    elif "{namespace}" in template:
        known = {"namespace": ids["namespace"]}
    elif "{file}" in template:
        known = {"file": "console.js"}
    op = operation(SCHEMA, method, template)
    query: dict[str, Any] | None = None
    if template.startswith("/wait/"):
        query = {"timeout": 0}
    elif template == "/variants/match":
        query = {"variant": "hitl.created_id"}
    seen = both_modes(
        op,
        sandbox.url + "/_mockserver",
        session,
        headers={"X-Mockserver-Namespace": ""},
        checks=OWN_CHECKS,
        known=known or None,
        query=query,
        negative=True,
    )
    # Random bodies are rarely a valid reviewer step or scenario, and long polls with
    # timeout=0 time out: those operations' successes are checked in tests/openapi.
    if not template.startswith(("/wait/", "/items/", "/scenario")):
        assert any(200 <= status < 300 for status in seen), seen
