"""An Outharm submission's statuses (as the control plane shows them) and its webhook events,
declared once.

Outharm's API has no submission status: these are the sandbox's, for the control plane and the
reviewer console (`Submission.status` computes which applies). A decided review sends
`moderation.manual.completed` (https://outharm.com/docs/api/webhooks), or, for a prediction of
the earlier API generation, `moderation-completed` (github.com/deswif/outharm-demo
src/handers/outharmWebhook.ts @2c0b50a).
"""

from __future__ import annotations

from typing import Final

from mockserver.kit.lifecycle import Lifecycle, Status
from mockserver.vendors.outharm.scoring import MANUAL_COMPLETED

LEGACY_COMPLETED: Final = "moderation-completed"

LIFECYCLE: Final = Lifecycle(
    Status("scored", "scored automatically, never queued for a person"),
    Status("queued", "waits for a moderator's verdict", waiting=True),
    Status(
        "completed",
        "a moderator decided (an appeal queues it again)",
        event=MANUAL_COMPLETED,
    ),
    extra_events=(LEGACY_COMPLETED,),
)
