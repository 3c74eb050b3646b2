"""Text as a buggy or hostile client sends it (issue 23, first two items): lone surrogates,
URLs followed by a long run of closing brackets, multipart text in odd charsets. None answers
5xx, none stalls the event loop (the suite's watchdog fails the test if one does), and nothing
stored afterwards fails to show in a list, the items, the journal or the deliveries."""

from __future__ import annotations

import json
from typing import Any

from .conftest import Client, MakeClient

LOOP = "65f1234567890abcdef12345"
SCHEMA_ID = "550e8400-e29b-41d4-a716-446655440000"
SCENARIO = f"""
name: hostile
clock: manual
start: "2026-01-01T00:00:00Z"
hitl:
  keys: [k]
  loops: [{{id: {LOOP}, name: L}}]
outharm:
  tokens: [t]
  schemas: [{{id: {SCHEMA_ID}, name: Posts, components: {{title: text}}}}]
hive:
  keys: [h]
  text:
    - {{matches: "(?i)idiot", class: bullying, score: 3}}
"""
HITL = {"Authorization": "Bearer k"}
HIVE = {"authorization": "token h"}
OUTHARM = {"Authorization": "Bearer t"}
LONE = '"a\\ud83d"'  # JSON text of a string ending in half an emoji, as JavaScript writes it
REPLACED = "a\ufffd"


async def post_raw(client: Client, path: str, body: str, headers: dict[str, str]) -> Any:
    resp = await client.post(
        path, data=body.encode(), headers={**headers, "Content-Type": "application/json"}
    )
    assert resp.status < 500, await resp.text()
    return resp.status, await resp.json()


async def every_read_answers(client: Client) -> None:
    for path, headers in [
        ("/v1/api/requests", HITL),
        ("/v1/api/loops", HITL),
        ("/_mockserver/items", {}),
        ("/_mockserver/journal", {}),
        ("/_mockserver/deliveries", {}),
        ("/_mockserver/clock/timers", {}),
    ]:
        resp = await client.get(path, headers=headers)
        assert resp.status == 200, (path, await resp.text())


async def test_a_lone_surrogate_is_stored_as_a_replacement_character(sandbox: MakeClient) -> None:
    """The one JSON decoder turns an unpaired surrogate escape into U+FFFD (docs/fidelity.md),
    so the request is created and every read shows it afterwards."""
    client = await sandbox(SCENARIO)
    body = f'{{"request_text": {LONE}, "response_type": "text", "response_config": {{}}}}'
    status, made = await post_raw(client, f"/v1/api/loops/{LOOP}/requests", body, HITL)
    assert status == 201, made
    await every_read_answers(client)
    (item,) = (await (await client.get("/_mockserver/items?vendor=hitl")).json())["items"]
    listed = await (await client.get("/v1/api/requests", headers=HITL)).json()
    assert REPLACED in json.dumps(item, ensure_ascii=False)
    assert listed["data"]["requests"][0]["request_text"] == REPLACED
    journal = await (await client.get("/_mockserver/journal?method=POST")).json()
    assert journal["entries"][-1]["body"]["request_text"] == REPLACED


async def test_a_lone_surrogate_in_hive_and_outharm_text_is_answered(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO)
    for path in ("/api/v2/task/sync", "/api/v1/task/sync?legacy=1", "/models/api/v1/task/sync"):
        body = f'{{"text_data": {LONE}, "post_id": "p1", "user_id": "u1"}}'
        status, answer = await post_raw(client, path, body, HIVE)
        assert status == 200, (path, answer)
    body = f'{{"schema_id": "{SCHEMA_ID}", "content": {{"title": [{LONE}]}}}}'
    status, answer = await post_raw(client, "/moderation/automated", body, OUTHARM)
    assert status == 200, answer
    await every_read_answers(client)


async def test_a_url_followed_by_a_run_of_brackets_is_found_in_linear_time(
    sandbox: MakeClient,
) -> None:
    """Was 43 s of a frozen loop at 200,000 brackets; the watchdog fails this test if the scan
    is quadratic again."""
    client = await sandbox(SCENARIO)
    text = "see http://a.example/x" + ")" * 200_000
    resp = await client.post("/models/api/v1/task/sync", json={"text_data": text}, headers=HIVE)
    assert resp.status == 200, await resp.text()
    answer = await resp.json()
    (url,) = _urls(answer)
    assert url["value"] == "http://a.example/x"


def _urls(answer: Any) -> list[Any]:
    """The URL spans of a Hive answer, wherever this answer form keeps them."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "URL" and "value" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(answer)
    return found


def multipart(text: bytes, charset: str) -> tuple[bytes, str]:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="text_data"\r\n'
        + f"Content-Type: text/plain; charset={charset}\r\n\r\n".encode()
        + text
        + b"\r\n--b--\r\n"
    )
    return body, "multipart/form-data; boundary=b"


async def test_multipart_text_in_a_charset_outside_the_allowed_list_is_a_400(
    sandbox: MakeClient,
) -> None:
    """punycode decodes in quadratic time (24 s for 4 parts of 250 KiB), idna refuses to
    replace what it cannot decode (a 500), an unknown name has no decoder: each is Hive's
    400, before any decoding."""
    client = await sandbox(SCENARIO)
    for charset in ("punycode", "idna", "x-unknown", "rot13", "base64"):
        body, content_type = multipart(b"a-" + b"b" * 250_000, charset)
        resp = await client.post(
            "/models/api/v1/task/sync",
            data=body,
            headers={**HIVE, "Content-Type": content_type},
        )
        answer = await resp.json()
        assert resp.status == 400, (charset, answer)
        assert answer["error"] == "invalid_form" and charset in answer["message"]
    await every_read_answers(client)


async def test_multipart_text_in_an_allowed_charset_is_decoded(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO)
    for charset, data in [
        ("utf-8", "idiot é".encode()),
        ("ISO-8859-1", "idiot é".encode("latin-1")),
        ("windows-1252", "idiot é".encode("cp1252")),
        ("Shift_JIS", "idiot ばか".encode("shift_jis")),
        ("utf-16", "idiot é".encode("utf-16")),
        ('"utf-8"', "idiot é".encode()),
    ]:
        body, content_type = multipart(data, charset)
        resp = await client.post(
            "/models/api/v1/task/sync", data=body, headers={**HIVE, "Content-Type": content_type}
        )
        assert resp.status == 200, (charset, await resp.text())
        assert "idiot" in json.dumps(await resp.json()), charset
