"""A body sent again is noted again: the strict verdict on a create-request body is remembered
by its bytes (hitl/lenient.py), and each call that sends those bytes carries the note, in the
journal and in the lenience report's count."""

from __future__ import annotations

from .conftest import API, Sandbox

BODY = {
    "request_text": "Is this fine?",
    "response_type": "single_select",
    "response_config": {"options": ["Approve", "Reject"]},
    "default_response": "Reject",
    "colour": "red",  # strict mode refuses an unknown field; lenient mode notes it
}


async def test_each_call_with_a_remembered_lenient_body_is_noted(
    sandbox: Sandbox, loop_id: str
) -> None:
    for _ in range(3):
        reply = await sandbox.call("POST", f"{API}/loops/{loop_id}/requests", json_body=BODY)
        assert reply.status == 201, reply.body
    [rule] = (await sandbox.control("GET", "/lenience"))["rules"]
    assert (rule["rule"], rule["count"]) == ("hitl.unknown_field", 3)
    journal = await sandbox.control("GET", "/journal?method=POST&path=*/requests")
    notes = [[n["rule"] for n in entry["lenience"]] for entry in journal["entries"]]
    assert notes == [["hitl.unknown_field"]] * 3
