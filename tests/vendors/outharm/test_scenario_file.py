"""The shipped Outharm scenario loads and behaves as its comments say; scenario mistakes in the
`outharm:` section are reported as `file:line:col: key: message`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from mockserver.base.errors import ScenarioError
from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.checks import check_text
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import load_scenario_file, parse_scenario
from mockserver.vendors.outharm.scenario import OutharmConfig

from .conftest import MakeSandbox, Receiver, scenario_text

FILE = Path(__file__).resolve().parents[3] / "scenarios" / "outharm-manual.yaml"
SHIPPED_URL = "http://127.0.0.1:9000/hooks/outharm"


def test_the_shipped_scenario_loads() -> None:
    scenario = load_scenario_file(FILE, VENDORS)
    assert FILE.read_text().startswith("# yaml-language-server: $schema=./scenario.schema.json\n")
    cfg = scenario.section("outharm")
    assert isinstance(cfg, OutharmConfig)
    assert cfg.tokens == ("om-test",)
    assert len(cfg.manual.rules) == 5
    assert cfg.webhook is not None and cfg.webhook.url == SHIPPED_URL


async def test_the_shipped_scenario_plays_out(sandbox: MakeSandbox, receiver: Receiver) -> None:
    # served, its reviewers act as time passes; the test freezes the clock to step through it
    text = re.sub(r"^clock: real\b.*$", "clock: manual", FILE.read_text(), flags=re.MULTILINE)
    api = await sandbox(text=text.replace(SHIPPED_URL, receiver.url))
    spam = await api.manual({"title": ["Great deal"], "description": ["ok", "BUY NOW"]})
    nude = await api.manual({"title": ["pic"], "images": ["https://cdn.io/nsfw/1.jpg"]})
    held = await api.manual({"title": ["needs a second look"]})
    plain = await api.manual({"title": ["I hate mondays"]})

    await api.advance("30m")
    assert [p["data"]["submission_id"] for p in receiver.payloads()] == [nude]
    assert receiver.payloads()[0]["data"]["results"]["images"]["detailed"] == [
        {"is_harmful": True, "categories": ["sexual"]}
    ]
    await api.advance("30m")  # 1 h: upheld automated verdict (hate in the title)
    assert receiver.payloads()[1]["data"]["submission_id"] == plain
    assert receiver.payloads()[1]["data"]["results"]["title"]["detailed"] == [
        {"is_harmful": True, "categories": ["hate"]}
    ]
    await api.advance("3h")  # 4 h: the spam verdict, only on the value that says it
    spam_result = receiver.payloads()[2]["data"]
    assert spam_result["submission_id"] == spam
    assert spam_result["results"]["description"]["detailed"] == [
        {"is_harmful": False},
        {"is_harmful": True, "categories": ["spam"]},
    ]
    assert spam_result["results"]["title"] == {
        "is_harmful": False,
        "detailed": [{"is_harmful": False}],
    }
    assert (await api.item(spam))["reviews"][0]["decided_by"] == "dana@example.com"

    assert (await api.queue(spam)).status == 200  # appeal
    await api.advance("2h")
    appeal = receiver.payloads()[3]["data"]
    assert (appeal["submission_id"], appeal["is_harmful"]) == (spam, False)
    assert (await api.item(held))["status"] == "queued"


def line(n: int) -> str:
    """`qa.yaml:L:` for line `n` of the `outharm:` section (line 1 is `outharm:` itself)."""
    return f"qa.yaml:{len(scenario_text().splitlines()) + n}:"


def bad(section: str) -> str:
    text = scenario_text() + "outharm:\n" + section
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "qa.yaml", VENDORS)
    (problem,) = info.value.problems
    return problem


def test_a_misspelled_verdict_key_names_file_line_and_key() -> None:
    problem = bad("  manual:\n    - otherwise: {decide: {harmfull: [spam]}}\n")
    assert problem.startswith(line(3))
    assert (
        "outharm.manual[0].otherwise.decide.harmfull: unknown key (did you mean 'harmful'?)"
        in problem
    )


def test_an_unknown_component_in_a_verdict_is_reported_where_it_is() -> None:
    problem = bad(
        "  manual:\n    - when: {appeal: true}\n      then: {decide: {fields: {titel: true}}}\n"
    )
    assert problem.startswith(line(4))
    assert "outharm.manual[0].then.decide.fields.titel: 'titel' is not a component" in problem


def test_a_bad_regex_and_an_unknown_reviewer_are_reported() -> None:
    problem = bad("  manual:\n    - when: {any_text_matches: '('}\n      then: hold\n")
    assert line(3) in problem and "'(' is not a valid regex: the '(' at character 1" in problem
    problem = bad("  manual:\n    - otherwise: {decide: {by: bob@example.com}}\n")
    assert "unknown reviewer 'bob@example.com'" in problem


def test_other_section_errors_point_at_their_key() -> None:
    problem = bad(
        "  schemas:\n    - id: 550e8400-e29b-41d4-a716-446655440000\n"
        "      components: {title: text}\n"
        "    - id: 550e8400-e29b-41d4-a716-446655440000\n"
        "      components: {body: text}\n"
    )
    assert problem.startswith(line(5))
    assert "outharm.schemas[1].id: duplicate schema id" in problem


async def test_the_default_scenario_serves_the_seed_examples(aiohttp_client: Any) -> None:
    app = build_app(Settings(), VENDORS, ScenarioLibrary.load(VENDORS, None))
    client = await aiohttp_client(app)
    headers = {"Authorization": "Bearer your_api_token_here", "Content-Type": "application/json"}
    body = {
        "schema_id": "550e8400-e29b-41d4-a716-446655440000",
        "content": {"title": ["User-generated content requiring expert review"]},
    }
    resp = await client.post("/moderation/manual", json=body, headers=headers)
    assert resp.status == 200
    sub_id = (await resp.json())["submission_id"]
    await client.post("/_mockserver/clock/mode", json={"mode": "manual"})
    await client.post("/_mockserver/clock/advance", json={"by": "5s"})
    items = (await (await client.get("/_mockserver/items?vendor=outharm")).json())["items"]
    assert [(i["id"], i["status"], i["result"]["is_harmful"]) for i in items] == [
        (sub_id, "completed", False)
    ]
    resp = await client.post(f"/submissions/{sub_id}/moderation/manual", headers=headers)
    assert (resp.status, await resp.read()) == (200, b"")


def test_validate_reports_every_manual_rule_problem_at_once() -> None:
    section = (
        "  manual:\n"
        "    - when: {any_text_matches: '('}\n"
        "      then: {decide: {fields: {titel: true}}}\n"
        "    - otherwise: {decide: {uphold: true, harmful: false}}\n"
    )
    problems = check_text(scenario_text() + "outharm:\n" + section, "qa.yaml", VENDORS)
    assert [p.split(": ", 2)[1] for p in problems] == [
        "outharm.manual[0].when.any_text_matches",
        "outharm.manual[0].then.decide.fields.titel",
        "outharm.manual[1].otherwise.decide.uphold",
    ]
    assert problems[0].startswith(line(3))
