"""A task's answer bodies: the sync answer (which is also the async callback body) and the
async acknowledgement, for each API form, built with `responses.py`.

Dashboard v1: `{patron_id|user_id, post_id, task_id, triggered_rules}`, or with `?legacy=1` the
long classifier answer (the seed, https://docs.thehive.ai/docs/dashboard-api-reference).
Dashboard v2: the v2 acknowledgement's shape `{task_ids, post_id, user_id, project_status_map}`
(https://docs.thehive.ai/docs/submit-to-thorn-api); the v2 sync answer and callback add
`triggered_rules` with every status `completed` (our reading: the v2 answer table could not be
read). Models API: the task object
(https://docs.thehive.ai/reference/submit-a-task-asynchronously).
"""

from __future__ import annotations

from typing import Any, Final

from .models import HiveTask, hive_time
from .responses import (
    DEFAULT_APPLICATION_ID,
    DEFAULT_PROJECT_ID,
    dashboard_legacy,
    dashboard_sync,
    dashboard_v1_async_ack,
    make_content_id,
    models_task,
    project_status,
    v2_async_ack,
)

# Project ids reported per v2 model in project_status_map (ours; the docs show 32952 for visual).
V2_PROJECT_IDS: Final[dict[str, int]] = {
    "text": 32267,
    "visual": 32952,
    "ocr": 32953,
    "audio": 32954,
    "demographics": 32955,
    "ai_generated_media": 32956,
}
RECEIVED: Final = "We received your task."  # a real Models async acknowledgement's message


def _v2_body(task: HiveTask, status: str) -> dict[str, Any]:
    status_map = {
        str(V2_PROJECT_IDS[model]): project_status(model, status, task_id)
        for model, task_id in zip(task.models, task.task_ids, strict=True)
    }
    return v2_async_ack(task.task_ids, task.post_id, task.user_id, status_map)


def result(task: HiveTask, rules_timestamp: float) -> dict[str, Any]:
    """The sync answer, and the body POSTed to callback_url for an async task."""
    if task.api == "models":
        return models_task(
            task_id=task.id,
            analysis=task.analysis,
            created_on=hive_time(task.created_at),
            sync=not task.is_async,
            callback_url=task.callback_url,
            metadata=task.metadata,
        )
    if task.version == "v2":
        body = _v2_body(task, "completed")
        body["triggered_rules"] = [{"rule_id": r.id, "rule_name": r.name} for r in task.triggered]
        return body
    if task.legacy:
        created = hive_time(task.created_at)
        return dashboard_legacy(
            user_id=task.user_id,
            post_id=task.post_id,
            task_id=task.id,
            content_id=make_content_id(
                task.content_token, created, DEFAULT_APPLICATION_ID, task.user_id
            ),
            triggered=task.triggered,
            analysis=task.analysis,
            created_on=created,
            rules_timestamp=hive_time(rules_timestamp),
        )
    return dashboard_sync(task.id_field, task.user_id, task.post_id, task.id, task.triggered)


def acknowledgement(task: HiveTask) -> dict[str, Any]:
    """The immediate answer of an async submission."""
    if task.api == "models":
        # Shape of a real Models API async answer quoted on docs.thehive.ai/discuss (fields we
        # cannot fill meaningfully, like token_id, are left out).
        return {
            "id": task.id,
            "message": RECEIVED,
            "project_id": DEFAULT_PROJECT_ID,
            "task_id": task.id,
            "callback": task.callback_url,
            "metadata": task.metadata,
            "image_url": task.url,
        }
    if task.version == "v2":
        return _v2_body(task, "pending")
    return dashboard_v1_async_ack(task.id_field, task.user_id, task.post_id, task.id)
