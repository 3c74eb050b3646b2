"""Outharm answers conform to the sandbox's own description
(mockserver/vendors/outharm/openapi.yaml), for a success and an error of every operation."""

from __future__ import annotations

from aiohttp import FormData

from .conftest import BASE_SCENARIO, MakeClient
from .described import Described

SCHEMA_ID = "550e8400-e29b-41d4-a716-446655440000"
TOKEN = "om-openapi"
SCENARIO = (
    BASE_SCENARIO
    + f"""
outharm:
  tokens: [{TOKEN}]
  automated:
    rules:
      - {{field: title, matches: "(?i)hate", category: hate, score: 0.92}}
      - {{field: title, matches: "(?i)meh", category: spam, score: 0.2}}
      - {{image_url_contains: nsfw, category: sexual, score: 0.97}}
"""
)
CONTENT = {
    "title": ["I hate Mondays", "meh", "A calm title"],
    "images": ["https://example.com/nsfw.png", "data:image/png;base64,iVBORw0KGgo="],
}


async def test_every_operation_answers_as_described(make_client: MakeClient) -> None:
    client = await make_client(SCENARIO)
    api = Described("outharm", client, headers={"Authorization": f"Bearer {TOKEN}"})
    body = {"schema_id": SCHEMA_ID, "content": CONTENT}

    scored = await api.call("POST", "/moderation/automated", 200, json_body=body)
    assert scored.body["is_harmful"] is True
    await api.call("POST", "/moderation/automated", 400, json_body={"schema_id": SCHEMA_ID})
    await api.call(
        "POST", "/moderation/automated", 401, json_body=body, headers={"Authorization": ""}
    )
    await api.call(
        "POST",
        "/moderation/automated",
        404,
        json_body={**body, "schema_id": "00000000-0000-4000-8000-000000000000"},
    )
    await api.call(
        "POST", "/moderation/automated", 400, data="{}", headers={"Content-Type": "text/plain"}
    )

    queued = await api.call("POST", "/moderation/manual", 200, json_body=body)
    await api.call("POST", "/moderation/manual", 400, json_body={**body, "content": {}})
    await api.call(
        "POST", "/moderation/manual", 401, json_body=body, headers={"Authorization": "Bearer no"}
    )

    template = "/submissions/{submission_id}/moderation/manual"
    escalate = {"submission_id": scored.body["submission_id"]}
    await api.call("POST", template, 200, path=escalate)
    await api.call("POST", template, 422, path=escalate)
    await api.call("POST", template, 422, path={"submission_id": queued.body["submission_id"]})
    await api.call("POST", template, 404, path={"submission_id": "not-a-submission"})
    await api.call("POST", template, 400, path=escalate, headers={"Authorization": "Token x"})
    api.assert_covered()


async def test_the_subscription_error_is_described(make_client: MakeClient) -> None:
    client = await make_client(BASE_SCENARIO + "outharm: {manual_subscription: false}\n")
    api = Described("outharm", client, headers={"Authorization": "Bearer any"})
    body = {"schema_id": SCHEMA_ID, "content": {"title": ["Hello"]}}
    await api.call("POST", "/moderation/manual", 403, json_body=body)
    scored = await api.call("POST", "/moderation/automated", 200, json_body=body)
    path = {"submission_id": scored.body["submission_id"]}
    await api.call("POST", "/submissions/{submission_id}/moderation/manual", 403, path=path)


async def test_every_legacy_operation_answers_as_described(make_client: MakeClient) -> None:
    # The earlier generation (variant outharm.generation=legacy; github.com/deswif/outharm-demo).
    client = await make_client(SCENARIO + "variants: {outharm.generation: legacy}\n")
    api = Described("outharm-legacy", client, headers={"Authorization": f"Bearer {TOKEN}"})
    predicted = await api.call("POST", "/automated/predict", 200, data=_form("nsfw.png"))
    assert predicted.body == {"isHarmful": True, "predictionId": 1}
    await api.call("POST", "/automated/predict", 400, json_body={"image": "x"})
    await api.call("POST", "/automated/predict", 401, data=b"", headers={"Authorization": ""})
    path = {"prediction_id": "1"}
    reported = await api.call("POST", "/manual/report/{prediction_id}", 200, path=path)
    assert reported.body == {"status": "pending-moderation", "data": {"requestId": 1}}
    await api.call("POST", "/manual/report/{prediction_id}", 404, path={"prediction_id": "9"})
    await api.call("POST", "/manual/appeal/{prediction_id}", 422, path=path)
    await api.call("POST", "/manual/appeal/{prediction_id}", 404, path={"prediction_id": "x"})
    scored = await api.call("POST", "/automated/predict", 200, data=_form("cat.png"))
    again = {"prediction_id": str(scored.body["predictionId"])}
    appealed = await api.call("POST", "/manual/appeal/{prediction_id}", 200, path=again)
    assert appealed.body == {"requestId": 2}
    await api.call(
        "POST", "/manual/report/{prediction_id}", 401, path=path, headers={"Authorization": ""}
    )
    api.assert_covered()


def _form(filename: str) -> FormData:
    form = FormData()
    form.add_field("image", b"\x89PNG", filename=filename, content_type="image/png")
    return form
