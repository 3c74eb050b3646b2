"""Bounded, deterministic property-based fuzzing of a live sandbox with schemathesis.

aiohttp has no in-process ASGI/WSGI hook, so the sandbox runs on a free loopback port in a
background thread (`mockserver.testing.server.InProcessServer`) and schemathesis calls it with
`requests`. Each operation gets a fixed number of examples from hypothesis with `derandomize`
(a fixed seed, no example database, no shrinking), so the suite's time is bounded and a run
repeats the last one. (Hypothesis also mixes in literals from the modules already imported, so
a test's examples can differ with what ran before it in the same worker; no test relies on one
particular example.)

Budgets: `POSITIVE` examples that fit the description and `NEGATIVE`
examples that break it, per operation and per set of path parameters; ids the fuzzer cannot
guess (a loop, a request, a submission, a task) are also fixed to real ones made beforehand,
so the handlers' deeper checks run too.
"""

from __future__ import annotations

import json
import os
import zlib
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mockserver.http.openapi import document
from mockserver.http.settings import Settings
from mockserver.testing.server import InProcessServer

Operation = APIOperation[Any, Any, Any, Any]

# `MOCKSERVER_FUZZ_SCALE=10 pytest tests/fuzz` multiplies every budget, for a deeper local hunt.
SCALE = float(os.environ.get("MOCKSERVER_FUZZ_SCALE", "1"))
POSITIVE = round(15 * SCALE)
NEGATIVE = round(8 * SCALE)
GUESSED = round(3 * SCALE)  # examples with generated (unknown) ids, each mode
HOSTILE = max(1, round(2 * SCALE))  # hostile variants per operation (test_fuzz_hostile.py)
# `make fuzz` (or MOCKSERVER_FUZZ_SEED=N): random cases, a different run each time unless the
# seed is given, shrunk to a minimal example on failure; `make test`: the same cases each run.
SEED = os.environ.get("MOCKSERVER_FUZZ_SEED")
LONG = SCALE > 1 or SEED is not None
TIMEOUT = 10.0  # seconds per call: a hang is a failure, not a stuck suite

HITL_KEY = "fuzz-hitl-key"
OUTHARM_TOKEN = "fuzz-outharm-token"
HIVE_KEY = "fuzz-hive-key"
LOOP_ID = "65f1234567890abcdef12345"
SCHEMA_ID = "550e8400-e29b-41d4-a716-446655440000"
# A generous budget, accepted keys, no scripted reviewers (nothing happens on its own), and
# every webhook answered by a simulated receiver, so fuzzed callback URLs never leave the host.
# The created id in the form the vendor's OpenAPI file documents (CreateRequestResponse).
SCENARIO = f"""
name: fuzz
variants: {{hitl.created_id: request_id}}
seed: 13
clock: manual
start: "2026-01-05T10:00:00Z"
reviewers:
  - {{name: Dana Reviewer, email: dana@example.com}}
  - 2 generated
hitl:
  keys: [{HITL_KEY}]
  rate_limit: 1000000000
  join: on_create
  loops: [{{id: {LOOP_ID}, name: Fuzz Team}}]
outharm:
  tokens: [{OUTHARM_TOKEN}]
hive:
  keys: [{HIVE_KEY}]
  text:
    - {{matches: "(?i)idiot", class: bullying, score: 3}}
    - {{matches: '\\b\\d{{3}}[ .-]\\d{{3}}[ .-]\\d{{4}}\\b', class: promotions}}
  deny_list: [badword, "buy  now"]
  visual:
    - {{url_contains: nsfw, class: general_nsfw, score: 0.97}}
  rules:
    - {{name: Review, if: "bullying >= 2 or general_nsfw >= 0.9 or pii", action: review}}
faults:
  - {{webhook: "*", answers: {json.dumps([200] * 2000)}}}
"""

# What every call to the sandbox's own descriptions must satisfy.
Check = Callable[..., Any]


