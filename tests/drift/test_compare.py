"""Structural comparison: field names, JSON types and nesting, never values."""

from __future__ import annotations

from mockserver.cli.drift.compare import compare_bodies, compare_headers, shape
from mockserver.cli.drift.report import Redactor
from mockserver.kit.drift_probes import Call, fill


def paths(real: object, sandbox: object, *, soft: bool = False) -> list[tuple[str, str, str]]:
    return [(d.path, d.real, d.sandbox) for d in compare_bodies(real, sandbox) if d.soft == soft]


def test_values_do_not_matter_names_and_types_do() -> None:
    assert paths({"a": 1, "b": "x"}, {"a": 2.5, "b": "y"}) == []
    assert paths({"a": 1}, {"a": "1"}) == [("$.a", "number", "string")]
    assert paths({"a": True}, {"a": 1}) == [("$.a", "boolean", "number")]


def test_a_missing_subtree_is_named_once_at_its_top() -> None:
    real = {"data": {"request_id": "r"}}
    sandbox = {"data": {"request": {"id": "r", "status": "pending"}}}
    assert paths(real, sandbox) == [
        ("$.data.request", "absent", "object"),
        ("$.data.request_id", "string", "absent"),
    ]


def test_array_elements_share_one_path() -> None:
    real = {"items": [{"id": "a"}, {"id": "b", "extra": 1}]}
    sandbox = {"items": [{"id": "c"}]}
    assert paths(real, sandbox) == [("$.items[*].extra", "number", "absent")]


def test_null_and_empty_arrays_cannot_tell_so_they_are_noted_not_counted() -> None:
    assert paths({"r": None}, {"r": "Approve"}) == []
    assert paths({"r": None}, {"r": "Approve"}, soft=True) == [("$.r", "null", "string")]
    assert paths({"r": None}, {"r": {"x": 1}}) == []
    assert paths({"l": []}, {"l": [{"id": 1}]}) == []
    assert paths({"l": [{"id": 1}]}, {"l": [{"id": 2}]}) == []


def test_headers_compared_by_presence_and_media_type() -> None:
    real = {"x-ratelimit-limit": "100", "content-type": "application/json; charset=utf-8"}
    sandbox = {"content-type": "application/json", "retry-after": "5"}
    assert [(d.path, d.real, d.sandbox) for d in compare_headers(real, sandbox)] == [
        ("headers.retry-after", "absent", "present"),
        ("headers.x-ratelimit-limit", "present", "absent"),
    ]


def test_deep_bodies_are_bounded() -> None:
    deep: object = "leaf"
    for _ in range(500):
        deep = [deep]
    assert len(shape(deep)) == 65


def test_placeholders_fill_keys_and_values_and_keep_unknown_ones() -> None:
    call = Call("POST", "/loops/{loop_id}", {"{component}": ["{tag} hi {unknown}"]})
    assert call.placeholders() == {"loop_id", "component", "tag", "unknown"}
    done = call.render({"loop_id": "L1", "component": "title", "tag": "[t]"})
    assert (done.path, done.body) == ("/loops/L1", {"title": ["[t] hi {unknown}"]})
    assert fill(3, {"a": "b"}) == 3


def test_redactor_hides_every_secret_longest_first() -> None:
    redact = Redactor(["abcd1234", "abcd", None, ""])
    assert redact("key abcd1234 and abcd") == "key [redacted] and [redacted]"
