"""A Hive task's statuses (as the control plane shows them) and its webhook events, declared
once.

A task is `processing` until its result is ready, then `completed`; once in the Review Feed its
review's status is shown instead: `pending` (a moderator's turn), then `decided` or `dismissed`
(`HiveState.status_of`). A decided task can be reviewed again from the Content Feed
(https://docs.thehive.ai/docs/actions), so no status is final. Events: an async task's result
POSTed to its `callback_url` (`task.callback`); a Dashboard action's callback is
`action.<its name>`, named by the scenario (https://docs.thehive.ai/docs/actions).
"""

from __future__ import annotations

from typing import Final

from mockserver.kit.lifecycle import Lifecycle, Status

CALLBACK_EVENT: Final = "task.callback"
ACTION_EVENT_PREFIX: Final = "action."

LIFECYCLE: Final = Lifecycle(
    Status("processing", "the task's result is not ready yet"),
    Status("completed", "answered; not in the Review Feed"),
    Status("pending", "in the Review Feed, waiting for a moderator", waiting=True),
    Status("decided", "a moderator chose actions"),
    Status("dismissed", "a moderator dismissed it"),
    extra_events=(CALLBACK_EVENT,),
)
