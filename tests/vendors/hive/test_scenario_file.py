"""The shipped `scenarios/hive-review.yaml` loads and behaves as its comments say; mistakes in
a `hive:` section are reported at their file:line with the dotted key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mockserver.base.errors import ScenarioError
from mockserver.registry import VENDORS
from mockserver.scenario.loading.loader import load_default, load_scenario_file, parse_scenario

from .conftest import Receiver, Sandbox

FILE = Path(__file__).resolve().parents[3] / "scenarios" / "hive-review.yaml"


def frozen(text: str) -> str:
    """The scenario on a manual clock, as a test asks for it (the shipped file runs real)."""
    return re.sub(r"^clock: real\b.*$", "clock: manual", text, count=1, flags=re.MULTILINE)


def test_the_file_loads_with_the_schema_comment_first() -> None:
    assert FILE.read_text().startswith("# yaml-language-server: $schema=./scenario.schema.json\n")
    scenario = load_scenario_file(FILE, VENDORS)
    cfg = scenario.section("hive")
    # served, its moderators act as time passes; a test freezes the clock (`frozen`)
    assert scenario.name == "hive-review" and scenario.clock == "real"
    assert [r.name for r in cfg.rules] == [
        "Send to Review Feed",
        "Post has text in Deny List",
        "Spam",
    ]
    assert len(cfg.review.rules) == 3
    assert cfg.review.rules[0].steps[0].where.startswith(f"{FILE}:")


async def test_the_file_plays_out(sandbox: Sandbox, receiver: Receiver) -> None:
    text = frozen(FILE.read_text()).replace("http://127.0.0.1:9000/hooks", receiver.url)
    hive = await sandbox(text)
    abuse = await hive.ok(
        "/api/v1/task/sync", {"user_id": "u1", "post_id": "p1", "text_data": "loser"}
    )
    spam = await hive.ok(
        "/api/v1/task/sync",
        {
            "user_id": "u2",
            "post_id": "p2",
            "text_data": "free money",
            "content_metadata": {"channel": "general"},
        },
    )
    pii = await hive.ok(
        "/api/v1/task/sync", {"user_id": "u3", "post_id": "p3", "text_data": "546-855-5512"}
    )
    await hive.advance("10m")
    (ban,) = receiver.at("/hive/ban")
    assert ban.headers["Authorization"] == "Bearer act_s3cret"
    assert ban.query == {
        "user_id": "u1",
        "post_id": "p1",
        "reason": "Send to Review Feed",
        "moderator": "dana@example.com",
    }
    await hive.advance("20m")
    (delete,) = receiver.at("/hive/delete")
    assert delete.query == {"post_id": "p2", "channel": "general"}
    assert (await hive.item(abuse["task_id"]))["status"] == "decided"
    assert (await hive.item(spam["task_id"]))["status"] == "decided"
    assert (await hive.item(pii["task_id"]))["status"] == "pending"


def test_the_default_scenario_serves_hive() -> None:
    cfg = load_default(VENDORS).section("hive")
    assert cfg.keys is None  # any key
    assert [r.name for r in cfg.rules] == ["Send to Review Feed", "Post has text in Deny List"]


BASE = """\
name: t
reviewers: [{email: dana@example.com}]
hive:
  rules:
    - {name: Flag, if: "bullying >= 2", action: review}
  actions:
    ban_user: {url: "http://x.test/ban"}
  review:
"""


@pytest.mark.parametrize(
    ("review", "line", "key", "message"),
    [
        (
            "    - when: {rule: Flagg}\n      then: dismiss\n",
            9,
            "hive.review[0].when.rule",
            "unknown rule 'Flagg'",
        ),
        (
            "    - when: {if: 'bulying > 1'}\n      then: dismiss\n",
            9,
            "hive.review[0].when.if",
            "unknown class",
        ),
        (
            "    - otherwise: {decide: {action: bann}}\n",
            9,
            "hive.review[0].otherwise.decide.action",
            "unknown action 'bann'",
        ),
        (
            "    - otherwise: {decide: {after: 1m}}\n",
            9,
            "hive.review[0].otherwise.decide",
            "give the action",
        ),
        (
            "    - otherwise: [dismiss, {fail: {status: 500}}]\n",
            9,
            "hive.review[0].otherwise[1].fail",
            "not available",
        ),
        (
            "    - otherwise: {dismiss: {by: nobody@example.com}}\n",
            9,
            "hive.review[0].otherwise",
            "unknown reviewer",
        ),
        (
            "    - otherwise: {decide: {action: ban_user, afterr: 1m}}\n",
            9,
            "hive.review[0].otherwise",
            "afterr",
        ),
    ],
)
def test_review_mistakes_are_positioned(review: str, line: int, key: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(BASE + review, "qa.yaml", VENDORS)
    (problem,) = caught.value.problems
    assert problem.startswith(f"qa.yaml:{line}:"), problem
    assert key in problem and message in problem, problem


def test_section_mistakes_are_positioned() -> None:
    text = BASE.replace('if: "bullying >= 2"', 'if: "bullying >="') + "    - otherwise: dismiss\n"
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "qa.yaml", VENDORS)
    (problem,) = caught.value.problems
    assert problem.startswith("qa.yaml:5:") and "hive.rules[0].if" in problem, problem
