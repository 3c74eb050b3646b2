"""`mockserver validate`: format errors and vendor-rule errors as `file:line:col: message`
lines, exit status 1 on any; the shipped scenarios and the pre-commit hook definition."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mockserver.cli.main import main
from mockserver.registry import VENDORS
from mockserver.scenario.loading.loader import EMBEDDED_DEFAULT

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *paths: Path | str) -> tuple[int, list[str], str]:
    code = main(["validate", *map(str, paths)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def scenario_file(tmp_path: Path, body: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


HEAD = "name: s\nclock: manual\nhitl:\n  rules:\n"


def test_shipped_scenarios_and_the_embedded_default_pass(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, ROOT / "scenarios", EMBEDDED_DEFAULT)
    assert (code, err) == (0, ""), out
    assert re.fullmatch(r"\d+ scenario file\(s\) OK", out[-1])


def test_format_errors_name_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = scenario_file(
        tmp_path,
        "name: s\nclock: manual\nreviewrs: []\nhitl:\n  rules:\n"
        "    - otherwise: {respond: {after: soon}}\n",
    )
    code, out, err = run(capsys, path)
    assert code == 1
    assert out[0] == f"{path}:3:1: reviewrs: unknown key (did you mean 'reviewers'?)"
    assert out[1].startswith(f"{path}:6:36: hitl.rules[0].otherwise.respond.after: expected a")
    assert out[1].endswith("got 'soon'") and len(out) == 2
    assert err == "2 problem(s) in 1 scenario file(s)\n"


def test_broken_yaml_is_one_positioned_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = scenario_file(tmp_path, "name: s\nhitl:\n  rules: [\n")
    code, out, _ = run(capsys, path)
    assert code == 1
    assert len(out) == 1 and out[0].startswith(f"{path}:4:1: not valid YAML")


def test_an_answer_the_response_type_cannot_take(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = scenario_file(
        tmp_path,
        HEAD + "    - when: {response_type: single_select}\n"
        "      then:\n"
        "        - claim: {after: 10s}\n"
        "        - respond: {after: 1m, rating: 4}\n",
    )
    code, out, _ = run(capsys, path)
    assert code == 1
    assert out == [
        f"{path}:8:40: hitl.rules[0].then[1].respond.rating: 'rating' does not apply to a "
        "single_select request (use choose or random)"
    ]


def test_an_option_label_for_types_without_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = scenario_file(
        tmp_path,
        HEAD + "    - when: {response_type: [single_select, boolean, rating]}\n"
        "      then: {respond: {choose: Approve}}\n",
    )
    code, out, _ = run(capsys, path)
    where = f"{path}:6:32: hitl.rules[0].then.respond.choose"
    assert code == 1
    assert out == [
        f"{where}: 'choose' does not apply to a boolean request (use boolean or random)",
        f"{where}: 'choose' does not apply to a rating request (use rating or random)",
    ]


def test_values_that_fit_no_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = scenario_file(
        tmp_path,
        HEAD + "    - when: {response_type: multi_select}\n"
        "      then: {respond: {choose_many: [0, 0, 25]}}\n"
        "    - otherwise:\n"
        "        - respond: {random: false}\n"
        "        - respond: {text: hi, choose: 1}\n",
    )
    code, out, _ = run(capsys, path)
    assert code == 1
    assert out == [
        f"{path}:6:37: hitl.rules[0].then.respond.choose_many: option index 25 never exists: "
        "a request has at most 20 options (0-19)",
        f"{path}:6:37: hitl.rules[0].then.respond.choose_many: choose_many names 0 more than once",
        f"{path}:8:29: hitl.rules[1].otherwise[0].respond.random: random must be true",
        f"{path}:9:39: hitl.rules[1].otherwise[1].respond.choose: an answer takes only one of: "
        "choose, text",
    ]


def test_a_value_of_the_wrong_type_is_a_format_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = scenario_file(tmp_path, HEAD + "    - otherwise: {respond: {rating: high}}\n")
    code, out, _ = run(capsys, path)
    assert code == 1
    assert len(out) == 1 and out[0].startswith(f"{path}:5:")
    assert out[0].endswith("hitl.rules[0].otherwise.respond.rating: expected a number, got text")


def test_answers_that_fit_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = scenario_file(
        tmp_path,
        HEAD + "    - when: {response_type: [single_select, multi_select]}\n"
        "      then: {respond: {choose: 19}}\n"
        "    - when: {response_type: rating}\n"
        "      then: [claim, {respond: {rating: 4, by: random}}]\n"
        "    - otherwise: [respond, {respond: {after: 1m}}, {respond: {text: ok}}]\n",
    )
    assert run(capsys, path)[:2] == (0, ["1 scenario file(s) OK"])


@pytest.mark.skipif(
    "outharm" not in {v.name for v in VENDORS}, reason="the Outharm vendor is not registered"
)
def test_a_field_not_in_the_outharm_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = scenario_file(
        tmp_path,
        "name: s\noutharm:\n  schemas:\n"
        "    - {id: 550e8400-e29b-41d4-a716-446655440000, components: {title: text}}\n"
        "  automated:\n    rules:\n"
        "      - {field: body, contains: spam, category: spam}\n",
    )
    code, out, _ = run(capsys, path)
    assert code == 1
    assert len(out) == 1
    assert out[0].startswith(f"{path}:7:17: outharm.automated.rules[0].field: 'body' is not")


def test_several_files_and_missing_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = scenario_file(tmp_path, "name: good\n", "good.yaml")
    bad = scenario_file(tmp_path, "name: bad\nseed: one\n", "bad.yml")
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run(capsys, good, tmp_path, bad, tmp_path / "nope.yaml", empty)
    assert code == 1
    assert out == [
        f"{bad}:2:7: seed: expected a whole number, got text",
        f"{tmp_path / 'nope.yaml'}: no such file or folder",
        f"{empty}: no scenario files (*.yaml, *.yml) in this folder",
    ]
    assert err == "3 problem(s) in 2 scenario file(s)\n"


def test_the_pre_commit_hook_runs_validate_on_scenario_files() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "mockserver-validate"]
    assert hook["entry"] == "mockserver validate"
    assert hook["language"] == "python"
    files = re.compile(hook["files"])
    for path in ("scenarios/spam.yaml", "qa/scenarios/deep/x.yml"):
        assert files.search(path), path
    for path in ("scenarios/scenario.schema.json", "config.yaml", ".github/ci.yaml"):
        assert not files.search(path), path
