"""Outharm's moderation endpoints (https://outharm.com/docs/api/automated,
https://outharm.com/docs/api/manual).

Not emulated: billing (fragments, review units), the automated subscription / free-trial credits
(its error name is unknown: the part of https://outharm.com/docs/api/automated that gives it
could not be read), image downloading, and any submission lookup API (none is documented): the
control plane shows submissions instead.
"""

from __future__ import annotations

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.vendors.outharm.http import (
    endpoint,
    require_manual_subscription,
    require_webhook,
    state_of,
    submission_body,
)


@endpoint
async def automated(request: web.Request) -> web.StreamResponse:
    """`POST /moderation/automated`: score at once and keep the submission for later appeals.

    The response shape is the sandbox's choice (UNKNOWN: the part of
    https://outharm.com/docs/api/automated that gives it could not be read): the manual webhook's
    `data` (submission_id, schema_id, is_harmful, per-field `detailed`) plus per-value `scores`.
    """
    state = state_of(request)
    schema, content = await submission_body(request, state.cfg)
    sub = state.new_submission(schema, content, "automated")
    state.store(sub)
    assert sub.automated is not None
    return web.json_response(sub.automated.to_json(sub.id, schema.id))


@endpoint
async def manual(request: web.Request) -> web.StreamResponse:
    """`POST /moderation/manual`: queue for the scenario's reviewers; answers `{submission_id}`.

    The verdict arrives later as the `moderation.manual.completed` webhook.
    """
    state = state_of(request)
    require_manual_subscription(state.cfg)
    schema, content = await submission_body(request, state.cfg)
    require_webhook(request, state.cfg)
    sub = state.new_submission(schema, content, "manual")
    rule = state.choose(sub, appeal=False)
    state.enqueue(sub, rule, appeal=False)
    return web.json_response({"submission_id": sub.id})


@endpoint
async def add_to_queue(request: web.Request) -> web.StreamResponse:
    """`POST /submissions/{submission_id}/moderation/manual`: escalate or appeal; 200, no body.

    Any request body is ignored. A submission whose review is still open answers 422
    `request-already-processed`; a decided one is reviewed again (a fresh verdict, a second
    webhook).
    """
    state = state_of(request)
    require_manual_subscription(state.cfg)
    sub = state.find(request.match_info["submission_id"])
    if sub is None:
        # The 404 of https://outharm.com/docs/api/manual, word for word; an id that is not a
        # UUID is not found either [I].
        raise ApiError(404, "Submission not found or not accessible", code="submission-not-found")
    if sub.open_review is not None:
        # The 422 of https://outharm.com/docs/api/manual: "already in the manual moderation
        # queue".
        raise ApiError(422, "Request already processed", code="request-already-processed")
    require_webhook(request, state.cfg)
    rule = state.choose(sub, appeal=True)
    state.enqueue(sub, rule, appeal=True)
    return web.Response(status=200)
