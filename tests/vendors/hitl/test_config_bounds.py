"""Every bound of a HITL.sh request and its `response_config`, below, at and above its edge, in
the default (lenient) mode and in strict mode; and every bound a reviewer's answer must keep.

A bound strict mode enforces and lenient mode does not is accepted in lenient mode with a
lenience note naming the rule (docs/fidelity.md, HITL.sh). Each table row says what each mode
answers: None (accepted) or the `data` of the 400. The limits come from
api-reference/requests/create-request.mdx, the response-type pages (responses/*.mdx) and the
OpenAPI file (api-reference/openapi.json), all in github.com/hitl-sh/docs.hitl.sh @0e23b17.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import API, MakeSandbox, Sandbox

CONFIG = "Invalid response configuration"
FIELDS = "Validation failed"


@dataclass(frozen=True)
class Edge:
    what: str
    body: dict[str, Any]
    lenient: str | None
    strict: str | None
    msg: str = CONFIG


def config(
    kind: str, cfg: dict[str, Any], what: str, lenient: str | None, strict: str | None
) -> Edge:
    return Edge(what, {"response_type": kind, "response_config": cfg}, lenient, strict)


def options(count: int) -> list[str]:
    return [f"Option {i}" for i in range(count)]


TEXT_MAX = "max_length must be between 1 and {}"
S_TEXT_MAX, L_TEXT_MAX = TEXT_MAX.format(5000), TEXT_MAX.format(50000)
L_COUNT, S_COUNT = "options must have 1-20 items", "options must have 2-20 items"
MULTI = ["A", "B", "C"]
MORE_THAN_OPTIONS = "max_selections must not exceed the number of options (3)"
TIMEOUT = "timeout_seconds must be between 60 and {}"

EDGES = [
    # text: max_length 1-5000 (strict, required) or 1-50000; 0 <= min_length <= max_length
    config("text", {"max_length": 0}, "max_length below 1", L_TEXT_MAX, S_TEXT_MAX),
    config("text", {"max_length": 1}, "max_length at 1", None, None),
    config("text", {"max_length": 5000}, "max_length at 5000", None, None),
    config("text", {"max_length": 5001}, "max_length above 5000", None, S_TEXT_MAX),
    config("text", {"max_length": 50000}, "max_length at 50000", None, S_TEXT_MAX),
    config("text", {"max_length": 50001}, "max_length above 50000", L_TEXT_MAX, S_TEXT_MAX),
    config("text", {"placeholder": "Why?"}, "no max_length", None, "max_length is required"),
    config(
        "text",
        {"max_length": 10, "min_length": -1},
        "min_length below 0",
        "min_length must not be negative",
        "min_length must not be negative",
    ),
    config("text", {"max_length": 10, "min_length": 0}, "min_length at 0", None, None),
    config("text", {"max_length": 10, "min_length": 10}, "min_length at max_length", None, None),
    config(
        "text",
        {"max_length": 10, "min_length": 11},
        "min_length above max_length",
        "min_length must not exceed max_length",
        "min_length must not exceed max_length",
    ),
    # single_select: 2-20 options (strict) or 1-20; labels <= 100 (strict) or 200; values <= 100
    config("single_select", {"options": []}, "no option", L_COUNT, S_COUNT),
    config("single_select", {"options": options(1)}, "1 option", None, S_COUNT),
    config("single_select", {"options": options(2)}, "2 options", None, None),
    config("single_select", {"options": options(20)}, "20 options", None, None),
    config("single_select", {"options": options(21)}, "21 options", L_COUNT, S_COUNT),
    config("single_select", {"options": ["x" * 100, "y"]}, "label of 100", None, None),
    config(
        "single_select",
        {"options": ["x" * 101, "y"]},
        "label of 101",
        None,
        "options[0] must be at most 100 characters",
    ),
    config(
        "single_select",
        {"options": ["x" * 200, "y"]},
        "label of 200",
        None,
        "options[0] must be at most 100 characters",
    ),
    config(
        "single_select",
        {"options": ["x" * 201, "y"]},
        "label of 201",
        "options[0] must be at most 200 characters",
        "options[0] must be at most 100 characters",
    ),
    config(
        "single_select",
        {"options": [{"value": "v" * 100, "label": "A"}, {"value": "b", "label": "B"}]},
        "value of 100",
        None,
        None,
    ),
    config(
        "single_select",
        {"options": [{"value": "v" * 101, "label": "A"}, {"value": "b", "label": "B"}]},
        "value of 101",
        "options[0].value must be at most 100 characters",
        "options[0].value must be at most 100 characters",
    ),
    config(
        "single_select",
        {"options": [{"value": "a", "label": "l" * 101}, {"value": "b", "label": "B"}]},
        "option object label of 101",
        None,
        "options[0].label must be at most 100 characters",
    ),
    # multi_select (3 options): 0 <= min_selections <= options; 1 <= max_selections <= options
    # (strict; lenient: any); min_selections <= max_selections
    config(
        "multi_select",
        {"options": MULTI, "min_selections": -1},
        "min_selections below 0",
        "min_selections must not be negative",
        "min_selections must not be negative",
    ),
    config("multi_select", {"options": MULTI, "min_selections": 0}, "min 0", None, None),
    config("multi_select", {"options": MULTI, "min_selections": 3}, "min = options", None, None),
    config(
        "multi_select",
        {"options": MULTI, "min_selections": 4},
        "min_selections above the options",
        "min_selections must not exceed the number of options (3)",
        "min_selections must not exceed the number of options (3)",
    ),
    config(
        "multi_select",
        {"options": MULTI, "max_selections": 0},
        "max_selections below 1",
        "max_selections must be at least 1",
        "max_selections must be at least 1",
    ),
    config("multi_select", {"options": MULTI, "max_selections": 1}, "max 1", None, None),
    config("multi_select", {"options": MULTI, "max_selections": 3}, "max = options", None, None),
    config(
        "multi_select",
        {"options": MULTI, "max_selections": 4},
        "max_selections above the options",
        None,
        MORE_THAN_OPTIONS,
    ),
    config(
        "multi_select",
        {"options": MULTI, "min_selections": 2, "max_selections": 2},
        "min = max",
        None,
        None,
    ),
    config(
        "multi_select",
        {"options": MULTI, "min_selections": 3, "max_selections": 2},
        "min above max",
        "min_selections must not exceed max_selections",
        "min_selections must not exceed max_selections",
    ),
    # rating: scale_max > scale_min (default 1); scale_step > 0; label keys on the scale (strict)
    config(
        "rating",
        {"scale_max": 1},
        "scale_max at the default scale_min",
        "scale_max must be greater than scale_min",
        "scale_max must be greater than scale_min",
    ),
    config("rating", {"scale_max": 2}, "scale_max one above", None, None),
    config("rating", {"scale_min": -5, "scale_max": -4}, "a negative scale", None, None),
    config(
        "rating",
        {"scale_min": 1, "scale_max": 5, "scale_step": 0},
        "scale_step at 0",
        "scale_step must be greater than 0",
        "scale_step must be greater than 0",
    ),
    config("rating", {"scale_max": 5, "scale_step": 0.5}, "scale_step 0.5", None, None),
    config(
        "rating",
        {"scale_min": 1, "scale_max": 5, "labels": {"1": "Poor", "5": "Great"}},
        "labels at both ends",
        None,
        None,
    ),
    config(
        "rating",
        {"scale_min": 1, "scale_max": 5, "labels": {"0": "Awful"}},
        "a label below the scale",
        None,
        "labels key '0' is outside the scale 1-5",
    ),
    config(
        "rating",
        {"scale_min": 1, "scale_max": 5, "labels": {"6": "Superb"}},
        "a label above the scale",
        None,
        "labels key '6' is outside the scale 1-5",
    ),
    config(
        "rating",
        {"min": 3, "max": 3},
        "legacy max at min",
        "max must be greater than min",
        "max must be greater than min",
    ),
    config("rating", {"min": 3, "max": 4}, "legacy max one above", None, None),
    # number: max_value > min_value; max_value required (strict); decimal_places 0-10;
    # a negative min_value needs allow_negative (strict)
    config(
        "number",
        {"min_value": 5, "max_value": 5},
        "max_value at min_value",
        "max_value must be greater than min_value",
        "max_value must be greater than min_value",
    ),
    config("number", {"min_value": 5, "max_value": 6}, "max_value one above", None, None),
    config("number", {"min_value": 5}, "no max_value", None, "max_value is required"),
    config(
        "number",
        {"min_value": 0, "max_value": 9, "decimal_places": -1},
        "decimal_places below 0",
        "decimal_places must be between 0 and 10",
        "decimal_places must be between 0 and 10",
    ),
    config("number", {"min_value": 0, "max_value": 9, "decimal_places": 0}, "0 places", None, None),
    config(
        "number", {"min_value": 0, "max_value": 9, "decimal_places": 10}, "10 places", None, None
    ),
    config(
        "number",
        {"min_value": 0, "max_value": 9, "decimal_places": 11},
        "decimal_places above 10",
        "decimal_places must be between 0 and 10",
        "decimal_places must be between 0 and 10",
    ),
    config(
        "number",
        {"min_value": -1, "max_value": 9},
        "a negative min_value",
        None,
        "min_value must not be negative unless allow_negative is true",
    ),
    config(
        "number",
        {"min_value": -1, "max_value": 9, "allow_negative": True},
        "a negative min_value allowed",
        None,
        None,
    ),
    # boolean: both labels (strict), each 1-100 characters (strict)
    config(
        "boolean",
        {"true_label": "y" * 100, "false_label": "No"},
        "a label of 100",
        None,
        None,
    ),
    config(
        "boolean",
        {"true_label": "y" * 101, "false_label": "No"},
        "a label of 101",
        None,
        "true_label must be at most 100 characters",
    ),
    config(
        "boolean",
        {"true_label": "", "false_label": "No"},
        "an empty label",
        "true_label must not be empty",
        "true_label must not be empty",
    ),
    config("boolean", {"true_label": "Yes"}, "one label", None, "false_label is required"),
    # the request: timeout_seconds 60-86400 (deferred: up to 30 days, lenient); request_text
    # 1-2000 characters
    *(
        Edge(f"time-sensitive timeout {t}", {"timeout_seconds": t}, r, r, FIELDS)
        for t, r in (
            (59, TIMEOUT.format(86400)),
            (60, None),
            (86400, None),
            (86401, TIMEOUT.format(86400)),
        )
    ),
    *(
        Edge(
            f"deferred timeout {t}",
            {"processing_type": "deferred", "timeout_seconds": t},
            lo,
            st,
            FIELDS,
        )
        for t, lo, st in (
            (59, TIMEOUT.format(2592000), TIMEOUT.format(86400)),
            (86400, None, None),
            (86401, None, TIMEOUT.format(86400)),
            (2592000, None, TIMEOUT.format(86400)),
            (2592001, TIMEOUT.format(2592000), TIMEOUT.format(86400)),
        )
    ),
    *(
        Edge(f"request_text of {n}", {"request_text": "x" * n}, r, r, FIELDS)
        for n, r in (
            (0, "request_text must be between 1 and 2000 characters"),
            (1, None),
            (2000, None),
            (2001, "request_text must be between 1 and 2000 characters"),
        )
    ),
]
BASE = {
    "request_text": "Within bounds?",
    "response_type": "single_select",
    "response_config": {"options": ["Approve", "Reject"]},
    "processing_type": "time-sensitive",
    "timeout_seconds": 3600,
}


async def answer(sandbox: Sandbox, loop_id: str, edge: Edge) -> tuple[Any, list[str]]:
    """The create answer's error `data` (None when created) and the lenience rules it noted."""
    await sandbox.control("DELETE", "/lenience")
    reply = await sandbox.call(
        "POST", f"{API}/loops/{loop_id}/requests", json_body={**BASE, **edge.body}
    )
    rules = [r["rule"] for r in (await sandbox.control("GET", "/lenience"))["rules"]]
    if reply.status == 201:
        return None, rules
    assert (reply.status, reply.body["msg"]) == (400, edge.msg), (edge.what, reply.body)
    return reply.body["data"], rules


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
async def test_every_request_and_config_bound_at_its_edge(
    make_sandbox: MakeSandbox, strict: bool
) -> None:
    sandbox = await make_sandbox({"strict": strict, "rate_limit": 10_000})
    loop_id = (await sandbox.new_loop())["id"]
    wrong = []
    for edge in EDGES:
        refused, rules = await answer(sandbox, loop_id, edge)
        expected = edge.strict if strict else edge.lenient
        # lenient mode notes what strict mode refuses; strict mode notes nothing
        note = edge.strict if not strict and edge.lenient is None else None
        expected_rules = [f"hitl.validation: {note}"] if note else []
        if (refused, rules) != (expected, expected_rules):
            wrong.append((edge.what, (refused, rules), (expected, expected_rules)))
    assert wrong == [], "\n".join(map(repr, wrong))


