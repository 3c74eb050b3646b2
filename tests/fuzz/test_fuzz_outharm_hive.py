"""Fuzz every Outharm and Hive operation against the sandbox's own descriptions: no 5xx, every
status documented, every answer as the description says."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from mockserver.testing.server import InProcessServer

from .support import (
    HIVE_KEY,
    OUTHARM_TOKEN,
    OWN_CHECKS,
    SCHEMA_ID,
    both_modes,
    labels,
    load,
    operation,
)


def _known_schema(doc: dict[str, Any]) -> None:
    """Bodies for the scenario's schema and its text components only, so most are accepted
    (random schema ids and field names answer 404 and 400 in the unnarrowed run)."""
    submission = doc["components"]["schemas"]["Submission"]["properties"]
    submission["schema_id"] = {"const": SCHEMA_ID}
    submission["content"]["propertyNames"] = {"enum": ["title", "description", "body", "comments"]}


OUTHARM = load("outharm")
OUTHARM_KNOWN = load("outharm", _known_schema)
DASHBOARD = load("hive-dashboard")
MODELS = load("hive-models")
HIVE_AUTH = {"authorization": f"token {HIVE_KEY}"}


@pytest.mark.parametrize(("method", "template"), labels("outharm"))
def test_fuzz_outharm(
    live: InProcessServer,
    session: requests.Session,
    namespace: dict[str, str],
    method: str,
    template: str,
) -> None:
    headers = {"Authorization": f"Bearer {OUTHARM_TOKEN}", **namespace}
    scored = session.post(
        f"{live.url}/moderation/automated",
        json={"schema_id": SCHEMA_ID, "content": {"title": ["Fuzz me"]}},
        headers=headers,
    )
    assert scored.status_code == 200, scored.text
    known = {"submission_id": scored.json()["submission_id"]} if "{" in template else None
    seen = both_modes(
        operation(OUTHARM, method, template),
        live.url,
        session,
        headers=headers,
        checks=OWN_CHECKS,
        known=known,
    )
    if template.startswith("/moderation/"):
        seen += both_modes(
            operation(OUTHARM_KNOWN, method, template),
            live.url,
            session,
            headers=headers,
            checks=OWN_CHECKS,
        )
    assert any(200 <= status < 300 for status in seen), seen


@pytest.mark.parametrize(("method", "template"), labels("hive-dashboard"))
def test_fuzz_hive_dashboard(
    live: InProcessServer,
    session: requests.Session,
    namespace: dict[str, str],
    method: str,
    template: str,
) -> None:
    headers = {**HIVE_AUTH, **namespace}
    op = operation(DASHBOARD, method, template)
    seen = both_modes(op, live.url, session, headers=headers, checks=OWN_CHECKS)
    if template != "/api/v1/report":  # a report needs a post submitted before, by that id
        assert any(200 <= status < 300 for status in seen), seen


@pytest.mark.parametrize(("method", "template"), labels("hive-models"))
def test_fuzz_hive_models(
    live: InProcessServer,
    session: requests.Session,
    namespace: dict[str, str],
    method: str,
    template: str,
) -> None:
    """By the `/models` path alias (tests/openapi checks the same answers by Host)."""
    headers = {**HIVE_AUTH, **namespace}
    base = live.url + "/models"
    made = session.post(f"{base}/api/v1/task/async", json={"text_data": "Fuzz"}, headers=headers)
    assert made.status_code == 200, made.text
    query = {"task_id": made.json()["task_id"]} if method == "GET" else None
    op = operation(MODELS, method, template)
    seen = both_modes(op, base, session, headers=headers, checks=OWN_CHECKS, query=query)
    assert any(200 <= status < 300 for status in seen), seen
