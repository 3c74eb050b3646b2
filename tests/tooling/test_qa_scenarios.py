"""A QA engineer's scenario files (issue 25): the packaged ones move when served, a folder
serves what it has, two files with one name are a reported problem, and every mistake a file
holds (a broken regex, a `\\b` YAML turned into a backspace, a `by:` naming nobody) is said in
plain words, all of them in one run."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.cli.main import main
from mockserver.http.server import create_app, start_up_notes
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.checks import check_text
from mockserver.scenario.loading.library import ScenarioLibrary, ready_made
from mockserver.scenario.loading.loader import load_scenario_file
from mockserver.scenario.patterns import pattern_problem
from mockserver.testing import ControlClient

from .helpers import scenario, write

ROOT = Path(__file__).resolve().parents[2]
MOCKSERVER = str(Path(sys.executable).parent / "mockserver")


# -- the packaged scenarios ---------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ready_made()))
def test_every_packaged_scenario_moves_when_served(name: str) -> None:
    """Served as they are (`make run SCENARIO=scenarios/NAME.yaml`), scripted reviewers act as
    time passes; a test freezes the clock itself (the `mockserver_clock` fixture)."""
    loaded = load_scenario_file(ready_made()[name], VENDORS)
    assert loaded.clock != "manual", f"{name}: a served sandbox would never move"


def test_the_readme_make_run_example_answers_by_itself(tmp_path: Path) -> None:
    """`make run SCENARIO=scenarios/hitl-reject.yaml` serves this command; a request sent to
    it is answered with no clock call, within the seconds the file says."""
    server = subprocess.Popen(
        [MOCKSERVER, "serve", "--port", "0", "--scenario", "scenarios/hitl-reject.yaml"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        first = server.stderr.readline()
        url = re.search(r"on (http://\S+) ", first)
        assert url, first
        lines = [server.stderr.readline() for _ in range(2)]
        assert "scenario 'hitl-reject'" in lines[0] and "clock real" in lines[0]
        assert f"reviewer console: {url[1]}/_mockserver/ui" in lines[1]
        control = ControlClient(url[1])
        request_id = _hitl_request(url[1], "Is this comment OK?")
        assert control.wait_for_status("hitl", request_id, "completed", timeout=30)
        (item,) = control.items("hitl")
        assert item["response_data"] == "✅ Approve - Follows guidelines"
    finally:
        server.terminate()
        server.wait(10)
        if server.stderr is not None:
            server.stderr.close()


def _hitl_request(url: str, text: str) -> str:
    import requests

    auth = {"Authorization": "Bearer qa-key"}
    loop = requests.post(f"{url}/v1/api/loops", json={"name": "QA"}, headers=auth, timeout=10)
    loop_id = loop.json()["data"]["loop"]["id"]
    made = requests.post(
        f"{url}/v1/api/loops/{loop_id}/requests",
        json={
            "request_text": text,
            "response_type": "single_select",
            "response_config": {
                "options": ["✅ Approve - Follows guidelines", "❌ Reject - Violates guidelines"]
            },
        },
        headers=auth,
        timeout=10,
    )
    assert made.status_code == 201, made.text
    request_id: str = made.json()["data"]["request_id"]
    return request_id


def test_a_manual_clock_is_announced_with_how_to_move_it(tmp_path: Path) -> None:
    path = write(tmp_path / "qa.yaml", scenario("qa"))  # clock: manual
    notes = start_up_notes(create_app(Settings(scenario=str(path), port=9001)), 9001)
    assert notes[0][1] == "reviewer console: http://127.0.0.1:9001/_mockserver/ui"
    level, warning = notes[1]
    assert level >= 30 and warning.startswith("the clock is manual: scripted reviewers act only")
    assert "http://127.0.0.1:9001/_mockserver/clock/advance" in warning
    assert "--clock real" in warning
    real = create_app(Settings(scenario=str(path), clock="real", host="0.0.0.0"))
    assert [line for _, line in start_up_notes(real, 8080)] == [
        "reviewer console: http://127.0.0.1:8080/_mockserver/ui"
    ]


# -- a folder serves what it has -----------------------------------------------------------------
def test_a_folder_without_a_default_serves_its_first_file(tmp_path: Path) -> None:
    write(tmp_path / "b-second.yaml", scenario("second"))
    write(tmp_path / "a-first.yaml", scenario("first"))
    assert ScenarioLibrary.load(VENDORS, str(tmp_path)).default.name == "first"
    # a scenario is found by its name or by its file's
    assert ScenarioLibrary.load(VENDORS, str(tmp_path), "b-second").default.name == "second"
    write(tmp_path / "default.yaml", scenario("default"))
    assert ScenarioLibrary.load(VENDORS, str(tmp_path)).default.name == "default"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """`serve` points the root logger at this test's captured stderr: put it back after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
