"""What a newcomer meets in the first hour: each surprise found by trying the sandbox as a new
user (issue 15) is a clear message now, and each has a test here."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver.base.logsetup import configure
from mockserver.cli.main import main
from mockserver.http.server import create_app
from mockserver.http.settings import Settings
from mockserver.records.clockmodes import parse_clock
from mockserver.registry import VENDORS, vendors
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.schema import scenario_schema
from mockserver.scenario.yamlsource import YamlProblem, load_yaml
from mockserver.testing import ControlClient, ControlError, InProcessServer
from mockserver.testing.sandbox import Sandbox
from mockserver.testing.scenarios import in_test_file

from .helpers import AUTH, new_request, scenario, write

ROOT = Path(__file__).resolve().parents[2]
MOCKSERVER = str(Path(sys.executable).parent / "mockserver")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


# -- uploads ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        "",
        # what `curl -d @file` sends for a file that starts with a comment: one line
        "# yaml-language-server: $schema=./scenario.schema.json name: x hitl:   rules: []",
    ],
)
async def test_an_empty_upload_is_refused_naming_data_binary(
    body: str, aiohttp_client: Any
) -> None:
    client = await aiohttp_client(create_app(Settings()))
    answer = await client.put("/_mockserver/scenario", data=body)
    assert answer.status == 400
    problems = (await answer.json())["problems"]
    assert "declares nothing for any vendor" in problems[0]
    assert "--data-binary @file" in problems[0]
    assert (await (await client.get("/_mockserver/scenario")).json())["name"] == "default"


async def test_a_flattened_upload_that_breaks_says_why(aiohttp_client: Any) -> None:
    client = await aiohttp_client(create_app(Settings()))
    flattened = "name: x hitl:   rules:     - otherwise: {respond: {after: 1s}}"
    answer = await client.put("/_mockserver/scenario", data=flattened)
    assert answer.status == 400
    assert any("--data-binary @file" in p for p in (await answer.json())["problems"])


# -- reviewers at run time --------------------------------------------------------------------
async def test_unknown_reviewers_and_answers_by_another_reviewer_are_refused(
    tmp_path: Path, aiohttp_client: Any
) -> None:
    path = write(tmp_path / "s.yaml", scenario("s"))
    client = await aiohttp_client(create_app(Settings(scenario=str(path))))
    rid = await new_request(client)
    act = f"/_mockserver/items/hitl/{rid}"
    nobody = await client.post(act, json={"claim": {"by": "nobody@example.com"}})
    assert nobody.status == 400
    body = await nobody.json()
    assert body["reviewers"] == ["dana@example.com"]
    assert "unknown reviewer 'nobody@example.com'" in body["error"]
    assert (await client.post(act, json={"claim": {"by": "dana"}})).status == 200
    other = await client.post(act, json={"respond": {"choose": "Approve", "by": "random"}})
    assert (other.status, (await other.json())["status"]) == (200, "completed")


async def test_a_respond_by_someone_else_than_the_claimer_is_refused(
    tmp_path: Path, aiohttp_client: Any
) -> None:
    two = scenario("s").replace(
        "reviewers:\n", "reviewers:\n  - {name: Sam Moderator, email: sam@example.com}\n"
    )
    client = await aiohttp_client(
        create_app(Settings(scenario=str(write(tmp_path / "s.yaml", two))))
    )
    rid = await new_request(client)
    act = f"/_mockserver/items/hitl/{rid}"
    assert (await client.post(act, json={"claim": {"by": "sam@example.com"}})).status == 200
    refused = await client.post(act, json={"respond": {"by": "dana@example.com"}})
    assert refused.status == 400
    assert "claimed by Sam Moderator (sam@example.com)" in (await refused.json())["error"]


# -- what is being served ---------------------------------------------------------------------
def test_the_start_up_line_names_the_scenario_clock_and_the_others(tmp_path: Path) -> None:
    write(tmp_path / "qa.yaml", scenario("qa"))
    write(tmp_path / "zz.yaml", scenario("zz"))
    library = ScenarioLibrary.load(VENDORS, str(tmp_path))
    line = library.describe_default()
    # a folder without a 'default' serves what it has: its first file
    assert line.startswith(f"scenario 'qa' (from {tmp_path / 'qa.yaml'}), clock manual")
    assert "also has: zz (start with another: --scenario-name NAME)" in line
    assert "ready-made by name: " in line and "hitl-reject" in line
    chosen = ScenarioLibrary.load(VENDORS, str(tmp_path), "zz").describe_default()
    assert chosen.startswith(f"scenario 'zz' (from {tmp_path / 'zz.yaml'}), clock manual")
    write(tmp_path / "default.yaml", scenario("default"))
    assert ScenarioLibrary.load(VENDORS, str(tmp_path)).default.name == "default"
    assert (
        ScenarioLibrary.load(VENDORS, None)
        .describe_default()
        .startswith("scenario 'default' (the embedded default), clock real")
    )


def test_a_busy_port_is_the_first_line_and_says_what_to_do() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [MOCKSERVER, "serve", "--port", str(port)], capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 1
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"mockserver: port {port} on 127.0.0.1 is already in use"), done.stderr
    assert "make run PORT=N" in first and "mockserver on" not in done.stderr


def test_make_run_takes_port_and_scenario_and_installs_only_what_running_needs(
    tmp_path: Path,
) -> None:
    outside_make = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL")}
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-n",
            "run",
            "PORT=9001",
            "SCENARIO=scenarios/hitl-reject.yaml",
            f"VENV={tmp_path / 'venv'}",
        ],
        cwd=ROOT,
        env=outside_make,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = done.stdout.splitlines()
    (serve,) = [x for x in lines if " serve " in x]
    assert serve.endswith(
        "/bin/mockserver serve --host 127.0.0.1 --port 9001 --scenario scenarios/hitl-reject.yaml"
        " --host-port all"  # each vendor host on a port of its own, as the image serves them
    )
    assert any("installing the sandbox's dependencies" in x for x in lines)
    assert not any("[dev]" in x for x in lines), "make run must not install the test tools"


# -- logs -------------------------------------------------------------------------------------
@pytest.mark.usefixtures("restore_logging")
async def test_logs_carry_scripted_steps_namespaces_fields_and_failed_webhooks(
    tmp_path: Path, aiohttp_client: Any
) -> None:
    hook = "http://127.0.0.1:9/hooks/hitl"
    text = scenario(
        "logs",
        "    - otherwise: [{claim: {after: 1s, by: dana@example.com}}, {respond: {after: 1s}}]\n",
        extra=f"faults:\n  - {{webhook: '{hook}', answers: [500]}}\n",
    ).replace("hitl:\n", f"hitl:\n  webhooks:\n    - {{url: '{hook}', secret: s}}\n")
    stream = io.StringIO()
    configure("info", "json", stream)
    client = await aiohttp_client(
        create_app(Settings(scenario=str(write(tmp_path / "l.yaml", text))))
    )
    ns = {"X-Mockserver-Namespace": "team-a"}
    await client.put("/_mockserver/scenario", data=text, headers=ns)
    rid = await new_request_in(client, ns)
    await client.post("/_mockserver/clock/advance", json={"by": "2s"}, headers=ns)
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    call = next(e for e in entries if e.get("event") == "call" and e["path"].endswith("/requests"))
    assert {k: call[k] for k in ("vendor", "status", "namespace")} == {
        "vendor": "hitl",
        "status": 201,
        "namespace": "team-a",
    }
    assert call["method"] == "POST"
    scripted = [e for e in entries if str(e.get("event", "")).startswith("scripted.")]
    assert [(e["event"], e["item"], e["namespace"]) for e in scripted] == [
        ("scripted.claim", rid, "team-a"),
        ("scripted.respond", rid, "team-a"),
    ]
    assert scripted[0]["message"].startswith(f"hitl {rid}: scripted claim by dana@example.com (")
    failed = next(e for e in entries if e.get("event") == "request.claimed")
    assert (failed["level"], failed["status"], failed["item"]) == ("warning", 500, rid)
    assert failed["reason"] == "the receiver answered 500 (simulated by the scenario)"
    loaded = next(e for e in entries if e.get("event") == "scenario")
    assert loaded["namespace"] == "team-a" and "'logs' loaded from <uploaded>" in loaded["message"]
    assert any(e.get("event") == "clock" for e in entries)


async def new_request_in(client: Any, headers: dict[str, str]) -> str:
    loop = await client.post("/v1/api/loops", json={"name": "L"}, headers={**AUTH, **headers})
    loop_id = (await loop.json())["data"]["loop"]["id"]
    body = {
        "request_text": "ok?",
        "response_type": "single_select",
        "response_config": {"options": ["Approve", "Reject"]},
    }
    made = await client.post(
        f"/v1/api/loops/{loop_id}/requests", json=body, headers={**AUTH, **headers}
    )
    assert made.status == 201, await made.text()
    request_id: str = (await made.json())["data"]["request_id"]
    return request_id


@pytest.mark.usefixtures("restore_logging")
def test_text_lines_show_the_namespace() -> None:
    stream = io.StringIO()
    configure("info", "text", stream)
    logging.getLogger("mockserver.t").info("hitl GET /v1/test -> 200", extra={"namespace": "a"})
    logging.getLogger("mockserver.t").info("hitl GET /v1/test -> 200", extra={"namespace": ""})
    first, second = stream.getvalue().splitlines()
    assert first.endswith("INFO    [a] hitl GET /v1/test -> 200")
    assert second.endswith("INFO    hitl GET /v1/test -> 200")


# -- YAML syntax ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "where", "cause"),
    [
        ("name: x\nhitl:\n\trules: []\n", "qa.yaml:3:1:", "a tab character"),
        ("hitl:\n  rules: []\n keys: [a]\n", "qa.yaml:3:2:", "the indentation does not line up"),
        ("name: note: spam\n", "qa.yaml:1:11:", "a ': ' (colon and space) inside a value"),
        ("hitl: {rules: [a: b, c}\n", "qa.yaml:1:", "inside [ ], a value holds"),
    ],
)
def test_yaml_syntax_errors_are_plain_words_with_a_position(
    text: str, where: str, cause: str
) -> None:
    with pytest.raises(YamlProblem) as caught:
        load_yaml(text, "qa.yaml")
    message = str(caught.value)
    assert message.startswith(f"{where}") and f"not valid YAML: {cause}" in message, message
    assert "(YAML parser: " in message


def test_an_inline_scenario_problem_points_at_the_test_file(tmp_path: Path) -> None:
    inline = "\nclock: manual\nhitl:\n  rules:\n    - otherwise: {respnd: {}}\n"
    test_file = tmp_path / "test_x.py"
    test_file.write_text(f'import pytest\n\n@pytest.mark.mockserver_scenario("""{inline}""")\n')
    mapped = in_test_file(
        inline, ["<inline>:5:19: hitl.rules[0]...: unknown key", "other"], test_file
    )
    assert mapped == [f"{test_file}:7:19: hitl.rules[0]...: unknown key", "other"]
    assert in_test_file({"clock": "manual"}, ["<dict>:1:1: x"], test_file) is None


# -- ready-made scenarios, schema -------------------------------------------------------------
def test_ready_made_scenarios_are_packaged_and_a_wrong_name_lists_them() -> None:
    with InProcessServer(Settings()) as server:
        control = ControlClient(server.url)
        assert control.use_scenario("hitl-reject")["name"] == "hitl-reject"
        assert control.scenario()["name"] == "hitl-reject"
        with pytest.raises(ControlError) as caught:
            control.use_scenario("hitl-rejct")
        assert caught.value.status == 404
        assert "available: " in caught.value.message and "hitl-reject" in caught.value.message
        schema = control.request("GET", "/scenario.schema.json")
        assert schema == scenario_schema(vendors())


def test_schema_write_puts_the_schema_next_to_the_users_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--write", str(tmp_path / "mine")]) == 0
    target = tmp_path / "mine" / "scenario.schema.json"
    assert capsys.readouterr().out == f"wrote {target}\n"
    assert json.loads(target.read_text()) == scenario_schema(vendors())


def test_schema_into_a_closed_pipe_ends_quietly() -> None:
    # `true` exits before the schema is written: every write meets a closed pipe, as the
    # end of a long output does with `| head`
    done = subprocess.run(
        ["bash", "-c", f"'{MOCKSERVER}' schema | true; '{MOCKSERVER}' schema | head -1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout == "{\n"
    assert done.stderr == "", done.stderr


# -- command line -----------------------------------------------------------------------------
def test_serve_help_has_no_default_none(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "(default: None)" not in out and "MOCKSERVER_CLOCK" in out


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("scale:60", ("scaled", 60.0)),
        ({"scale": 60}, ("scaled", 60.0)),
        ({"mode": "scaled", "scale": 60}, ("scaled", 60.0)),
        ({"mode": "scale:60"}, ("scaled", 60.0)),
        ("manual", ("manual", 1.0)),
        ({"mode": "real"}, ("real", 1.0)),
    ],
)
def test_one_clock_spelling_with_its_aliases(spelling: Any, expected: tuple[str, float]) -> None:
    assert parse_clock(spelling) == expected


async def test_every_place_takes_every_clock_spelling(tmp_path: Path, aiohttp_client: Any) -> None:
    assert Settings(clock="{scale: 60}").clock == "{scale: 60}"
    for file_spelling in ("scale:60", "{mode: scaled, scale: 60}"):
        path = write(tmp_path / "c.yaml", f"name: c\nclock: {file_spelling}\nhitl: {{}}\n")
        client = await aiohttp_client(create_app(Settings(scenario=str(path))))
        clock = await (await client.get("/_mockserver/clock")).json()
        assert (clock["mode"], clock["scale"]) == ("scaled", 60.0)
        for body in ({"mode": "scale:30"}, {"scale": 30}, {"mode": "scaled", "scale": 30}):
            answer = await client.post("/_mockserver/clock/mode", json=body)
            assert (await answer.json())["scale"] == 30.0, body
        await client.close()
    with pytest.raises(ValueError, match="MOCKSERVER_CLOCK: must be real, manual or scale:N"):
        Settings(clock="fast")


def test_validate_looks_into_subfolders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "top.yaml", scenario("top"))
    (tmp_path / "team").mkdir()
    write(tmp_path / "team" / "broken.yaml", "name: b\nclock: manul\n")
    assert main(["validate", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"{tmp_path / 'team' / 'broken.yaml'}:2:8: clock:")
    assert err == "1 problem(s) in 2 scenario file(s)\n"


def test_a_control_call_on_the_fixture_points_at_control() -> None:
    sandbox = Sandbox("http://127.0.0.1:1", ControlClient("http://127.0.0.1:1"), "in-process")
    with pytest.raises(AttributeError, match=r"mockserver\.control\.use_scenario\(\.\.\.\)"):
        sandbox.use_scenario("hitl-reject")  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match=r"has no attribute 'nothing_like_it'$"):
        sandbox.nothing_like_it  # type: ignore[attr-defined]  # noqa: B018


async def test_acting_by_hand_is_logged(
    tmp_path: Path, aiohttp_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "s.yaml", scenario("s"))
    client = await aiohttp_client(create_app(Settings(scenario=str(path))))
    rid = await new_request(client)
    with caplog.at_level(logging.INFO, "mockserver.state"):
        await client.post(f"/_mockserver/items/hitl/{rid}", json={"claim": {"by": "dana"}})
    (record,) = [r for r in caplog.records if getattr(r, "event", "") == "manual.claim"]
    assert record.getMessage() == f"hitl {rid}: claim by hand as dana -> claimed"
