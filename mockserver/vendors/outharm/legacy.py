"""Outharm's earlier API generation (variant `outharm.generation=legacy`), as the public demo
integration calls it: github.com/deswif/outharm-demo at commit
2c0b50a1b2b9f8c53784fb3a21167be9fdb2612b.

- `POST /automated/predict`: a multipart body with the image as the `image` file part
  (src/handers/uploadFeed.ts) -> `{"isHarmful": bool, "predictionId": int}` (the demo stores
  `predictionId` in an `Int` column, prisma/schema.prisma).
- `POST /manual/report/{predictionId}`: no body -> `{"status": "pending-moderation", "data":
  {"requestId": int}}` when the report queues a human review, `{"status": "reported", "data":
  {}}` otherwise (src/handers/reportFeed.ts quotes the docs: the request id is "only present
  when status is pending-moderation"). Here the first report queues a review, and a report
  while that review is open is only recorded.
- `POST /manual/appeal/{predictionId}`: no body -> `{"requestId": int}`
  (src/handers/appealUpploadFeed.ts).
- The verdict: `{"event": "moderation-completed", "data": {"isHarmful": bool,
  "moderationRequestId": int}}` with `Authorization: Bearer <secret>`
  (src/handers/outharmWebhook.ts), to the scenario's `outharm.webhook`.

A prediction is a submission of one image component, `image`, scored by its file name (the
image bytes are not looked at) with the scenario's `automated` rules; `outharm.manual` rules
decide its reviews, an appeal with `appeal: true`. No public page documents this generation's
errors: it answers in the current generation's `{name, message, status_code}` body.
"""

from __future__ import annotations

import re
from typing import Final

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.vendors.outharm.http import (
    legacy_endpoint,
    require_manual_subscription,
    require_webhook,
    state_of,
)
from mockserver.vendors.outharm.models import Submission

IMAGE_FIELD: Final = "image"
MAX_PARTS: Final = 100
MAX_HEADER_BYTES: Final = 8 * 1024
_BOUNDARY = re.compile(r'boundary="?([^";\s]{1,200})"?', re.IGNORECASE)
_NAME = re.compile(rb'[; ]name="([^"\r\n]*)"', re.IGNORECASE)
_FILENAME = re.compile(rb'filename="([^"\r\n]*)"', re.IGNORECASE)


def _image_filename(body: bytes, content_type: str) -> str:
    """The file name of the `image` part; 400s in Outharm's names for anything else."""
    if content_type.split(";", 1)[0].strip().lower() != "multipart/form-data":
        raise ApiError(400, "Content-Type must be multipart/form-data", code="invalid-content-type")
    found = _BOUNDARY.search(content_type)
    if found is None:
        raise ApiError(400, "The multipart body has no boundary", code="validation-error")
    parts = body.split(b"--" + found.group(1).encode("latin-1", "replace"))
    for part in parts[1 : MAX_PARTS + 1]:
        head, sep, data = part.lstrip(b"\r\n").partition(b"\r\n\r\n")
        if not sep or len(head) > MAX_HEADER_BYTES:
            continue
        name, filename = _NAME.search(head), _FILENAME.search(head)
        if name is not None and name.group(1) == IMAGE_FIELD.encode():
            if filename is None or not data.rstrip(b"\r\n"):
                raise ApiError(
                    400, "Field 'image' must be an image file", code="invalid-field-value"
                )
            return filename.group(1).decode("utf-8", "replace") or "image"
    raise ApiError(400, "Field 'image' is required", code="missing-field")


def _prediction(request: web.Request) -> Submission:
    found = state_of(request).find(request.match_info["prediction_id"])
    if found is None or not found.legacy:
        raise ApiError(404, "Prediction not found or not accessible", code="submission-not-found")
    return found


@legacy_endpoint
async def predict(request: web.Request) -> web.StreamResponse:
    """`POST /automated/predict`: score the image at once; `{isHarmful, predictionId}`."""
    state = state_of(request)
    filename = _image_filename(await request.read(), request.headers.get("Content-Type", ""))
    sub = state.new_prediction(filename)
    assert sub.automated is not None
    return web.json_response({"isHarmful": sub.automated.is_harmful, "predictionId": int(sub.id)})


@legacy_endpoint
async def report(request: web.Request) -> web.StreamResponse:
    """`POST /manual/report/{predictionId}`: a report of a missed harm queues a human review."""
    state = state_of(request)
    require_manual_subscription(state.cfg)
    sub = _prediction(request)
    if sub.open_review is not None:
        return web.json_response({"status": "reported", "data": {}})
    require_webhook(request, state.cfg)
    rule = state.choose(sub, appeal=False)
    review = state.enqueue(sub, rule, appeal=False)
    return web.json_response(
        {"status": "pending-moderation", "data": {"requestId": review.request_id}}
    )


@legacy_endpoint
async def appeal(request: web.Request) -> web.StreamResponse:
    """`POST /manual/appeal/{predictionId}`: a human looks again; `{requestId}`."""
    state = state_of(request)
    require_manual_subscription(state.cfg)
    sub = _prediction(request)
    if sub.open_review is not None:
        raise ApiError(422, "Request already processed", code="request-already-processed")
    require_webhook(request, state.cfg)
    rule = state.choose(sub, appeal=True)
    review = state.enqueue(sub, rule, appeal=True)
    return web.json_response({"requestId": review.request_id})
