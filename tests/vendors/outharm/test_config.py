"""The `outharm:` scenario section: its JSON Schema and `parse_section`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from mockserver.registry import vendor
from mockserver.vendors.outharm.models import DEFAULT_SCHEMA, DEFAULT_SCHEMA_ID, Component
from mockserver.vendors.outharm.scenario import OutharmConfigError, WebhookConfig, parse_section
from mockserver.vendors.outharm.scoring import DEFAULT_CATEGORIES
from mockserver.vendors.outharm.webhooks import signature

SECTION_SCHEMA = vendor("outharm").section_schema()

EXAMPLE = """
tokens: [om-test]
manual_subscription: true
schemas:
  - id: 550e8400-e29b-41d4-a716-446655440000
    name: Posts
    components: {title: text, description: text, images: image}
automated:
  threshold: 0.5
  categories: [sexual, violence, hate, harassment, spam]
  rules:
    - {field: title, contains: "buy now", category: spam, score: 0.92}
    - {field: title, matches: "(?i)kill|hate", category: hate, score: 0.9}
    - {any_text_matches: "(?i)idiot", category: harassment, score: 0.7}
    - {image_url_matches: "nsfw", category: sexual, score: 0.97}
webhook: {url: "http://app:9000/hooks/outharm", secret: om_whsec, header: Authorization}
"""

# The `outharm:` part of the product brief's scenario sketch, in the shared rule format:
# the webhook is section-level, `manual` is a rule list, and appeals are a rule of their own.
SKETCH = """
tokens: [om-test]
schemas:
  - id: 550e8400-e29b-41d4-a716-446655440000
    components: {title: text, description: text, images: image}
automated:
  threshold: 0.5
  rules:
    - {field: title, matches: "(?i)kill|hate", category: hate, score: 0.92}
webhook: {url: "http://app:9000/hooks/outharm", secret: om_whsec}
manual:
  - when: {appeal: true}
    then: {decide: {after: 2h, harmful: false}}
  - when: {any_text_contains: "buy now"}
    then: {decide: {after: 4h, harmful: [spam]}}
  - otherwise: {decide: {after: 1h, harmful: false}}
