"""Echo's item: a message sent for review, and what its reviewer decided."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Message:
    id: str
    text: str
    created_at: str
    status: str = "pending"
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "status": self.status,
            "created_at": self.created_at,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at,
            "reason": self.reason,
        }
