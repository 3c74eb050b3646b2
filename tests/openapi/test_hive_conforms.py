"""Hive answers conform to the sandbox's own descriptions
(mockserver/vendors/hive/openapi-dashboard.yaml and openapi-models.yaml), for a success and an
error of every operation; the Models API by its `/models` path alias and by Host."""

from __future__ import annotations

import io

import aiohttp
import pytest

from .conftest import BASE_SCENARIO, MakeClient, control
from .described import Described

KEY = "hive-openapi"
SCENARIO = (
    BASE_SCENARIO
    + f"""
hive:
  keys: [{KEY}]
  callback_delay: 2s
  text:
    - {{matches: '\\b\\d{{3}}[ .-]\\d{{3}}[ .-]\\d{{4}}\\b', class: spam}}
    - {{matches: "(?i)idiot", class: bullying, score: 3}}
  deny_list: [badword]
  visual:
    - {{url_contains: nsfw, class: general_nsfw, score: 0.97}}
  rules:
    - {{name: Send to Review Feed, if: "pii or bullying >= 2 or general_nsfw >= 0.9",
       action: review}}
    - {{name: Post has text in Deny List, if: text_filter}}
"""
)
AUTH = {"authorization": f"token {KEY}"}
PHONE = "Hey idiot, call me at 546-855-5512 or mail a@example.com, badword, see https://x.io"


async def test_every_dashboard_operation_answers_as_described(make_client: MakeClient) -> None:
    client = await make_client(SCENARIO)
    api = Described("hive-dashboard", client, headers=AUTH)
    text = {"patron_id": "945455793", "post_id": "7756488575", "text_data": PHONE}
    image = {"user_id": 12, "post_id": "p2", "url": "https://example.com/nsfw.jpg"}

    short = await api.call("POST", "/api/v1/task/sync", 200, json_body=text)
    assert short.body["triggered_rules"]
    await api.call("POST", "/api/v1/task/sync", 200, json_body=image)
    for body in (text, image, {**image, "url": "https://example.com/clip.mp4"}):
        await api.call("POST", "/api/v1/task/sync", 200, query={"legacy": "1"}, json_body=body)
    form = aiohttp.FormData({"user_id": "u1", "post_id": "p3", "text_data": "hello there"})
    await api.call("POST", "/api/v1/task/sync", 200, data=form)
    await api.call(
        "POST",
        "/api/v1/task/sync",
        200,
        data="patron_id=1&post_id=p4&text_data=fine",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    await api.call("POST", "/api/v1/task/sync", 400, json_body={**text, "url": image["url"]})
    # Found by fuzzing: a URL urlsplit cannot read (an unclosed IPv6 bracket) used to be a 500.
    broken = {**image, "url": "http://[abc/x.png"}
    await api.call("POST", "/api/v1/task/sync", 400, json_body=broken)
    await api.call("POST", "/api/v1/task/sync", 401, json_body=text, headers={"authorization": ""})
    forbidden = {"authorization": "token nope"}
    await api.call("POST", "/api/v1/task/sync", 403, json_body=text, headers=forbidden)
    plain = {"Content-Type": "text/plain"}
    await api.call("POST", "/api/v1/task/sync", 415, data="text_data=x", headers=plain)
    big = io.BytesIO(b"x" * (1024 * 1024 + 1))
    await api.call("POST", "/api/v1/task/sync", 413, data=big)

    callback = {"callback_url": "https://example.com/hive"}
    await api.call("POST", "/api/v1/task/async", 200, json_body={**text, **callback})
    await api.call("POST", "/api/v1/task/async", 400, json_body=text)

    v2_text = {"user_id": "u9", "post_id": "p9", "text_data": PHONE, "models": ["text"]}
    v2_url = {"user_id": "u9", "post_id": "p10", "url": image["url"], "models": ["visual", "ocr"]}
    await api.call("POST", "/api/v2/task/sync", 200, json_body=v2_text)
    await api.call("POST", "/api/v2/task/sync", 200, json_body=v2_url)
    await api.call("POST", "/api/v2/task/sync", 400, json_body={**v2_text, "models": ["visual"]})
    await api.call("POST", "/api/v2/task/async", 200, json_body=v2_url)
    await api.call("POST", "/api/v2/task/async", 400, json_body={"user_id": "u9"})

    report = {"post_id": "7756488575", "report_categories": ["spam"], "reporter_id": "r1"}
    await api.call("POST", "/api/v1/report", 200, json_body=report)
    await api.call("POST", "/api/v1/report", 200, json_body={"user_id": "u9", **report})
    await api.call("POST", "/api/v1/report", 404, json_body={**report, "post_id": "never"})
    await api.call("POST", "/api/v1/report", 400, json_body={"post_id": "7756488575"})
    api.assert_covered()


@pytest.mark.parametrize("by_host", [False, True], ids=["path-alias", "host"])
async def test_every_models_operation_answers_as_described(
    make_client: MakeClient, by_host: bool
) -> None:
    client = await make_client(SCENARIO)
    headers = {**AUTH, "Host": "models.localhost:8080"} if by_host else AUTH
    api = Described("hive-models", client, headers=headers, server="" if by_host else "/models")

    sync = await api.call("POST", "/api/v1/task/sync", 200, json_body={"text_data": PHONE})
    await api.call("POST", "/api/v2/task/sync", 200, json_body={"url": "https://e.com/a.png"})
    upload = aiohttp.FormData()
    upload.add_field("media", b"\x89PNG", filename="nsfw.png", content_type="image/png")
    await api.call("POST", "/api/v2/task/sync", 200, data=upload)
    odd = aiohttp.FormData()
    odd.add_field("media", b"\x89PNG", filename="//[odd.png", content_type="image/png")
    await api.call("POST", "/api/v1/task/sync", 200, data=odd)
    both = {"text_data": "hi", "url": "https://e.com/a.png"}
    await api.call("POST", "/api/v1/task/sync", 400, json_body=both)
    await api.call("POST", "/api/v2/task/sync", 400, json_body={"url": "ftp://e.com/a.png"})

    later = await api.call(
        "POST",
        "/api/v1/task/async",
        200,
        json_body={"text_data": "hello", "metadata": {"k": [1]}},
    )
    await api.call("POST", "/api/v2/task/async", 200, json_body={"url": "https://e.com/v.mp4"})
    await api.call(
        "POST",
        "/api/v1/task/async",
        401,
        json_body={"text_data": "x"},
        headers={"authorization": "Bearer k"},
    )
    await api.call("POST", "/api/v2/task/async", 400, json_body={})

    task = {"task_id": later.body["task_id"]}
    await api.call("GET", "/api/v1/task", 200, query=task)
    await control(client, "POST", "/clock/advance", {"by": "3s"})
    await api.call("GET", "/api/v1/task", 200, query=task)
    await api.call("GET", "/api/v1/task", 200, query={"task_id": sync.body["id"]})
    await api.call("GET", "/api/v1/task", 400)
    await api.call("GET", "/api/v1/task", 404, query={"task_id": "nope"})
    await api.call("GET", "/api/v1/task", 403, query=task, headers={"authorization": "token no"})
    api.assert_covered()