"""

VALIDATOR = Draft202012Validator(SECTION_SCHEMA)


def load(text: str) -> dict[str, Any]:
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def errors(data: Any) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(data)]


def walk(schema: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, dict):
        yield path, schema
        for key, sub in schema.get("properties", {}).items():
            yield from walk(sub, f"{path}.{key}")
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                yield from walk(schema[key], f"{path}[{key}]")


def test_section_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SECTION_SCHEMA)


def test_every_property_has_a_description_and_every_object_is_closed() -> None:
    open_maps = {".schemas[items].components"}
    for path, node in walk(SECTION_SCHEMA):
        assert node.get("description"), path
        if node.get("type") == "object" and path not in open_maps:
            assert node.get("additionalProperties") is False, path


@pytest.mark.parametrize("text", [EXAMPLE, SKETCH])
def test_example_sections_validate(text: str) -> None:
    assert errors(load(text)) == []


def test_example_section_parses() -> None:
    cfg = parse_section(load(EXAMPLE))
    assert cfg.tokens == ("om-test",)
    assert cfg.manual_subscription is True
    (schema,) = cfg.schemas
    assert (schema.id, schema.name) == (DEFAULT_SCHEMA_ID, "Posts")
    assert schema.components == {"title": "text", "description": "text", "images": "image"}
    assert schema.component_list()[2] == Component("images", "image")
    assert cfg.schemas_by_id() == {DEFAULT_SCHEMA_ID: schema}
    assert cfg.automated.threshold == 0.5
    assert cfg.automated.categories == ("sexual", "violence", "hate", "harassment", "spam")
    spam, hate, harassment, sexual = cfg.automated.rules
    assert (spam.field, spam.target, spam.contains, spam.score) == ("title", "any", "buy now", 0.92)
    assert hate.pattern is not None and hate.pattern.pattern == "(?i)kill|hate"
    assert (harassment.field, harassment.target) == (None, "text")
    assert (sexual.target, sexual.category) == ("image", "sexual")
    assert cfg.webhook == WebhookConfig("http://app:9000/hooks/outharm", "om_whsec")
    assert cfg.manual.rules == ()


def test_sketch_section_parses_manual_rules() -> None:
    cfg = parse_section(load(SKETCH))
    assert cfg.schemas[0].name == "Schema 1"
    appeal, spam, rest = cfg.manual.rules
    assert appeal.when == {"appeal": True}
    assert [(s.word, dict(s.args), s.after) for s in spam.steps] == [
        ("decide", {"harmful": ["spam"]}, 4 * 3600.0)
    ]
    assert rest.otherwise and rest.steps[0].after == 3600.0


def test_absent_section_gives_defaults() -> None:
    cfg = parse_section(None)
    assert cfg.tokens is None
    assert cfg.manual_subscription is True
    assert cfg.schemas == (DEFAULT_SCHEMA,)
    assert cfg.webhook is None
    assert cfg.automated.threshold == 0.5
    assert cfg.automated.categories == DEFAULT_CATEGORIES
    assert cfg.automated.rules == ()
    assert errors({}) == []


def test_default_schema_holds_the_seed_example_fields() -> None:
    assert DEFAULT_SCHEMA.id == "550e8400-e29b-41d4-a716-446655440000"
    assert {"title": "text", "description": "text", "images": "image"}.items() <= (
        DEFAULT_SCHEMA.components.items()
    )


def test_default_categories_gain_the_categories_rules_name() -> None:
    cfg = parse_section({"automated": {"rules": [{"contains": "x", "category": "scam"}]}})
    assert cfg.automated.categories == (*DEFAULT_CATEGORIES, "scam")
    assert cfg.automated.rules[0].score == 1.0


def test_schema_ids_are_lower_cased() -> None:
    section = {"schemas": [{"id": DEFAULT_SCHEMA_ID.upper(), "components": {"title": "text"}}]}
    assert errors(section) == []
    assert parse_section(section).schemas[0].id == DEFAULT_SCHEMA_ID


def test_webhook_signature_headers() -> None:
    assert signature(WebhookConfig("http://a", "s")).sign("s", b"{}") == {
        "Authorization": "Bearer s"
    }
    assert signature(WebhookConfig("http://a", "s", "X-Outharm-Secret")).sign("s", b"{}") == {
        "X-Outharm-Secret": "s"
    }


@pytest.mark.parametrize(
    "section",
    [
        {"token": ["om-test"]},
        {"schemas": [{"id": DEFAULT_SCHEMA_ID, "component": {"title": "text"}}]},
        {"automated": {"treshold": 0.5}},
        {"automated": {"rules": [{"feild": "title", "contains": "x", "category": "spam"}]}},
        {"webhook": {"url": "http://app/hook", "secert": "x"}},
    ],
)
def test_typo_keys_are_rejected(section: dict[str, Any]) -> None:
    assert any("Additional properties are not allowed" in m for m in errors(section))


@pytest.mark.parametrize(
    "section",
    [
        {"automated": {"rules": [{"contains": "x", "matches": "y", "category": "spam"}]}},
        {"automated": {"rules": [{"field": "title", "category": "spam"}]}},
        {"automated": {"rules": [{"contains": "x", "category": "Spam"}]}},
        {"automated": {"threshold": 1.5}},
        {"schemas": [{"id": "not-a-uuid", "components": {"title": "text"}}]},
        {"schemas": [{"id": DEFAULT_SCHEMA_ID, "components": {"clip": "video"}}]},
        {
            "schemas": [
                {"id": DEFAULT_SCHEMA_ID, "components": {f"c{i}": "text" for i in range(21)}}
            ]
        },
        {"webhook": {"url": "app:9000/hook", "secret": "x"}},
        {"manual_subscription": "yes"},
    ],
)
def test_invalid_values_are_rejected_by_the_schema(section: dict[str, Any]) -> None:
    assert errors(section)


def test_more_than_20_components_raise() -> None:
    section = {
        "schemas": [{"id": DEFAULT_SCHEMA_ID, "components": {f"c{i}": "text" for i in range(21)}}]
    }
    with pytest.raises(ValueError, match=r"outharm\.schemas\[0\]\.components: .* at most 20 .* 21"):
        parse_section(section)
    components = {f"c{i}": "text" for i in range(20)}
    assert parse_section({"schemas": [{"id": DEFAULT_SCHEMA_ID, "components": components}]})


def test_unknown_component_type_raises() -> None:
    section = {"schemas": [{"id": DEFAULT_SCHEMA_ID, "components": {"clip": "video"}}]}
    with pytest.raises(OutharmConfigError) as info:
        parse_section(section)
    assert info.value.path == ("schemas", 0, "components", "clip")
    assert "text or image, got 'video'" in str(info.value)


def test_bad_regex_raises_with_its_path() -> None:
    section = {"automated": {"rules": [{"field": "title", "matches": "(kill", "category": "hate"}]}}
    with pytest.raises(OutharmConfigError) as info:
        parse_section(section)
    assert info.value.path == ("automated", "rules", 0, "matches")
    assert str(info.value).startswith(
        "outharm.automated.rules[0].matches: '(kill' is not a valid regex: the '(' at character 1"
    )


def test_duplicate_schema_ids_raise() -> None:
    schema = {"id": DEFAULT_SCHEMA_ID, "components": {"title": "text"}}
    with pytest.raises(ValueError, match=r"schemas\[1\]\.id: duplicate schema id"):
        parse_section({"schemas": [schema, schema]})


def test_rule_on_unknown_field_raises() -> None:
    section = {"automated": {"rules": [{"field": "titel", "contains": "x", "category": "spam"}]}}
    with pytest.raises(ValueError, match=r"'titel' is not a component of any schema \(known: "):
        parse_section(section)


def test_image_rule_on_text_field_raises() -> None:
    rule = {"field": "title", "image_url_contains": "nsfw", "category": "sexual"}
    with pytest.raises(ValueError, match="image_url_contains never matches: component 'title'"):
        parse_section({"automated": {"rules": [rule]}})
