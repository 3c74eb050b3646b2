"""The `hive:` scenario section: schema, parsing, stable rule ids and clear errors."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from mockserver.registry import vendor
from mockserver.vendors.hive.scenario import parse_section
from mockserver.vendors.hive.scenario_model import Action, HiveConfig, stable_rule_id

SECTION_SCHEMA = vendor("hive").section_schema()

EXAMPLE = """
keys: [hive-test]
text:
  - {matches: "(?i)idiot|loser", class: bullying, score: 3}
  - {contains: "buy now", class: spam, score: 3}
deny_list: [badword, "another phrase", {value: slurx, type: slur}]
visual:
  - {url_matches: "nsfw", class: general_nsfw, score: 0.97}
  - {url_matches: "gun", class: gun_in_hand, score: 0.9}
rules:
  - {name: Send to Review Feed, if: "bullying >= 2 or pii", action: review}
  - {name: Post has text in Deny List, if: "text_filter", action: none}
  - {id: 5phrGLaFGCoURyvTn9AryD, name: Ban spammers, if: "spam >= 3 and user.trusted != true",
     action: ban_user}
actions:
  ban_user: {url: "http://app:9000/hive/ban", header: "X-Auth: s3cret",
             params: {user: user_id, post: post_id}}
callback_delay: 2s
review:
  - when: {rule: Send to Review Feed}
    then: {decide: {after: 10m, action: ban_user}}