def test_a_copied_file_that_kept_its_name_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = write(tmp_path / "hitl-reject.yaml", scenario("hitl-reject"))
    copy = write(tmp_path / "my-reject.yaml", original.read_text())
    expected = (
        f"{copy}:1:7: name: 'hitl-reject' is already the name of {original}: give this file "
        "its own `name:` (or leave `name:` out to use the file name, 'my-reject')"
    )
    assert main(["validate", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines() == [expected]
    assert main(["serve", "--port", "0", "--scenario", str(tmp_path)]) == 1
    assert capsys.readouterr().err.splitlines() == [expected]
    write(copy, original.read_text().replace("name: hitl-reject\n", ""))
    assert ScenarioLibrary.load(VENDORS, str(tmp_path)).named["my-reject"].source == str(copy)


# -- regular expressions ------------------------------------------------------------------------
BROKEN = ["*spam", "a**", "(kill", "kill)", "[abc", "\\", "a\\q", "[z-a]", "(?<=a+)b"]


@pytest.mark.parametrize("pattern", BROKEN)
def test_a_broken_regex_is_explained_without_python_words(pattern: str) -> None:
    problem = pattern_problem(pattern)
    assert problem is not None and problem.startswith(f"{pattern!r} is not a valid regex: ")
    explanation = problem.split(": ", 1)[1]
    python = re.compile(r"position \d|subpattern|nothing to repeat|re\.error|sre_|unterminated")
    assert not python.search(explanation), explanation
    assert re.search(r"character \d+|ends with", explanation), explanation


@pytest.mark.parametrize("pattern", ["(?=spam)s", "(?<!not )spam", "(a)\\1"])
def test_a_lookaround_or_backreference_is_refused_as_not_linear(pattern: str) -> None:
    """Valid for Python, refused by RE2 (scenario patterns match in linear time)."""
    problem = pattern_problem(pattern)
    assert problem is not None and problem.startswith(f"{pattern!r} is not a valid regex: ")
    assert "not supported" in problem and "linear time" in problem, problem


def test_a_backslash_b_in_double_quotes_is_flagged_and_single_quotes_pass() -> None:
    text = scenario("q", '    - when: {text_matches: "\\bspam\\b"}\n      then: timeout\n')
    (problem,) = check_text(text, "qa.yaml", VENDORS)
    assert problem.startswith("qa.yaml:9:28: hitl.rules[0].when.text_matches: ")
    assert "backspace" in problem and "single quotes ('\\bspam\\b')" in problem
    fine = text.replace('"\\bspam\\b"', "'\\bspam\\b'")
    assert check_text(fine, "qa.yaml", VENDORS) == []


def test_every_vendor_checks_its_regexes_in_the_same_words() -> None:
    text = (
        "name: r\nhitl: {rules: [{when: {text_matches: '(a'}, then: timeout}]}\n"
        "outharm:\n  automated:\n    rules: [{any_text_matches: '(b', category: spam}]\n"
        "  manual: [{when: {image_url_matches: '(c'}, then: hold}]\n"
        "hive:\n  text: [{matches: '(d', class: bullying}]\n"
        "  visual: [{url_matches: '(e', class: general_nsfw}]\n"
    )
    problems = check_text(text, "qa.yaml", VENDORS)
    assert [p.split(": ", 2)[2] for p in problems] == [
        f"'({x}' is not a valid regex: the '(' at character 1 is never closed with ')'"
        for x in "abcde"
    ]


# -- reviewers ------------------------------------------------------------------------------
def test_by_names_a_declared_reviewer_exactly_and_is_reported_with_the_rest() -> None:
    text = (
        "name: q\nclock: manul\n"
        "reviewers:\n  - {name: Dana Reviewer, email: dana@example.com}\n  - 2 generated\n"
        "hitl:\n  rules:\n    - otherwise: [{claim: {by: Dana}}, {respond: {by: dana}}]\n"
    )
    problems = check_text(text, "qa.yaml", VENDORS)
    assert problems == [
        "qa.yaml:2:8: clock: expected real, manual or scale:N (N times faster than real time), "
        "got 'manul' (did you mean 'manual'?)",
        "qa.yaml:8:32: hitl.rules[0].otherwise[0].claim.by: unknown reviewer 'Dana' (did you "
        "mean 'Dana Reviewer'?): name one of the scenario's reviewers (dana@example.com)",
        "qa.yaml:8:55: hitl.rules[0].otherwise[1].respond.by: unknown reviewer 'dana' (did you "
        "mean 'Dana Reviewer'?): name one of the scenario's reviewers (dana@example.com)",
    ]
    exact = text.replace("manul", "manual").replace("by: Dana}", "by: Dana Reviewer}")
    assert check_text(exact.replace("by: dana}", "by: dana@example.com}"), "q", VENDORS) == []


def test_without_reviewers_the_message_lists_nobody_the_file_did_not_write() -> None:
    text = "name: q\nhive:\n  review:\n    - otherwise: {dismiss: {by: sam@example.com}}\n"
    (problem,) = check_text(text, "qa.yaml", VENDORS)
    assert problem == (
        "qa.yaml:4:33: hive.review[0].otherwise.dismiss.by: unknown reviewer 'sam@example.com': "
        "this scenario declares no reviewers by name; add them, e.g. "
        "`reviewers: [{email: sam@example.com}]`"
    )
    assert "@example.com" not in problem.replace("sam@example.com", "")  # no generated ones
