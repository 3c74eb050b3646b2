"""Scenario loading: every mistake is reported as file:line:col: key: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.base.errors import ScenarioError
from mockserver.registry import VENDORS, vendors
from mockserver.scenario.loading.loader import load_library, parse_scenario
from mockserver.scenario.loading.schema import scenario_schema
from tests.crosscut.schema import printed_schema, printed_text, schema_failures

ROOT = Path(__file__).resolve().parents[2]


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "qa.yaml", VENDORS)
    return info.value.problems


def test_unknown_key_names_file_line_and_suggests() -> None:
    text = "name: x\nhitl:\n  rules:\n    - when: {text_contain: crypto}\n      then: timeout\n"
    assert problems(text) == [
        "qa.yaml:4:14: hitl.rules[0].when.text_contain: unknown key (did you mean 'text_contains'?)"
    ]


def test_unknown_action_word_is_reported_at_its_line() -> None:
    text = "hitl:\n  rules:\n    - otherwise:\n        - respnd: {after: 2m}\n"
    assert problems(text) == [
        "qa.yaml:4:11: hitl.rules[0].otherwise[0].respnd: unknown key (did you mean 'respond'?)"
    ]


def test_wrong_type_and_bad_enum() -> None:
    text = "seed: lots\nclock: manul\n"
    assert problems(text) == [
        "qa.yaml:1:7: seed: expected a whole number, got text",
        "qa.yaml:2:8: clock: expected real, manual or scale:N (N times faster than real time), "
        "got 'manul' (did you mean 'manual'?)",
    ]


def test_bad_duration_is_explained() -> None:
    text = "hitl:\n  rules:\n    - otherwise: [{claim: {after: soon}}]\n"
    (line,) = problems(text)
    assert line.startswith("qa.yaml:3:")
    assert "after" in line and "30s" in line and "'soon'" in line


def test_unknown_reviewer_in_by() -> None:
    text = (
        "reviewers: [{email: dana@example.com}]\n"
        "hitl:\n  rules:\n    - otherwise: [{claim: {by: bob@example.com}}]\n"
    )
    (line,) = problems(text)
    assert line.startswith("qa.yaml:4:")
    assert "unknown reviewer 'bob@example.com'" in line and "dana@example.com" in line


def test_duplicate_key_and_broken_yaml() -> None:
    assert problems("name: a\nname: b\n") == ["qa.yaml:2:1: name: duplicate key 'name'"]
    (line,) = problems("hitl: [\n")
    assert line.startswith("qa.yaml:2:1: not valid YAML")


def test_bad_regex_is_positioned() -> None:
    text = "hitl:\n  rules:\n    - when: {text_matches: '(unclosed'}\n      then: timeout\n"
    (line,) = problems(text)
    assert line.startswith("qa.yaml:3:28: hitl.rules[0].when.text_matches: ")
    explained = "the '(' at character 1 is never closed with ')'"
    assert line.endswith(f"'(unclosed' is not a valid regex: {explained}")
    assert "position" not in line and "subpattern" not in line  # not Python's words


def test_a_pattern_no_linear_time_engine_can_run_is_refused_with_its_position() -> None:
    """Scenario patterns match in linear time (RE2, mockserver/base/userregex.py): a lookaround or a
    backreference is refused at load, saying why, for every vendor's pattern keys."""
    for where, key, pattern in [
        (
            "hitl:\n  rules:\n    - when: {text_matches: 'PLACE'}\n      then: timeout\n",
            3,
            "(?<!a)b",
        ),
        ("hive:\n  text:\n    - {matches: 'PLACE', class: bullying}\n", 3, "(a)\\1"),
    ]:
        (line,) = problems(where.replace("PLACE", pattern))
        assert line.startswith(f"qa.yaml:{key}:"), line
        assert "not supported: patterns match in linear time" in line, line


def test_all_problems_of_a_file_are_reported_together() -> None:
    text = "clock: manul\nhitl:\n  rate_limt: 5\n"
    assert len(problems(text)) == 2