# (config, answers that keep every bound, answers past one) for a reviewer's answer
Answers = tuple[str, dict[str, Any], list[dict[str, Any]], list[tuple[dict[str, Any], str]]]
ANSWERS: list[Answers] = [
    (
        "text",
        {"max_length": 5, "min_length": 2},
        [{"text": "ab"}, {"text": "abcde"}],
        [
            ({"text": "a"}, "at least 2 characters"),
            ({"text": "abcdef"}, "at most 5 characters"),
        ],
    ),
    (
        "rating",
        {"scale_min": 1, "scale_max": 5, "scale_step": 0.5},
        [{"rating": 1}, {"rating": 4.5}, {"rating": 5}],
        [
            ({"rating": 0.5}, "outside the scale 1-5"),
            ({"rating": 5.5}, "outside the scale 1-5"),
            ({"rating": 1.25}, "not on a step of 0.5 from 1"),
        ],
    ),
    (
        "number",
        {"min_value": 10, "max_value": 20, "decimal_places": 1},
        [{"number": 10}, {"number": 15.5}, {"number": 20}],
        [
            ({"number": 9.9}, "below the minimum 10"),
            ({"number": 20.1}, "above the maximum 20"),
            ({"number": 15.25}, "more than 1 decimal places"),
        ],
    ),
    (
        "multi_select",
        {"options": ["A", "B", "C", "D"], "min_selections": 2, "max_selections": 3},
        [{"choose_many": ["A", "B"]}, {"choose_many": ["A", "B", "C"]}],
        [
            ({"choose_many": ["A"]}, "selects 1 option(s) but the request allows 2-3"),
            (
                {"choose_many": ["A", "B", "C", "D"]},
                "selects 4 option(s) but the request allows 2-3",
            ),
        ],
    ),
]


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
async def test_every_answer_bound_at_its_edge(make_sandbox: MakeSandbox, strict: bool) -> None:
    sandbox = await make_sandbox({"strict": strict, "rate_limit": 10_000})
    loop_id = (await sandbox.new_loop())["id"]
    wrong = []
    for kind, cfg, fine, past in ANSWERS:
        cases: list[tuple[dict[str, Any], str | None]] = [(a, None) for a in fine]
        cases += past
        for given, refusal in cases:
            body = {**BASE, "response_type": kind, "response_config": cfg}
            rid = await sandbox.call("POST", f"{API}/loops/{loop_id}/requests", json_body=body)
            request_id = rid.body["data"]["request_id"]
            async with sandbox.client.post(
                f"/_mockserver/items/hitl/{request_id}",
                json={"respond": {**given, "by": "dana@example.com"}},
            ) as resp:
                text = await resp.text()
                if (resp.status == 200) != (refusal is None) or (
                    refusal is not None and refusal not in text
                ):
                    wrong.append((kind, given, resp.status, text[:200]))
    assert wrong == [], "\n".join(map(repr, wrong))
