"""`mockserver trigger` against a sandbox served in-process on a free port. The command is
blocking (it is a terminal tool), so the tests run it in a thread while the loop serves."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from mockserver.cli.main import main
from mockserver.http import appkeys
from mockserver.http.app import build_app
from mockserver.http.server import create_app
from mockserver.http.settings import Settings
from mockserver.kit.actions import Action, ActionTable
from mockserver.kit.lifecycle import Lifecycle, Status
from mockserver.kit.vendor import Vendor
from mockserver.kit.worldview import WorldView
from mockserver.registry import VENDORS, register, vendors
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.steps import Step
from tests.minimal_vendor import DictState, minimal

from .helpers import AUTH, new_request, scenario, write

Client = TestClient[Any, Any]
OUTHARM_SCHEMA = "550e8400-e29b-41d4-a716-446655440000"


@pytest.fixture
async def sandbox(tmp_path: Path, aiohttp_client: Any) -> Client:
    path = write(tmp_path / "qa.yaml", scenario("qa"))  # nobody answers: QA does
    client: Client = await aiohttp_client(TestServer(create_app(Settings(scenario=str(path)))))
    return client


async def trigger(
    client: Client, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    url = str(client.server.make_url("/")).rstrip("/")
    code = await asyncio.to_thread(main, ["trigger", "--url", url, *args])
    out, err = capsys.readouterr()
    return code, out, err


async def request(client: Client, request_id: str) -> dict[str, Any]:
    got = await client.get(f"/v1/api/requests/{request_id}", headers=AUTH)
    data: dict[str, Any] = (await got.json())["data"]["request"]
    return data


async def test_list_shows_pending_items_across_vendors(
    sandbox: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (await trigger(sandbox, capsys, "list"))[:2] == (0, "no items\n")
    request_id = await new_request(sandbox, request_text="Is this spam?")
    code, out, _ = await trigger(sandbox, capsys, "list", "--status", "pending")
    header, row = out.splitlines()
    assert code == 0
    assert header.split() == ["VENDOR", "ID", "STATUS", "TYPE", "SUMMARY"]
    assert row.split(maxsplit=4) == [
        "hitl",
        request_id,
        "pending",
        "single_select",
        "Is this spam?  [Approve | Reject]",
    ]
    code, out, _ = await trigger(sandbox, capsys, "list", "--json")
    assert [(i["vendor"], i["id"]) for i in json.loads(out)] == [("hitl", request_id)]


async def test_claim_then_respond(sandbox: Client, capsys: pytest.CaptureFixture[str]) -> None:
    request_id = await new_request(sandbox)
    code, out, _ = await trigger(sandbox, capsys, "claim", request_id, "--by", "dana@example.com")
    assert (code, out) == (0, f"hitl {request_id}: claimed\n")
    assert (await request(sandbox, request_id))["status"] == "claimed"
    code, out, _ = await trigger(sandbox, capsys, "respond", request_id, "--choose", "Approve")
    assert (code, out) == (0, f'hitl {request_id}: completed\nanswer: "Approve"\n')
    done = await request(sandbox, request_id)
    assert (done["status"], done["response_data"]) == ("completed", "Approve")


@pytest.mark.parametrize(
    ("args", "config", "answer"),
    [
        (["--choose-index", "1"], {"options": ["Approve", "Reject"]}, "Reject"),
        (["--choose-many", "a", "--choose-many", "c"], {"options": ["a", "b", "c"]}, ["a", "c"]),
        (["--text", "fine"], {}, "fine"),
        (["--rating", "4"], {"min": 1, "max": 5}, 4),
        (["--number", "2.5"], {}, 2.5),
        (["--boolean", "false"], {}, False),
    ],
)
async def test_respond_with_each_kind_of_answer(
    sandbox: Client,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    config: dict[str, Any],
    answer: Any,
) -> None:
    kind = {
        "--choose-index": "single_select",
        "--choose-many": "multi_select",
        "--text": "text",
        "--rating": "rating",
        "--number": "number",
        "--boolean": "boolean",
    }[args[0]]
    request_id = await new_request(
        sandbox, response_type=kind, response_config=config, default_response=None
    )
    code, _, err = await trigger(sandbox, capsys, "respond", request_id, *args, "--vendor", "hitl")
    assert (code, err) == (0, "")
    assert (await request(sandbox, request_id))["response_data"] == answer


async def test_timeout(sandbox: Client, capsys: pytest.CaptureFixture[str]) -> None:
    request_id = await new_request(sandbox)
    code, out, _ = await trigger(sandbox, capsys, "timeout", request_id)
    assert (code, out) == (0, f"hitl {request_id}: timeout\n")
    assert (await request(sandbox, request_id))["status"] == "timeout"


async def test_namespaces_are_separate(sandbox: Client, capsys: pytest.CaptureFixture[str]) -> None:
    await new_request(sandbox)
    assert (await trigger(sandbox, capsys, "--namespace", "other", "list"))[1] == "no items\n"
    assert (await trigger(sandbox, capsys, "list", "--namespace", "other"))[1] == "no items\n"


async def test_errors_are_explained(sandbox: Client, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = await trigger(sandbox, capsys, "claim", "nope")
    assert (code, out) == (1, "")
    assert err == "mockserver trigger: no item 'nope' (see `mockserver trigger list`)\n"
    request_id = await new_request(sandbox)
    code, _, err = await trigger(sandbox, capsys, "respond", request_id, "--choose", "Maybe")
    assert code == 1
    assert err.startswith("mockserver trigger: unknown option 'Maybe'; options are: Approve")
    await trigger(sandbox, capsys, "timeout", request_id)
    code, _, err = await trigger(sandbox, capsys, "claim", request_id)
    assert (code, err) == (
        1,
        "mockserver trigger: Request cannot be claimed in current state (timeout)\n",
    )


def test_no_sandbox_listening(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    assert main(["trigger", "--url", f"http://127.0.0.1:{port}", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"mockserver trigger: cannot reach the sandbox at http://127.0.0.1:{port}"
    )


def test_not_a_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trigger", "list", "--url", "localhost"]) == 1
    assert capsys.readouterr().err == (
        "mockserver trigger: not a URL: 'localhost' (like http://127.0.0.1:8080)\n"
    )


async def test_act_sends_any_step(sandbox: Client, capsys: pytest.CaptureFixture[str]) -> None:
    request_id = await new_request(sandbox)
    code, out, _ = await trigger(sandbox, capsys, "act", request_id, '{"cancel": {}}')
    assert (code, out) == (0, f"hitl {request_id}: cancelled\n")
    code, _, err = await trigger(sandbox, capsys, "act", request_id, "{cancel")
    assert code == 1 and err.startswith("mockserver trigger: the step is not JSON")


OUTHARM = """name: queue
clock: manual
outharm:
  webhook: {url: "http://127.0.0.1:9/outharm", secret: s3cret}
  manual: [{otherwise: hold}]
