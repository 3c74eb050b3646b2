"""Hostile input to every operation the sandbox describes (each vendor's and the control
plane's, derived from the OpenAPI descriptions it serves), with invariants after each case
(invariants.py): no 5xx, no stalled event loop, every read endpoint still 200, bounded memory.

`make test` runs, per operation, one case of each core family (hostile.CORE: the families that
broke the sandbox before) and a few random ones (HOSTILE), checking the reads once at the end;
`make fuzz` many more random ones, each followed by the reads, shrunk to a minimal failing
example (printed at the end, tests/fuzz/conftest.py).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
import requests
from hypothesis import given
from schemathesis import GenerationMode

from mockserver.http.openapi import document, names
from mockserver.testing.server import InProcessServer

from .invariants import Invariants, server_prefix
from .requests_hostile import (
    core_mutations,
    declared_fields,
    hostile_wire,
    media_types,
    mutations,
    urlencoded,
)
from .support import (
    AUTH,
    HITL_KEY,
    HOSTILE,
    LONG,
    LOOP_ID,
    SCHEMA_ID,
    fuzz_settings,
    labels,
    load,
    operation,
)
from .test_fuzz_hitl import known_ids as hitl_ids

TIMEOUT = 30.0
CASES = [(name, method, template) for name in names() for method, template in labels(name)]
SCHEMAS = {name: load(name) for name in names()}


@pytest.fixture
def invariants(
    live: InProcessServer,
    session: requests.Session,
    namespace: dict[str, str],
    loop_watch: Any,
) -> Iterator[Invariants]:
    checks = Invariants(live.url, session, namespace, AUTH, loop_watch)
    yield checks
    checks.memory()


def known_parameters(
    name: str, template: str, url: str, session: requests.Session, headers: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, Any]]:
    """Real ids for the path parameters of `template` (and the query of the task lookup), so
    most cases reach the handler's deeper checks."""
    path: dict[str, str] = {}
    query: dict[str, Any] = {}
    if name == "hitl":
        ids = hitl_ids(url, session, {**headers, **AUTH["hitl"]}, template)
        path = {k: v for k, v in ids.items() if f"{{{k}}}" in template}
    elif name == "outharm" and "{" in template:
        scored = session.post(
            f"{url}/moderation/automated",
            json={"schema_id": SCHEMA_ID, "content": {"title": ["Fuzz me"]}},
            headers={**headers, **AUTH["outharm"]},
        )
        path = {"submission_id": scored.json()["submission_id"]}
    elif name == "hive-models" and template == "/api/v1/task":
        made = session.post(
            f"{url}/models/api/v1/task/async",
            json={"text_data": "Fuzz"},
            headers={**headers, **AUTH["hive-models"]},
        )
        query = {"task_id": made.json()["task_id"]}
    elif name == "control":
        made = session.post(
            f"{url}/v1/api/loops/{LOOP_ID}/requests",
            json={"request_text": "Fuzz", "callback_url": "https://example.com/hook"},
            headers={**headers, "Authorization": f"Bearer {HITL_KEY}"},
        )
        request_id = made.json()["data"]["request_id"]
        deliveries = session.get(f"{url}/_mockserver/deliveries", headers=headers).json()
        delivery = deliveries["deliveries"][0]["id"] if deliveries["deliveries"] else "d"
        candidates = {
            "vendor": "hitl",
            "id": request_id if "{vendor}" in template else delivery,
            "name": "control",
            "namespace": next(iter(headers.values())),
            "file": "console.js",
        }
        path = {k: v for k, v in candidates.items() if f"{{{k}}}" in template}
        if template.startswith("/wait/"):
            query = {"timeout": 0}
    return path, query


@pytest.mark.parametrize(("name", "method", "template"), CASES)
def test_hostile_input(
    live: InProcessServer,
    session: requests.Session,
    namespace: dict[str, str],
    invariants: Invariants,
    name: str,
    method: str,
    template: str,
) -> None:
    doc = document(name)
    op = operation(SCHEMAS[name], method, template)
    fields = declared_fields(doc, op.definition.raw)
    path, query = known_parameters(name, template, live.url, session, namespace)
    headers = {**AUTH.get(name, {}), **namespace}
    base = live.url + server_prefix(doc, template)
    strategy = op.as_strategy(
        generation_mode=GenerationMode.POSITIVE,
        headers=headers,
        path_parameters=path or None,
        query=query or None,
    )
    send = sender(session, namespace, query)
    label = f"{name} {method} {template}"
    multipart = any(m.startswith("multipart/") for m in media_types(doc, op.definition.raw))
    core = core_mutations(fields, zlib.crc32(label.encode()), multipart)
    sent: list[str] = []

    valid: list[Any] = []

    @fuzz_settings(1, label, fixed_cases=True)
    @given(case=strategy)
    def one_valid_case(case: Any) -> None:
        valid.append(case)

    @fuzz_settings(HOSTILE, label)
    @given(case=strategy, mutation=mutations())
    def at_random(case: Any, mutation: dict[str, Any]) -> None:
        wire = hostile_wire(case, base, mutation, fields)
        sent.append(wire.describe())
        invariants.after(wire.describe(), send(wire), reads=LONG)

    one_valid_case()
    for mutation in core:  # each core family, in that one case
        wire = hostile_wire(valid[0], base, mutation, fields)
        sent.append(wire.describe())
        invariants.after(wire.describe(), send(wire), reads=LONG)
    at_random()
    invariants.after(f"these {len(sent)} cases:\n" + "\n".join(sent[-40:]), None)


def sender(
    session: requests.Session, namespace: Mapping[str, str], fixed: Mapping[str, Any]
) -> Callable[[Any], requests.Response]:
    """Sends a Wire as is: the query written by hand (requests would refuse to encode a lone
    surrogate), the namespace header and any fixed query (a long poll's `timeout=0`) kept."""

    def send(wire: Any) -> requests.Response:
        params = {**wire.params, **{k: str(v) for k, v in fixed.items()}}
        query = urlencoded(params).decode("ascii")
        return session.request(
            wire.method,
            wire.url + ("?" + query if query else ""),
            headers={**wire.headers, **namespace},
            data=wire.body,
            timeout=TIMEOUT,
        )

    return send
