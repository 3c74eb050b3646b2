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
        """A 24-hex MongoDB-style ObjectID, as HITL.sh uses: 96 random bits, big-endian, in
        lower-case hex (as bytes' `hex()`: twice as fast as formatting the int, every create)."""
        return self._rng.getrandbits(96).to_bytes(12, "big").hex()

    def uuid(self) -> str:
        """A version-4 UUID string, as Outharm and Hive use."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def uuid1(self, timestamp: float) -> str:
        """A version-1 (time-based) UUID for `timestamp`, with seeded clock sequence and node,
        as Hive's task ids are (https://docs.thehive.ai/docs/dashboard-api-reference
        `538e5b30-4d7a-11ec-...`)."""
        ticks = int((timestamp + 12219292800) * 10_000_000)  # 100 ns since 1582-10-15
        fields = (
            ticks & 0xFFFFFFFF,
            (ticks >> 32) & 0xFFFF,
            ((ticks >> 48) & 0x0FFF) | 0x1000,
            0x80 | self._rng.getrandbits(6),
            self._rng.getrandbits(8),
            self._rng.getrandbits(48),
        )
        return str(uuid.UUID(fields=fields))

    def code(self, length: int, alphabet: str = INVITE_ALPHABET) -> str:
        """A short code such as HITL's 6-character loop invite code."""
        return "".join(self._rng.choice(alphabet) for _ in range(length))

    def token(self, length: int = 22) -> str:
        """A URL-safe alphanumeric token (Hive rule ids look like this)."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self._rng.choice(alphabet) for _ in range(length))
