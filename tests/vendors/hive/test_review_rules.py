"""Matching `hive.review` rules against a Review Feed item."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.vendors.hive.expressions import Env
from mockserver.vendors.hive.matchers import MATCHERS, ReviewFacts

FACTS = ReviewFacts(
    rule_refs=frozenset({"Send to Review Feed", "3yIkuqerrtsmzVj42Fn3Mi"}),
    env=Env(scores={"bullying": 3, "spam": 0}, pii={"phone": 1}),
    text="Call me at 546-855-5512, idiot",
    user_id="u1",
    post_id="p1",
    content={"channel": "kids"},
    user={"tier": "gold"},
    reported=True,
    report_categories=frozenset({"spam"}),
)


@pytest.mark.parametrize(
    ("when", "holds"),
    [
        ({}, True),
        ({"rule": "Send to Review Feed"}, True),
        ({"rule": ["Other", "3yIkuqerrtsmzVj42Fn3Mi"]}, True),
        ({"rule": "Other"}, False),
        ({"if": "bullying >= 3 and pii.phone"}, True),
        ({"if": "spam"}, False),
        ({"text_contains": ["IDIOT"]}, True),
        ({"text_matches": r"\d{3}-\d{4}$"}, False),
        ({"url_contains": "x"}, False),
        ({"user_id": ["u1", "u2"], "post_id": "p1"}, True),
        ({"content": {"channel": "kids"}, "user": {"tier": "gold"}}, True),
        ({"user": {"tier": "silver"}}, False),
        ({"reported": True, "report_category": ["hate", "spam"]}, True),
        ({"reported": False}, False),
    ],
)
def test_when_keys(when: dict[str, Any], holds: bool) -> None:
    assert MATCHERS.matches(when, FACTS) is holds
