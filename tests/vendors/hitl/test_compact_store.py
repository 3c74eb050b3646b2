"""Stored HITL requests are kept compact (fields as JSON bytes, shared parsed configs): what a
client sent must still come back exactly, whatever JSON cannot hold (long integers, nulls,
NaN), and a PATCH must show in every later read."""

from __future__ import annotations

import json

import pytest

from mockserver.base.errors import ApiError
from mockserver.vendors.hitl import response_cache
from mockserver.vendors.hitl.validation import parse_create_request

from .conftest import API, Sandbox

BIG = 2**70 + 1  # beyond 64 bits: orjson would read it as a float


async def test_values_json_cannot_round_trip_come_back_exactly(
    sandbox: Sandbox, loop_id: str
) -> None:
    body = {
        "request_text": "Check order 123456789012345678901234",
        "response_type": "single_select",
        "response_config": {"options": ["Approve", "Reject"]},
        "context": {"order": BIG, "note": None, "nested": {"n": -(2**65)}},
        "metadata": {"ratio": 0.1, "flags": [True, None]},
    }
    created = await sandbox.ok(
        "POST",
        f"{API}/loops/{loop_id}/requests",
        "Request created and broadcasted successfully",
        201,
        raw=json.dumps(body),
        headers={"Content-Type": "application/json"},
    )
    stored = await sandbox.get_request(created["request_id"])
    assert stored["context"] == body["context"]
    assert stored["context"]["order"] == BIG and isinstance(stored["context"]["order"], int)
    assert stored["metadata"] == body["metadata"]
    assert stored["request_text"] == body["request_text"]
    assert stored["image_url"] is None and stored["callback_url"] is None


async def test_patched_fields_show_in_later_reads_and_filters(
    sandbox: Sandbox, loop_id: str
) -> None:
    rid = (await sandbox.new_request(loop_id, priority="low"))["request_id"]
    await sandbox.ok(
        "PATCH",
        f"{API}/requests/{rid}",
        "Request updated successfully",
        json_body={"priority": "critical", "tags": ["a", "b"], "context": {"k": BIG}},
    )
    stored = await sandbox.get_request(rid)
    assert (stored["priority"], stored["tags"], stored["context"]) == (
        "critical",
        ["a", "b"],
        {"k": BIG},
    )
    page = await sandbox.ok(
        "GET", f"{API}/requests?priority=critical", "Requests retrieved successfully"
    )
    assert [r["id"] for r in page["requests"]] == [rid]


def test_identical_configs_share_one_parse_and_different_ones_do_not() -> None:
    def parse(config: object, default: object = None) -> object:
        body = {"request_text": "x", "response_type": "number", "response_config": config}
        if default is not None:
            body["default_response"] = default
        return parse_create_request(body, strict=False).response_config

    first = parse({"min_value": 1, "max_value": 5})
    assert parse({"min_value": 1, "max_value": 5}) is first
    assert parse({"min_value": 1.0, "max_value": 5}) is not first  # 1.0 is not 1 in JSON
    assert parse({"max_value": 5, "min_value": 1}) is not first  # key order is kept as sent
    # NaN encodes as null in orjson: it must not share the parse of a real null
    assert response_cache.json_key({"min_value": float("nan")}) is None
    assert response_cache.json_key({"min_value": None}) == b'{"min_value":null}'


def test_a_default_response_is_checked_against_a_shared_config_every_time() -> None:
    body = {
        "request_text": "x",
        "response_type": "single_select",
        "response_config": {"options": [{"value": "a", "label": "A"}]},
        "default_response": "a",
    }
    parse_create_request(body, strict=False)
    with pytest.raises(ApiError) as caught:  # the cached config must not skip this check
        parse_create_request({**body, "default_response": "zzz"}, strict=False)
    assert "default_response" in str(caught.value.data)