faults: [{webhook: "http://127.0.0.1:9/outharm", answers: [200]}]
"""


@pytest.mark.skipif(
    "outharm" not in {v.name for v in VENDORS}, reason="the Outharm vendor is not registered"
)
async def test_decide_an_outharm_submission(
    tmp_path: Path, aiohttp_client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "queue.yaml", OUTHARM)
    client: Client = await aiohttp_client(create_app(Settings(scenario=str(path))))
    made = await client.post(
        "/moderation/manual",
        json={"schema_id": OUTHARM_SCHEMA, "content": {"title": ["buy now"]}},
        headers={"Authorization": "Bearer t"},
    )
    submission = (await made.json())["submission_id"]
    code, out, _ = await trigger(client, capsys, "list")
    assert out.splitlines()[1].split()[:4] == ["outharm", submission, "queued", "submission"]
    code, out, _ = await trigger(client, capsys, "decide", submission, "--harmful", "spam,hate")
    assert (code, out) == (0, f"outharm {submission}: completed\n")
    items = (await (await client.get("/_mockserver/items?vendor=outharm")).json())["items"]
    assert items[0]["result"]["is_harmful"] is True


class _Echo(DictState):
    """Every id is an item; each records the steps that reached it (the action table's store)."""

    def __init__(self, world: WorldView, vendor: Vendor) -> None:
        super().__init__(world, vendor)
        self.steps: list[tuple[str, dict[str, Any], str | None]] = []

    def find(self, item_id: str) -> str:
        return item_id

    def status_of(self, item: str) -> str:
        return self.status.get(item, "open")


def _record(state: _Echo, item: str, step: Step) -> None:
    state.steps.append((step.word, dict(step.args), step.by))
    state.status[item] = f"{step.word}d"


_SETTINGS = {
    "note": {"type": "string", "description": "why"},
    "labels": {"type": "array", "items": {"type": "string"}, "description": "tags"},
    "score": {"type": "integer", "minimum": 0, "description": "how sure"},
}
# A vendor that lives in this test: two reviewer words, one with settings.
_TINY = minimal(
    name="tiny",
    title="Tiny Review",
    path_prefixes=("/tiny/",),
    lifecycle=Lifecycle(Status("open", waiting=True), Status("approved"), Status("purged")),
    actions=ActionTable(
        [
            Action("approve", "the item is fine", _record, _SETTINGS),
            Action("purge", "gone", _record),
        ]
    ),
    state=_Echo,
)


async def test_verbs_and_options_come_from_the_sandbox(
    aiohttp_client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The vendor is registered only while the sandbox is built: the CLI learns its words and
    settings from `GET /_mockserver/vendors`, not from the vendors installed here."""
    with register(_TINY):
        app = build_app(Settings(), vendors(), ScenarioLibrary.load(vendors(), None))
    client: Client = await aiohttp_client(app)
    with pytest.raises(SystemExit):
        await trigger(client, capsys, "--help")
    assert "approve             Tiny Review: the item is fine" in capsys.readouterr().out
    args = ["approve", "a1", "--vendor", "tiny", "--note", "looks fine", "--labels", "x,y"]
    code, out, err = await trigger(
        client, capsys, *args, "--score", "3", "--by", "dana@example.com"
    )
    assert (code, out, err) == (0, "tiny a1: approved\n", "")
    code, out, _ = await trigger(client, capsys, "purge", "a2", "--vendor", "tiny")
    assert (code, out) == (0, "tiny a2: purged\n")
    code, out, _ = await trigger(client, capsys, "purge", "a3", "--vendor", "tiny", "--set", "n=2")
    state = app[appkeys.WORLDS].get("").state("tiny")
    assert state.steps == [
        ("approve", {"note": "looks fine", "labels": ["x", "y"], "score": 3}, "dana@example.com"),
        ("purge", {}, None),
    ]
    assert code == 1  # the sandbox checks a setting the word does not take