"""


def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE)
    return data


def schema_errors(data: object) -> list[str]:
    return [e.message for e in Draft202012Validator(SECTION_SCHEMA).iter_errors(data)]


def test_schema_is_a_valid_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SECTION_SCHEMA)


def test_schema_accepts_the_example() -> None:
    assert schema_errors(example()) == []
    assert schema_errors({}) == []


def _objects(schema: Any, where: str = "hive") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(schema, dict):
        if "properties" in schema:
            found.append((where, schema))
        for key, value in schema.items():
            found += _objects(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            found += _objects(value, f"{where}[{i}]")
    return found


def test_every_object_is_closed_and_every_property_described() -> None:
    objects = _objects(SECTION_SCHEMA)
    own = [w for w, _ in objects if not w.startswith("hive/properties/review/")]
    assert len(own) == 6  # section, text rule, deny entry, visual rule, rule, action
    assert len(objects) > 6  # the review rules, in the shared rule format, are checked too
    for where, obj in objects:
        assert obj.get("additionalProperties") is False, where
        for name, prop in obj["properties"].items():
            assert prop.get("description"), f"{where}.{name}"


@pytest.mark.parametrize(
    ("path", "typo"),
    [
        ((), "rule"),
        (("text", 0), "clas"),
        (("visual", 0), "url_match"),
        (("rules", 0), "iff"),
        (("actions", "ban_user"), "headers"),
    ],
)
def test_schema_rejects_a_typo_d_key(path: tuple[str | int, ...], typo: str) -> None:
    data = example()
    target: Any = data
    for key in path:
        target = target[key]
    target[typo] = "x"
    assert schema_errors(data), typo
    with pytest.raises(ValueError, match=rf"'{typo}' was unexpected"):
        parse_section(data)


def test_schema_rejects_bad_values() -> None:
    assert schema_errors({"text": [{"matches": "x", "class": "bulying"}]})
    assert schema_errors({"text": [{"matches": "x", "contains": "y", "class": "spam"}]})
    assert schema_errors({"text": [{"class": "spam"}]})
    assert schema_errors({"text": [{"matches": "x", "class": "spam", "score": 4}]})
    assert schema_errors({"visual": [{"url_matches": "x", "class": "gun_in_hand", "score": 1.5}]})
    assert schema_errors({"keys": []})
    assert schema_errors({"actions": {"a": {"url": "u", "params": {"p": "nonsense"}}}})


def test_parse_example() -> None:
    cfg = parse_section(example())
    assert cfg.keys == ("hive-test",)
    assert [(r.cls, r.score) for r in cfg.text] == [("bullying", 3), ("spam", 3)]
    assert [(d.value, d.type) for d in cfg.deny_list] == [
        ("badword", "profanity"),
        ("another phrase", "profanity"),
        ("slurx", "slur"),
    ]
    assert [(v.cls, v.head, v.score) for v in cfg.visual] == [
        ("general_nsfw", "general", 0.97),
        ("gun_in_hand", "gun", 0.9),
    ]
    assert [(r.name, r.action, r.action_id) for r in cfg.rules] == [
        ("Send to Review Feed", "review", "send_post_to_review"),
        ("Post has text in Deny List", "none", None),
        ("Ban spammers", "ban_user", "ban_user"),
    ]
    assert cfg.rules[2].id == "5phrGLaFGCoURyvTn9AryD"
    assert cfg.actions == {
        "ban_user": Action(
            name="ban_user",
            url="http://app:9000/hive/ban",
            header=("X-Auth", "s3cret"),
            params={"user": "user_id", "post": "post_id"},
        )
    }
    assert cfg.callback_delay == 2.0
    assert len(cfg.review.rules) == 1
    assert cfg.review.rules[0].steps[0].args == {"action": "ban_user"}
    assert cfg.rule("Ban spammers") is cfg.rules[2]
    assert cfg.rule("5phrGLaFGCoURyvTn9AryD") is cfg.rules[2]
    assert cfg.rule("nope") is None


def test_defaults() -> None:
    assert parse_section(None) == HiveConfig()
    cfg = parse_section({"rules": [{"name": "R", "if": "spam"}], "actions": {"a": {"url": "u"}}})
    assert cfg.rules[0].action == "none"
    assert cfg.rules[0].type == "post"
    assert cfg.actions["a"].params == {"user_id": "user_id", "post_id": "post_id"}
    assert cfg.actions["a"].header is None
    assert parse_section({"text": [{"contains": "x", "class": "hate"}]}).text[0].score == 3


def test_keys() -> None:
    assert parse_section(None).accepts_key("anything")
    assert not parse_section(None).accepts_key("")
    cfg = parse_section({"keys": ["k1", "k2"]})
    assert cfg.accepts_key("k2")
    assert not cfg.accepts_key("k3")


def test_rule_ids_are_stable_22_char_base62() -> None:
    first = parse_section(example()).rules[0].id
    assert first == parse_section(copy.deepcopy(example())).rules[0].id
    assert first == stable_rule_id("Send to Review Feed")
    assert first == "zy0XXFgRJxvaCMGYRKya2B"  # pinned: must not change between versions
    assert len(first) == 22 and first.isalnum() and first.isascii()
    assert stable_rule_id("Send to Review Feed ") != first


def test_bad_regex_names_the_key() -> None:
    closed = r"'\(' is not a valid regex: the '\(' at character 1 is never closed"
    with pytest.raises(ValueError, match=r"^hive\.text\[1\]\.matches: " + closed):
        parse_section(
            {"text": [{"contains": "ok", "class": "spam"}, {"matches": "(", "class": "hate"}]}
        )
    with pytest.raises(ValueError, match=r"^hive\.visual\[0\]\.url_matches: '\[' is not a valid"):
        parse_section({"visual": [{"url_matches": "[", "class": "no_gun"}]})


def test_bad_condition_names_the_key_and_position() -> None:
    with pytest.raises(ValueError, match=r"^hive\.rules\[0\]\.if: .*at position 8"):
        parse_section({"rules": [{"name": "R", "if": "spam >= "}]})
    with pytest.raises(ValueError, match=r"unknown class 'bulying'"):
        parse_section({"rules": [{"name": "R", "if": "bulying >= 2"}]})


def test_visual_class_names_are_known_in_conditions() -> None:
    parse_section({"rules": [{"name": "R", "if": "general_nsfw >= 0.9 or no_gun < 0.5"}]})


def test_reference_errors() -> None:
    with pytest.raises(ValueError, match=r"hive\.rules\[0\]\.action: unknown action 'ban'"):
        parse_section({"rules": [{"name": "R", "if": "spam", "action": "ban"}]})
    with pytest.raises(ValueError, match=r"hive\.rules\[1\]\.name: duplicate rule name 'R'"):
        parse_section({"rules": [{"name": "R", "if": "spam"}, {"name": "R", "if": "hate"}]})
    with pytest.raises(ValueError, match=r"hive\.rules\[1\]\.id: duplicate rule id 'X'"):
        parse_section(
            {
                "rules": [
                    {"id": "X", "name": "A", "if": "spam"},
                    {"id": "X", "name": "B", "if": "spam"},
                ]
            }
        )
    with pytest.raises(ValueError, match=r"hive\.actions\.review: 'review' is a built-in"):
        parse_section({"actions": {"review": {"url": "u"}}})
    with pytest.raises(ValueError, match=r"hive\.actions\.a\.header"):
        parse_section({"actions": {"a": {"url": "u", "header": "no colon"}}})
