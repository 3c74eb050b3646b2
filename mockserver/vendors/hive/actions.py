"""The words a Review Feed moderator has, as the core's action table (`mockserver/kit/actions.py`).

An item reaches the Review Feed when a triggered Dashboard rule has `action: review`, or when a
user report names its post or user
(https://docs.thehive.ai/docs/submit-user-reports-to-the-dashboard,
https://docs.thehive.ai/docs/actions). A moderator then `decide`s (each chosen Dashboard
action's callback is POSTed) or `dismiss`es; scripted by the scenario's `hive.review`, or sent
by a tester through the control plane:

    review:
      - when: {rule: Send to Review Feed, if: "bullying >= 3"}
        then: {decide: {after: 10m, action: ban_user, by: dana@example.com}}
      - otherwise: {dismiss: {after: 1h}}

A completed Dashboard task that is not in the Review Feed is acted on from the Content Feed
(https://docs.thehive.ai/docs/actions), and a decided one can be decided again, so both words
apply from every status but `processing`. A Models API task has no Review Feed: the state
refuses it (409).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Protocol

from mockserver.kit.actions import Action, ActionTable, ItemStore
from mockserver.scenario.steps import Step

from .lifecycle import LIFECYCLE

if TYPE_CHECKING:
    from .models import HiveTask

DECIDE: Final = "decide"
DISMISS: Final = "dismiss"

# Every status but `processing` (lifecycle.py).
REVIEWABLE: Final = frozenset(LIFECYCLE.names) - {"processing"}

_STR_OR_LIST: Final[dict[str, Any]] = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ]
}
_NOTE: Final[dict[str, Any]] = {
    "type": "string",
    "description": "a moderator note, shown on the item",
}


class TaskStore(ItemStore, Protocol):
    """What the words do to the store (`state.HiveState`, which imports this table and is
    checked against this protocol there)."""

    def decide(self, task: HiveTask, step: Step) -> None: ...

    def dismiss(self, task: HiveTask, step: Step) -> None: ...


def _still_processing(task: HiveTask, _status: str) -> str:
    return f"task {task.id} is still processing"


def _decide(state: TaskStore, task: HiveTask, step: Step) -> None:
    state.decide(task, step)


def _dismiss(state: TaskStore, task: HiveTask, step: Step) -> None:
    state.dismiss(task, step)


ACTIONS: Final = ActionTable(
    [
        Action(
            DECIDE,
            "a moderator takes Dashboard action(s): each action's callback is POSTed",
            _decide,
            schema={
                "action": {
                    **_STR_OR_LIST,
                    "description": "the Dashboard action(s) the moderator takes: "
                    "names in hive.actions",
                },
                "note": _NOTE,
            },
            applies_from=REVIEWABLE,
            refusal=_still_processing,
            bare=False,
        ),
        Action(
            DISMISS,
            "a moderator leaves the post up: the item closes and no action fires",
            _dismiss,
            schema={"note": _NOTE},
            applies_from=REVIEWABLE,
            refusal=_still_processing,
        ),
    ],
    kind="task",
    missing=lambda task_id: f"no Hive task {task_id!r}",
)
