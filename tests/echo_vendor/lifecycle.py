"""Echo's statuses and the webhook event they send, declared once: the vendor's statuses, what
waits for a reviewer, the OpenAPI description's status enum (`x-lifecycle`), the reviewer
console and the webhook's event name all derive from it."""

from __future__ import annotations

from typing import Final

from mockserver.kit.lifecycle import Lifecycle, Status

EVENT: Final = "message.decided"

LIFECYCLE: Final = Lifecycle(
    Status("pending", "waits for a reviewer", waiting=True),
    Status("approved", "a reviewer approved it", final=True, event=EVENT),
    Status("rejected", "a reviewer rejected it", final=True, event=EVENT),
)
