"""The rule-condition language: precedence, values, metadata lookups and error positions."""

from __future__ import annotations

import pytest

from mockserver.vendors.hive.expressions import (
    ConditionSyntaxError,
    Env,
    compile_condition,
)


def holds(text: str, env: Env | None = None) -> bool:
    return compile_condition(text).evaluate(env or Env())


def test_bare_class_name_holds_when_score_is_above_zero() -> None:
    assert holds("bullying", Env(scores={"bullying": 1}))
    assert not holds("bullying", Env(scores={"bullying": 0}))
    assert not holds("bullying", Env(scores={"bullying": -1}))
    assert not holds("bullying")


def test_present_set_overrides_score_for_bare_names() -> None:
    env = Env(scores={"general_nsfw": 0.01}, present=frozenset({"no_gun"}))
    assert not holds("general_nsfw", env)
    assert holds("no_gun", env)
    assert holds("general_nsfw > 0", env)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("spam >= 3", True),
        ("spam > 3", False),
        ("spam <= 3", True),
        ("spam < 3", False),
        ("spam == 3", True),
        ("spam != 3", False),
        ("hate == 0", True),
        ("3 <= spam", True),
        ("spam >= 2.5", True),
    ],
)
def test_comparisons(text: str, expected: bool) -> None:
    assert holds(text, Env(scores={"spam": 3})) is expected


def test_and_binds_tighter_than_or() -> None:
    env = Env(scores={"spam": 3})
    # spam or (hate and violence), not (spam or hate) and violence
    assert holds("spam or hate and violence", env)
    assert not holds("(spam or hate) and violence", env)


def test_not_binds_tighter_than_and() -> None:
    env = Env(scores={"spam": 3})
    assert holds("not hate and spam", env)
    assert not holds("not (hate or spam)", env)
    assert holds("not not spam", env)
    assert holds("not spam == 0", env)  # not (spam == 0)


def test_keywords_are_case_insensitive() -> None:
    assert holds("spam AND NOT hate Or violence", Env(scores={"spam": 3}))
    assert holds("user.trusted == TRUE", Env(user={"trusted": True}))


def test_pii_text_filter_and_url_counts() -> None:
    env = Env(pii={"phone": 2}, text_filters={"profanity": 1}, urls=3)
    assert holds("pii and pii.phone and not pii.email", env)
    assert holds("pii >= 2 and pii.phone == 2", env)
    assert holds("text_filter and text_filter.profanity and not text_filter.slur", env)
    assert holds("url >= 3", env)
    assert not holds("pii or text_filter or url")


def test_metadata_lookups() -> None:
    env = Env(
        content={"channel": "kids", "views": 120},
        user={"trusted": False, "profile": {"age": 15}, "strikes": "2"},
    )
    assert holds('content.channel == "kids"', env)
    assert holds("content.channel == 'kids' and content.views > 100", env)
    assert holds("user.trusted != true and user.trusted == false", env)
    assert holds("user.profile.age < 18", env)
    assert holds("user.strikes >= 2", env)  # form fields arrive as strings
    assert not holds("user.missing", env)
    assert holds("user.missing == null and user.missing != true", env)
    assert not holds("user.missing > 0", env)


def test_string_booleans_from_form_data_compare_as_booleans() -> None:
    assert holds("user.trusted == true", Env(user={"trusted": "true"}))
    assert not holds("user.trusted", Env(user={"trusted": "false"}))
    assert not holds("user.trusted == 1", Env(user={"trusted": True}))


def test_strings_with_escaped_quotes() -> None:
    assert holds(r'content.title == "say \"hi\""', Env(content={"title": 'say "hi"'}))


def test_names_are_recorded() -> None:
    cond = compile_condition("spam >= 3 and user.trusted != true or pii.phone")
    assert cond.names == {"spam", "user.trusted", "pii.phone"}
    assert cond.source == "spam >= 3 and user.trusted != true or pii.phone"


@pytest.mark.parametrize(
    ("text", "position", "problem"),
    [
        ("spam >= ", 8, "expected a value, found end of condition"),
        ("spam >= 3 and", 13, "expected a value"),
        ("(spam or hate", 13, "expected ')'"),
        ("spam = 3", 5, "use '==' to compare"),
        ("spam >= 3 $", 10, "unexpected character '$'"),
        ('user.name == "bob', 13, "unterminated string"),
        ("1 < spam < 3", 9, "comparisons cannot be chained"),
        ("spam hate", 5, "unexpected 'hate'"),
        ("", 0, "empty condition"),
        ("pii.ssn", 0, "unknown PII kind 'ssn'"),
        ("spam or user", 8, "'user' needs a key"),
        ("bullying.level", 0, "unknown name 'bullying.level'"),
        ("url.host", 0, "unknown name 'url.host'"),
    ],
)
def test_syntax_errors_name_the_position(text: str, position: int, problem: str) -> None:
    with pytest.raises(ConditionSyntaxError) as info:
        compile_condition(text)
    assert info.value.position == position
    assert problem in str(info.value)
    assert f"at position {position}" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_unknown_class_is_rejected_when_classes_are_known() -> None:
    with pytest.raises(
        ValueError, match=r"unknown class 'bulying' \(nearest: bullying\) at position 8"
    ):
        compile_condition("spam or bulying >= 2", known_classes={"spam", "bullying"})
    compile_condition("spam or bullying >= 2", known_classes={"spam", "bullying"})
