"""`mockserver drift --vendor hitl` against a stand-in for the real service (a second sandbox):
outcomes per probe, the renamed field named by its JSON path, exit status, read-only default,
cleanup of everything created (seen through the stand-in's control plane), pacing limits, and
the key absent from everything printed or written."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from aiohttp import web

from .conftest import KEY, Result, StandIn, write

Drift = Callable[..., Result]
Start = Callable[..., StandIn]


def assert_key_absent(result: Result) -> None:
    for text in (result.out, result.err, result.report_text):
        assert KEY not in text


def assert_nothing_left(server: StandIn) -> None:
    """No loop of the key's account and no open request remain on the stand-in."""
    assert server.hitl("GET", "/loops")["data"]["loops"] == []
    open_items = [i for i in server.control.items("hitl") if i["status"] in ("pending", "claimed")]
    assert open_items == []


def renaming(old: str, new: str) -> Any:
    """A middleware that renames every `old` key in JSON answers to `new`."""

    def rename(value: Any) -> Any:
        if isinstance(value, dict):
            return {(new if k == old else k): rename(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        return value

    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        response: web.StreamResponse = await handler(request)
        if isinstance(response, web.Response) and response.content_type == "application/json":
            assert response.body is not None
            body = json.loads(bytes(response.body))  # type: ignore[arg-type]
            return web.json_response(
                rename(body), status=response.status, headers=_rate_headers(response)
            )
        return response

    return middleware


def _rate_headers(response: web.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower().startswith("x-ratelimit")}


def test_same_service_all_same_and_everything_cleaned_up(
    stand_in: Start, drift: Drift, joined: str
) -> None:
    real = stand_in(joined)
    result = drift(
        "--vendor", "hitl", "--base", f"{real.url}/v1", "--allow-writes", "--scenario", joined
    )
    assert result.code == 0, result.out
    outcomes = result.outcomes()
    assert set(outcomes.values()) == {"same", "skipped"}
    assert outcomes["get_given_request"] == "skipped"  # no --request-id given
    assert outcomes["create_request_rating"] == "same"
    assert result.probe("create_request_rating")["real"]["status"] == 201
    assert result.report["summary"]["differs"] == 0
    created = real.control.journal(method="POST")
    assert len(created) == 8  # a loop, six response types, the older shape
    assert all("[mockserver-drift " in json.dumps(e.get("body")) for e in created)
    assert_nothing_left(real)
    assert all(200 <= c["status"] < 300 for c in result.report["cleanup"]["real"])
    assert_key_absent(result)


def test_renamed_field_is_named_by_its_json_path(
    stand_in: Start, drift: Drift, joined: str
) -> None:
    real = stand_in(joined, middlewares=(renaming("member_count", "members_count"),))
    result = drift(
        "--vendor", "hitl", "--base", f"{real.url}/v1", "--allow-writes", "--scenario", joined
    )
    assert result.code == 1
    differs = {n for n, o in result.outcomes().items() if o == "differs"}
    assert differs == {"create_loop", "get_loop", "list_loops_again"}
    assert result.probe("create_loop")["differences"] == [
        {"path": "$.data.loop.member_count", "real": "absent", "sandbox": "number"},
        {"path": "$.data.loop.members_count", "real": "number", "sandbox": "absent"},
    ]
    assert {d["path"] for d in result.probe("list_loops_again")["differences"]} == {
        "$.data.loops[*].member_count",
        "$.data.loops[*].members_count",
    }
    assert "$.data.loop.members_count: real number, sandbox absent" in result.out
    assert_nothing_left(real)
    assert_key_absent(result)


def test_read_only_by_default(stand_in: Start, drift: Drift) -> None:
    real = stand_in()
    result = drift("--vendor", "hitl", "--base", f"{real.url}/v1")
    assert result.code == 0
    assert {e["method"] for e in real.control.journal()} == {"GET"}
    assert result.outcomes()["create_loop"] == "skipped"
    assert "--allow-writes" in result.probe("create_loop")["detail"]
    assert result.report["calls"]["real"] == 4  # test, invalid key, list loops, list requests


def test_a_given_loop_is_used_and_never_deleted(
    stand_in: Start, drift: Drift, tmp_path: Path
) -> None:
    loop = "65f1234567890abcdef12345"
    scenario = write(
        tmp_path,
        "loop.yaml",
        f"reviewers: [2 generated]\nhitl:\n  loops:\n    - {{id: {loop}, name: Given}}\n",
    )
    real = stand_in(scenario)
    result = drift(
        "--vendor", "hitl", "--base", f"{real.url}/v1", "--scenario", scenario,
        "--allow-writes", "--loop-id", loop,
    )  # fmt: skip
    assert result.code == 0, result.out
    assert result.outcomes()["create_loop"] == "skipped"
    assert result.outcomes()["delete_loop"] == "skipped"
    assert result.outcomes()["create_request_text"] == "same"
    assert result.probe("create_request_text")["real"]["status"] == 201
    assert [
        e["status"] for e in real.control.journal(method="DELETE", path="/v1/api/loops/*")
    ] == []
    assert [lp["id"] for lp in real.hitl("GET", "/loops")["data"]["loops"]] == [loop]


def test_stops_at_the_rate_limit_reserve_and_still_cleans_up(
    stand_in: Start, drift: Drift, tmp_path: Path
) -> None:
    # 25 calls an hour: after five with the key (the invalid-key call is another key's),
    # X-RateLimit-Remaining is 20, HITL's reserve.
    real = stand_in(write(tmp_path, "tight.yaml", "hitl: {rate_limit: 25}\n"))
    result = drift("--vendor", "hitl", "--base", f"{real.url}/v1", "--allow-writes")
    assert "X-RateLimit-Remaining fell to 20" in result.report["stopped"]
    assert result.code == 4
    assert result.outcomes()["list_members"] == "skipped"
    assert "stopped: X-RateLimit-Remaining" in result.probe("list_members")["detail"]
    assert result.report["calls"]["real"] == 7  # six probes, then the loop's deletion
    assert [c["call"].split()[0] for c in result.report["cleanup"]["real"]] == ["DELETE"]
    assert_nothing_left(real)


def test_call_budget_counts_the_cleanups(stand_in: Start, drift: Drift, joined: str) -> None:
    real = stand_in(joined)
    result = drift(
        "--vendor", "hitl", "--base", f"{real.url}/v1", "--allow-writes", "--max-calls", "12",
        "--scenario", joined,
    )  # fmt: skip
    assert result.report["cleanup"]["real"][0]["call"].startswith("DELETE /api/requests/")
    assert result.report["calls"]["real"] <= 12
    assert "call budget of 12" in result.report["stopped"]
    assert len(real.control.journal()) == result.report["calls"]["real"]
    assert_nothing_left(real)


def test_unreachable_service_is_missing_and_the_key_stays_secret(drift: Drift) -> None:
    # A port bound but not listening refuses connections, and no other server can take it.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{closed.getsockname()[1]}/v1"
        result = drift("--vendor", "hitl", "--base", base, "--timeout", "2")
    assert result.code == 1
    assert result.outcomes()["test_key"] == "missing"
    assert "no answer from the real service" in result.probe("test_key")["detail"]
    assert_key_absent(result)


def test_key_from_a_named_variable_and_never_echoed(
    stand_in: Start, drift: Drift, monkeypatch: Any
) -> None:
    real = stand_in()
    monkeypatch.delenv("HITL_API_KEY")
    monkeypatch.setenv("MY_HITL", KEY)
    result = drift("--vendor", "hitl", "--base", f"{real.url}/v1", "--key-env", "MY_HITL")
    assert result.code == 0
    assert {e["path"] for e in real.control.journal()} >= {"/v1/test"}
    assert_key_absent(result)
    missing = drift("--vendor", "hitl", "--base", f"{real.url}/v1", "--key-env", "NOT_SET_HERE")
    assert missing.code == 2
    assert "NOT_SET_HERE" in missing.err


def test_a_key_the_service_echoes_is_redacted(stand_in: Start, drift: Drift) -> None:
    @web.middleware
    async def echo_key(request: web.Request, handler: Any) -> web.StreamResponse:
        response: web.StreamResponse = await handler(request)
        response.headers["X-RateLimit-Key"] = request.headers.get("Authorization", "")
        return response

    real = stand_in(middlewares=(echo_key,))
    result = drift("--vendor", "hitl", "--base", f"{real.url}/v1")
    headers = result.probe("test_key")["real"]["headers"]
    assert headers["x-ratelimit-key"] == "Bearer [redacted]"
    assert result.outcomes()["test_key"] == "differs"  # a header the sandbox does not send
    assert_key_absent(result)


def test_a_given_request_is_observed_on_the_real_side_only(
    stand_in: Start, drift: Drift, tmp_path: Path
) -> None:
    loop = "65f1234567890abcdef12345"
    scenario = write(
        tmp_path,
        "loop.yaml",
        f"reviewers: [2 generated]\nhitl:\n  loops:\n    - {{id: {loop}, name: Given}}\n",
    )
    real = stand_in(scenario)
    body = {
        "request_text": "Earlier work", "response_type": "boolean",
        "response_config": {}, "default_response": False,
    }  # fmt: skip
    created = requests.post(
        f"{real.url}/v1/api/loops/{loop}/requests",
        json=body,
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=5,
    ).json()["data"]
    request_id = created.get("request_id") or created["request"]["id"]
    real.control.act("hitl", request_id, {"respond": {"boolean": True}})
    result = drift("--vendor", "hitl", "--base", f"{real.url}/v1", "--request-id", request_id)
    assert result.code == 0, result.out
    assert result.outcomes()["get_given_request"] == "observed"
    assert result.outcomes()["get_given_response"] == "observed"
    assert result.probe("get_given_response")["real"]["status"] == 200
    assert result.probe("get_given_request")["sandbox"] == {
        "skipped": "reads the real account only"
    }
    assert result.report["summary"]["observed"] == 2
    assert "2 observed on the real side only" in result.out


def test_an_endpoint_the_service_lacks_is_missing(stand_in: Start, drift: Drift) -> None:
    @web.middleware
    async def no_members_route(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.endswith("/members"):
            return web.json_response({"error": True, "msg": "Not found"}, status=404)
        response: web.StreamResponse = await handler(request)
        return response

    real = stand_in(middlewares=(no_members_route,))
    result = drift("--vendor", "hitl", "--base", f"{real.url}/v1", "--allow-writes")
    assert result.code == 1
    members = result.probe("list_members")
    assert members["outcome"] == "missing"
    assert members["differences"] == [{"path": "status", "real": "404", "sandbox": "200"}]
    assert members["detail"].startswith("the real service answers GET /api/loops/")
    assert result.outcomes()["get_loop"] == "same"
    assert_nothing_left(real)
