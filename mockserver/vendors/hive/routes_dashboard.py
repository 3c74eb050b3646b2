"""Moderation Dashboard API handlers (api.hivemoderation.com;
https://docs.thehive.ai/docs/dashboard-api-reference and the pages beside it)."""

from __future__ import annotations

from aiohttp import web

from mockserver.base.errors import ApiError

from . import results
from .http import (
    allow_conveniences,
    authenticate,
    flag,
    is_models_request,
    read_conveniences,
    read_fields,
    state_of,
)
from .validation import dashboard_submission, report_submission


async def submit_task(request: web.Request, version: str, is_async: bool) -> web.Response:
    """`POST /api/v1|v2/task/sync|async`.

    Sync answers the task at once (`?legacy=1` on v1: the long classifier answer). Async
    answers the acknowledgement; the same body the sync call would give is POSTed to
    `callback_url` `callback_delay` later on the virtual clock. Not emulated: `conversation_id`,
    `timestamp`, `thorn_enabled` are accepted and ignored; only text and visual models score.
    """
    state = state_of(request)
    allow_conveniences(request, read_conveniences(request))
    authenticate(request, state)
    fields = await read_fields(request)
    sub = dashboard_submission(fields, version=version, is_async=is_async)
    allow_conveniences(request, sub.conveniences)
    legacy = version == "v1" and flag(request, "legacy")
    task = state.submit_dashboard(sub, version=version, is_async=is_async, legacy=legacy)
    body = results.acknowledgement(task) if is_async else state.result(task)
    return web.json_response(body)


async def report(request: web.Request) -> web.Response:
    """`POST /api/v1/report`: a user report about a post or a user.

    The reported post's latest task (or the user's) enters the Review Feed, where `hive.review`
    rules with `reported: true` / `report_category` pick it up. Hive does not document the
    answer; ours is the report plus the task it attached to.
    """
    if is_models_request(request):
        raise ApiError(404, "The Models API has no reports endpoint", code="not_found")
    state = state_of(request)
    allow_conveniences(request, read_conveniences(request))
    authenticate(request, state)
    sub = report_submission(await read_fields(request))
    allow_conveniences(request, sub.conveniences)
    filed, task = state.report(sub)
    return web.json_response({**filed.to_json(), "task_id": task.id, "status": "in_review"})
