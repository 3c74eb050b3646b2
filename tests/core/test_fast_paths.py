"""The fast paths behave as the slow ones did: orjson body parsing gives the standard library's
values and errors, and the serving process's GC policy still frees a dropped world."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap
import weakref

import pytest

from mockserver.base import jsonio

BODIES = [
    b'{"a": 1, "b": [true, null, 0.1, -0], "c": "\\u00e9"}',
    b'{"big": 123456789012345678901234567890, "neg": -9223372036854775809}',
    b'{"id": "12345678901234567890123", "n": 18446744073709551615}',
    b'{"nan": NaN, "inf": -Infinity}',
    b'"\\ud83d\\ude00"',  # a pair; a lone surrogate becomes U+FFFD (test_jsonio_text.py)
    b'{"a": 1, "a": 2}',
    '{"utf16": "x"}'.encode("utf-16"),
    b'{"deep": ' + b"[" * 50 + b"]" * 50 + b"}",
]


@pytest.mark.parametrize("raw", BODIES)
def test_loads_gives_the_standard_librarys_values(raw: bytes) -> None:
    got, want = jsonio.loads(raw), json.loads(raw)
    assert repr(got) == repr(want)  # repr: NaN != NaN, and 1 == 1.0 would hide a float


@pytest.mark.parametrize("raw", [b"", b"{", b'{"a": }', b"\xff\xfe\xfd", b"[1,]"])
def test_loads_refuses_what_the_standard_library_refuses(raw: bytes) -> None:
    with pytest.raises(ValueError) as want:
        json.loads(raw)
    with pytest.raises(ValueError) as got:
        jsonio.loads(raw)
    assert type(got.value) is type(want.value)


def test_frozen_long_lived_objects_are_freed_once_their_world_is_dropped() -> None:
    # In a subprocess: the policy changes the process-wide collector.
    script = textwrap.dedent(
        """
        import gc, weakref
        from mockserver.base import gcpolicy

        class World:  # a dropped world is a reference cycle
            pass

        gcpolicy.tune()
        world = World()
        world.self = world
        gone = weakref.ref(world)
        gc.collect()  # world survives a full collection: frozen from now on
        assert gc.get_freeze_count() > 0
        del world
        gc.collect()
        assert gone() is not None, "frozen objects are not walked"
        gcpolicy.thaw()  # what the collection after a reset or drop does first
        gc.collect()
        assert gone() is None, "a thawed cycle is freed"
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


async def test_a_reset_releases_the_old_worlds_store() -> None:
    from mockserver.http.app import build_app
    from mockserver.http.appkeys import WORLDS
    from mockserver.http.settings import Settings
    from mockserver.registry import VENDORS
    from mockserver.scenario.loading.library import ScenarioLibrary
    from mockserver.scenario.loading.loader import parse_scenario

    text = "name: t\nclock: real\nhitl:\n  loops: [{id: 65f1234567890abcdef12345, name: L}]\n"
    scenario = parse_scenario(text, "t.yaml", VENDORS)
    app = build_app(Settings(), VENDORS, ScenarioLibrary(default=scenario))
    worlds = app[WORLDS]
    state = worlds.get().state("hitl")
    # a pending timeout timer holds the store, as every stored request's does
    state.world.clock.call_at_with(state.world.clock.timestamp() + 60, state._expire, "x", "t")
    gone = weakref.ref(state)
    del state
    await worlds.reset()
    gc.collect()
    assert gone() is None, "the old store outlived its reset"
    await worlds.close_all()
