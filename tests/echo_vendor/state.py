"""Echo's store for one world: the messages, and the scripted reviewer each one gets.

What the core needs from it (`mockserver.kit.vendor.VendorState`) is the members at the end;
the vendor's own logic is `receive`, and `decide`, what its reviewer words do (`actions.py`).
The core gives it `world`, `cfg` (its scenario section), `lifecycle` and `webhooks`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mockserver.kit.vendor import VendorState
from mockserver.scenario.steps import Step

from . import webhooks
from .actions import ACTIONS, MessageStore
from .matchers import MATCHERS
from .models import Message
from .scenario import EchoConfig

if TYPE_CHECKING:
    from mockserver.kit.vendor import Vendor
    from mockserver.kit.worldview import WorldView


class EchoState(VendorState[EchoConfig]):
    def __init__(self, world: WorldView, vendor: Vendor) -> None:
        super().__init__(world, vendor)
        self.messages: dict[str, Message] = {}

    def receive(self, text: str) -> Message:
        """Store a new message and schedule the first matching rule's steps (a rule starting
        with `fail` answers this call instead: `choose` raises it, the core answers it)."""
        message = Message(self.world.ids.uuid(), text, self.world.clock.now_iso())
        rule = self.world.engine.choose(
            self.cfg.rules, lambda when: MATCHERS.matches(when, message)
        )
        self.messages[message.id] = message
        if rule is not None:
            performer = ACTIONS.performer(self)
            self.world.engine.schedule(message.id, rule.steps, performer, self.vendor.name)
        return message

    def decide(self, message: Message, status: str, step: Step) -> None:
        """A reviewer's verdict (`approve` or `reject`), sent as its status's webhook event."""
        message.decided_by = self.world.reviewer(step.by).email  # ValueError: unknown person
        message.status = status
        message.reason = step.args.get("reason")
        message.decided_at = self.world.clock.now_iso()
        webhooks.emit(self, message)

    # -- what the core reads (mockserver.kit.vendor.VendorState) --------------------------------
    def find(self, item_id: str) -> Message | None:
        return self.messages.get(item_id)

    def all_items(self) -> Iterable[Message]:
        return self.messages.values()

    def status_of(self, item: Message) -> str:
        return item.status

    def summary(self, item: Message) -> str:
        return item.text[:80]

    def item_json(self, item: Message) -> dict[str, Any]:
        return item.to_json()


# The words' handlers are typed against `MessageStore`; the table cannot import this module
# (this module imports the table), so mypy checks here that this store is one.
_STORE: type[MessageStore] = EchoState
