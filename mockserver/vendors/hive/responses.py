"""Builders for Hive's answer bodies, as plain dicts ready for `json.dumps`.

Dashboard API (api.hivemoderation.com; the seed,
https://docs.thehive.ai/docs/dashboard-api-reference): the short sync answer, the long
`?legacy=1` answer, the v1 and v2 async acknowledgements. Models API (api.thehive.ai,
https://docs.thehive.ai/reference/text-moderation): the task object. Key order follows the
vendor's examples. Ids and timestamps are always passed in: nothing here reads the clock or a
random source.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

from .analysis import Analysis, TextAnalysis, VisualAnalysis
from .scenario_model import Rule

IdField = Literal["patron_id", "user_id"]

# Values from the seed's legacy example, used when a scenario does not say otherwise.
DEFAULT_PROJECT_ID: Final = 32267
DEFAULT_ACCOUNT_ID: Final = 3121654  # Hive's numeric `user_id` of the project owner
DEFAULT_APPLICATION_ID: Final = "axImEugj96VEaGDF7ee5m9wg"
INFERENCE_CLIENT_VERSION: Final = "5.2.82"
TEXT_MODEL: Final = "pytorch_textmod_xlm_roberta_multilevel_03_23_2022"
TEXT_MODEL_TYPE: Final = "TEXT_CLASSIFICATION"
VISUAL_MODEL: Final = "hive_visual_moderation"  # not documented: our name
VISUAL_MODEL_TYPE: Final = "CATEGORIZATION"  # not documented: our name
TEXT_CHARGE: Final = 0.003
FRAME_CHARGE: Final = 0.001  # not documented: per analysed frame
SUCCESS: Final[dict[str, str]] = {"code": "0", "message": "SUCCESS"}


def dashboard_sync(
    id_field: IdField, user_id: str, post_id: str, task_id: str, triggered: Sequence[Rule]
) -> dict[str, Any]:
    """The Dashboard's sync answer (and, we assume, its async callback body)."""
    return {
        id_field: user_id,
        "post_id": post_id,
        "task_id": task_id,
        "triggered_rules": [{"rule_id": r.id, "rule_name": r.name} for r in triggered],
    }


def dashboard_v1_async_ack(
    id_field: IdField, user_id: str, post_id: str, task_id: str
) -> dict[str, Any]:
    """The v1 async acknowledgement: the sync answer's ids, without triggered_rules."""
    return {id_field: user_id, "post_id": post_id, "task_id": task_id}


