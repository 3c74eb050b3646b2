"""A vendor's section of the scenario format: in the JSON Schema `mockserver schema` prints (as
the vendor declares it), validating a section that lists its keys, and refusing a misspelled
key with `file:line:col` as every vendor's section does."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Sequence

from mockserver.base.errors import ScenarioError
from mockserver.cli.main import main
from mockserver.kit.vendor import Vendor
from mockserver.scenario.loading.loader import parse_scenario


def printed_text() -> str:
    """What `mockserver schema` prints, for the vendors registered now (what `make schema`
    writes to scenarios/scenario.schema.json)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["schema"]) == 0
    return out.getvalue()


def printed_schema() -> dict[str, object]:
    printed: dict[str, object] = json.loads(printed_text())
    return printed


def schema_failures(vendor: Vendor, vendors: Sequence[Vendor]) -> list[str]:
    name = vendor.name
    failures = []
    properties = printed_schema()["properties"]
    assert isinstance(properties, dict)
    section = properties.get(name)
    declared = vendor.section_schema()
    if not isinstance(section, dict) or {
        k: v for k, v in section.items() if k != "description"
    } != {k: v for k, v in declared.items() if k != "description"}:
        failures.append(f"{name}: `mockserver schema` does not print its section as declared")
    keyed = f"{name}:\n  {vendor.auth.keys}: [k1]\n"
    try:
        parse_scenario(keyed, "s.yaml", vendors)
    except ScenarioError as exc:
        failures.append(f"{name}: a section listing its keys does not load: {exc.problems}")
    try:
        parse_scenario(f"{name}:\n  {vendor.auth.keys}x: []\n", "s.yaml", vendors)
        failures.append(f"{name}: a misspelled key in its section loads")
    except ScenarioError as exc:
        if not exc.problems[0].startswith(f"s.yaml:2:3: {name}.{vendor.auth.keys}x: unknown key"):
            failures.append(f"{name}: a misspelled key is reported as {exc.problems}")
    return failures
