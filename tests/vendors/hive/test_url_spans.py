"""URL spans in Hive text (patterns.find_urls): the one-pass trailing-punctuation rule gives
exactly what stripping one character at a time and counting brackets again gave (the old
rule, quadratic in a run of `)`; tests/fuzz/test_linear_scans.py checks the time)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.vendors.hive.patterns import _URL_TRAILING, find_urls


def stripped_one_at_a_time(value: str) -> str:
    while value and (
        value[-1] in _URL_TRAILING or (value[-1] == ")" and value.count("(") < value.count(")"))
    ):
        value = value[:-1]
    return value


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    st.lists(
        st.sampled_from(["http://", "www.", "a", ".", ",", "(", ")", "]", "!", " ", "'", "/"]),
        max_size=20,
    ).map("".join)
)
def test_urls_end_where_the_one_character_at_a_time_rule_ends_them(text: str) -> None:
    for span in find_urls(text):
        raw = text[span.start_index :].split()[0]
        for stop in "<>\"'`":
            raw = raw.split(stop)[0]
        assert span.value == stripped_one_at_a_time(raw)


def test_a_bracket_the_link_opened_is_kept_and_one_it_did_not_is_dropped() -> None:
    spans = find_urls("(see http://a/b_(c)). and http://x" + ")" * 5)
    assert [s.value for s in spans] == ["http://a/b_(c)", "http://x"]
