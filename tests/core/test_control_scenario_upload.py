"""Loading a scenario through the control plane, as a backend dev or CI script sees it: the
answer for a name the library lacks, a rejected upload (with the hint for `curl -d`), the
name an upload gets, and the log line that says what was loaded."""

from __future__ import annotations

import logging

import pytest

from .conftest import MakeClient

BASE = "clock: manual\nhitl:\n  rules: [{otherwise: timeout}]\n"


async def test_a_name_the_library_lacks_lists_what_it_has(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    resp = await client.put("/_mockserver/scenario", json={"name": "nope"})
    assert resp.status == 404
    body = await resp.json()
    assert len(body["available"]) > 1  # the shipped scenarios
    assert body["error"] == f"no scenario named 'nope' (available: {', '.join(body['available'])})"


async def test_a_rejected_upload_lists_its_problems(sandbox: MakeClient) -> None:
    client = await sandbox(BASE)
    resp = await client.put("/_mockserver/scenario?source=qa.yaml", data="seed: lots\n")
    assert resp.status == 400
    body = await resp.json()
    assert body["error"] == "scenario rejected"
    assert body["problems"] == ["qa.yaml:1:7: seed: expected a whole number, got text"]


@pytest.mark.parametrize(
    ("text", "hinted"),
    [
        ("# qa scenario seed: 5 clock: manual hitl:", True),  # 41 characters on one line
        ("# qa scenario seed: 5 clock: manual hitl", False),  # 40: the hint starts above 40
        ("seed: lots\n# a second line, so not the curl -d mistake\n", False),
    ],
)
async def test_the_curl_hint_is_given_only_for_a_long_single_line(
    sandbox: MakeClient, text: str, hinted: bool
) -> None:
    client = await sandbox(BASE)
    resp = await client.put("/_mockserver/scenario", data=text)
    assert resp.status == 400
    problems = (await resp.json())["problems"]
    assert any("--data-binary" in p and p.startswith("<uploaded>: ") for p in problems) is hinted


async def test_an_upload_is_named_after_its_source_file(
    sandbox: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "mockserver")
    client = await sandbox(BASE)
    resp = await client.put("/_mockserver/scenario?source=dir/qa-run.yaml", data=BASE)
    assert await resp.json() == {"name": "qa-run", "source": "dir/qa-run.yaml"}
    resp = await client.put("/_mockserver/scenario", data=BASE)
    assert await resp.json() == {"name": "uploaded", "source": "<uploaded>"}
    resp = await client.put(
        "/_mockserver/scenario", data=BASE, headers={"X-Mockserver-Namespace": "team-a"}
    )
    lines = [r for r in caplog.records if getattr(r, "event", None) == "scenario"]
    assert [r.getMessage() for r in lines] == [
        "scenario 'qa-run' loaded from dir/qa-run.yaml, clock manual (every namespace reset)",
        "scenario 'uploaded' loaded from <uploaded>, clock manual (every namespace reset)",
        "scenario 'uploaded' loaded from <uploaded>, clock manual",
    ]
    assert [r.__dict__["namespace"] for r in lines] == ["", "", "team-a"]
