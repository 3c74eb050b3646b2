"""Echo's reviewer words. Adding one is one entry here and its handler: the scenario schema,
`mockserver validate`, the control plane's `act`, each item's `actions` and the "step skipped"
notes all follow from this table. A scripted step whose message was decided by hand first
is skipped and noted (`GET /_mockserver/scenario` lists it under `problems`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mockserver.kit.actions import Action, ActionTable
from mockserver.scenario.steps import Step
from tests.echo_vendor import webhooks

if TYPE_CHECKING:
    from tests.echo_vendor.state import EchoState, Message

PENDING = frozenset({"pending"})


def _decide(status: str) -> Callable[[EchoState, Message, Step], None]:
    def handler(state: EchoState, message: Message, step: Step) -> None:
        message.decided_by = state.world.reviewer(step.by).email  # ValueError: unknown person
        message.status = status
        message.reason = step.args.get("reason")
        message.decided_at = state.world.clock.now_iso()
        webhooks.emit(state, message)

    return handler


ACTIONS = ActionTable(
    [
        Action("approve", "approve the message", _decide("approved"), applies_from=PENDING),
        Action(
            "reject",
            "reject the message, optionally saying why",
            _decide("rejected"),
            schema={"reason": {"type": "string", "description": "why, sent in the webhook"}},
            applies_from=PENDING,
        ),
    ],
    kind="message",
    missing=lambda message_id: "Message not found",
)