def test_generated_reviewers_are_deterministic_per_seed() -> None:
    text = "seed: 11\nreviewers: ['3 generated']\n"
    a = parse_scenario(text, "a.yaml", VENDORS).reviewers
    b = parse_scenario(text, "b.yaml", VENDORS).reviewers
    assert a == b and len(a) == 3
    assert all(r.email.endswith("@example.com") and len(r.id) == 24 for r in a)
    other = parse_scenario("seed: 12\nreviewers: ['3 generated']\n", "c.yaml", VENDORS)
    assert other.reviewers != a


def test_steps_parse_with_relative_delays() -> None:
    text = (
        "reviewers: [{email: dana@example.com}]\n"
        "hitl:\n  rules:\n"
        "    - when: {priority: critical}\n      then: timeout\n"
        "    - otherwise:\n"
        "        - claim: {after: 30s, by: dana@example.com}\n"
        "        - respond: {after: 1h30m, choose: random}\n"
    )
    rules = parse_scenario(text, "qa.yaml", VENDORS).section("hitl").rules.rules
    assert [s.word for s in rules[0].steps] == ["timeout"]
    claim, respond = rules[1].steps
    assert (claim.after, claim.by) == (30.0, "dana@example.com")
    assert (respond.after, dict(respond.args)) == (5400.0, {"choose": "random"})
    assert respond.where.startswith("qa.yaml:8:")


def test_every_shipped_scenario_loads() -> None:
    library = load_library(ROOT / "scenarios", VENDORS)
    assert len(library) >= 9
    for path in (ROOT / "scenarios").glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=./scenario.schema.json", path.name


def test_published_schema_matches_the_code() -> None:
    """scenarios/scenario.schema.json is what `mockserver schema` prints for the registered
    vendors, byte for byte: generated (`make schema`), never edited by hand. The one test that
    reads the file; the others compare with the code."""
    published = (ROOT / "scenarios" / "scenario.schema.json").read_text(encoding="utf-8")
    assert published == printed_text(), (
        "scenarios/scenario.schema.json is not what `mockserver schema` prints for the vendors "
        "in mockserver/registry.py: run `make schema` to regenerate it (never edit it by hand)"
    )
    assert printed_schema() == scenario_schema(VENDORS)


def test_every_vendors_section_is_in_the_schema_and_loads() -> None:
    assert [f for v in vendors() for f in schema_failures(v, vendors())] == []


MERGED = """\
name: merged
reviewers:
  - &dana {name: Dana Reviewer, email: dana@example.com}
  - <<: *dana
    email: dana.two@example.com
hitl:
  rules:
    - when: &crypto {text_contains: crypto, priority: high}
      then: &slow [{claim: {after: 30s}}, {respond: {after: 2m, choose: Reject}}]
    - when:
        <<: [*crypto, {response_type: text}]
        priority: low
      then: *slow
"""


def test_merge_keys_repeat_a_mapping_with_keys_written_beside_them_winning() -> None:
    scenario = parse_scenario(MERGED, "qa.yaml", VENDORS)
    assert [r.email for r in scenario.reviewers] == ["dana@example.com", "dana.two@example.com"]
    assert [r.name for r in scenario.reviewers] == ["Dana Reviewer"] * 2
    rules = scenario.section("hitl").rules.rules
    assert rules[1].when == {"text_contains": "crypto", "priority": "low", "response_type": "text"}
    assert rules[1].steps == rules[0].steps


def test_a_mistake_in_a_merged_mapping_is_reported_where_it_was_written() -> None:
    text = MERGED.replace("text_contains: crypto, priority", "text_contain: crypto, priority")
    found = problems(text)
    # once for the rule that wrote it (line 8), once for the rule that merged it: both at the
    # line where the key is written
    hint = "unknown key (did you mean 'text_contains'?)"
    assert found == [
        f"qa.yaml:8:22: hitl.rules[0].when.text_contain: {hint}",
        f"qa.yaml:8:22: hitl.rules[1].when.text_contain: {hint}",
    ]
    text = MERGED.replace("priority: low", "priority: lowest")
    (line,) = problems(text)
    assert line.startswith("qa.yaml:12:19: hitl.rules[1].when.priority: ")
