"""The control client against the session's sandbox: scenarios, reviewer actions, waits, clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from mockserver.testing import (
    ControlClient,
    ControlError,
    JournalFilter,
    Sandbox,
    ScenarioRejected,
    WaitTimedOut,
)
from mockserver.testing.sandbox import host_urls_from_env
from tests.crosscut import NO_VENDOR

LOOP = "65f1234567890abcdef12345"
MANUAL = {
    "name": "manual-loop",
    "clock": "manual",
    "start": "2026-03-01T12:00:00Z",
    "reviewers": [{"name": "Dana Reviewer", "email": "dana@example.com"}],
    "hitl": {"loops": [{"id": LOOP, "name": "Team"}]},
}


def create_request(mockserver: Sandbox, **fields: Any) -> str:
    body = {"request_text": "Check me", "response_type": "boolean", **fields}
    resp = requests.post(
        f"{mockserver.url_for('hitl')}/api/loops/{LOOP}/requests",
        json=body,
        headers={"Authorization": "Bearer k", **mockserver.headers},
    )
    assert resp.status_code == 201, resp.text
    request_id: str = resp.json()["data"]["request_id"]
    return request_id


def test_a_scenario_from_a_dict_inline_yaml_or_a_file(mockserver: Sandbox, tmp_path: Path) -> None:
    assert mockserver.load_scenario(MANUAL)["name"] == "manual-loop"
    assert mockserver.control.clock()["mode"] == "manual"
    mockserver.load_scenario("name: inline-one\nclock: real\n")
    assert mockserver.control.scenario()["name"] == "inline-one"
    path = tmp_path / "from-file.yaml"
    path.write_text("name: from-file\nclock: manual\n")
    mockserver.control.load_scenario(path)
    assert mockserver.control.scenario()["name"] == "from-file"
    mockserver.load_scenario("../examples/scenarios/moderation.yaml")  # beside this test
    assert mockserver.control.scenario()["name"] == "moderation"


def test_a_rejected_scenario_names_its_file_and_line(mockserver: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: broken\nclock: manul\n")
    with pytest.raises(ScenarioRejected) as caught:
        mockserver.control.load_scenario(path)
    assert caught.value.problems[0].startswith(f"{path}:2:8: clock:")
    assert "did you mean 'manual'" in str(caught.value)
    with pytest.raises(ScenarioRejected, match="<dict>:1:1: sped: unknown key"):
        mockserver.load_scenario({"sped": 1})


def test_a_missing_scenario_file_says_where_it_looked(mockserver: Sandbox) -> None:
    with pytest.raises(FileNotFoundError, match=r"nowhere\.yaml.*looked at"):
        mockserver.load_scenario("nowhere.yaml")


def test_acting_as_a_reviewer_and_waiting_for_the_status(mockserver: Sandbox) -> None:
    mockserver.load_scenario(MANUAL)
    request_id = create_request(mockserver)
    item = mockserver.control.act("hitl", request_id, "claim")
    assert item["status"] == "claimed"
    mockserver.control.act("hitl", request_id, {"respond": {"boolean": True, "by": "dana"}})
    assert mockserver.wait_for_status("hitl", request_id, ["completed", "timeout"]) == "completed"
    (listed,) = mockserver.control.items("hitl", status="completed")
    assert listed["id"] == request_id


def test_a_wait_that_gives_up_is_an_assertion_error(mockserver: Sandbox) -> None:
    mockserver.load_scenario(MANUAL)
    request_id = create_request(mockserver)
    with pytest.raises(WaitTimedOut) as caught:
        mockserver.control.wait_for_status("hitl", request_id, "completed", timeout=0.05)
    assert isinstance(caught.value, AssertionError)
    assert caught.value.body["current_status"] == "pending"
    with pytest.raises(AssertionError, match="0 of 1 deliveries"):
        mockserver.control.wait_for_deliveries(event="request.completed", timeout=0.05)


def test_moving_the_clock(mockserver: Sandbox) -> None:
    mockserver.load_scenario(MANUAL)
    control = mockserver.control
    assert control.advance(timedelta(minutes=90))["now"] == "2026-03-01T13:30:00Z"
    assert control.set_time(datetime(2026, 3, 2, tzinfo=UTC))["now"] == "2026-03-02T00:00:00Z"
    assert control.set_time("2026-03-03T08:00:00Z")["now"] == "2026-03-03T08:00:00Z"
    assert control.set_clock_mode("scaled", 60)["scale"] == 60


def test_request_timeout_fires_on_advance_and_is_journalled(mockserver: Sandbox) -> None:
    mockserver.load_scenario(MANUAL)
    request_id = create_request(mockserver, timeout_seconds=60)
    assert mockserver.control.advance("60s")["fired"] >= 1
    assert mockserver.wait_for_status("hitl", request_id, "timeout", timeout=1) == "timeout"
    (entry,) = mockserver.control.journal(vendor="hitl", method="POST")
    assert entry["body"]["timeout_seconds"] == 60
    mockserver.control.clear_journal()
    assert mockserver.control.journal() == []


def test_control_errors_carry_the_status_and_message(mockserver: Sandbox) -> None:
    with pytest.raises(ControlError) as caught:
        mockserver.control.act("nobody", "x", "claim")
    assert caught.value.status == 404
    assert "unknown vendor 'nobody'" in caught.value.message


def test_an_unreachable_sandbox_is_reported_plainly() -> None:
    client = ControlClient("http://127.0.0.1:9", timeout=1)
    with pytest.raises(ControlError, match=r"cannot reach the sandbox at http://127\.0\.0\.1:9"):
        client.health()


def test_namespaced_clients_do_not_see_each_other(mockserver: Sandbox) -> None:
    one = ControlClient(mockserver.url, "plugin-test-one")
    two = ControlClient(mockserver.url, "plugin-test-two")
    one.load_scenario("name: only-in-one\n")
    assert one.scenario()["name"] == "only-in-one"
    assert two.scenario()["name"] != "only-in-one"
    assert one.headers == {"X-Mockserver-Namespace": "plugin-test-one"}


async def test_one_filter_object_for_listing_waiting_and_asserting(mockserver: Sandbox) -> None:
    """A `JournalFilter` serves every call that filters the journal, sync and async; keywords
    given beside it refine it."""
    mockserver.load_scenario(MANUAL)
    create_request(mockserver)
    create_request(mockserver)
    requests.get(f"{mockserver.url_for('hitl')}/test", headers=mockserver.headers)  # a 401
    creates = JournalFilter(vendor="hitl", method="post", path="/v1/api/loops/*/requests")
    assert len(mockserver.control.wait_for_requests(2, timeout=5, where=creates)) == 2
    assert [e["status"] for e in mockserver.control.journal(creates)] == [201, 201]
    assert mockserver.control.journal(creates, status=401) == []
    mockserver.assert_request_made(creates, count=2)
    mockserver.assert_request_made(JournalFilter(status=401), path="/v1/test")
    assert len(await mockserver.acontrol.journal(creates)) == 2
    with pytest.raises(AssertionError, match="expected 3 calls matching vendor='hitl' method="):
        await mockserver.acontrol.assert_request_made(creates, count=3)


def test_url_for_is_a_vendors_base_url(mockserver: Sandbox) -> None:
    assert mockserver.url_for("hitl") == mockserver.url + "/v1"
    assert mockserver.url_for("outharm") == mockserver.url
    assert mockserver.url_for("hive") == mockserver.url
    with pytest.raises(KeyError, match=rf"no vendor '{NO_VENDOR}' .*hitl"):
        mockserver.url_for(NO_VENDOR)


def test_url_for_a_host_is_the_port_answering_as_that_host(mockserver: Sandbox) -> None:
    # The in-process sandbox serves every declared host on a port of its own.
    models = mockserver.url_for("hive", host="api.thehive.ai")
    assert models.startswith("http://127.0.0.1:") and models != mockserver.url
    answer = requests.post(
        models + "/api/v2/task/sync",
        data={"text_data": "hello"},
        headers={"authorization": "token k", **mockserver.headers},
        timeout=5,
    )
    assert answer.status_code == 200 and answer.json()["code"] == 200  # the Models API's task
    hitl = mockserver.url_for("hitl", host="api.hitl.sh")
    assert hitl.endswith("/v1") and hitl != mockserver.url_for("hitl")
    with pytest.raises(KeyError, match=r"hive declares no host 'api.outharm.com' \(its hosts: "):
        mockserver.url_for("hive", host="api.outharm.com")


def test_url_for_a_host_of_a_remote_sandbox(mockserver: Sandbox) -> None:
    # Remote: the sandbox's own port numbers on its host name, unless MOCKSERVER_HOST_URLS
    # says where a container's mapped ports are.
    remote = Sandbox(mockserver.url.replace("127.0.0.1", "localhost"), mockserver.control, "remote")
    port = mockserver.url_for("outharm", host="api.outharm.com").rsplit(":", 1)[1]
    assert remote.url_for("outharm", host="api.outharm.com") == f"http://localhost:{port}"
    mapped = host_urls_from_env({"MOCKSERVER_HOST_URLS": "api.outharm.com=http://h:49153/"})
    assert mapped == {"api.outharm.com": "http://h:49153"}
    remote = Sandbox(mockserver.url, mockserver.control, "remote", host_urls=mapped)
    assert remote.url_for("outharm", host="API.outharm.com") == "http://h:49153"
    with pytest.raises(ValueError, match="expected HOST=URL pairs"):
        host_urls_from_env({"MOCKSERVER_HOST_URLS": "api.outharm.com"})
