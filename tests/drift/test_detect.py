"""Variant detection from a run's answers, with a registry stand-in: the form the real answer
matches, none (a new form, shown), or not observed (and why), and the `variants:` block."""

from __future__ import annotations

from typing import Any

from mockserver.cli.drift.detect import KnownVariant, detect_variants, variants_block
from mockserver.cli.drift.listener import Delivery
from mockserver.cli.drift.target import Answer
from mockserver.kit.drift_probes import Call, Probe, ProbeSet, Reveal


def has(path: str) -> Any:
    def match(doc: Any) -> bool:
        for part in path.split("."):
            if not isinstance(doc, dict) or part not in doc:
                return False
            doc = doc[part]
        return True

    return match


def variant(name: str, default: str, **forms: Any) -> KnownVariant:
    return KnownVariant(
        name,
        default,
        {form: f"doc of {form}" for form in forms},
        lambda doc: [form for form, test in forms.items() if test(doc)],
    )


VARIANTS = [
    variant(
        "v.created_id", "request", request=has("data.request.id"), request_id=has("data.request_id")
    ),
    variant("v.webhook_body", "A", A=has("data.request"), B=has("request_id")),
    variant("v.signature", "sha256", sha256=has("headers.X-Sig-256")),
    variant("v.unprobed", "x", x=has("x")),
]
PROBES = ProbeSet(
    vendor="v",
    default_base="http://example.invalid",
    sandbox_path="",
    auth_headers=lambda key: {},
    probes=(Probe("create", Call("POST", "/r")),),
    key_env="V_KEY",
    reveals={
        "v.created_id": Reveal("create"),
        "v.webhook_body": Reveal("webhook"),
        "v.signature": Reveal("webhook", "headers"),
        "v.needs_create": Reveal("webhook", requires_ok=("create",)),
    },
)


def answer(body: Any) -> Answer:
    return Answer("POST /r", 201, {}, body, True)


def test_forms_detected_new_forms_shown_and_unobserved_explained() -> None:
    answers = {
        "real": {"create": answer({"data": {"request_id": "r1"}})},
        "sandbox": {"create": answer({"data": {"request": {"id": "r1"}}})},
    }
    hooks = {
        "real": Delivery({"X-Sig-256": "sha256=00"}, b'{"event": "x", "request_id": "r1"}'),
        "sandbox": Delivery({}, b'{"data": {"request": {}}}'),
    }
    found = {d.variant: d for d in detect_variants(PROBES, lambda v: VARIANTS, answers, hooks)}
    assert found["v.created_id"].form == "request_id"
    assert found["v.created_id"].sandbox_forms == ["request"]
    assert found["v.created_id"].source == "doc of request_id"
    assert found["v.webhook_body"].form == "B"
    assert found["v.signature"].form == "sha256"
    assert not found["v.unprobed"].observed
    assert found["v.unprobed"].why == "no drift probe shows this variant"
    assert variants_block(list(found.values())) == (
        "variants:\n"
        "  v.created_id: request_id\n"
        "  v.webhook_body: B\n"
        "  v.signature: sha256\n"
        "  # v.unprobed: not observed\n"
    )


def test_an_answer_no_documented_form_explains_is_shown_as_a_new_form() -> None:
    answers = {"real": {"create": answer({"data": {"uuid": "r1"}})}, "sandbox": {}}
    found = detect_variants(PROBES, lambda v: VARIANTS[:1], answers, {})
    (created,) = found
    assert created.observed and created.form is None
    assert created.shape == {"$": "object", "$.data": "object", "$.data.uuid": "string"}
    assert created.to_json()["why"] == "matches none of the documented forms: a new form"
    assert variants_block(found) == ""


def test_no_webhook_recorded_says_how_to_get_one() -> None:
    found = detect_variants(PROBES, lambda v: VARIANTS[1:2], {"real": {}, "sandbox": {}}, {})
    assert "--listen" in found[0].why


def test_a_reveal_waits_for_the_probes_it_requires() -> None:
    needs = variant("v.needs_create", "A", A=has("data"))
    hooks = {"real": Delivery({}, b'{"data": {}}')}
    failed = {"real": {"create": Answer("POST /r", 400, {}, {"error": True}, True)}}
    (found,) = detect_variants(PROBES, lambda v: [needs], failed, hooks)
    assert not found.observed and found.why == "probe create did not succeed"
    ok = {"real": {"create": answer({})}}
    (found,) = detect_variants(PROBES, lambda v: [needs], ok, hooks)
    assert found.form == "A"
