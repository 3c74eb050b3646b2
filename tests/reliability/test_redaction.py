"""Secrets never appear in what the sandbox shows: the journal, the delivery log and its log
lines carry a fingerprint instead, so two keys can still be told apart."""

from __future__ import annotations

import json
import logging

import pytest

from .conftest import START, MakeClient, Receiver, advance, deliveries, journal

SCHEMA_ID = "550e8400-e29b-41d4-a716-446655440000"
SECRETS = ["sk_live_0123456789abcdef", "proxy-pass-42", "xkey-777", "session=abc", "qs-secret"]


def mockserver_lines(caplog: pytest.LogCaptureFixture) -> str:
    """What the sandbox logged (aiohttp's access log is the test server's, off in `serve`)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("mockserver"))


def scenario(receiver: Receiver) -> str:
    return f"""
seed: 3
clock: manual
start: "{START}"
outharm:
  schemas: [{{id: {SCHEMA_ID}, name: Posts, components: {{title: text}}}}]
  manual: [{{otherwise: decide}}]
  webhook: {{url: "{receiver.url("/outharm")}", secret: om_whsec_topsecret}}
hive:
  deny_list: [badword]
  rules: [{{name: Deny, if: text_filter, action: ban}}]
  actions:
    ban: {{url: "{receiver.url("/ban")}?token=hive-qs-token", header: "X-Auth: hive-s3cret"}}
"""


async def test_journal_and_log_lines_show_fingerprints_of_secrets(
    sandbox: MakeClient, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    client = await sandbox(scenario(receiver))
    caplog.set_level(logging.INFO, "mockserver")
    for key in ("sk_live_0123456789abcdef", "sk_live_0123456789abcdef", "other-key"):
        headers = {
            "Authorization": f"Bearer {key}",
            "Proxy-Authorization": "Basic proxy-pass-42",
            "X-Api-Key": "xkey-777",
            "Cookie": "session=abc",
        }
        await client.get(
            "/v1/api/loops?api_key=qs-secret&token=qs-secret&key=qs-secret&page=2",
            headers=headers,
        )
    entries = (await journal(client))["entries"]
    lines = mockserver_lines(caplog)
    assert "hitl GET /v1/api/loops?api_key=<redacted:" in lines
    shown = json.dumps(entries) + lines
    for secret in SECRETS:
        assert secret not in shown
    first, again, other = (e["headers"]["Authorization"] for e in entries)
    assert first.startswith("Bearer <redacted:sk_l...") and first == again != other
    assert entries[0]["headers"]["X-Api-Key"].startswith("<redacted:")
    assert entries[0]["query"]["page"] == "2"  # only secret values are hidden
    assert entries[0]["query"]["api_key"] == entries[0]["query"]["token"] != "qs-secret"


async def test_recorded_deliveries_hide_the_outharm_secret_and_hive_action_headers(
    sandbox: MakeClient, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    client = await sandbox(scenario(receiver))
    caplog.set_level(logging.INFO, "mockserver")
    body = {"schema_id": SCHEMA_ID, "content": {"title": ["hello"]}}
    resp = await client.post("/moderation/manual", json=body, headers={"Authorization": "Bearer t"})
    assert resp.status == 200, await resp.text()
    body = {"user_id": "u1", "post_id": "p1", "text_data": "a badword here"}
    resp = await client.post("/api/v2/task/sync", json=body, headers={"authorization": "token k"})
    assert resp.status == 200, await resp.text()
    await advance(client, "1h")
    found = (await deliveries(client))["deliveries"]
    assert {d["vendor"] for d in found} == {"outharm", "hive"}
    assert all(d["state"] == "delivered" for d in found)
    # The receivers did get the real values...
    sent = {h.path: h.headers for h in receiver.hits}
    assert sent["/outharm"]["Authorization"] == "Bearer om_whsec_topsecret"
    assert sent["/ban"]["X-Auth"] == "hive-s3cret"
    # ...but the delivery log and the log lines only show fingerprints.
    lines = mockserver_lines(caplog)
    assert "webhook dashboard.action.ban" in lines or "webhook " in lines
    shown = json.dumps(found) + lines
    for secret in ("om_whsec_topsecret", "hive-s3cret", "hive-qs-token"):
        assert secret not in shown
    by_vendor = {d["vendor"]: d for d in found}
    assert by_vendor["outharm"]["headers"]["Authorization"].startswith("Bearer <redacted:om_w")
    assert by_vendor["hive"]["headers"]["X-Auth"].startswith("<redacted:")
    assert "token=<redacted:" in by_vendor["hive"]["url"]
