"""The shared rule format: its JSON Schema and its parsing (the engine that plays rules out on
the virtual clock is `engine.py`, re-exported here).

Every vendor's scripted reviewers use the same shape:

    rules:
      - when: {text_contains: crypto, first: 3}     # vendor matcher keys + `first`
        then:                                       # steps, run one after the other
          - claim: {after: 30s, by: dana@example.com}
          - respond: {after: 2m, choose: Reject}
      - otherwise: [{respond: {after: 5s, choose: random}}]

`after` is measured from the previous step (from arrival for the first one). The first rule
whose `when` matches wins; `first: N` stops a rule after N matches; `otherwise` catches the rest.
Vendors contribute matcher keys and action words (`Vocabulary`); the engine is the same for all.
`fail` is a core action: the submission itself is answered with an error or delayed; `choose`
raises it (`ScriptedFault`), so the server answers it for every vendor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mockserver.base.durations import DURATION_PATTERN, parse_duration
from mockserver.scenario.engine import Engine, ScriptedFault, scripted_latency
from mockserver.scenario.steps import Rule, RuleSet, Step
from mockserver.scenario.vocabulary import Vocabulary

DURATION_SCHEMA: dict[str, Any] = {
    "description": "a duration: 30s, 2m, 1h30m, 800ms, or a number of seconds",
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": DURATION_PATTERN},
    ],
}

FAIL_SCHEMA: dict[str, Any] = {
    "status": {
        "type": "integer",
        "minimum": 400,
        "maximum": 599,
        "description": "answer the submission with this HTTP status (429, 500, 503 ...)",
    },
    "message": {"type": "string", "description": "error message in the vendor's error body"},
    "latency": {
        **DURATION_SCHEMA,
        "description": "a duration like 800ms or 2s to delay the answer by (real time)",
    },
}


# Not mutated: the scenario JSON Schema is data, built when the vendors' modules are imported,
# before mutmut switches a mutant on, so no test can see a mutant here (issue 18). What it
# builds is checked instead: tests/core/test_scenario_loader.py compares the published
# scenarios/scenario.schema.json with the code, and every loader test validates against it.
# pragma: no mutate start
def _action_schema(word: str, props: Mapping[str, Any], description: str) -> dict[str, Any]:
    properties = {
        "after": {
            **DURATION_SCHEMA,
            "description": "a duration like 30s, 2m or 1h to wait after the previous step",
        },
        "by": {"type": "string", "description": "reviewer e-mail or name ('random' to pick)"},
        **props,
    }
    return {
        "description": description,
        "anyOf": [
            {"type": "null"},
            {"type": "object", "additionalProperties": False, "properties": properties},
        ],
    }


def rules_schema(vocabulary: Vocabulary, what: str) -> dict[str, Any]:
    """JSON Schema for a rule list built from a vendor's vocabulary."""
    actions = {"fail": FAIL_SCHEMA, **vocabulary.actions}
    desc = vocabulary.descriptions
    action_props = {
        word: _action_schema(word, props, desc.get(word, word)) for word, props in actions.items()
    }
    bare = sorted(vocabulary.bare_words)
    step_schema: dict[str, Any] = {
        "anyOf": [
            {"type": "string", "enum": bare, "description": "an action with no settings"},
            {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 1,
                "additionalProperties": False,
                "properties": action_props,
                "description": "one action word with its settings",
            },
        ]
    }
    steps_schema: dict[str, Any] = {
        "description": "what happens: one step, or a list run in order",
        "anyOf": [
            {"type": "array", "items": step_schema},
            step_schema,
        ],
    }
    when_schema = {
        "type": "object",
        "additionalProperties": False,
        "description": f"which {what} this rule applies to; all keys must match",
        "properties": {
            "first": {
                "type": "integer",
                "minimum": 1,
                "description": "apply to the first N that match, then let later rules decide",
            },
            **vocabulary.when,
        },
    }
    rule = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "description": "a label for logs"},
            "when": when_schema,
            "then": steps_schema,
            "otherwise": steps_schema,
        },
    }
    return {"type": "array", "items": rule, "description": f"scripted handling of {what}"}


# pragma: no mutate end


def parse_steps(data: Any, where: Callable[[tuple[str | int, ...]], str]) -> tuple[Step, ...]:
    """Steps from a schema-valid `then`/`otherwise` value."""
    items = data if isinstance(data, list) else [data]
    steps: list[Step] = []
    for i, item in enumerate(items):
        path: tuple[str | int, ...] = (i,) if isinstance(data, list) else ()
        if isinstance(item, str):
            steps.append(Step(item, {}, 0.0, None, where(path)))
            continue
        ((word, args),) = item.items()
        args = dict(args or {})
        after = parse_duration(args.pop("after", 0))
        by = args.pop("by", None)
        steps.append(Step(word, args, after, by, where((*path, word))))
    return tuple(steps)


def parse_rules(
    name: str, data: list[Any] | None, where: Callable[[tuple[str | int, ...]], str]
) -> RuleSet:
    """A RuleSet from a schema-valid rule list; `where(path)` gives file:line for a sub-path."""
    rules: list[Rule] = []
    for i, raw in enumerate(data or []):
        when = dict(raw.get("when") or {})
        first = when.pop("first", None)
        otherwise = "otherwise" in raw
        body = raw["otherwise"] if otherwise else raw.get("then", [])
        key = "otherwise" if otherwise else "then"

        def at(p: tuple[str | int, ...], i: int = i, key: str = key) -> str:
            return where((i, key, *p))

        steps = parse_steps(body, at)
        rules.append(Rule(when, steps, first, otherwise, where((i,))))
    return RuleSet(name, tuple(rules))


__all__ = [
    "DURATION_SCHEMA",
    "Engine",
    "Rule",
    "RuleSet",
    "ScriptedFault",
    "Step",
    "parse_rules",
    "parse_steps",
    "scripted_latency",
]
