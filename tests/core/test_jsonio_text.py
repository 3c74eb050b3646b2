"""The one JSON decoder and encoder (mockserver/base/jsonio.py) over any text a client can write:
whatever parses is stored as Unicode text that encodes, so nothing kept can fail to serialise
later (issue 23: a lone surrogate made every later list of its namespace a 500)."""

from __future__ import annotations

import json
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.base import jsonio

# Any code point, surrogates included, as JSON can spell them with `\uXXXX` escapes.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4)
    ),
    max_leaves=20,
)


def _no_surrogates(value: Any) -> bool:
    if isinstance(value, str):
        return not any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, dict):
        return all(_no_surrogates(k) and _no_surrogates(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_no_surrogates(v) for v in value)
    return True


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(value=JSON_VALUES, long_digits=st.booleans())
def test_whatever_a_client_writes_decodes_to_text_that_encodes(
    value: Any, long_digits: bool
) -> None:
    """As bytes or str, through either parser (a run of 19 digits takes the standard
    library's), every unpaired surrogate comes out as U+FFFD and the value encodes again."""
    text = json.dumps([value, 10**20 if long_digits else 1], ensure_ascii=True)
    for raw in (text, text.encode()):
        decoded = jsonio.loads(raw)
        assert _no_surrogates(decoded)
        again = jsonio.dumps(decoded)
        assert jsonio.loads(again) == decoded


def test_a_lone_surrogate_becomes_the_replacement_character_and_pairs_stay_joined() -> None:
    assert jsonio.loads(b'{"t": "a\\ud83d", "\\udc00": "\\ud83d\\ude00"}') == {
        "t": "a\ufffd",
        "\ufffd": "\U0001f600",
    }


def test_the_encoder_replaces_surrogates_that_arrived_another_way() -> None:
    """A header decoded with surrogateescape, say: U+FFFD, never an error."""
    assert jsonio.dumps({"h": "x\udcff", "big": 10**30}) == (
        '{"h":"x\ufffd","big":1000000000000000000000000000000}'.encode()
    )


KEYS = st.one_of(ANY_TEXT, st.integers(-(2**63), 2**63 - 1), st.booleans(), st.none())
KEYED_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | ANY_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(value=KEYED_VALUES)
def test_the_encoder_writes_what_orjson_with_non_string_keys_writes(value: Any) -> None:
    """A value with string keys only takes orjson's faster path, one with other keys (an
    integer, a boolean, None) the option that writes them as strings: the same bytes either
    way, where orjson can write the value at all."""
    try:
        expected = orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return  # (a surrogate: the standard library's path, tested above)
    assert jsonio.dumps(value) == expected
