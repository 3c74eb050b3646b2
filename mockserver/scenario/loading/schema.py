"""The JSON Schema of the scenario format, assembled from the core part and each vendor's section.

The same schema validates files at load time and is published as `scenarios/scenario.schema.json`
for editors (a test keeps the published copy in step with the code).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mockserver.kit.variants import VariantRegistry
from mockserver.kit.vendor import Vendor
from mockserver.records.clockmodes import SCHEMA as CLOCK_SCHEMA
from mockserver.scenario.rules import DURATION_SCHEMA

SCHEMA_ID = "https://mockserver.dev/scenario.schema.json"

REVIEWER_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["email"],
            "properties": {
                "name": {"type": "string", "description": "display name"},
                "email": {"type": "string", "description": "e-mail; rules refer to it with `by`"},
                "id": {"type": "string", "pattern": "^[0-9a-f]{24}$", "description": "user id"},
            },
        },
        {
            "type": "string",
            "pattern": r"^\s*\d+\s+generated\s*$",
            "description": "'3 generated': names and e-mails from Faker, seeded",
        },
    ]
}

HTTP_FAULT_PROPS: dict[str, Any] = {
    "vendor": {"type": "string", "description": "only calls to this vendor"},
    "method": {"type": "string", "description": "only this HTTP method"},
    "path": {"type": "string", "description": "only paths matching this glob, e.g. /v1/api/*"},
    "status": {"type": "integer", "minimum": 400, "maximum": 599, "description": "answer status"},
    "message": {"type": "string", "description": "error message in the vendor's body"},
    "latency": {
        **DURATION_SCHEMA,
        "description": "a duration like 800ms: extra real-time delay before answering",
    },
    "times": {"type": "integer", "minimum": 1, "description": "stop after this many calls"},
}

WEBHOOK_FAULT_PROPS: dict[str, Any] = {
    "webhook": {"type": "string", "description": "receiver URL (glob) whose answers to fake"},
    "answers": {
        "type": "array",
        "minItems": 1,
        "items": {"anyOf": [{"type": "integer"}, {"enum": ["timeout", "reset"]}]},
        "description": "what the receiver 'answers' to successive attempts, then real delivery",
    },
}


def scenario_schema(vendors: Iterable[Vendor]) -> dict[str, Any]:
    vendors = tuple(vendors)
    properties: dict[str, Any] = {
        "$schema": {"type": "string", "description": "path or URL of this schema, for editors"},
        "name": {"type": "string", "description": "scenario name (default: the file name)"},
        "description": {"type": "string"},
        "seed": {"type": "integer", "description": "same seed, same ids, names, random choices"},
        "clock": CLOCK_SCHEMA,
        "start": {
            "type": "string",
            "format": "date-time",
            "description": "virtual start time, e.g. 2026-01-01T09:00:00Z (default: now)",
        },
        "reviewers": {
            "type": "array",
            "items": REVIEWER_SCHEMA,
            "description": "simulated reviewers: {name, email} entries or 'N generated'",
        },
        "webhooks": {
            "type": "object",
            "additionalProperties": False,
            "description": "delivery settings shared by every vendor's webhooks",
            "properties": {
                "retry": {
                    "type": "array",
                    "items": DURATION_SCHEMA,
                    "description": "waits between attempts (default: the vendor's schedule)",
                },
                "timeout": {
                    **DURATION_SCHEMA,
                    "description": "a duration like 30s: per-attempt timeout",
                },
            },
        },
        "faults": {
            "type": "array",
            "description": "injected failures on API calls or webhook receivers",
            "items": {
                "anyOf": [
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["webhook"],
                        "properties": WEBHOOK_FAULT_PROPS,
                    },
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": HTTP_FAULT_PROPS,
                    },
                ]
            },
        },
    }
    properties["variants"] = VariantRegistry(
        v for vendor in vendors for v in vendor.variants
    ).schema()
    for vendor in vendors:
        section = dict(vendor.section_schema())
        section.setdefault("description", f"{vendor.title}: keys, fixtures and scripted reviewers")
        properties[vendor.name] = section
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "mockserver scenario",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
