"""The ids a world makes: each vendor's form, from the world's seeded random source."""

from __future__ import annotations

import random
import re

from mockserver.base.ids import IdFactory

OBJECT_ID = re.compile(r"[0-9a-f]{24}")


def test_object_ids_are_the_seeds_96_bits_in_24_lower_case_hex_digits() -> None:
    """A HITL ObjectID is the next 96 random bits of the seeded source, zero-padded (the same
    ids for the same seed, whatever the formatting code), and any bits may come out."""
    seed = 20_261_207
    ids = IdFactory(random.Random(seed))
    bits = random.Random(seed)
    made = [ids.object_id() for _ in range(2_000)]
    assert made == [format(bits.getrandbits(96), "024x") for _ in range(2_000)]
    assert all(OBJECT_ID.fullmatch(one) for one in made)
    small = IdFactory(random.Random(seed))
    small._rng.getrandbits = lambda k: 0xABC  # type: ignore[method-assign]
    assert small.object_id() == "000000000000000000000abc"
