"""Variant detection end to end: a stand-in speaking other documented forms is recognised form
by form, and the `variants:` block drift prints, loaded into the sandbox, makes the next run
report no difference."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import requests

from .conftest import KEY, Result, StandIn, write

AUTH = {"Authorization": f"Bearer {KEY}"}

Drift = Callable[..., Result]
Start = Callable[..., StandIn]
SCENARIO = """\
reviewers: [2 generated]
hitl:
  join: on_create
  webhook_secret: whsec_drift
"""
REAL_FORMS = {
    "hitl.created_id": "request",
    "hitl.join_url": "hitl.sh",
    "hitl.webhook_body": "B",
    "hitl.get_response": "envelope",
    "hitl.response_by": "object",
}
OBSERVED_ONLY = ("hitl.get_response", "hitl.response_by")  # read from --request-id


def decided_request(real: StandIn) -> str:
    """A request on the stand-in's account that a reviewer has answered."""
    loop = requests.post(
        f"{real.url}/v1/api/loops", json={"name": "Earlier", "icon": "shield-check"},
        headers=AUTH, timeout=5,
    ).json()["data"]["loop"]["id"]  # fmt: skip
    body = {"request_text": "Earlier work", "response_type": "boolean", "response_config": {},
            "default_response": False}  # fmt: skip
    created = requests.post(
        f"{real.url}/v1/api/loops/{loop}/requests", json=body, headers=AUTH, timeout=5
    ).json()["data"]
    request_id = str(created["request"]["id"])  # the stand-in's form (REAL_FORMS)
    real.control.act("hitl", request_id, {"respond": {"boolean": True}})
    return request_id


def test_forms_detected_and_the_printed_block_removes_every_difference(
    stand_in: Start, drift: Drift, tmp_path: Path
) -> None:
    base = write(tmp_path, "base.yaml", SCENARIO)
    real = stand_in(base, variant=",".join(f"{k}={v}" for k, v in REAL_FORMS.items()))
    args = ["--vendor", "hitl", "--base", f"{real.url}/v1", "--allow-writes",
            "--listen", "127.0.0.1:0", "--listen-timeout", "10",
            "--request-id", decided_request(real)]  # fmt: skip
    first = drift(*args, "--scenario", base)
    assert first.code == 1
    found = {v["variant"]: v for v in first.report["variants"]}
    for name, form in REAL_FORMS.items():
        assert found[name]["form"] == form, found[name]
        if name not in OBSERVED_ONLY:
            assert found[name]["sandbox_form"] not in (None, form)
    assert found["hitl.signature_header"]["form"] == "sha256"
    assert not found["hitl.cancel_rule"]["observed"]
    differs = {n for n, o in first.outcomes().items() if o == "differs"}
    assert "create_request_single_select" in differs  # data.request, not data.request_id
    assert "create_loop" not in differs  # join_url: another host, the same structure
    block = first.report["variants_block"]
    for name, form in REAL_FORMS.items():
        assert f"  {name}: {form}\n" in block
    assert block in first.out.replace("\n  ", "\n")  # printed, indented by two spaces
    calibrated = write(tmp_path, "calibrated.yaml", SCENARIO + block)
    second = drift(*args, "--scenario", calibrated)
    assert second.code == 0, second.out
    outcomes = second.outcomes()
    # both sides refuse the older shape (the default), so there is nothing of it to cancel
    assert outcomes.pop("cancel_request_older") == "skipped"
    assert set(outcomes.values()) == {"same", "observed"}
    assert second.report["webhook"]["outcome"] == "same"
    assert KEY not in first.out + first.err + first.report_text + second.out


def test_hive_forms_detected(stand_in: Start, drift: Drift) -> None:
    real = stand_in(variant="hive.task_id=uuid4,hive.text_classes=seven_heads")
    result = drift("--vendor", "hive", "--base", real.url)
    found = {v["variant"]: v["form"] for v in result.report["variants"]}
    assert found == {
        "hive.task_id": "uuid4",
        "hive.text_classes": "seven_heads",
        "hive.visual_classes": None,  # drift sends text only: no image probe shows it
    }
    assert result.code == 1
    forms = ["--variant", "hive.task_id=uuid4", "--variant", "hive.text_classes=seven_heads"]
    again = drift("--vendor", "hive", "--base", real.url, *forms)
    assert again.code == 0, again.out
