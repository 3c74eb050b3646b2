"""`mockserver drift` against a real side whose state moves on (a person answers requests while
the probes run) and one that echoes the key back in other forms: moved state is reported as
such, not as drift; cleanup undoes a loop's requests before the loop and counts what is already
gone as undone; the key never appears in any case or encoding, not even after an unexpected
error."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp import web

from mockserver.cli.drift import session

from .conftest import Result, StandIn, write

Drift = Callable[..., Result]
Start = Callable[..., StandIn]
# A key with characters URL-encoding changes, so an encoded echo differs from the key.
ODD_KEY = "hitl_live_Mx/7+q=Zr/" + "k" * 30
_READ = re.compile(r"^/v1/api/requests/([0-9a-f]{24})$")


def forms_of(key: str) -> list[str]:
    """The key as a service might echo it: as given, in other cases, URL-encoded."""
    encoded = quote(key, safe="")
    return [key, key.upper(), key.lower(), encoded, encoded.lower(), quote(encoded, safe="")]


def assert_no_form_of_the_key(result: Result, key: str) -> None:
    for text in (result.out, result.err, result.report_text):
        for form in forms_of(key):
            assert form.lower() not in text.lower(), form


def a_person_answers_on_first_read() -> Any:
    """A middleware on the stand-in: the first time a request is read, a reviewer answers it
    (through the stand-in's own control plane) just before the read is served."""
    answered: set[str] = set()

    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        found = _READ.match(request.path)
        if request.method == "GET" and found and found[1] not in answered:
            answered.add(found[1])
            url = f"http://{request.host}/_mockserver/items/hitl/{found[1]}"
            async with (
                aiohttp.ClientSession() as http,
                http.post(url, json={"respond": {"random": True}}) as r,
            ):
                assert r.status == 200, await r.text()
        response: web.StreamResponse = await handler(request)
        return response

    return middleware


def test_requests_a_person_answered_between_probes_are_state_that_moved_on(
    stand_in: Start, drift: Drift, joined: str
) -> None:
    real = stand_in(joined, middlewares=(a_person_answers_on_first_read(),))
    result = drift(
        "--vendor", "hitl", "--base", f"{real.url}/v1", "--allow-writes", "--scenario", joined
    )  # fmt: skip
    outcomes = result.outcomes()
    kinds = ("single_select", "multi_select", "rating", "text", "number", "boolean")
    for kind in kinds:
        assert outcomes[f"get_request_{kind}"] == "moved", result.probe(f"get_request_{kind}")
        assert outcomes[f"cancel_request_{kind}"] == "moved"
    read = result.probe("get_request_rating")
    assert read["detail"].startswith("the real request is completed, the sandbox's pending")
    assert "differences" not in read  # kept as value-dependent notes, not counted
    cancel = result.probe("cancel_request_text")
    assert cancel["detail"].startswith("the real request could no longer be cancelled")
    assert outcomes["get_response"] == "moved"
    assert "differs" not in outcomes.values()
    assert result.report["summary"]["moved"] == 13
    assert "13 moved on (state, not drift)" in result.out
    # Cleanup: the six requests (answered, so nothing to cancel) went before their loop, and
    # count as undone; the run exits 0.
    cleanup = result.report["cleanup"]["real"]
    assert [c["gone"] for c in cleanup if "gone" in c] == [
        "already decided: nothing left to cancel"
    ] * 6
    assert all(c["undone"] for c in cleanup)
    assert "cleanup: 7 of 7 undone (6 already gone or decided)" in result.out
    deletes = [e["path"] for e in real.control.journal(method="DELETE")]
    loop_at = next(i for i, p in enumerate(deletes) if p.startswith("/v1/api/loops/"))
    assert all(p.startswith("/v1/api/requests/") for p in deletes[:loop_at])
    assert deletes[loop_at + 1 :] == []
    assert result.code == 0, result.out


def test_what_is_already_gone_counts_as_undone(stand_in: Start, drift: Drift, joined: str) -> None:
    @web.middleware
    async def gone(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.method == "DELETE" and request.path.startswith("/v1/api/requests/"):
            body = {"error": True, "msg": "Request not found", "data": None}
            return web.json_response(body, status=404)
        response: web.StreamResponse = await handler(request)
        return response

    real = stand_in(joined, middlewares=(gone,))
    # A budget of 12 calls stops the run before its cancel probes: the requests are undone
    # by the cleanup, which finds them gone.
    result = drift(
        "--vendor", "hitl", "--base", f"{real.url}/v1", "--allow-writes", "--scenario", joined,
        "--max-calls", "12",
    )  # fmt: skip
    cleanup = result.report["cleanup"]["real"]
    requests = [c for c in cleanup if c["call"].startswith("DELETE /api/requests/")]
    assert requests and all(c["status"] == 404 and c["gone"] == "already gone" for c in requests)
    assert all(c["undone"] for c in cleanup)
    assert "NOT undone" not in result.out
    assert result.code == 4  # stopped by the budget; nothing left behind


def echo_the_key(request: web.Request) -> dict[str, str]:
    key = request.headers.get("Authorization", "").removeprefix("Bearer ")
    return {
        "X-RateLimit-Echo-Upper": key.upper(),
        "X-RateLimit-Echo-Encoded": quote(key, safe=""),
        "X-RateLimit-Echo-Twice": quote(quote(key, safe=""), safe="").lower(),
    }


def test_a_key_echoed_in_another_case_or_encoding_is_redacted(
    stand_in: Start, drift: Drift, monkeypatch: pytest.MonkeyPatch
) -> None:
    @web.middleware
    async def echo(request: web.Request, handler: Any) -> web.StreamResponse:
        response: web.StreamResponse = await handler(request)
        if not isinstance(response, web.Response) or request.path != "/v1/test":
            return response
        # in headers drift reports, and as a JSON key (a field name drift prints as a path)
        body = {"data": {request.headers.get("Authorization", "").upper(): 1}}
        return web.json_response(body, headers=echo_the_key(request))

    monkeypatch.setenv("HITL_API_KEY", ODD_KEY)
    real = stand_in(middlewares=(echo,))
    result = drift("--vendor", "hitl", "--base", f"{real.url}/v1")
    headers = result.probe("test_key")["real"]["headers"]
    assert headers["x-ratelimit-echo-upper"] == "[redacted]"
    assert headers["x-ratelimit-echo-encoded"] == "[redacted]"
    assert headers["x-ratelimit-echo-twice"] == "[redacted]"
    assert "$.data.BEARER [redacted]" in result.out
    assert_no_form_of_the_key(result, ODD_KEY)


def test_an_unexpected_error_inside_drift_prints_no_form_of_the_key(
    stand_in: Start, drift: Drift, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        # what a failing library might do: log, warn and raise with the key in the message
        # a log record with no handler configured goes to stderr (logging.lastResort)
        record = logging.makeLogRecord({"msg": f"request failed for {ODD_KEY.upper()}"})
        assert logging.lastResort is not None
        logging.lastResort.handle(record)
        print(f"debug: {quote(ODD_KEY, safe='')}", flush=True)
        raise RuntimeError(f"boom: Authorization: Bearer {ODD_KEY.lower()}")

    monkeypatch.setenv("HITL_API_KEY", ODD_KEY)
    monkeypatch.setattr(session, "run", broken)
    real = stand_in()
    result = drift("--vendor", "hitl", "--base", f"{real.url}/v1")
    assert result.code == 2
    assert "mockserver drift: RuntimeError: boom: Authorization: Bearer [redacted]" in result.err
    assert "request failed for [redacted]" in result.err
    assert "debug: [redacted]" in result.out
    assert_no_form_of_the_key(result, ODD_KEY)


def test_an_interruption_outside_the_probes_prints_no_key(
    drift: Drift, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt(ODD_KEY)

    monkeypatch.setenv("HITL_API_KEY", ODD_KEY)
    monkeypatch.setattr(session, "run", interrupted)
    result = drift("--vendor", "hitl", "--scenario", write(tmp_path, "s.yaml", "seed: 1\n"))
    assert (result.code, result.err) == (130, "mockserver drift: interrupted\n")
    assert_no_form_of_the_key(result, ODD_KEY)
