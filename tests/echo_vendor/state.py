"""Echo's store for one world: the messages, and the scripted reviewer each one gets.

What the core needs from it (`mockserver.kit.actions.ItemStore`) is the six members at the end;
the vendor's own logic is `receive`, and `decide`, what its reviewer words do (`actions.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mockserver.kit.vendor import VendorState
from mockserver.scenario.rules import answer_fault
from mockserver.scenario.steps import Step
from tests.echo_vendor import webhooks
from tests.echo_vendor.actions import ACTIONS, MessageStore
from tests.echo_vendor.matchers import MATCHERS
from tests.echo_vendor.models import Message
from tests.echo_vendor.scenario import EchoConfig

if TYPE_CHECKING:
    from mockserver.kit.worldview import WorldView


class EchoState(VendorState):
    def __init__(self, world: WorldView, cfg: EchoConfig) -> None:
        self.world = world
        self.cfg = cfg
        self.messages: dict[str, Message] = {}
        self.problems: list[str] = []

    async def receive(self, text: str) -> Message:
        """Store a new message and schedule the first matching rule's steps; a rule starting
        with `fail` answers this call instead (after its `latency`, real time)."""
        message = Message(self.world.ids.uuid(), text, self.world.clock.now_iso())
        rule = self.world.engine.choose(
            self.cfg.rules, lambda when: MATCHERS.matches(when, message)
        )
        await answer_fault(rule, lambda _status: "Injected failure")
        self.messages[message.id] = message
        if rule is not None:
            performer = ACTIONS.performer(self, message.id)
            self.world.engine.schedule(message.id, rule.steps, performer, "echo")
        self.changed(message.id)
        return message

    def decide(self, message: Message, status: str, step: Step) -> None:
        """A reviewer's verdict (`approve` or `reject`), sent as the `message.decided` webhook."""
        message.decided_by = self.world.reviewer(step.by).email  # ValueError: unknown person
        message.status = status
        message.reason = step.args.get("reason")
        message.decided_at = self.world.clock.now_iso()
        webhooks.emit(self.world, self.cfg, message)

    # -- what the core's action table reads (mockserver.kit.actions.ItemStore) -------------------
    def find(self, item_id: str) -> Message | None:
        return self.messages.get(item_id)

    def all_items(self) -> Iterable[Message]:
        return self.messages.values()

    def status_of(self, item: Message) -> str:
        return item.status

    def item_json(self, item: Message) -> dict[str, Any]:
        return item.to_json()

    def changed(self, item_id: str) -> None:
        self.world.changed(item_id)


# The words' handlers are typed against `MessageStore`; the table cannot import this module
# (this module imports the table), so mypy checks here that this store is one.
_STORE: type[MessageStore] = EchoState
