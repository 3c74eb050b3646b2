"""Echo's reviewer words. Adding one is one entry here and its handler: the scenario schema,
`mockserver validate`, the control plane's `act`, each item's `actions` and the "step skipped"
notes all follow from this table. A scripted step whose message was decided by hand first
is skipped and noted (`GET /_mockserver/scenario` lists it under `problems`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from mockserver.kit.actions import Action, ActionTable, ItemStore
from mockserver.kit.lifecycle import WAITING
from mockserver.scenario.steps import Step

if TYPE_CHECKING:
    from .models import Message


class MessageStore(ItemStore, Protocol):
    """What the words do to the store (`state.EchoState`, which imports this table and is
    checked against this protocol there)."""

    def decide(self, message: Message, status: str, step: Step) -> None: ...


def _decide(status: str) -> Callable[[MessageStore, Message, Step], None]:
    def handler(state: MessageStore, message: Message, step: Step) -> None:
        state.decide(message, status, step)

    return handler


ACTIONS = ActionTable(
    [
        Action("approve", "approve the message", _decide("approved"), applies_from=WAITING),
        Action(
            "reject",
            "reject the message, optionally saying why",
            _decide("rejected"),
            schema={"reason": {"type": "string", "description": "why, sent in the webhook"}},
            applies_from=WAITING,
        ),
    ],
    kind="message",
    missing=lambda message_id: "Message not found",
)
