"""Models API handlers (api.thehive.ai; https://docs.thehive.ai/reference/submit-a-task-synchronously
and https://docs.thehive.ai/reference/submit-a-task-asynchronously): submit a task, fetch it
later."""

from __future__ import annotations

from aiohttp import web

from mockserver.base.errors import ApiError

from . import results
from .http import (
    allow_conveniences,
    authenticate,
    is_models_request,
    read_conveniences,
    read_fields,
    state_of,
)
from .validation import models_submission


async def submit_task(request: web.Request, version: str, is_async: bool) -> web.Response:
    """`POST /api/v1|v2/task/sync|async` on the Models host.

    Exactly one of `media` (a multipart file), `url`, `text_data`. Sync answers the task object;
    async answers an acknowledgement with the task id, then POSTs the task object to
    `callback_url` (optional here: the task can also be fetched with GET /api/v1/task).
    Not emulated: `options` (LLM settings) and `language` are accepted and ignored; media
    uploads are scored by file name.
    """
    state = state_of(request)
    allow_conveniences(request, read_conveniences(request))
    authenticate(request, state)
    sub = models_submission(await read_fields(request), is_async=is_async)
    allow_conveniences(request, sub.conveniences)
    task = state.submit_models(sub, version=version, is_async=is_async)
    body = results.acknowledgement(task) if is_async else state.result(task)
    return web.json_response(body)


async def get_task(request: web.Request) -> web.Response:
    """`GET /api/v1/task?task_id=<uuid>` (Hive's Postman collection,
    https://documenter.gw.postman.com/api/collections/10761036/SzmZcLbX): the task
    object once finished, else the task id with an empty `status` and an in-progress message.
    `frame_limit`/`frame_offset` are accepted and ignored."""
    if not is_models_request(request):
        raise ApiError(404, "GET /api/v1/task is a Models API endpoint", code="not_found")
    state = state_of(request)
    allow_conveniences(request, read_conveniences(request))
    authenticate(request, state)
    task_id = request.query.get("task_id", "").strip()
    if not task_id:
        raise ApiError(400, "task_id is required", code="missing_field")
    task = state.find(task_id)
    if task is None or task.api != "models":
        raise ApiError(404, f"No task with id {task_id!r}", code="not_found")
    if task.status != "completed":
        return web.json_response(
            {"id": task.id, "status": [], "message": "Task is still in progress"}
        )
    return web.json_response(state.result(task))
