"""The webhook receiver: recording, signature checks through each vendor's declared schemes
(HITL HMAC, Outharm bearer, a test's own vendor), answers."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

import pytest

from mockserver.kit.vendor import WebhookPolicy
from mockserver.registry import register
from mockserver.testing import ReceiverEndpoint, WebhookReceiver
from mockserver.testing.receiver import check_signature
from mockserver.webhooks.signatures import HmacSignature
from tests.minimal_vendor import minimal

BODY = json.dumps({"event": "request.completed", "request_id": "r1"}).encode()


def post(url: str, headers: dict[str, str], body: bytes = BODY) -> int:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def hitl_signature(secret: str, body: bytes = BODY) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-HITL-Signature-256": f"sha256={digest}"}


def test_hitl_signatures_are_checked_on_the_exact_body(webhook_receiver: ReceiverEndpoint) -> None:
    assert post(webhook_receiver.url, hitl_signature(webhook_receiver.secret)) == 200
    assert post(webhook_receiver.url, hitl_signature("other-secret")) == 200
    assert post(webhook_receiver.url, {}) == 200
    good, wrong, unsigned = webhook_receiver.received
    assert (good.signature, good.scheme, good.verified) == ("valid", "hitl-hmac", True)
    assert (wrong.signature, unsigned.signature) == ("invalid", "missing")
    assert good.event == "request.completed" and good.json()["request_id"] == "r1"
    assert (
        good.header(
            "x-hitl-signature-256",
        )
        == hitl_signature(webhook_receiver.secret)["X-HITL-Signature-256"]
    )
    assert not webhook_receiver.all_verified
    with pytest.raises(AssertionError, match="signature=invalid"):
        webhook_receiver.assert_all_verified()


def test_outharm_bearer_and_a_custom_secret_header() -> None:
    assert check_signature({"Authorization": "Bearer s3"}, b"{}", "s3") == ("valid", "bearer")
    assert check_signature({"Authorization": "Bearer no"}, b"{}", "s3") == ("invalid", "bearer")
    assert check_signature({"X-Auth": "s3"}, b"", "s3", "x-auth") == ("valid", "header")
    assert check_signature({}, b"", "s3", "X-Auth") == ("missing", None)


def test_scripted_answers_and_rejecting_unverified_calls(
    webhook_receiver: ReceiverEndpoint,
) -> None:
    webhook_receiver.respond_with(500, times=2)
    signed = hitl_signature(webhook_receiver.secret)
    assert [post(webhook_receiver.url, signed) for _ in range(3)] == [500, 500, 200]
    webhook_receiver.reject_unverified = True
    assert post(webhook_receiver.url, {}) == 401
    assert post(webhook_receiver.url, signed) == 200
    webhook_receiver.respond_with(503)
    assert post(webhook_receiver.url, signed) == 503
    assert len(webhook_receiver.received) == 6
    webhook_receiver.clear()
    assert webhook_receiver.received == []


def test_waiting_lists_what_arrived(webhook_receiver: ReceiverEndpoint) -> None:
    post(webhook_receiver.url, {})
    assert len(webhook_receiver.wait(1, timeout=1)) == 1
    with pytest.raises(AssertionError, match=r"0 of 1 webhook calls for event 'x'.*\n.*missing"):
        webhook_receiver.wait(1, event="x", timeout=0.05)


def test_endpoints_are_separate_and_closed_ones_answer_404() -> None:
    receiver = WebhookReceiver().start()
    try:
        one, two = receiver.endpoint(), receiver.endpoint(secret="fixed")
        assert one.url != two.url and two.secret == "fixed" and one.secret.startswith("whsec_")
        assert post(one.url, {}) == 200
        receiver.close(one)
        assert post(one.url, {}) == 404
        assert post(receiver.base_url + "/elsewhere", {}) == 404
        assert len(one.received) == 1 and two.received == []
    finally:
        receiver.stop()


# A vendor of this test only, signing with a header of its own.
_SIGNED = minimal(
    name="signed",
    title="Signed",
    path_prefixes=("/signed/",),
    webhooks=WebhookPolicy(signatures=(HmacSignature("X-Signed", "v1=", name="signed-v1"),)),
)


def test_a_vendor_registered_by_a_test_is_verified_by_its_own_scheme(
    webhook_receiver: ReceiverEndpoint,
) -> None:
    signed = HmacSignature("X-Signed", "v1=").sign(webhook_receiver.secret, BODY)
    assert post(webhook_receiver.url, signed) == 200  # not a scheme any vendor declares yet
    with register(_SIGNED):
        assert post(webhook_receiver.url, signed) == 200
        assert post(webhook_receiver.url, {"X-Signed": "v1=00"}) == 200
    unknown, good, wrong = webhook_receiver.received
    assert (unknown.signature, unknown.scheme) == ("missing", None)
    assert (good.signature, good.scheme, good.verified) == ("valid", "signed-v1", True)
    assert (wrong.signature, wrong.scheme) == ("invalid", "signed-v1")
