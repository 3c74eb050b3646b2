"""The embedded default scenario: with `make run`, a request completes within seconds of real
time with a plausible answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver.base.errors import ScenarioError
from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.kit.vendor import ScenarioSection, Vendor
from mockserver.registry import VENDORS, register, vendors
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import load_default
from mockserver.scenario.sectionfile import SectionFile
from mockserver.scenario.vocabulary import Vocabulary
from mockserver.scenario.yamlsource import load_yaml
from tests.minimal_vendor import minimal

from .conftest import AUTH, advance, create_loop, create_request, get_request

ROOT = Path(__file__).resolve().parents[2]


async def test_default_scenario_decides_a_request_within_seconds(
    aiohttp_client: Callable[..., Awaitable[TestClient[web.Request, web.Application]]],
) -> None:
    """Its reviewers claim within a second and answer two seconds later (README, Quickstart),
    on the real clock. Timed here on a manual clock (`--clock manual`) with the same virtual
    seconds, so a slow machine cannot make the test late."""
    library = ScenarioLibrary.load(VENDORS, None)
    assert library.default.clock == "real"
    client = await aiohttp_client(build_app(Settings(clock="manual"), VENDORS, library))
    loop_id = await create_loop(client)
    rid = (await create_request(client, loop_id, "Is this comment OK?"))["request_id"]
    await advance(client, "3s")
    req = await get_request(client, rid)
    assert req["status"] == "completed"
    assert req["response_data"] in ("Approve", "Reject")
    assert req["claimed_by"] is not None
    assert req["response_time_seconds"] <= 3
    assert (await client.get("/v1/test", headers=AUTH)).status == 200


def _tiny(default: SectionFile) -> Vendor:
    """A vendor of this test only, whose default section comes from a file."""

    def schema(words: Vocabulary) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"n": {"type": "integer"}, "keys": {"type": "array"}},
        }

    section = ScenarioSection(schema, lambda data, ctx: data, default=default)
    return minimal(name="tiny", title="Tiny", path_prefixes=("/tiny/",), section=section)


def test_the_default_is_composed_from_each_vendors_section(tmp_path: Path) -> None:
    """The core's file names no vendor; each vendor's section comes from its own folder."""
    core = yaml.safe_load((ROOT / "mockserver" / "data" / "default.yaml").read_text())
    assert not set(core) & {v.name for v in vendors()}
    good = tmp_path / "good.yaml"
    good.write_text("# the tiny default\nn: 3\n")
    with register(_tiny(SectionFile(*load_yaml(good.read_text(), str(good))))):
        scenario = load_default(vendors())
    assert scenario.section("tiny") == {"n": 3}
    assert scenario.section("hitl").rules.rules, "HITL's default section is there too"


def test_a_broken_default_section_is_reported_in_its_own_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("# the tiny default\n\nn: many\n")
    with (
        register(_tiny(SectionFile(*load_yaml(bad.read_text(), str(bad))))),
        pytest.raises(ScenarioError) as caught,
    ):
        load_default(vendors())
    assert caught.value.problems == [f"{bad}:3:4: tiny.n: expected a whole number, got text"]
