"""What Hive POSTs out: async results to `callback_url`, and Dashboard action callbacks.

Task callbacks (https://docs.thehive.ai/reference/submit-a-task-asynchronously,
https://docs.thehive.ai/docs/dashboard-api-reference): the finished task's answer, as JSON, to
the submitted `callback_url`. No signature: Hive documents none. Hive's retry schedule is
unknown; we retry network errors and non-2xx on the schedule below (a scenario's
`webhooks.retry` overrides).

Action callbacks (https://docs.thehive.ai/docs/actions): a POST to the action's Endpoint URL
with its optional static auth header, and user and post metadata as query parameters under the
names the scenario chooses (`params`). "Anything other than HTTP 200 counts as failed" and
failed actions are retried, so they use a `success_only_200` policy. Whether the Dashboard sends
a body is not documented; we send the same values as a small JSON object, which receivers may
ignore.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from mockserver.scenario.model import Reviewer
from mockserver.webhooks.deliveries import Delivery
from mockserver.webhooks.policy import RetryPolicy

from .lifecycle import ACTION_EVENT_PREFIX, CALLBACK_EVENT
from .models import HiveTask
from .scenario_model import Action, Rule

if TYPE_CHECKING:
    from mockserver.kit.vendor import VendorState
# Hive's retry schedule is undocumented ([I]): 10 s, 1 min, 5 min, 30 min, 2 h, then give up.
RETRY_SCHEDULE: Final = (10.0, 60.0, 300.0, 1800.0, 7200.0)
CALLBACK_POLICY: Final = RetryPolicy(RETRY_SCHEDULE, timeout=30.0)
ACTION_POLICY: Final = RetryPolicy(RETRY_SCHEDULE, timeout=30.0, success_only_200=True)


def send_callback(
    state: VendorState[Any], task: HiveTask, body: Mapping[str, Any]
) -> Delivery | None:
    """POST a finished async task to its callback_url (nothing when it has none), on the
    vendor's policy (`CALLBACK_POLICY`)."""
    if not task.callback_url:
        return None
    return state.webhooks.send(
        CALLBACK_EVENT, task.callback_url, json.dumps(body).encode(), subject=task.id
    )


def action_values(
    action: Action, task: HiveTask, rule: Rule | None, moderator: Reviewer | None
) -> dict[str, str]:
    """Every value an action can send, by source name (scenario_schema.PARAM_SOURCE_PATTERN)."""
    values = {
        "user_id": task.user_id,
        "post_id": task.post_id,
        "task_id": task.id,
        "rule_id": rule.id if rule else "",
        "rule_name": rule.name if rule else "",
        "action": action.name,
        "moderator": moderator.email if moderator else "",
    }
    for prefix, metadata in (("content", task.content_metadata), ("user", task.user_metadata)):
        for key, value in metadata.items():
            text = value if isinstance(value, str) else json.dumps(value)
            values[f"{prefix}.{key}"] = text
    return values


def action_url(url: str, params: Mapping[str, str], values: Mapping[str, str]) -> str:
    """The Endpoint URL with each chosen parameter appended (absent metadata is left out)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(name, values[source]) for name, source in params.items() if values.get(source)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def fire_action(
    state: VendorState[Any],
    action: Action,
    task: HiveTask,
    *,
    rule: Rule | None,
    moderator: Reviewer | None,
    trigger: str,
) -> Delivery:
    """POST one Dashboard action for a task; `trigger` is "rule" or "review"."""
    values = action_values(action, task, rule, moderator)
    body = {
        "action": action.name,
        "trigger": trigger,
        "task_id": task.id,
        "post_id": task.post_id,
        "user_id": task.user_id,
        "rule_id": rule.id if rule else None,
        "rule_name": rule.name if rule else None,
        "moderator": moderator.email if moderator else None,
        "content_metadata": task.content_metadata,
        "user_metadata": task.user_metadata,
    }
    headers = {action.header[0]: action.header[1]} if action.header else {}
    return state.webhooks.send(
        ACTION_EVENT_PREFIX + action.name,
        action_url(action.url, action.params, values),
        json.dumps(body).encode(),
        headers=headers,
        secret_headers=tuple(headers),  # an action's static header is a credential
        policy=ACTION_POLICY,
        subject=task.id,
    )