def v2_async_ack(
    task_ids: Sequence[str],
    post_id: str,
    user_id: str,
    project_status_map: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """The v2 async acknowledgement (the example of
    https://docs.thehive.ai/docs/submit-to-thorn-api)."""
    return {
        "task_ids": list(task_ids),
        "post_id": post_id,
        "user_id": user_id,
        "project_status_map": {key: dict(value) for key, value in project_status_map.items()},
    }


def project_status(moderation_type: str, status: str, task_id: str | None = None) -> dict[str, Any]:
    """One entry of a v2 `project_status_map`, e.g. ("visual", "pending", task_id)."""
    entry: dict[str, Any] = {"moderation_type": moderation_type}
    if task_id is not None:
        entry["task_id"] = task_id
    entry["status"] = status
    return entry


def make_content_id(token: str, submitted_on: str, application_id: str, user_id: str) -> str:
    """A legacy `content_id`: `<22-char token>_<submitted ISO time>_<application>_<user>`."""
    return f"{token}_{submitted_on}_{application_id}_{user_id}"


def legacy_rule(rule: Rule, application_id: str, timestamp: str) -> dict[str, Any]:
    """A triggered rule in the long form of legacy answers."""
    return {
        "id": rule.id,
        "display_name": rule.name,
        "application_id": application_id,
        "rule_type": rule.type,
        "cardinality": 1,
        "active": True,
        "action_id": rule.action_id,
        "conditions": [{"subject": rule.condition.source}],
        "deleted": False,
        "trigger_frequency": "once",
        "created_at": timestamp,
        "updated_at": timestamp,
    }


def dashboard_legacy(
    *,
    user_id: str,
    post_id: str,
    task_id: str,
    content_id: str,
    triggered: Sequence[Rule],
    analysis: Analysis,
    created_on: str,
    rules_timestamp: str,
    input_created_on: str | None = None,
    application_id: str = DEFAULT_APPLICATION_ID,
    project_id: int = DEFAULT_PROJECT_ID,
    account_id: int = DEFAULT_ACCOUNT_ID,
) -> dict[str, Any]:
    """The `?legacy=1` answer. The submitter is always `patron_id` here: `user_id` is Hive's
    numeric account id, as in the seed's example."""
    response = model_response(
        analysis,
        task_id=task_id,
        created_on=input_created_on or created_on,
        project_id=project_id,
        account_id=account_id,
    )
    return {
        "content_id": content_id,
        "patron_id": user_id,
        "post_id": post_id,
        "task_id": task_id,
        "triggered_rules": [legacy_rule(r, application_id, rules_timestamp) for r in triggered],
        "id": task_id,
        "code": 200,
        "project_id": project_id,
        "user_id": account_id,
        "created_on": created_on,
        "status": [{"status": dict(SUCCESS), "response": response}],
        "from_cache": False,
    }


def models_task(
    *,
    task_id: str,
    analysis: Analysis,
    created_on: str,
    sync: bool = True,
    callback_url: str | None = None,
    metadata: Any = None,
    project_id: int = DEFAULT_PROJECT_ID,
    account_id: int = DEFAULT_ACCOUNT_ID,
    from_cache: bool = False,
) -> dict[str, Any]:
    """The Models API task object: the sync answer (with `code` and `user_id`) or, with
    `sync=False`, the body POSTed to `callback_url` (with `callback` and `metadata`)."""
    response = model_response(
        analysis,
        task_id=task_id,
        created_on=created_on,
        project_id=project_id,
        account_id=account_id,
    )
    task: dict[str, Any] = {"id": task_id}
    if sync:
        task.update(code=200, project_id=project_id, user_id=account_id)
    else:
        task.update(project_id=project_id, callback=callback_url, metadata=metadata)
    task["created_on"] = created_on
    task["status"] = [{"status": dict(SUCCESS), "response": response}]
    task["from_cache"] = from_cache
    return task


def model_response(
    analysis: Analysis, *, task_id: str, created_on: str, project_id: int, account_id: int
) -> dict[str, Any]:
    """The `status[0].response` object: `input` plus the model's results."""
    if isinstance(analysis, TextAnalysis):
        return _text_response(analysis, task_id, created_on, project_id, account_id)
    return _visual_response(analysis, task_id, created_on, project_id, account_id)


def _text_response(
    analysis: TextAnalysis, task_id: str, created_on: str, project_id: int, account_id: int
) -> dict[str, Any]:
    text = analysis.text
    return {
        "input": {
            "hash": _md5(text),
            "inference_client_version": INFERENCE_CLIENT_VERSION,
            "model": TEXT_MODEL,
            "model_type": TEXT_MODEL_TYPE,
            "model_version": 1,
            "text": text,
            "id": task_id,
            "created_on": created_on,
            "user_id": account_id,
            "project_id": project_id,
            "charge": TEXT_CHARGE,
        },
        "custom_classes": [],
        "text_filters": [span.as_dict() for span in analysis.text_filters],
        "pii_entities": [span.as_dict() for span in analysis.pii_entities],
        "urls": [span.as_dict() for span in analysis.urls],
        "language": analysis.language,
        "moderated_classes": list(analysis.moderated_classes),
        "output": [
            {
                "time": 0,
                "start_char_index": 0,
                "end_char_index": len(text),
                "classes": [{"class": c, "score": s} for c, s in analysis.classes],
            }
        ],
    }


def _visual_response(
    analysis: VisualAnalysis, task_id: str, created_on: str, project_id: int, account_id: int
) -> dict[str, Any]:
    return {
        "input": {
            "hash": _md5(analysis.url),
            "inference_client_version": INFERENCE_CLIENT_VERSION,
            "model": VISUAL_MODEL,
            "model_type": VISUAL_MODEL_TYPE,
            "model_version": 1,
            "media": {
                "url": analysis.url,
                "type": analysis.media_type,
                "mimetype": analysis.mimetype,
                "num_frames": len(analysis.frames),
            },
            "id": task_id,
            "created_on": created_on,
            "user_id": account_id,
            "project_id": project_id,
            "charge": round(FRAME_CHARGE * len(analysis.frames), 6),
        },
        "output": [
            {"time": frame.time, "classes": frame.class_list()} for frame in analysis.frames
        ],
    }


def _md5(value: str) -> str:
    return hashlib.md5(value.encode(), usedforsecurity=False).hexdigest()
