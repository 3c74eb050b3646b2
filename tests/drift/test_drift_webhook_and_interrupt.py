"""`drift --listen`: one real delivery recorded and compared (shape and signature scheme), and
an interrupted run (Ctrl-C, SIGTERM) still undoes everything it created."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import JOINED, KEY, Result, StandIn, write

Drift = Callable[..., Result]
Start = Callable[..., StandIn]
SECRET = "whsec_drift_real_secret_42"
SIGNED = f"reviewers: [2 generated]\nhitl: {{join: on_create, webhook_secret: {SECRET}}}\n"


def test_webhook_shape_and_signature_scheme_compared(
    stand_in: Start, drift: Drift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = stand_in(write(tmp_path, "signed.yaml", SIGNED))
    monkeypatch.setenv("REAL_WEBHOOK_SECRET", SECRET)
    unsigned = write(tmp_path, "unsigned.yaml", JOINED)
    result = drift(
        "--vendor", "hitl", "--base", f"{real.url}/v1", "--allow-writes", "--scenario", unsigned,
        "--listen", "127.0.0.1:0", "--listen-timeout", "10",
        "--webhook-secret-env", "REAL_WEBHOOK_SECRET",
    )  # fmt: skip
    hook = result.report["webhook"]
    # The drift sandbox's scenario sets no webhook secret: its deliveries are unsigned.
    assert hook["outcome"] == "differs"
    assert hook["differences"] == [
        {
            "path": "headers.x-hitl-signature-256",
            "real": "sha256=<hex HMAC-SHA256>",
            "sandbox": "absent",
        }
    ]
    assert hook["signature"]["real_verifies"] is True
    assert result.code == 1
    (delivery,) = real.control.deliveries(event="request.cancelled", state="delivered")[:1]
    assert "/real/" in delivery["url"]
    for text in (result.out, result.err, result.report_text):
        assert SECRET not in text
        assert KEY not in text


def test_same_signing_means_same_webhook(stand_in: Start, drift: Drift, tmp_path: Path) -> None:
    scenario = write(tmp_path, "signed.yaml", SIGNED)
    real = stand_in(scenario)
    result = drift(
        "--vendor", "hitl", "--base", f"{real.url}/v1", "--allow-writes", "--scenario", scenario,
        "--listen", "127.0.0.1:0", "--listen-timeout", "10",
    )  # fmt: skip
    assert result.report["webhook"]["outcome"] == "same"
    assert result.code == 0


@contextlib.contextmanager
def ctrl_c_as_at_a_terminal() -> Iterator[None]:
    """A process started in here takes Ctrl-C (SIGINT) as a terminal's foreground job does.
    A background job of a non-interactive shell (`make test &`, a CI step run in the
    background) ignores SIGINT; its children inherit that, and Python keeps ignoring it, so the
    drift run would never see the Ctrl-C and the test would fail for how the suite was started."""
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    if ignored:  # a handler (unlike "ignore") is reset to the default in the child
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_run_undoes_what_it_created(
    stand_in: Start, tmp_path: Path, sig: signal.Signals, joined: str
) -> None:
    real = stand_in(joined)
    env = {**os.environ, "HITL_API_KEY": KEY, "MOCKSERVER_DRIFT_PACE": "0.1"}
    report = tmp_path / "drift.json"
    with ctrl_c_as_at_a_terminal():
        proc = subprocess.Popen(
            [sys.executable, "-m", "mockserver.cli.main", "drift", "--vendor", "hitl",
             "--base", f"{real.url}/v1", "--allow-writes", "--report", str(report),
             "--scenario", joined],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:  # progress lines, one per probe, as they finish
        if "create_request_single_select" in line:
            break
    else:
        pytest.fail(f"no progress line; exit {proc.wait()}")
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert real.hitl("GET", "/loops")["data"]["loops"] == []
    assert [i for i in real.control.items("hitl") if i["status"] in ("pending", "claimed")] == []
    assert '"interrupted": true' in report.read_text()
    cancelled = real.control.journal(method="DELETE", path="/v1/api/requests/*")
    assert cancelled and all(e["status"] == 200 for e in cancelled)
    assert KEY not in out + err + report.read_text()
