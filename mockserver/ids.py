"""Deterministic identifiers: every id comes from the world's seeded random source."""

from __future__ import annotations

import random
import uuid

INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class IdFactory:
    """Makes ids of each vendor's form from one seeded `random.Random`."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def object_id(self) -> str:
        """A 24-hex MongoDB-style ObjectID, as HITL.sh uses."""
        return f"{self._rng.getrandbits(96):024x}"

    def uuid(self) -> str:
        """A version-4 UUID string, as Outharm and Hive use."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def code(self, length: int, alphabet: str = INVITE_ALPHABET) -> str:
        """A short code such as HITL's 6-character loop invite code."""
        return "".join(self._rng.choice(alphabet) for _ in range(length))

    def token(self, length: int = 22) -> str:
        """A URL-safe alphanumeric token (Hive rule ids look like this)."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self._rng.choice(alphabet) for _ in range(length))
