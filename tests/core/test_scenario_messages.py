"""What a QA engineer reads when a scenario file is wrong: one `file:line:col: key: message`
line per problem (docs/scenarios.md, "Mistakes are reported with file, line and key"), worded
for someone who never reads Python. Each message here is exact, so a change to one is a decision."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.base.errors import ScenarioError
from mockserver.registry import VENDORS
from mockserver.scenario.loading.loader import load_library, load_scenario_file, parse_scenario


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "s.yaml", VENDORS)
    return caught.value.problems


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reviewers: {a: 1}\n", "s.yaml:1:12: reviewers: expected a list, got a mapping"),
        ("seed: yes\n", "s.yaml:1:7: seed: expected a whole number, got true/false"),
        ("seed: x\n", "s.yaml:1:7: seed: expected a whole number, got text"),
        ("hitl:\n  rules: ~\n", "s.yaml:2:10: hitl.rules: expected a list, got nothing"),
        ("hitl:\n  strict: 3\n", "s.yaml:2:11: hitl.strict: expected true or false, got a number"),
        ("hitl: []\n", "s.yaml:1:7: hitl: expected a mapping of keys, got a list"),
        ("start: tomorrow\n", "s.yaml:1:8: start: expected a time like 2026-01-01T09:00:00Z"),
        ("reviewers: [{name: x}]\n", "s.yaml:1:13: reviewers[0]: 'email' is required"),
        ("outharm:\n  webhook: {secret: s}\n", "s.yaml:2:12: outharm.webhook: 'url' is required"),
        (
            "hitl:\n  loopz: []\n",
            "s.yaml:2:3: hitl.loopz: unknown key (did you mean 'loops'?)",
        ),
        (
            "hitl:\n  zzzzqqq: 1\n",
            "s.yaml:2:3: hitl.zzzzqqq: unknown key (allowed here: join, keys, loops, rate_limit, "
            "rules, strict, webhook_secret, webhooks)",
        ),
        (
            "hitl:\n  rules:\n    - otherwise: [{claim: {}, respond: {}}]\n",
            "s.yaml:3:19: hitl.rules[0].otherwise[0]: a step names exactly one action, like "
            "`respond: {...}`",
        ),
        (
            "hitl:\n  rules:\n    - otherwise: [{claim: {after: soon}}]\n",
            "s.yaml:3:35: hitl.rules[0].otherwise[0].claim.after: expected a duration like 30s, "
            "2m or 1h to wait after the previous step, got 'soon'",
        ),
        (
            "clock: manul\n",
            "s.yaml:1:8: clock: expected real, manual or scale:N (N times faster than real "
            "time), got 'manul' (did you mean 'manual'?)",
        ),
    ],
)
def test_each_mistake_has_one_exact_message(text: str, message: str) -> None:
    assert problems(text) == [message]


def test_start_takes_a_z_time_and_reviewers_get_names_from_their_email() -> None:
    scenario = parse_scenario(
        'start: "2026-01-01T09:00:00Z"\n'
        "reviewers:\n"
        "  - {email: dana.smith@example.com}\n"
        "  - {email: x@y.z, id: 65f1234567890abcdef00001, name: Xavier}\n",
        "s.yaml",
        VENDORS,
    )
    assert scenario.start == 1_767_258_000.0
    named = [(r.name, r.email) for r in scenario.reviewers]
    assert named == [("Dana Smith", "dana.smith@example.com"), ("Xavier", "x@y.z")]
    assert scenario.reviewers[1].id == "65f1234567890abcdef00001"


def test_generated_reviewers_are_distinct_people() -> None:
    scenario = parse_scenario("reviewers: [3 generated]\n", "s.yaml", VENDORS)
    names = [r.name for r in scenario.reviewers]
    assert len(set(names)) == 3 and all(" " in name for name in names)
    emails = [r.email for r in scenario.reviewers]
    assert emails == [f"{n.lower().replace(' ', '.')}@example.com" for n in names]


def test_a_folder_reports_every_files_problems_together(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as empty:
        load_library(tmp_path, VENDORS)
    assert empty.value.problems == [f"{tmp_path}: no scenario files (*.yaml) found"]
    (tmp_path / "a.yaml").write_text("clock: manul\n")
    (tmp_path / "b.yaml").write_text("seed: x\n")
    (tmp_path / "c.yaml").write_text("clock: manual\n")
    with pytest.raises(ScenarioError) as both:
        load_library(tmp_path, VENDORS)
    assert [p.split(": ")[0] for p in both.value.problems] == [
        f"{tmp_path / 'a.yaml'}:1:8",
        f"{tmp_path / 'b.yaml'}:1:7",
    ]
    (tmp_path / "a.yaml").write_text("clock: manual\n")
    (tmp_path / "b.yaml").write_text("clock: real\n")
    library = load_library(tmp_path, VENDORS)
    assert {name: s.source for name, s in library.items()} == {
        n: str(tmp_path / f"{n}.yaml") for n in ("a", "b", "c")
    }


def test_an_unreadable_file_says_so_with_its_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(missing, VENDORS)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{missing}: cannot read: [Errno 2] No such file or directory")
    (tmp_path / "latin.yaml").write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ScenarioError, match=r"latin\.yaml: cannot read: 'utf-8' codec"):
        load_scenario_file(tmp_path / "latin.yaml", VENDORS)
