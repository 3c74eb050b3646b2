"""Outharm rules that `mockserver validate` reports all at once (the loader stops at the first):
every problem `vocabulary.manual_problems` finds in the `manual` reviewer rules - bad regexes,
components no schema has, `uphold` together with `harmful`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.scenario.context import SectionContext
from mockserver.vendors.outharm.config import DEFAULT_SCHEMA
from mockserver.vendors.outharm.vocabulary import manual_problems


def check_section(data: Mapping[str, Any], ctx: SectionContext) -> list[str]:
    """Problems with the manual rules of a schema-valid `outharm:` section."""
    schemas = data.get("schemas")
    components: dict[str, set[str]] = {}
    for schema in schemas if schemas is not None else [{"components": DEFAULT_SCHEMA.components}]:
        for name, kind in (schema.get("components") or {}).items():
            components.setdefault(name, set()).add(str(kind))
    return [
        line
        for path, message in manual_problems(data.get("manual"), components)
        for line in ctx.fail(("manual", *path), message).problems
    ]
