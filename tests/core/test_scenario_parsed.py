"""What a loaded scenario holds, field by field: faults, rules and steps with the positions their
log lines and errors cite, the defaults a QA engineer leaves out, and the start time (a date
that does not exist is a clear error, never a traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from faker import Faker

from mockserver.base.errors import ScenarioError
from mockserver.registry import VENDORS
from mockserver.scenario.loading.loader import parse_scenario, scenario_files
from mockserver.scenario.model import DeliverySettings, HttpFault, WebhookFault
from mockserver.scenario.rules import Rule, RuleSet, Step

FULL = """\
name: x
seed: 7
start: 2026-01-01T09:00:00Z
faults:
  - {vendor: hitl, method: post, path: /v1/*, status: 503, message: busy, latency: 2s, times: 2}
  - webhook: 'http://x/*'
    answers: [500, timeout]
  - {path: /v1/other}
  - webhook: 'http://y/*'
hitl:
  rules:
    - name: first two
      when: {first: 2}
      then: [{respond: {after: 1m, by: dana@example.com}}]
    - otherwise: timeout
reviewers: [{email: dana@example.com}]
webhooks: {retry: [10s, 1m], timeout: 5s}
description: the QA run
variants: {hitl.get_response: envelope}
"""


def test_every_field_of_faults_and_rules_is_kept_with_its_position() -> None:
    s = parse_scenario(FULL, "qa.yaml", VENDORS)
    assert (s.name, s.seed, s.start) == ("x", 7, 1_767_258_000.0)  # 2026-01-01T09:00:00Z
    assert s.delivery == DeliverySettings(retry=(10.0, 60.0), timeout=5.0)
    assert (s.description, s.variants) == ("the QA run", {"hitl.get_response": "envelope"})
    assert s.http_faults == (
        HttpFault("hitl", "POST", "/v1/*", 503, "busy", 2.0, 2, "qa.yaml:5:5"),
        HttpFault(path="/v1/other", where="qa.yaml:8:5"),  # nothing else set: no defaults
    )
    assert s.webhook_faults == (
        WebhookFault("http://x/*", (500, "timeout"), "qa.yaml:6:5"),
        WebhookFault("http://y/*", (), "qa.yaml:9:5"),
    )
    assert s.section("hitl").rules == RuleSet(
        "hitl.rules",
        (
            Rule(
                {},
                (Step("respond", {}, 60.0, "dana@example.com", "qa.yaml:14:24"),),
                2,
                False,
                "qa.yaml:12:7",
            ),
            Rule(
                {}, (Step("timeout", {}, 0.0, None, "qa.yaml:15:18"),), None, True, "qa.yaml:15:7"
            ),
        ),
    )


def test_what_a_scenario_leaves_out() -> None:
    s = parse_scenario("name: bare\n", "qa.yaml", VENDORS)
    assert (s.seed, s.start, s.http_faults, s.webhook_faults) == (0, None, (), ())
    assert (s.delivery, s.description, s.variants, s.clock) == (DeliverySettings(), "", {}, "real")
    # "3 generated" people: Faker seeded with the scenario's seed plus the people before them
    fake = Faker()
    fake.seed_instance(0)
    expected = [f"{fake.first_name()} {fake.last_name()}" for _ in range(3)]
    assert [r.name for r in s.reviewers] == expected
    twice = "seed: 5\nreviewers: ['1 generated', '1 generated']\n"
    seeded = parse_scenario(twice, "qa.yaml", VENDORS)
    fake.seed_instance(6)
    assert seeded.reviewers[1].name == f"{fake.first_name()} {fake.last_name()}"


@pytest.mark.parametrize("start", ["2026-13-01T00:00:00Z", "2026-02-30", "yesterday"])
def test_a_start_that_is_no_time_is_reported(start: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(f"start: {start}\n", "qa.yaml", VENDORS)
    assert info.value.problems == ["qa.yaml:1:8: start: expected a time like 2026-01-01T09:00:00Z"]


def test_a_bad_clock_is_reported_at_its_line() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario("name: x\nclock: {mode: scaled}\n", "qa.yaml", VENDORS)
    (problem,) = info.value.problems
    assert problem.startswith("qa.yaml:2:8: clock: ")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "variants: {hitl.get_response: decisions}\n",
            "qa.yaml:1:31: variants.hitl.get_response: 'decisions' is not one of: decision, "
            "envelope (did you mean 'decision'?)",
        ),
        (
            "variants: {hitl.get_response: 3}\n",
            "qa.yaml:1:31: variants.hitl.get_response: 3 is not one of: decision, envelope",
        ),
        (
            "hitl:\n  rules:\n    - when: {priority: urgent}\n      then: timeout\n",
            "qa.yaml:3:24: hitl.rules[0].when.priority: 'urgent' is not one of: low, medium, "
            "high, critical",
        ),
        (
            "hitl:\n  rules:\n    - then: {}\n",
            "qa.yaml:3:13: hitl.rules[0].then: a step names exactly one action, like "
            "`respond: {...}`",
        ),
        (
            "hitl:\n  join: 5x\n",
            "qa.yaml:2:9: hitl.join: expected a duration: 30s, 2m, 1h30m, 800ms, or a number of "
            "seconds, got '5x'",
        ),
    ],
)
def test_what_a_qa_engineer_reads_for_a_wrong_value(text: str, problem: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "qa.yaml", VENDORS)
    assert info.value.problems == [problem]


def test_a_folder_names_its_yaml_files_and_skips_hidden_folders(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yml", ".x.yaml", "notes.txt", ".git/c.yaml", "sub/d.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("name: x\n")
    (tmp_path / "sub/.cache").mkdir()
    (tmp_path / "sub/.cache/e.yaml").write_text("name: x\n")
    (tmp_path / "dir.yaml").mkdir()  # a folder named like a file is not a file

    def names(**kw: bool) -> list[str]:
        return [p.relative_to(tmp_path).as_posix() for p in scenario_files(tmp_path, **kw)]

    assert names() == [".x.yaml", "a.yaml", "b.yml"]
    assert names(recursive=True) == [".x.yaml", "a.yaml", "b.yml", "sub/d.yaml"]
    assert scenario_files(tmp_path / "a.yaml") == [tmp_path / "a.yaml"]
