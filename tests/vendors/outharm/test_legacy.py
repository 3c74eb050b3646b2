"""Outharm's earlier API generation (variant `outharm.generation=legacy`, as the public demo
github.com/deswif/outharm-demo at commit 2c0b50a calls it), and Outharm's error body for every
path under its prefixes that it does not serve."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import FormData

from mockserver.kit.variants import match_forms
from mockserver.vendors.outharm.variants import VARIANTS

from .conftest import AUTH, SCHEMA_ID, MakeSandbox, Receiver

LEGACY = {"variants": {"outharm.generation": "legacy"}}


def _image(filename: str, field: str = "image") -> FormData:
    form = FormData()
    form.add_field(field, b"\x89PNG\r\n\x1a\n", filename=filename, content_type="image/png")
    return form


def _outharm_404(method: str, path: str) -> dict[str, str]:
    message = f"No such endpoint: {method} {path}"
    return {"name": "not-found", "message": message, "status_code": "404"}


@pytest.mark.parametrize(
    "path", ["/automated/predict", "/manual/report/1", "/manual/appeal/1", "/manual/nowhere"]
)
async def test_the_default_generation_answers_legacy_paths_in_outharms_shape(
    sandbox: MakeSandbox, path: str
) -> None:
    api = await sandbox({})
    resp = await api.client.post(path, data=_image("cat.png"), headers=AUTH)
    assert (resp.status, await resp.json()) == (404, _outharm_404("POST", path))


async def test_the_legacy_generation_has_no_current_paths(sandbox: MakeSandbox) -> None:
    api = await sandbox({}, **LEGACY)
    body = {"schema_id": SCHEMA_ID, "content": {"title": ["hello"]}}
    resp = await api.post("/moderation/automated", body)
    assert (resp.status, await resp.json()) == (404, _outharm_404("POST", "/moderation/automated"))


async def test_a_prediction_is_scored_by_the_images_file_name(sandbox: MakeSandbox) -> None:
    rules = [{"image_url_contains": "nsfw", "category": "sexual", "score": 0.97}]
    api = await sandbox({"automated": {"rules": rules}}, **LEGACY)
    answers = []
    for name in ("holiday-nsfw.jpg", "cat.png"):
        resp = await api.client.post("/automated/predict", data=_image(name), headers=AUTH)
        answers.append(await resp.json())
    assert answers == [
        {"isHarmful": True, "predictionId": 1},
        {"isHarmful": False, "predictionId": 2},
    ]
    (variant,) = VARIANTS
    assert match_forms(variant, answers[0]) == ["legacy"]
    item = await api.item("1")
    assert (item["content"], item["status"]) == ({"image": ["holiday-nsfw.jpg"]}, "scored")


@pytest.mark.parametrize(
    "form, content_type, status, name",
    [
        (_image("cat.png", field="file"), None, 400, "missing-field"),
        (None, "application/json", 400, "invalid-content-type"),
    ],
)
async def test_a_prediction_needs_an_image_part(
    sandbox: MakeSandbox, form: FormData | None, content_type: str | None, status: int, name: str
) -> None:
    api = await sandbox({}, **LEGACY)
    headers = dict(AUTH) | ({"Content-Type": content_type} if content_type else {})
    data: Any = form if form is not None else b'{"image": "x"}'
    resp = await api.client.post("/automated/predict", data=data, headers=headers)
    assert (resp.status, (await resp.json())["name"]) == (status, name)


async def test_reports_and_appeals_reach_a_reviewer_and_the_legacy_webhook(
    sandbox: MakeSandbox, receiver: Receiver
) -> None:
    api = await sandbox(
        {
            "webhook": {"url": receiver.url, "secret": "om_whsec"},
            "manual": [
                {"when": {"appeal": True}, "then": {"decide": {"after": "1m", "harmful": False}}},
                {"otherwise": {"decide": {"after": "5m", "harmful": ["sexual"]}}},
            ],
        },
        **LEGACY,
    )
    await api.client.post("/automated/predict", data=_image("cat.png"), headers=AUTH)
    first = await (await api.post("/manual/report/1")).json()
    assert first == {"status": "pending-moderation", "data": {"requestId": 1}}
    # a second report while the review is open is only recorded; an appeal is refused
    assert await (await api.post("/manual/report/1")).json() == {"status": "reported", "data": {}}
    assert (await api.post("/manual/appeal/1")).status == 422
    await api.advance("5m")
    assert await (await api.post("/manual/appeal/1")).json() == {"requestId": 2}
    await api.advance("1m")
    assert receiver.payloads() == [
        {"event": "moderation-completed", "data": {"isHarmful": True, "moderationRequestId": 1}},
        {"event": "moderation-completed", "data": {"isHarmful": False, "moderationRequestId": 2}},
    ]
    assert {headers["Authorization"] for headers, _ in receiver.received} == {"Bearer om_whsec"}
    deliveries = await api.deliveries(event="moderation-completed")
    assert len(deliveries) == 2
    missing = await api.post("/manual/report/99")
    assert (missing.status, (await missing.json())["name"]) == (404, "submission-not-found")
