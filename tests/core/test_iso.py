"""`iso`, the form of every time the sandbox shows, written as the plain formatting would write
it for any timestamp the clock can hold (its per-second text is kept, its milliseconds are
looked up: neither may change a character)."""

from __future__ import annotations

import math
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.records.clock import EARLIEST, LATEST, Clock, iso


def plain_iso(ts: float) -> str:
    whole = math.floor(ts)
    millis = int((ts - whole) * 1000)
    t = time.gmtime(whole)
    stamp = (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
        f"T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"
    )
    return f"{stamp}.{millis:03d}Z" if millis else f"{stamp}Z"


@settings(max_examples=2000)
@given(
    st.one_of(
        st.floats(min_value=EARLIEST, max_value=LATEST),
        st.floats(min_value=1.7e9, max_value=1.9e9),  # now-ish, where the clock mostly is
        st.integers(min_value=0, max_value=int(LATEST)),
        st.floats(min_value=-2.0, max_value=2.0),
    )
)
def test_iso_writes_what_plain_formatting_writes(ts: float) -> None:
    assert iso(ts) == plain_iso(ts)


def test_iso_stays_right_past_its_kept_seconds() -> None:
    # more distinct seconds than it keeps, each seen twice (once kept, once after the clearing)
    stamps = [1_767_225_600 + 7 * n + n / 8192 for n in range(10_000)]
    for ts in stamps + stamps:
        assert iso(ts) == plain_iso(ts)


def test_iso_of_a_hair_below_zero_is_what_it_always_was() -> None:
    assert iso(-1e-17) == "1969-12-31T23:59:59.1000Z"
    assert iso(-0.5) == "1969-12-31T23:59:59.500Z"


async def test_now_iso_follows_each_clock() -> None:
    # it remembers the last time it wrote: two clocks, and one moving on a little
    first, second = Clock(1_767_225_600.0, "manual"), Clock(1_767_225_601.5, "manual")
    assert [first.now_iso(), second.now_iso(), first.now_iso()] == [
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:01.500Z",
        "2026-01-01T00:00:00Z",
    ]
    await first.advance(0.25)
    assert first.now_iso() == "2026-01-01T00:00:00.250Z"
