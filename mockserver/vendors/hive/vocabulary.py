"""The words Hive adds to the shared rule format, for the scenario's `hive.review` moderators.

An item reaches the Review Feed when a triggered Dashboard rule has `action: review`, or when a
user report names its post or user (reference B.2 Reports API, B.3 Actions). A review rule says
what the moderator does with it:

    review:
      - when: {rule: Send to Review Feed, if: "bullying >= 3"}
        then: {decide: {after: 10m, action: ban_user, by: dana@example.com}}
      - otherwise: {dismiss: {after: 1h}}
"""

from __future__ import annotations

from typing import Any, Final

from mockserver.scenario.vocabulary import Vocabulary

_STR_OR_LIST: Final[dict[str, Any]] = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ]
}

DECIDE: Final = "decide"
DISMISS: Final = "dismiss"

REVIEW_VOCABULARY: Final = Vocabulary(
    when={
        "rule": {
            **_STR_OR_LIST,
            "description": "the task triggered this Dashboard rule (name or id; any of a list)",
        },
        "if": {
            "type": "string",
            "minLength": 1,
            "description": "a rule condition on the task's scores, e.g. 'bullying >= 3 or pii'",
        },
        "text_contains": {**_STR_OR_LIST, "description": "text_data contains (any of; no case)"},
        "text_matches": {"type": "string", "description": "text_data matches this regex"},
        "url_contains": {**_STR_OR_LIST, "description": "the submitted url contains (any of)"},
        "user_id": {**_STR_OR_LIST, "description": "submitted by this user (patron) id (any of)"},
        "post_id": {**_STR_OR_LIST, "description": "this post id (any of)"},
        "content": {"type": "object", "description": "content_metadata has these values"},
        "user": {"type": "object", "description": "user (patron) metadata has these values"},
        "reported": {
            "type": "boolean",
            "description": "the item came to the Review Feed through POST /api/v1/report",
        },
        "report_category": {
            **_STR_OR_LIST,
            "description": "a report named this category (any of)",
        },
    },
    actions={
        DECIDE: {
            "action": {
                **_STR_OR_LIST,
                "description": "the Dashboard action(s) the moderator takes: names in hive.actions",
            },
            "note": {"type": "string", "description": "a moderator note, shown on the item"},
        },
        DISMISS: {
            "note": {"type": "string", "description": "a moderator note, shown on the item"},
        },
    },
    bare_words=frozenset({DISMISS}),
    descriptions={
        DECIDE: "a moderator takes Dashboard action(s): each action's callback is POSTed",
        DISMISS: "a moderator leaves the post up: the item closes and no action fires",
        "fail": "not used in hive.review (reviews happen after the task was answered)",
    },
)