def fuzz_settings(
    examples: int, label: str, *, fixed_cases: bool = False
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Hypothesis settings for a fuzz property: `examples` cases; in `make test` the same cases
    each run (seeded from `label`, so each operation gets cases of its own) and unshrunk (bounded
    time), in `make fuzz` random (or from MOCKSERVER_FUZZ_SEED) and shrunk. `fixed_cases`: the
    property takes its cases from a list (never shrunk, always seeded from `label`)."""
    shrink = LONG and not fixed_cases
    phases = [Phase.explicit, Phase.generate] + ([Phase.shrink] if shrink else [])
    fixed = (
        zlib.crc32(label.encode())
        if fixed_cases or not LONG
        else int(SEED)
        if SEED is not None
        else None
    )
    chosen = settings(
        max_examples=examples,
        derandomize=False,
        database=None,
        deadline=None,
        phases=phases,
        suppress_health_check=list(HealthCheck),
        print_blob=shrink,
        report_multiple_bugs=False,
    )

    def apply(test: Callable[..., None]) -> Callable[..., None]:
        test = chosen(test)
        if fixed is not None:
            test = hypothesis.seed(fixed)(test)
        return test

    return apply


# Each description's auth header, with the fuzz scenario's keys (control plane: none).
AUTH: dict[str, dict[str, str]] = {
    "hitl": {"Authorization": f"Bearer {HITL_KEY}"},
    "outharm": {"Authorization": f"Bearer {OUTHARM_TOKEN}"},
    "hive-dashboard": {"authorization": f"token {HIVE_KEY}"},
    "hive-models": {"authorization": f"token {HIVE_KEY}"},
}


def documented_status(ctx: Any, response: Any, case: Any) -> None:
    """The status is listed for the operation itself, not only covered by `default` (which is
    for injected faults and sandbox bugs)."""
    responses = case.operation.definition.raw["responses"]
    status = str(response.status_code)
    ranged = status[0] + "XX"
    assert status in responses or ranged in responses, (
        f"{case.operation.label} answered {status}, which it does not document "
        f"(documented: {', '.join(responses)})"
    )


OWN_CHECKS: list[Check] = [
    not_a_server_error,
    status_code_conformance,
    documented_status,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def start_server(tmp: Path) -> InProcessServer:
    """The sandbox with the fuzz scenario, on a free loopback port."""
    path = tmp / "fuzz.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return InProcessServer(Settings(scenario=str(path), log_level="warning")).start()


def load(
    name: str, narrow: Callable[[dict[str, Any]], None] | None = None
) -> schemathesis.BaseSchema:
    """One of the sandbox's own descriptions, for schemathesis; `narrow` may first change the
    document, e.g. to pin a field to a value the fuzz scenario defines."""
    doc = document(name)
    if narrow is not None:
        narrow(doc)
    return schemathesis.openapi.from_dict(doc)


def labels(name: str) -> list[tuple[str, str]]:
    """(METHOD, path template) of every operation in description `name`, for parametrize."""
    doc = document(name)
    methods = ("get", "put", "post", "delete", "patch")
    return [(m.upper(), path) for path, item in doc["paths"].items() for m in methods if m in item]


def operation(schema: schemathesis.BaseSchema, method: str, template: str) -> Operation:
    found = schema[template][method]
    assert isinstance(found, APIOperation)
    return found


def fuzz(
    op: Operation,
    base_url: str,
    session: requests.Session,
    *,
    headers: Mapping[str, str],
    checks: list[Check],
    examples: int,
    mode: GenerationMode = GenerationMode.POSITIVE,
    path_parameters: Mapping[str, str] | None = None,
    query: Mapping[str, Any] | None = None,
) -> Counter[int]:
    """Call `op` with `examples` generated cases and run `checks` on every answer; returns the
    statuses seen. A negative run of an operation with nothing left to break (no parameters,
    no body) generates nothing, and that is fine."""
    strategy = op.as_strategy(
        generation_mode=mode,
        headers=dict(headers),
        path_parameters=dict(path_parameters) if path_parameters else None,
        query=dict(query) if query else None,
    )
    seen: Counter[int] = Counter()

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy)
    def run(case: schemathesis.Case[Operation]) -> None:
        response = case.call(base_url=base_url, session=session, timeout=TIMEOUT)
        seen[response.status_code] += 1
        case.validate_response(response, checks=checks)

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        if mode is not GenerationMode.NEGATIVE:
            raise
    return seen


def both_modes(
    op: Operation,
    base_url: str,
    session: requests.Session,
    *,
    headers: Mapping[str, str],
    checks: list[Check],
    known: Mapping[str, str] | None = None,
    query: Mapping[str, Any] | None = None,
    negative: bool = True,
) -> Counter[int]:
    """The standard run: positive and (unless `negative` is false) negative examples with
    `known` path parameters, and, when the operation has path parameters, a few with generated
    ones."""
    runs: list[tuple[GenerationMode, int, Mapping[str, str] | None]] = [
        (GenerationMode.POSITIVE, POSITIVE, known),
        (GenerationMode.NEGATIVE, NEGATIVE, known),
    ]
    if known:
        runs += [(GenerationMode.POSITIVE, GUESSED, None), (GenerationMode.NEGATIVE, GUESSED, None)]
    if not negative:
        runs = [run for run in runs if run[0] is GenerationMode.POSITIVE]
    seen: Counter[int] = Counter()
    for mode, examples, path in runs:
        seen += fuzz(
            op,
            base_url,
            session,
            headers=headers,
            checks=checks,
            examples=examples,
            mode=mode,
            path_parameters=path,
            query=query,
        )
    return seen
