"""Secrets never appear in what the sandbox shows: the journal, the delivery log, the items,
the log lines and the exit dump carry a fingerprint instead, so two keys can still be told
apart; a secret in a URL (user information, a token parameter) is one too, wherever the URL
appears (a `callback_url` field of a JSON, form or multipart body, a webhook payload)."""

from __future__ import annotations

import json
import logging

import aiohttp
import pytest

from mockserver.http.shutdown import dump

from .conftest import (
    LOOP_ID,
    START,
    MakeClient,
    Receiver,
    advance,
    deliveries,
    journal,
    worlds_of,
)

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


def with_secret(base: str, form: str, secret: str) -> str:
    """The receiver's URL `base` (http://host:port/path) carrying `secret` as `form` says."""
    scheme, _, rest = base.partition("://")
    if form == "userinfo":
        return f"{scheme}://reviewer:{secret}@{rest}"
    if form == "user":
        return f"{scheme}://{secret}@{rest}"
    return f"{base}?page=2&{form}={secret}"


URL_SECRETS = ["userinfo", "user", "token", "access_token", "api_key", "sig", "X-Amz-Signature"]
HIVE_BODIES = ["json", "form", "multipart"]


@pytest.mark.parametrize("form", URL_SECRETS)
@pytest.mark.parametrize("body", ["hitl", *HIVE_BODIES])
async def test_a_secret_in_a_callback_url_is_shown_nowhere(
    sandbox: MakeClient,
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
    form: str,
    body: str,
) -> None:
    """A `callback_url` with credentials in it (user information, a token parameter) is
    called as given, and shown redacted everywhere the sandbox shows it: the journal (body
    and answer), the deliveries (URL, body), the items, the log lines and the exit dump."""
    client = await sandbox(scenario(receiver) + f"hitl:\n  loops: [{{id: {LOOP_ID}, name: T}}]\n")
    caplog.set_level(logging.INFO, "mockserver")
    secret = f"cb-{form}-s3cret-value"
    url = with_secret(receiver.url("/cb"), form, secret)
    if body == "hitl":
        resp = await client.post(
            f"/v1/api/loops/{LOOP_ID}/requests",
            json={"request_text": "x", "response_type": "text", "callback_url": url},
            headers={"Authorization": "Bearer k"},
        )
        assert resp.status == 201, await resp.text()
        rid = (await resp.json())["data"]["request_id"]
        resp = await client.delete(f"/v1/api/requests/{rid}", headers={"Authorization": "Bearer k"})
        assert resp.status == 200
    else:
        fields = {"text_data": "hello", "post_id": "p", "user_id": "u", "callback_url": url}
        hive = "/api/v2/task/async"
        headers = {"Authorization": "token k"}
        if body == "json":
            resp = await client.post(hive, json=fields, headers=headers)
        elif body == "form":
            resp = await client.post(hive, data=fields, headers=headers)
        else:
            parts = aiohttp.FormData()
            for name, value in fields.items():
                parts.add_field(name, value, content_type="text/plain")
            resp = await client.post(hive, data=parts, headers=headers)
        assert resp.status == 200, await resp.text()
    await advance(client, "1h")
    called = [hit for hit in receiver.hits if hit.path == "/cb"]
    assert called  # the receiver was called, with the credentials as given
    assert form not in ("userinfo", "user") or "Authorization" in called[0].headers
    worlds = worlds_of(client)
    shown = {
        "journal": json.dumps((await journal(client))["entries"]),
        "deliveries": json.dumps((await deliveries(client))["deliveries"]),
        "items": await (await client.get("/_mockserver/items")).text(),
        "log": mockserver_lines(caplog),
        "dump": json.dumps(dump({"": worlds.get("")}), default=str),
    }
    leaked = [where for where, text in shown.items() if secret in text]
    assert not leaked, f"{secret} shown in {leaked}"
    assert "<redacted:" in shown["journal"] and "<redacted:" in shown["deliveries"]
